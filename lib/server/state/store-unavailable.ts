/**
 * A shared store did not answer (its server is away, or slower than the configured bound). What
 * asked fails with a documented code and this readable text, logged as a warning rather than as a
 * bug; nothing waits for the store longer than that bound. The Redis stores throw a subclass.
 */
export class StoreUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailable';
  }
}
