/**
 * Results of the state layer: the in-memory store answers synchronously (the hot path stays free
 * of promise hops), a networked store (Redis) answers with a promise.
 */
export type MaybePromise<T> = T | Promise<T>;

export function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as Promise<T> | undefined)?.then === 'function';
}

/** Applies `next` to a value now, or once its promise resolves: synchronous stores stay synchronous. */
export function then<T, R>(value: MaybePromise<T>, next: (v: T) => MaybePromise<R>): MaybePromise<R> {
  return isPromise(value) ? value.then(next) : next(value);
}
