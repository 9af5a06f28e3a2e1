package io.agora.signal.client;

import io.agora.signal.wire.Frame;
import io.agora.signal.wire.FrameCodec;
import io.agora.signal.wire.ProtocolException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * One TCP connection to the server: a daemon thread connects, then reads length-prefixed frames
 * (docs/protocol.md, "Transport") and hands each to the listener; {@link #buffer} and
 * {@link #flush} write from the session's thread. The listener hears {@code opened} once, then frames, then {@code closed} once
 * (also when the connect fails), unless {@link #close} was called first.
 */
final class Connection {
  interface Listener {
    void opened(Connection connection);

    /** Frames in the order they arrived: one, or all those that had already arrived whole. */
    void frames(Connection connection, List<Frame> frames);

    /** {@code protocolError} is true when the server sent something malformed. */
    void closed(Connection connection, String why, boolean protocolError);
  }

  private static final int CONNECT_TIMEOUT_MS = 5000;
  /** At most this many frames per hand-over, so that a flood still lets timers and calls run between. */
  private static final int MAX_BATCH = 256;

  private final ServerAddress address;
  private final Listener listener;
  private final Socket socket = new Socket();
  private volatile boolean closedByUs;
  private volatile int maxFrameBytes = 1 << 20;
  private OutputStream out;
  /** Frames not yet written (session thread only). */
  private final ByteArrayOutputStream outBuffer = new ByteArrayOutputStream(4096);

  Connection(ServerAddress address, Listener listener) {
    this.address = address;
    this.listener = listener;
  }

  void start(String threadName) {
    Thread reader = new Thread(() -> readLoop(), threadName);
    reader.setDaemon(true);
    reader.start();
  }

  /** The bound WELCOME announced: longer frames are refused. */
  void setMaxFrameBytes(int bytes) {
    maxFrameBytes = bytes;
  }

  private void readLoop() {
    String why;
    boolean protocolError = false;
    try {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(address.host, address.port), CONNECT_TIMEOUT_MS);
      synchronized (this) {
        out = socket.getOutputStream();
      }
      if (closedByUs) return;
      listener.opened(this);
      BufferedInputStream buffered = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      DataInputStream in = new DataInputStream(buffered);
      while (true) {
        // Hand over every frame that is already here in one go: one task on the session's thread
        // instead of one per frame.
        List<Frame> batch = new ArrayList<Frame>();
        batch.add(FrameCodec.decode(readBody(in)));
        try {
          while (batch.size() < MAX_BATCH && wholeFrameBuffered(buffered)) batch.add(FrameCodec.decode(readBody(in)));
        } finally {
          if (!closedByUs) listener.frames(this, batch);
        }
        if (closedByUs) return;
      }
    } catch (ProtocolException e) {
      why = "protocol error: " + e.getMessage();
      protocolError = true;
    } catch (EOFException e) {
      why = "the server closed the connection";
    } catch (IOException e) {
      why = "connection to " + address + " failed: " + e.getMessage();
    }
    closeSocket();
    if (!closedByUs) listener.closed(this, why, protocolError);
  }

  /** True when a whole frame (length and body) can be read without waiting for the network. */
  private static boolean wholeFrameBuffered(BufferedInputStream in) throws IOException {
    if (in.available() < 4) return false;
    in.mark(4);
    long length = ((long) in.read() << 24 | in.read() << 16 | in.read() << 8 | in.read()) & 0xffffffffL;
    in.reset();
    return in.available() >= 4 + length;
  }

  private byte[] readBody(InputStream stream) throws IOException, ProtocolException {
    DataInputStream in = (DataInputStream) stream;
    long length = in.readInt() & 0xffffffffL;
    if (length == 0) throw new ProtocolException("empty frame");
    if (length > maxFrameBytes) throw new ProtocolException("frame too large: " + length + " bytes");
    byte[] body = new byte[(int) length];
    in.readFully(body);
    return body;
  }

  /**
   * Adds one frame to what the next {@link #flush} writes. Frames are gathered so that a burst of
   * requests (or ACK, PONG and requests together) costs one write system call, not one each. Called
   * on the session's thread only.
   */
  void buffer(Frame frame) {
    byte[] body = FrameCodec.encode(frame);
    outBuffer.write(body.length >>> 24);
    outBuffer.write(body.length >>> 16);
    outBuffer.write(body.length >>> 8);
    outBuffer.write(body.length);
    outBuffer.write(body, 0, body.length);
  }

  /** Writes every buffered frame; a failure closes the connection (the reader then reports it). */
  void flush() {
    if (outBuffer.size() == 0) return;
    OutputStream stream;
    synchronized (this) {
      stream = out;
    }
    if (stream == null) return;
    try {
      outBuffer.writeTo(stream);
      stream.flush();
    } catch (IOException e) {
      closeSocket();
    }
    outBuffer.reset();
  }

  /** Closes without reporting {@code closed} to the listener. */
  void close() {
    closedByUs = true;
    closeSocket();
  }

  private void closeSocket() {
    try {
      socket.close();
    } catch (IOException e) {
      // Closing is best effort: the socket is unusable either way.
    }
  }
}
