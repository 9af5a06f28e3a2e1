// Calls a callback property an application assigned (at any time, before or after the call that
// leads to it), with the object as `this`; an unassigned or non-function property is skipped.
export function fire(target: object, member: string, ...args: unknown[]): void {
  const callback = (target as Record<string, unknown>)[member];
  if (typeof callback === 'function') callback.apply(target, args);
}

/** A JSON argument given as text or as a value to serialize; undefined and null become "". */
export function jsonText(method: string, param: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' || typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  throw new TypeError(`${method}(): ${param} must be a JSON string or a value to serialize, got a ${typeof value}`);
}

/** Throws a TypeError naming the method and parameter unless `value` is a string. */
export function requireString(method: string, param: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`${method}(): ${param} must be a string, got ${value === null ? 'null' : `a ${typeof value}`}`);
  }
  return value;
}

/** Throws a TypeError unless `value` is a function or undefined. */
export function optionalFunction<F>(method: string, param: string, value: unknown): F | undefined {
  if (value !== undefined && value !== null && typeof value !== 'function') {
    throw new TypeError(`${method}(): ${param} must be a function, got a ${typeof value}`);
  }
  return (value ?? undefined) as F | undefined;
}
