/**
 * Byte strings as map keys: one character per byte (latin1), so any bytes make a distinct key.
 * Accounts, App IDs and channel names are short; for them building the string from char codes
 * beats wrapping the bytes in a Buffer to call its decoder.
 */
const SHORT_BYTES = 64;

export function latin1(bytes: Uint8Array): string {
  if (bytes.length <= SHORT_BYTES) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}
