/**
 * Calls the callback property `name` of `target` if the application has set one. Properties are
 * read when the event happens, so callbacks assigned after login() or channelJoin() still fire.
 * What a callback throws is logged and goes no further.
 */
export function fire(target: object, name: string, args: unknown[], onThrow: (e: unknown) => void): void {
  const fn = (target as Record<string, unknown>)[name];
  if (typeof fn !== 'function') return;
  try {
    fn.apply(target, args);
  } catch (e) {
    onThrow(e);
  }
}
