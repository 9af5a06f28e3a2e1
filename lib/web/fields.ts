import { utf8Decode } from '../protocol';

/** Text of field `i` of an EVENT or RESULT ('' when missing). */
export function textAt(fields: Uint8Array[], i: number): string {
  const f = fields[i];
  return f === undefined ? '' : utf8Decode(f);
}

/** Decimal field `i` as a number (0 when missing or not a number). */
export function numberAt(fields: Uint8Array[], i: number): number {
  const n = Number(textAt(fields, i));
  return Number.isFinite(n) ? n : 0;
}
