/**
 * A malformed frame, a bad length prefix, or a value that cannot be encoded.
 * `reason` is readable text that starts with one of the protocol's error words ("truncated",
 * "trailing bytes", "unknown frame type", "bad varint", "bad length", "empty frame",
 * "frame too large"); a peer sends it in BYE(104, reason).
 */
export class ProtocolError extends Error {
  readonly reason: string;

  constructor(reason: string) {
    super(reason);
    this.name = 'ProtocolError';
    this.reason = reason;
  }
}
