package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Java load generator (java/bench/JavaLoadgen.java) runs its p2p scenarios at a small size. */
@Timeout(90)
class JavaLoadgenSmokeTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  private static JSONObject run(String... scenario) throws Exception {
    String javaBin = new File(System.getProperty("java.home"), "bin/java").getPath();
    String classpath = new File(Signal.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath() + File.pathSeparator
        + new File(JSONObject.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
    List<String> cmd = new ArrayList<String>(Arrays.asList(javaBin, "-cp", classpath,
        new File(TestServer.root(), "java/bench/JavaLoadgen.java").getPath(), "--target", "java", "--server", server.address()));
    cmd.addAll(Arrays.asList(scenario));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String last = null;
    boolean begin = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        if (line.equals("@measure-begin")) begin = true;
        last = line;
      }
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue());
    JSONObject out = new JSONObject(last);
    out.put("sawBegin", begin);
    return out;
  }

  @Test
  void p2pThroughputDeliversEveryMessage() throws Exception {
    JSONObject out = run("--scenario", "p2p-throughput", "--pairs", "3", "--messages-per-pair", "300", "--size", "50");
    assertEquals("java", out.getString("target"));
    assertEquals(900, out.getJSONObject("metrics").getLong("delivered"));
    assertTrue(out.getJSONObject("metrics").getDouble("delivered_per_s") > 0);
    assertTrue(out.getBoolean("sawBegin"));
  }

  @Test
  void p2pLatencyMeasuresAtHalfTheMaximumRate() throws Exception {
    JSONObject out = run("--scenario", "p2p-latency", "--rate", "0", "--messages", "500", "--size", "100");
    JSONObject m = out.getJSONObject("metrics");
    assertEquals(500, m.getLong("messages"));
    assertTrue(m.getDouble("max_rate") > 0);
    assertTrue(m.getJSONObject("latency_us").getDouble("p50") > 0);
  }
}
