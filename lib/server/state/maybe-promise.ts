/**
 * Results of the state layer: the in-memory store answers synchronously (the hot path stays free
 * of promise hops), a networked store (Redis) answers with a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}
