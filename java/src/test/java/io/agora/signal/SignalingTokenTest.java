package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignalingTokenTest {
  private static final String APP_ID = "970ca35de60c44645bbae8a215061b33";
  private static final String CERTIFICATE = "5cfd2fd1755d40ecb72977518be15d3b";

  @Test
  void matchesTheDocumentedVector() throws Exception {
    assertEquals("1:970ca35de60c44645bbae8a215061b33:1446455471:4815d52c4fd440bac35b981c12798774",
        SignalingToken.getToken(APP_ID, CERTIFICATE, "TestAccount", 1446455471));
  }

  @Test
  void matchesTheServersTokenCommandForAUtf8Account() throws Exception {
    File root = TestServer.root();
    Process p = new ProcessBuilder("node", new File(root, "dist/lib/server/token-cli.js").getPath(), APP_ID, CERTIFICATE, "张三",
        "--expired-ts", "2000000000").redirectErrorStream(true).start();
    String line;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      line = r.readLine();
    }
    assertEquals(0, p.waitFor());
    assertEquals(line.trim(), SignalingToken.getToken(APP_ID, CERTIFICATE, "张三", 2000000000));
  }
}
