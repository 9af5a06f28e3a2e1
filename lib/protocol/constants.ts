/** Version sent in HELLO and WELCOME. */
export const PROTOCOL_VERSION = 1;

/** Largest frame body a peer accepts unless the server's WELCOME says less (1 MiB). */
export const MAX_FRAME_BYTES = 1048576;

/** Largest message (MSG_INSTANT and the other message ops) in bytes. */
export const MAX_MESSAGE_BYTES = 8192;

/** Largest value a `u` field may carry: 2^53-1, so that JavaScript holds every value exactly. */
export const MAX_VARINT_VALUE = Number.MAX_SAFE_INTEGER;

/** A varint takes at most 8 bytes (8 x 7 bits cover 53 bits). */
export const MAX_VARINT_BYTES = 8;
