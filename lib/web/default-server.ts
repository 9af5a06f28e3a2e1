/**
 * Where a Signal object connects when no server is given: the server the bundle was loaded from
 * (its ws:// counterpart), else ws://127.0.0.1:9721 (the default port of `npm start`).
 */

// The ES module bundle defines this from import.meta.url (see scripts/build-browser.mjs).
declare const __SIGNAL_BUNDLE_URL__: string | undefined;

export const FALLBACK_SERVER = 'ws://127.0.0.1:9721';

function bundleUrl(): string | undefined {
  if (typeof __SIGNAL_BUNDLE_URL__ === 'string') return __SIGNAL_BUNDLE_URL__;
  // Only valid while the classic script runs, so this is read once, when the bundle loads.
  const doc = (globalThis as { document?: { currentScript?: unknown } }).document;
  const script = doc?.currentScript as { src?: unknown } | null | undefined;
  return script && typeof script.src === 'string' && script.src !== '' ? script.src : undefined;
}

/** ws(s)://host:port of an http(s) or ws(s) URL; undefined for anything else. */
export function webSocketOrigin(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const scheme = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' }[parsed.protocol];
  if (scheme === undefined || parsed.host === '') return undefined;
  return `${scheme}//${parsed.host}`;
}

const LOADED_FROM_SERVER = (() => {
  const url = bundleUrl();
  return url === undefined ? undefined : webSocketOrigin(url);
})();

let chosenServer: string | undefined;

/**
 * A WebSocket URL from what an application passed (ws://, wss://, or http(s):// of the server's
 * page port); throws a TypeError naming the problem otherwise.
 */
export function normalizeServerUrl(url: unknown): string {
  if (typeof url !== 'string' || url.trim() === '') throw new TypeError('server: expected a ws://host:port URL');
  const trimmed = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    throw new TypeError(`server: "${trimmed}" is not a URL (expected ws://host:port)`);
  }
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return trimmed;
  const origin = webSocketOrigin(trimmed);
  if (origin === undefined) throw new TypeError(`server: "${trimmed}" is not a ws://, wss://, http:// or https:// URL`);
  return origin;
}

/** Signal.setServer(url): the server of every Signal object made afterwards without its own. */
export function setDefaultServer(url: unknown): void {
  chosenServer = normalizeServerUrl(url);
}

export function defaultServer(): string {
  return chosenServer ?? LOADED_FROM_SERVER ?? FALLBACK_SERVER;
}
