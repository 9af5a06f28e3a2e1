package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example program (java/examples/ConsoleChat.java) runs as documented: several sessions in
 * one JVM chat through the lobby and p2p, and the JVM exits when main ends (daemon threads).
 */
@Timeout(60)
class ConsoleChatExampleTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  private static String pathOf(Class<?> c) throws Exception {
    return new File(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
  }

  @Test
  void chatsAndExits() throws Exception {
    String java = new File(System.getProperty("java.home"), "bin/java").getPath();
    String classpath = pathOf(Signal.class) + File.pathSeparator + pathOf(JSONObject.class);
    File example = new File(TestServer.root(), "java/examples/ConsoleChat.java");
    Process p = new ProcessBuilder(java, "-Dagora.sig.server=" + server.address(), "-cp", classpath, example.getPath(), "amy", "bo")
        .redirectErrorStream(true).start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = p.getOutputStream()) {
      String line;
      while ((line = r.readLine()) != null) {
        output.append(line).append('\n');
        if (line.equals("ready")) {
          in.write("amy: hello lobby\nbo @amy psst\n".getBytes(StandardCharsets.UTF_8));
          in.flush();
        }
        if (output.indexOf("[bo] #lobby amy: hello lobby") >= 0 && output.indexOf("[amy] bo -> you: psst") >= 0
            && output.indexOf("/quit sent") < 0) {
          in.write("/quit\n".getBytes(StandardCharsets.UTF_8));
          in.flush();
          output.append("/quit sent\n");
        }
      }
    }
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the example exits when main ends: " + output);
    assertEquals(0, p.exitValue(), output.toString());
    assertTrue(output.indexOf("[amy] #lobby amy: hello lobby") >= 0, output.toString());
    assertTrue(output.indexOf("[amy] logged out (101)") >= 0, output.toString());
  }

  @Test
  void findsTheServerThroughTheEnvironmentVariable() throws Exception {
    String java = new File(System.getProperty("java.home"), "bin/java").getPath();
    String classpath = pathOf(Signal.class) + File.pathSeparator + pathOf(JSONObject.class);
    File example = new File(TestServer.root(), "java/examples/ConsoleChat.java");
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", classpath, example.getPath(), "env-user").redirectErrorStream(true);
    pb.environment().put("AGORA_SIG_SERVER", server.address());
    Process p = pb.start();
    StringBuilder output = new StringBuilder();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = p.getOutputStream()) {
      String line;
      while ((line = r.readLine()) != null) {
        output.append(line).append('\n');
        if (line.equals("ready")) {
          in.write("/quit\n".getBytes(StandardCharsets.UTF_8));
          in.flush();
        }
      }
    }
    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
    assertTrue(output.indexOf("[env-user] logged in as uid") >= 0, output.toString());
  }
}
