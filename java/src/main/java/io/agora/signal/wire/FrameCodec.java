package io.agora.signal.wire;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes frame bodies (docs/protocol.md, "Frame body"), checking in wire order and
 * reporting the first fault, as the clarifications of the protocol require.
 */
public final class FrameCodec {
  /** The largest varint value: 2^53-1, so that JavaScript peers hold every value exactly. */
  public static final long MAX_VARINT = (1L << 53) - 1;

  private FrameCodec() {}

  public static byte[] encode(Frame frame) {
    String schema = FrameType.schema(frame.type);
    if (schema == null) throw new IllegalArgumentException("unknown frame type 0x" + Integer.toHexString(frame.type));
    if (schema.length() != frame.fieldCount()) {
      throw new IllegalArgumentException("frame type 0x" + Integer.toHexString(frame.type) + " takes " + schema.length() + " fields");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(frame.type);
    for (int i = 0; i < schema.length(); i++) {
      switch (schema.charAt(i)) {
        case 'u':
          writeVarint(out, frame.u(i));
          break;
        case 's':
          writeString(out, frame.s(i));
          break;
        default:
          List<byte[]> items = frame.l(i);
          writeVarint(out, items.size());
          for (byte[] item : items) writeString(out, item);
      }
    }
    return out.toByteArray();
  }

  public static Frame decode(byte[] body) throws ProtocolException {
    if (body.length == 0) throw new ProtocolException("empty frame");
    int type = body[0] & 0xff;
    String schema = FrameType.schema(type);
    if (schema == null) throw new ProtocolException(String.format("unknown frame type 0x%02x", type));
    Reader reader = new Reader(body);
    Object[] fields = new Object[schema.length()];
    for (int i = 0; i < schema.length(); i++) {
      switch (schema.charAt(i)) {
        case 'u':
          fields[i] = reader.varint();
          break;
        case 's':
          fields[i] = reader.string();
          break;
        default:
          fields[i] = reader.list();
      }
    }
    if (reader.pos != body.length) throw new ProtocolException("trailing bytes");
    return new Frame(type, fields);
  }

  private static void writeVarint(ByteArrayOutputStream out, long value) {
    if (value < 0 || value > MAX_VARINT) throw new IllegalArgumentException("varint out of range: " + value);
    while (value >= 0x80) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static void writeString(ByteArrayOutputStream out, byte[] bytes) {
    writeVarint(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  /** Reads fields from a body, starting after its type byte. */
  private static final class Reader {
    private final byte[] body;
    private int pos = 1;

    Reader(byte[] body) {
      this.body = body;
    }

    long varint() throws ProtocolException {
      long value = 0;
      for (int i = 0; ; i++) {
        if (pos >= body.length) throw new ProtocolException("truncated");
        int b = body[pos++] & 0xff;
        if (i == 7 && b > 0x0f) throw new ProtocolException("bad varint");
        if (i > 0 && b == 0) throw new ProtocolException("bad varint");
        value |= (long) (b & 0x7f) << (7 * i);
        if ((b & 0x80) == 0) return value;
      }
    }

    byte[] string() throws ProtocolException {
      long length = varint();
      if (length > body.length - pos) throw new ProtocolException("bad length");
      byte[] out = new byte[(int) length];
      System.arraycopy(body, pos, out, 0, out.length);
      pos += out.length;
      return out;
    }

    List<byte[]> list() throws ProtocolException {
      long count = varint();
      // Every element takes at least one byte (its length), so a larger count cannot be right.
      if (count > body.length - pos) throw new ProtocolException("bad length");
      List<byte[]> items = new ArrayList<byte[]>((int) count);
      for (long i = 0; i < count; i++) items.add(string());
      return items;
    }
  }
}
