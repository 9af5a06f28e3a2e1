// The package's entry point: the SDK factories, the typed API and the client layer.
import { AgoraAPI } from './facade/agora-api';
import type { IAgoraAPI } from './types';

export * from './types';
export { AgoraAPI } from './facade/agora-api';
export { AgoraClient, AgoraError } from './facade/agora-client';
export type { AgoraClientOptions, AgoraEvents, LoginOptions, SendOptions } from './facade/agora-client';
export { loadAddon, packageRoot } from './loader';

let sharedInstance: AgoraAPI | undefined;

function shared(vendorID: string | null): AgoraAPI {
  if (sharedInstance === undefined || sharedInstance.isDestroyed()) {
    sharedInstance = new AgoraAPI(vendorID);
  }
  return sharedInstance;
}

/**
 * The single shared SDK instance of this JavaScript environment (each worker thread has its own),
 * created on the first call; `vendorID` is the App ID used when login gets an empty one. Once it
 * is destroyed, the next call creates a new one.
 */
export function getAgoraSDKInstanceWin(vendorID = ''): IAgoraAPI {
  return shared(vendorID);
}

/** A new, independent SDK instance on every call; free it with destroy(). */
export function createAgoraSDKInstanceWin(vendorID = ''): IAgoraAPI {
  return new AgoraAPI(vendorID);
}

/** The Linux/macOS flavour of {@link getAgoraSDKInstanceWin}: the App ID comes with login. */
export function getAgoraSDKInstanceCPP(): IAgoraAPI {
  return shared(null);
}

/** The Linux/macOS flavour of {@link createAgoraSDKInstanceWin}: the App ID comes with login. */
export function createAgoraSDKInstanceCPP(): IAgoraAPI {
  return new AgoraAPI(null);
}

/** The Web SDK's object model (Signal, Session, Channel, Call) over the native addon. */
export * as web from './node-web';
/** The Java Server SDK's object model (Signal, LoginSession, callback classes) over the native addon. */
export * as serverSdk from './node-server-sdk';
