/**
 * The application back end's side of MSG_APP: server code subscribes to the messages users send
 * to it, and pushes messages to users with SignalServer.pushAppMessage.
 */
import { EventEmitter } from 'node:events';

export interface AppMessage {
  /** App ID and account as UTF-8 text. */
  appId: string;
  account: string;
  uid: number;
  /** The message bytes exactly as sent. */
  msg: Buffer;
  serverMsgId: number;
}

export interface AppMessageHub {
  on(event: 'message', listener: (message: AppMessage) => void): this;
  once(event: 'message', listener: (message: AppMessage) => void): this;
  off(event: 'message', listener: (message: AppMessage) => void): this;
  emit(event: 'message', message: AppMessage): boolean;
}

export class AppMessageHub extends EventEmitter {
  /** True when some back end listens; without one MSG_APP is refused. */
  get hasListener(): boolean {
    return this.listenerCount('message') > 0;
  }
}
