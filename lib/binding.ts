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
  /** Whether the instance keeps the process alive while logging in or logged in (the default). */
  ref(): NativeSdkInstance;
  unref(): NativeSdkInstance;
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
  /** Destroys every live instance of this environment (logging out the logged-in ones). */
  shutdownAll(): number;
  /** Instances of this environment whose core instance is not destroyed yet. */
  liveInstanceCount(): number;
  /** Tests only: the next `n` wake-ups of the JavaScript thread fail (the bridge must retry). */
  debugFailWakeups(n: number): void;
}

let loaded: { file: string; exports: NativeAddon } | undefined;

/** The addon, loaded on first use (module state is per JavaScript environment). */
export function nativeAddon(): NativeAddon {
  if (!loaded) {
    loaded = loadAddon<NativeAddon>();
    const addon = loaded.exports;
    // Node does not run environment cleanup hooks when the main thread calls process.exit(), so
    // the addon's own teardown would not run: a logged-in session would stay online on the server
    // for its whole resume window, accepting messages nobody reads. 'exit' listeners do run (also
    // when the process ends because nothing keeps it alive), and synchronously: destroying every
    // instance there writes each session's LOGOUT before the process is gone.
    process.once('exit', () => {
      addon.shutdownAll();
    });
  }
  return loaded.exports;
}

/** The file the addon was loaded from. */
export function nativeAddonPath(): string {
  nativeAddon();
  return loaded!.file;
}
