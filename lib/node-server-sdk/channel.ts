// A channel of the Java Server SDK model, joined with LoginSession.channelJoin(name, cb).
import type { InstanceBridge } from '../node-web/instance-bridge';
import { requireString } from '../node-web/fire';
import type { ChannelCallback, MessageCallback, Partially } from './callbacks';
import type { LoginSession } from './login-session';

export class Channel {
  /** @internal */
  constructor(
    private readonly bridge: InstanceBridge,
    private readonly session: LoginSession,
    /** The channel's name. */
    readonly name: string,
    /** @internal */
    readonly callback: Partially<ChannelCallback>,
  ) {}

  /** Leaves the channel: onChannelLeaved here, onChannelUserLeaved at the other members. */
  channelLeave(): void {
    this.bridge.use('channelLeave').channelLeave(this.name);
  }

  /** Sets an attribute: every member gets onChannelAttrUpdated(name, value, "update"). */
  channelSetAttr(name: string, value: string): void {
    this.bridge.use('channelSetAttr').channelSetAttr(this.name, requireString('channelSetAttr', 'name', name), requireString('channelSetAttr', 'value', value));
  }

  channelDelAttr(name: string): void {
    this.bridge.use('channelDelAttr').channelDelAttr(this.name, requireString('channelDelAttr', 'name', name));
  }

  channelClearAttr(): void {
    this.bridge.use('channelClearAttr').channelClearAttr(this.name);
  }

  /** Sends a message to every member (this user too); `cb` (an addition) hears the outcome. */
  messageChannelSend(msg: string, cb?: Partially<MessageCallback>): void {
    requireString('messageChannelSend', 'msg', msg);
    this.bridge.sendChannel('messageChannelSend', this.name, msg, {
      onSuccess: () => cb?.onMessageSendSuccess?.(this.session),
      onFailure: (ecode) => cb?.onMessageSendError?.(this.session, ecode),
    });
  }
}
