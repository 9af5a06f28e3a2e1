// One shared encoder/decoder: constructing them per call is needlessly slow on the message path.
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** UTF-8 bytes of a string (lone surrogates become U+FFFD). */
export function utf8Encode(s: string): Uint8Array {
  return encoder.encode(s);
}

/** A string from UTF-8 bytes; invalid sequences become U+FFFD rather than throwing. */
export function utf8Decode(b: Uint8Array): string {
  return decoder.decode(b);
}
