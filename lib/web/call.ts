import { Op } from '../protocol';
import type { Call as CallApi } from './api-types';
import type { SessionLink } from './session-link';

/** One invitation, made (channelInviteUser2) or received (onInviteReceived). */
export class Call implements CallApi {
  onInviteReceivedByPeer: CallApi['onInviteReceivedByPeer'] = null;
  onInviteAcceptedByPeer: CallApi['onInviteAcceptedByPeer'] = null;
  onInviteRefusedByPeer: CallApi['onInviteRefusedByPeer'] = null;
  onInviteFailed: CallApi['onInviteFailed'] = null;
  onInviteEndByPeer: CallApi['onInviteEndByPeer'] = null;
  onInviteEndByMyself: CallApi['onInviteEndByMyself'] = null;
  onInviteMsg: CallApi['onInviteMsg'] = null;

  constructor(
    private readonly link: SessionLink,
    readonly channelName: string,
    readonly peer: string,
    readonly extra: string,
  ) {}

  channelInviteAccept(extra?: string): void {
    this.link.request(Op.InviteAccept, [this.channelName, this.peer, '0', extraText(extra)], 'channelInviteAccept');
  }

  channelInviteRefuse(extra?: string): void {
    this.link.request(Op.InviteRefuse, [this.channelName, this.peer, '0', extraText(extra)], 'channelInviteRefuse');
  }

  channelInviteDTMF(dtmf: string): void {
    this.link.request(Op.InviteDtmf, [this.channelName, this.peer, String(dtmf ?? '')], 'channelInviteDTMF');
  }

  channelInviteEnd(extra?: string): void {
    this.link.request(Op.InviteEnd, [this.channelName, this.peer, '0', extraText(extra)], 'channelInviteEnd');
  }

  /** Called by the session for the events of this invitation. */
  emit(name: keyof CallApi & `on${string}`, ...args: unknown[]): void {
    this.link.fire(this, name, args);
  }
}

/** An extra may be given as an object too; undefined and null mean none. */
export function extraText(extra: unknown): string {
  if (extra === undefined || extra === null) return '';
  if (typeof extra === 'string') return extra;
  return JSON.stringify(extra);
}
