export type { InvokeAnswer, SignalErrorInfo, SignalFactory, SignalOptions } from './api-types';
export { Call } from './call';
export { Channel } from './channel';
export { defaultServer, FALLBACK_SERVER, setDefaultServer } from './default-server';
export { SDK_VERSION } from './sdk-version';
export { Session } from './session';
export { Signal, SignalClient } from './signal';
export { SignalError } from './signal-error';
export { Signal as default } from './signal';
