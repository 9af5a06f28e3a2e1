package io.agora.signal.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** docs/protocol-vectors.json, as the C++ and TypeScript codecs check it. */
class FrameCodecVectorsTest {
  private static JSONObject vectors() throws Exception {
    File file = new File(System.getProperty("agora.sig.root", ".."), "docs/protocol-vectors.json");
    return new JSONObject(new String(Files.readAllBytes(file.toPath()), StandardCharsets.UTF_8));
  }

  static byte[] hex(String s) {
    byte[] out = new byte[s.length() / 2];
    for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    return out;
  }

  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x & 0xff));
    return sb.toString();
  }

  @Test
  void decodesAndEncodesEveryValidVector() throws Exception {
    JSONArray valid = vectors().getJSONArray("valid");
    assertTrue(valid.length() > 20);
    for (int i = 0; i < valid.length(); i++) {
      JSONObject v = valid.getJSONObject(i);
      String name = v.getString("name");
      JSONArray fields = v.getJSONArray("fields");
      Object[] expected = new Object[fields.length()];
      for (int j = 0; j < fields.length(); j++) {
        JSONObject f = fields.getJSONObject(j);
        if (f.has("u")) expected[j] = f.getLong("u");
        else if (f.has("s")) expected[j] = hex(f.getString("s"));
        else {
          List<byte[]> items = new ArrayList<byte[]>();
          JSONArray l = f.getJSONArray("l");
          for (int k = 0; k < l.length(); k++) items.add(hex(l.getString(k)));
          expected[j] = items;
        }
      }
      Frame frame = new Frame(v.getInt("type"), expected);
      assertEquals(frame, FrameCodec.decode(hex(v.getString("hex"))), name);
      assertEquals(v.getString("hex"), hex(FrameCodec.encode(frame)), name);
    }
  }

  @Test
  void rejectsEveryInvalidVectorWithItsError() throws Exception {
    JSONArray invalid = vectors().getJSONArray("invalid");
    assertTrue(invalid.length() > 20);
    for (int i = 0; i < invalid.length(); i++) {
      final JSONObject v = invalid.getJSONObject(i);
      ProtocolException e = assertThrows(ProtocolException.class, () -> FrameCodec.decode(hex(v.getString("hex"))), v.getString("name"));
      assertTrue(e.getMessage().contains(v.getString("error")), v.getString("name") + ": got \"" + e.getMessage() + "\"");
    }
  }

  @Test
  void refusesToEncodeValuesTheProtocolCannotCarry() {
    assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(new Frame(FrameType.PING, FrameCodec.MAX_VARINT + 1)));
    assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(new Frame(FrameType.PING)));
    assertThrows(IllegalArgumentException.class, () -> FrameCodec.encode(new Frame(0x99, 1L)));
  }
}
