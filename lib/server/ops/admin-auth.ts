/** The admin listener's bearer key check: `Authorization: Bearer <key>`, compared in constant time. */
import { createHash, timingSafeEqual } from 'node:crypto';

export class AdminAuth {
  private readonly digest: Buffer;

  constructor(key: string) {
    this.digest = createHash('sha256').update(key).digest();
  }

  /** True when the header carries the key. */
  accepts(authorization: string | undefined): boolean {
    if (authorization === undefined) return false;
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
    if (match === null) return false;
    // Digests of equal length, so the comparison time says nothing about the key's length.
    return timingSafeEqual(createHash('sha256').update(match[1]).digest(), this.digest);
  }
}
