// An invitation of the Java Server SDK model: made with LoginSession.channelInviteUser2 or
// received through LoginCallback.onInviteReceived.
import type { InstanceBridge } from '../node-web/instance-bridge';
import { jsonText, requireString } from '../node-web/fire';
import type { CallCallback, Partially } from './callbacks';

export class Call {
  /** @internal */
  constructor(
    private readonly bridge: InstanceBridge,
    /** The channel the invitation is into. */
    readonly channelName: string,
    /** The other party: the callee of an invitation made, the caller of one received. */
    readonly peer: string,
    /** The invitation's extra as the caller sent it. */
    readonly extra: string,
    /** The callbacks of this invitation's progress; a received Call has none until setCallback. */
    public callback: Partially<CallCallback> | null,
    private readonly onGone: (call: Call) => void,
  ) {}

  /** Sets the callbacks of a received invitation (the other party's end, DTMF messages). */
  setCallback(cb: Partially<CallCallback> | null): void {
    this.callback = cb;
  }

  channelInviteAccept(extra?: string): void {
    this.bridge.use('channelInviteAccept').channelInviteAccept(this.channelName, this.peer, 0, jsonText('channelInviteAccept', 'extra', extra));
  }

  channelInviteRefuse(extra?: string): void {
    this.bridge.use('channelInviteRefuse').channelInviteRefuse(this.channelName, this.peer, 0, jsonText('channelInviteRefuse', 'extra', extra));
    this.onGone(this);
  }

  /** Ends the invitation; the native protocol carries no end extra, so `extra` is accepted only. */
  channelInviteEnd(extra?: string): void {
    jsonText('channelInviteEnd', 'extra', extra);
    this.bridge.use('channelInviteEnd').channelInviteEnd(this.channelName, this.peer, 0);
  }

  /** Sends DTMF digits to the other party (an addition; the Web model has it too). */
  channelInviteDTMF(dtmf: string): void {
    requireString('channelInviteDTMF', 'dtmf', dtmf);
    this.bridge.use('channelInviteDTMF').channelInviteDTMF(this.channelName, this.peer, dtmf);
  }
}
