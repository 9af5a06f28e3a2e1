/**
 * What the server counts as it runs, for /metrics (ops/server-metrics.ts). The message path only
 * adds to numbers here: no allocation, no label strings, no Prometheus calls per frame; the
 * metrics read these when scraped.
 */

/** Ops and event kinds are small numbers (protocol/ops.ts): one slot each. */
const SLOTS = 256;

export class TrafficCounters {
  /** Frame bodies read from clients and written to them (framing and TLS bytes not included). */
  bytesIn = 0;
  bytesOut = 0;
  framesIn = 0;
  framesOut = 0;
  /** REQUESTs processed, by op. */
  readonly requests = new Float64Array(SLOTS);
  /** EVENTs taken by sessions (sent, or kept for a resume), by event kind. */
  readonly deliveries = new Float64Array(SLOTS);
  /** REQUESTs answered with a non-zero code, by that code (rate limits, bounds, bad arguments). */
  readonly refusals = new Map<number, number>();
  /** LOGIN answers by code: 0 for LOGIN_OK, else the LOGIN_FAIL code. */
  readonly logins = new Map<number, number>();
  resumesAccepted = 0;
  resumesRefused = 0;

  received(bytes: number): void {
    this.bytesIn += bytes;
    this.framesIn++;
  }

  sent(bytes: number): void {
    this.bytesOut += bytes;
    this.framesOut++;
  }

  request(op: number): void {
    if (op >= 0 && op < SLOTS) this.requests[op]++;
  }

  answered(code: number): void {
    if (code !== 0) this.refusals.set(code, (this.refusals.get(code) ?? 0) + 1);
  }

  delivered(kind: number): void {
    if (kind >= 0 && kind < SLOTS) this.deliveries[kind]++;
  }

  login(code: number): void {
    this.logins.set(code, (this.logins.get(code) ?? 0) + 1);
  }

  resumed(accepted: boolean): void {
    if (accepted) this.resumesAccepted++;
    else this.resumesRefused++;
  }
}
