// The raw native binding, typed in this one place. Everything else goes through the facade.
import { loadAddon } from './loader';
import type { Bytes, IAgoraAPI, ICallBack } from './types';

/** The name of an ICallBack member, as the addon passes it to the dispatcher. */
export type CallbackName = keyof ICallBack & string;

/** Receives every event of one instance on the JavaScript thread: `(eventName, ...args)`. */
export type Dispatcher = (event: CallbackName, ...args: unknown[]) => void;

/** One core instance as the addon exposes it: the API methods plus lifecycle helpers. */
export type NativeSdkInstance = Omit<IAgoraAPI, 'callbackSet' | 'callbackGet' | 'destory'> & {
  /** True once destroy() ran (also when the environment's teardown destroyed it). */
  isDestroyed(): boolean;
  /** Deliver message bodies (msg, msgData) as Buffers instead of UTF-8 strings. */
  setPayloadsAsBuffers(on: boolean): void;
};

export interface NativeSdkInstanceConstructor {
  /**
   * A new core instance. With a `vendorID` (string or Buffer) it comes from
   * createAgoraSDKInstanceWin; with null/undefined from createAgoraSDKInstanceCPP.
   */
  new (dispatcher: Dispatcher, vendorID?: Bytes | null): NativeSdkInstance;
}

export interface NativeAddon {
  SdkInstance: NativeSdkInstanceConstructor;
  /** The Node-API version the addon was built for. */
  napiVersion: number;
}

let loaded: { file: string; exports: NativeAddon } | undefined;

/** The addon, loaded on first use (module state is per JavaScript environment). */
export function nativeAddon(): NativeAddon {
  if (!loaded) loaded = loadAddon<NativeAddon>();
  return loaded.exports;
}

/** The file the addon was loaded from. */
export function nativeAddonPath(): string {
  nativeAddon();
  return loaded!.file;
}
