export * from './backoff';
export * from './client-status';
export * from './pending-requests';
export * from './session-client';
export * from './web-socket-like';
