/** Delay before reconnection try `n` (1-based): 250 ms doubling up to 4 s, as the native core. */
export function reconnectDelayMs(n: number): number {
  return Math.min(4000, 250 * 2 ** Math.max(0, n - 1));
}
