// The Web object model's Call: one invitation, made with Session.channelInviteUser2 or received
// through Session.onInviteReceived.
import type { InstanceBridge } from './instance-bridge';
import { jsonText, requireString } from './fire';

export class Call {
  /** Invitation progress; each receives the other party's or the server's `extra` text. */
  onInviteReceivedByPeer?: (extra: string) => void;
  onInviteAcceptedByPeer?: (extra: string) => void;
  onInviteRefusedByPeer?: (extra: string) => void;
  /** `ecode` (701-704) follows the seed's single argument. */
  onInviteFailed?: (extra: string, ecode: number) => void;
  onInviteEndByPeer?: (extra: string) => void;
  onInviteEndByMyself?: (extra: string) => void;
  /** A DTMF message: `extra` is `{"msgType":"DTMF","msgData":"<digits>"}`. */
  onInviteMsg?: (extra: string) => void;

  /** @internal */
  constructor(
    private readonly bridge: InstanceBridge,
    /** The channel the invitation is into. */
    readonly channelName: string,
    /** The other party: the callee for an invitation made, the caller for one received. */
    readonly peer: string,
    /** The invitation's extra as the caller sent it ("" when none). */
    readonly extra: string,
    /** @internal called when this side's answer ends the invitation. */
    private readonly onGone: (call: Call) => void,
  ) {}

  /** Accepts a received invitation; the caller gets onInviteAcceptedByPeer(extra). */
  channelInviteAccept(extra?: unknown): void {
    const text = jsonText('channelInviteAccept', 'extra', extra);
    this.bridge.use('channelInviteAccept').channelInviteAccept(this.channelName, this.peer, 0, text);
  }

  /** Refuses a received invitation; the caller gets onInviteRefusedByPeer(extra). */
  channelInviteRefuse(extra?: unknown): void {
    const text = jsonText('channelInviteRefuse', 'extra', extra);
    this.bridge.use('channelInviteRefuse').channelInviteRefuse(this.channelName, this.peer, 0, text);
    this.onGone(this);
  }

  /** Sends DTMF digits (0-9, *, #) to the other party, which gets onInviteMsg. */
  channelInviteDTMF(dtmf: string): void {
    requireString('channelInviteDTMF', 'dtmf', dtmf);
    this.bridge.use('channelInviteDTMF').channelInviteDTMF(this.channelName, this.peer, dtmf);
  }

  /**
   * Ends the invitation, answered or not: onInviteEndByMyself here, onInviteEndByPeer there.
   * The native protocol carries no end extra, so `extra` is accepted for compatibility only.
   */
  channelInviteEnd(extra?: unknown): void {
    jsonText('channelInviteEnd', 'extra', extra);
    this.bridge.use('channelInviteEnd').channelInviteEnd(this.channelName, this.peer, 0);
  }
}
