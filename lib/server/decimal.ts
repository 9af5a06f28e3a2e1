/** A non-negative integer as decimal ASCII bytes; cheaper than TextEncoder for these short strings. */
export function decimalBytes(value: number): Uint8Array {
  const text = String(value);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}
