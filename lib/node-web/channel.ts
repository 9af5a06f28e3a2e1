// The Web object model's Channel: the channel a Session joined with channelJoin(name).
import type { InstanceBridge } from './instance-bridge';
import { fire, optionalFunction, requireString } from './fire';

type Done = () => void;

export class Channel {
  onChannelJoined?: () => void;
  onChannelJoinFailed?: (ecode: number) => void;
  onChannelLeaved?: (ecode: number) => void;
  onChannelUserJoined?: (account: string, uid: number) => void;
  onChannelUserLeaved?: (account: string, uid: number) => void;
  /** The most recent (at most 200) members, oldest first, this user included. */
  onChannelUserList?: (users: Array<[string, number]>) => void;
  /** `type` "update", "del" or "clear"; also once per attribute right after joining. */
  onChannelAttrUpdated?: (name: string, value: string, type: string) => void;
  /** Every member gets every message, the sender included. */
  onMessageChannelReceive?: (account: string, uid: number, msg: string) => void;

  private leaveCallbacks: Done[] = [];

  /** @internal */
  constructor(
    private readonly bridge: InstanceBridge,
    /** The channel's name. */
    readonly name: string,
    /** @internal reports a failed channel request to the session's onError. */
    private readonly reportError: (method: string, ecode: number, desc: string) => void,
  ) {}

  /** Sends a message to the channel; `cb` runs once the server has delivered it. */
  messageChannelSend(msg: string, cb?: Done): void {
    requireString('messageChannelSend', 'msg', msg);
    const done = optionalFunction<Done>('messageChannelSend', 'cb', cb);
    this.bridge.sendChannel('messageChannelSend', this.name, msg, { onSuccess: () => done?.() });
  }

  /** Leaves the channel; `cb` runs with onChannelLeaved. */
  channelLeave(cb?: Done): void {
    const done = optionalFunction<Done>('channelLeave', 'cb', cb);
    const api = this.bridge.use('channelLeave');
    if (done !== undefined) this.leaveCallbacks.push(done);
    api.channelLeave(this.name);
  }

  /** Sets an attribute; every member (this user too) gets onChannelAttrUpdated(name, value, "update"). */
  channelSetAttr(name: string, value: string, cb?: Done): void {
    requireString('channelSetAttr', 'name', name);
    requireString('channelSetAttr', 'value', value);
    this.attrRequest('channelSetAttr', 'channel_set_attr', { channel: this.name, name, value }, cb);
  }

  /** Deletes an attribute; members get onChannelAttrUpdated(name, "", "del"). */
  channelDelAttr(name: string, cb?: Done): void {
    requireString('channelDelAttr', 'name', name);
    this.attrRequest('channelDelAttr', 'channel_del_attr', { channel: this.name, name }, cb);
  }

  /** Deletes every attribute; members get onChannelAttrUpdated("", "", "clear"). */
  channelClearAttr(cb?: Done): void {
    this.attrRequest('channelClearAttr', 'channel_clear_attr', { channel: this.name }, cb);
  }

  // The RPC form of the attribute calls answers each request, which the flat calls do not, so
  // `cb` can run exactly when the change took effect (members' updates arrive before the answer).
  private attrRequest(method: string, func: string, req: Record<string, string>, cb: unknown): void {
    const done = optionalFunction<Done>(method, 'cb', cb);
    this.bridge.invoke(method, `io.agora.signal.${func}`, JSON.stringify(req), (err, resp) => {
      if (err === '') {
        done?.();
        return;
      }
      this.reportError(method, Number(err), failureReason(resp));
    });
  }

  /** @internal */
  leaved(ecode: number): void {
    fire(this, 'onChannelLeaved', ecode);
    const callbacks = this.leaveCallbacks;
    this.leaveCallbacks = [];
    for (const cb of callbacks) cb();
  }
}

/** The `reason` of a `{"result":"failed","reason":...}` answer, or the answer itself. */
export function failureReason(resp: string): string {
  try {
    const parsed = JSON.parse(resp) as { reason?: unknown };
    if (typeof parsed.reason === 'string') return parsed.reason;
  } catch {
    // not JSON: the text is the reason
  }
  return resp;
}
