import { Op } from '../protocol';
import type { Channel as ChannelApi } from './api-types';
import type { SessionLink } from './session-link';

/** A channel joined (or being joined) through Session.channelJoin(name). */
export class Channel implements ChannelApi {
  onChannelJoined: ChannelApi['onChannelJoined'] = null;
  onChannelJoinFailed: ChannelApi['onChannelJoinFailed'] = null;
  onChannelLeaved: ChannelApi['onChannelLeaved'] = null;
  onChannelUserJoined: ChannelApi['onChannelUserJoined'] = null;
  onChannelUserLeaved: ChannelApi['onChannelUserLeaved'] = null;
  onChannelUserList: ChannelApi['onChannelUserList'] = null;
  onChannelAttrUpdated: ChannelApi['onChannelAttrUpdated'] = null;
  onMessageChannelReceive: ChannelApi['onMessageChannelReceive'] = null;

  constructor(private readonly link: SessionLink, readonly name: string) {}

  messageChannelSend(msg: string, cb?: () => void): void {
    this.link.request(Op.MsgChannel, [this.name, String(msg ?? '')], 'messageChannelSend', () => cb?.());
  }

  channelLeave(cb?: () => void): void {
    this.link.request(Op.ChannelLeave, [this.name], 'channelLeave', () => cb?.());
  }

  channelSetAttr(name: string, value: string, cb?: () => void): void {
    this.link.request(Op.ChannelSetAttr, [this.name, String(name ?? ''), String(value ?? '')], 'channelSetAttr', () => cb?.());
  }

  channelDelAttr(name: string, cb?: () => void): void {
    this.link.request(Op.ChannelDelAttr, [this.name, String(name ?? '')], 'channelDelAttr', () => cb?.());
  }

  channelClearAttr(cb?: () => void): void {
    this.link.request(Op.ChannelClearAttr, [this.name], 'channelClearAttr', () => cb?.());
  }

  /** Called by the session for the events of this channel. */
  emit(name: keyof ChannelApi & `on${string}`, ...args: unknown[]): void {
    this.link.fire(this, name, args);
  }
}
