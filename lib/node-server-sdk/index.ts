// The Java Server SDK's object model in Node: many Signals per process, many LoginSessions per
// Signal, over the native addon.
export { Signal } from './signal';
export type { SignalOptions } from './signal';
export { LoginSession } from './login-session';
export { Channel } from './channel';
export { Call } from './call';
export { LoginStatus } from './login-status';
export { CallCallback, ChannelCallback, LoginCallback, MessageCallback, UserAttrCallback } from './callbacks';
export type { Partially } from './callbacks';
