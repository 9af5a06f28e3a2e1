export type { MaybePromise } from './maybe-promise';
export { isPromise } from './maybe-promise';
export type { SessionEndpoint } from './session-endpoint';
export type { SessionDirectory } from './session-directory';
export type { MessageRouter } from './message-router';
export { userKey } from './user-key';
export { MemorySessionDirectory } from './memory-session-directory';
export { MemoryMessageRouter } from './memory-message-router';
