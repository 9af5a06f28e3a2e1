/**
 * What the TypeScript load generators (socketio, addon) share for the latency scenarios: payloads
 * stamped with their send time, and sending at a fixed rate.
 */
import { performance } from 'node:perf_hooks';

export function nowUs(): number {
  return performance.now() * 1000;
}

/** A payload of exactly `size` characters (or the stamp alone) that starts with its send time. */
export function timedPayload(size: number): string {
  const stamp = `${nowUs().toFixed(1)}|`;
  return stamp.length >= size ? stamp : stamp + 'x'.repeat(size - stamp.length);
}

/** The send time a timedPayload carries, in µs. */
export function sentAtUs(payload: string): number {
  return Number(payload.slice(0, payload.indexOf('|')));
}

/** Calls `send` `count` times at `rate` a second (catching up in bursts after a late timer). */
export function sendPaced(send: () => void, rate: number, count: number): Promise<void> {
  return new Promise((resolve) => {
    const start = performance.now();
    let sent = 0;
    const tick = (): void => {
      const due = Math.min(count, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (sent < due) {
        send();
        sent++;
      }
      if (sent < count) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
}
