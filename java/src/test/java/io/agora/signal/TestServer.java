package io.agora.signal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our real server (node dist/lib/server/cli.js) on free ports, for one test class. Its address is
 * read from the "listening on tcp://host:port" log line.
 */
final class TestServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on tcp://([^\\s:]+):(\\d+)");

  final String host;
  final int port;
  private final Process process;
  private final List<String> log = new ArrayList<String>();

  private TestServer(Process process, String host, int port) {
    this.process = process;
    this.host = host;
    this.port = port;
  }

  static File root() {
    return new File(System.getProperty("agora.sig.root", "..")).getAbsoluteFile();
  }

  static TestServer start(String... extraArgs) throws Exception {
    File cli = new File(root(), "dist/lib/server/cli.js");
    if (!cli.isFile()) throw new IllegalStateException(cli + " is missing: build the server first (npx tsc -p tsconfig.json)");
    List<String> cmd = new ArrayList<String>(Arrays.asList("node", cli.getPath(), "--host", "127.0.0.1", "--tcp-port", "0", "--ws-port", "0"));
    cmd.addAll(Arrays.asList(extraArgs));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(root());
    Process p = pb.start();
    final CompletableFuture<String[]> address = new CompletableFuture<String[]>();
    final TestServer[] holder = new TestServer[1];
    final List<String> early = new ArrayList<String>();
    drain(p.getInputStream(), null, null);
    drain(p.getErrorStream(), address, early);
    String[] hp;
    try {
      hp = address.get(15, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
      throw new IllegalStateException("the server did not start: " + early, e);
    }
    holder[0] = new TestServer(p, hp[0], Integer.parseInt(hp[1]));
    return holder[0];
  }

  private static void drain(final InputStream in, final CompletableFuture<String[]> address, final List<String> lines) {
    Thread t = new Thread(new Runnable() {
      @Override
      public void run() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (lines != null) synchronized (lines) {
              if (lines.size() < 200) lines.add(line);
            }
            if (address != null && !address.isDone()) {
              Matcher m = LISTENING.matcher(line);
              if (m.find()) address.complete(new String[] {m.group(1), m.group(2)});
            }
          }
        } catch (IOException e) {
          // The server is gone.
        }
      }
    }, "test-server-output");
    t.setDaemon(true);
    t.start();
  }

  String address() {
    return host + ":" + port;
  }

  Signal signal(String appId) {
    Signal s = new Signal(appId);
    s.setServer(address());
    return s;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
