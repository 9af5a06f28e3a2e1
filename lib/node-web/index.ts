// The Web SDK's object model (Signal, Session, Channel, Call) in Node, over the native addon.
export { Signal } from './signal';
export type { SignalFactory, SignalOptions } from './signal';
export { Session, SessionStatus } from './session';
export { Channel } from './channel';
export { Call } from './call';
