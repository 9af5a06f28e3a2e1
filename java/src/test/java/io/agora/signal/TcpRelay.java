package io.agora.signal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay between the SDK and the server that a test can cut: {@link #cut} closes every relayed
 * connection at once (both sides see it), and while {@link #refuse} is on, new connections are
 * closed as soon as they arrive, so that the gap lasts as long as the test wants.
 */
final class TcpRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new ArrayList<Socket>();
  private volatile boolean refusing;
  private volatile int accepted;

  TcpRelay(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    listener = new ServerSocket();
    listener.bind(new InetSocketAddress("127.0.0.1", 0));
    Thread t = new Thread(new Runnable() {
      @Override
      public void run() {
        acceptLoop();
      }
    }, "test-relay-accept");
    t.setDaemon(true);
    t.start();
  }

  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** How many connections the relay has accepted (refused ones included). */
  int accepted() {
    return accepted;
  }

  void refuse(boolean on) {
    refusing = on;
  }

  /** Closes every relayed connection, client and server side. */
  void cut() {
    synchronized (open) {
      for (Socket s : open) closeQuietly(s);
      open.clear();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return;
      }
      accepted++;
      if (refusing) {
        closeQuietly(client);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
        upstream.setTcpNoDelay(true);
        client.setTcpNoDelay(true);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      synchronized (open) {
        open.add(client);
        open.add(upstream);
      }
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(final Socket from, final Socket to) {
    Thread t = new Thread(new Runnable() {
      @Override
      public void run() {
        byte[] buf = new byte[16384];
        try {
          InputStream in = from.getInputStream();
          OutputStream out = to.getOutputStream();
          int n;
          while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // One side closed: close both below.
        }
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "test-relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // Already closed.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    cut();
  }
}
