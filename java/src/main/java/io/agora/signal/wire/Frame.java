package io.agora.signal.wire;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One frame body: its type and its fields in schema order ({@link FrameType#schema}). A {@code u}
 * field is a {@link Long}, an {@code s} field a {@code byte[]}, an {@code l} field a
 * {@code List<byte[]>}. Immutable by convention: the codec never shares the arrays it is given.
 */
public final class Frame {
  public final int type;
  private final Object[] fields;

  public Frame(int type, Object... fields) {
    this.type = type;
    this.fields = fields;
  }

  public int fieldCount() {
    return fields.length;
  }

  public Object field(int i) {
    return fields[i];
  }

  public long u(int i) {
    return (Long) fields[i];
  }

  public byte[] s(int i) {
    return (byte[]) fields[i];
  }

  public String text(int i) {
    return new String(s(i), StandardCharsets.UTF_8);
  }

  @SuppressWarnings("unchecked")
  public List<byte[]> l(int i) {
    return (List<byte[]>) fields[i];
  }

  /** An {@code l} field as UTF-8 texts. */
  public List<String> texts(int i) {
    List<byte[]> raw = l(i);
    List<String> out = new ArrayList<String>(raw.size());
    for (byte[] b : raw) out.add(new String(b, StandardCharsets.UTF_8));
    return out;
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A list field of UTF-8 texts. */
  public static List<byte[]> list(String... items) {
    List<byte[]> out = new ArrayList<byte[]>(items.length);
    for (String s : items) out.add(utf8(s));
    return out;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Frame(0x").append(Integer.toHexString(type));
    for (Object f : fields) {
      sb.append(", ");
      if (f instanceof byte[]) sb.append('"').append(new String((byte[]) f, StandardCharsets.UTF_8)).append('"');
      else if (f instanceof List) sb.append(((List<?>) f).size()).append(" items");
      else sb.append(f);
    }
    return sb.append(')').toString();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Frame)) return false;
    Frame other = (Frame) o;
    if (other.type != type || other.fields.length != fields.length) return false;
    for (int i = 0; i < fields.length; i++) {
      if (!fieldEquals(fields[i], other.fields[i])) return false;
    }
    return true;
  }

  private static boolean fieldEquals(Object a, Object b) {
    if (a instanceof byte[] && b instanceof byte[]) return Arrays.equals((byte[]) a, (byte[]) b);
    if (a instanceof List && b instanceof List) {
      List<?> x = (List<?>) a;
      List<?> y = (List<?>) b;
      if (x.size() != y.size()) return false;
      for (int i = 0; i < x.size(); i++) if (!fieldEquals(x.get(i), y.get(i))) return false;
      return true;
    }
    return a.equals(b);
  }

  @Override
  public int hashCode() {
    return type;
  }
}
