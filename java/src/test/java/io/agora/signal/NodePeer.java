package io.agora.signal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;

/**
 * A session of another SDK in its own process (src/test/node/peer.js: the Node model on the C++
 * core), driven by JSON commands; what it hears goes to a {@link Recorder} as lines.
 */
final class NodePeer implements AutoCloseable {
  final Recorder heard = new Recorder();
  private final Process process;
  private final OutputStream commands;

  NodePeer(TestServer server, String account) throws IOException {
    File script = new File(TestServer.root(), "java/src/test/node/peer.js");
    process = new ProcessBuilder("node", script.getPath(), TestServer.root().getPath(), server.address(), account)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    commands = process.getOutputStream();
    Thread reader = new Thread(new Runnable() {
      @Override
      public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) heard.add(line);
        } catch (IOException e) {
          // The peer is gone.
        }
      }
    }, "test-node-peer");
    reader.setDaemon(true);
    reader.start();
  }

  void command(JSONObject cmd) throws IOException {
    commands.write((cmd.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    commands.flush();
  }

  @Override
  public void close() {
    try {
      commands.close();
    } catch (IOException e) {
      // Already gone.
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
