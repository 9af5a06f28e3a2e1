package io.agora.signal.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agora.signal.wire.Frame;
import io.agora.signal.wire.FrameCodec;
import io.agora.signal.wire.FrameType;
import io.agora.signal.wire.Op;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The session client against a scripted server, for what a real server rarely shows: a resume
 * whose RESUME_OK says some requests were processed (only the others are re-sent) and a replay of
 * frames the client already handled (each is delivered once).
 */
@Timeout(30)
class SessionClientScriptedTest {
  private static final byte[] SESSION_ID = {1, 2, 3, 4};

  private static Frame read(DataInputStream in) throws Exception {
    byte[] body = new byte[in.readInt()];
    in.readFully(body);
    return FrameCodec.decode(body);
  }

  private static void write(DataOutputStream out, Frame f) throws Exception {
    byte[] body = FrameCodec.encode(f);
    out.writeInt(body.length);
    out.write(body);
    out.flush();
  }

  /** Reads frames until one of {@code type}, skipping PING and ACK. */
  private static Frame expect(DataInputStream in, int type) throws Exception {
    while (true) {
      Frame f = read(in);
      if (f.type == type) return f;
      if (f.type != FrameType.PING && f.type != FrameType.ACK) throw new AssertionError("expected type " + type + ", got " + f);
    }
  }

  private static Frame event(long seq, String msg) {
    return new Frame(FrameType.EVENT, seq, 1L, Frame.list("peer", "9", msg, "1"));
  }

  private static Frame result(long seq, long reqId, String value) {
    return new Frame(FrameType.RESULT, seq, reqId, 0L, new byte[0], Frame.list(value));
  }

  @Test
  void resumeResendsOnlyUnprocessedRequestsAndDropsReplayedFrames() throws Exception {
    final BlockingQueue<String> heard = new LinkedBlockingQueue<String>();
    ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1);
    try (ServerSocket fake = new ServerSocket(0)) {
      final SessionClient client = new SessionClient(exec, ServerAddress.parse("127.0.0.1:" + fake.getLocalPort()), "app", "me",
          "_no_need_token", "test", 5, 30, new SessionListener() {
            @Override
            public void loginSuccess(long uid) {
              heard.add("loginSuccess " + uid);
            }

            @Override
            public void loginFailed(int code, String text) {
              heard.add("loginFailed " + code);
            }

            @Override
            public void logout(int code, String text) {
              heard.add("logout " + code);
            }

            @Override
            public void reconnecting(int attempt) {
              heard.add("reconnecting " + attempt);
            }

            @Override
            public void reconnected(boolean resumed) {
              heard.add("reconnected " + resumed);
            }

            @Override
            public void sessionLost() {
              heard.add("sessionLost");
            }

            @Override
            public void event(int kind, List<String> fields) {
              heard.add("event " + fields.get(2));
            }

            @Override
            public void log(String text) {}
          });
      exec.execute(new Runnable() {
        @Override
        public void run() {
          client.start();
        }
      });

      Socket first = fake.accept();
      DataInputStream in = new DataInputStream(first.getInputStream());
      DataOutputStream out = new DataOutputStream(first.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      assertEquals("me", expect(in, FrameType.LOGIN).text(1));
      write(out, new Frame(FrameType.WELCOME, 1L, 10000L, 30000L, 1048576L));
      write(out, new Frame(FrameType.LOGIN_OK, 77L, SESSION_ID));
      assertEquals("loginSuccess 77", heard.poll(5, TimeUnit.SECONDS));

      exec.execute(new Runnable() {
        @Override
        public void run() {
          for (int i = 1; i <= 3; i++) {
            final int n = i;
            client.request(7, Collections.singletonList("req" + n), new ResultHandler() {
              @Override
              public void onResult(int code, String text, List<String> values) {
                heard.add("result req" + n + " " + code + " " + values);
              }
            });
          }
        }
      });
      for (int i = 1; i <= 3; i++) assertEquals(i, expect(in, FrameType.REQUEST).u(0));
      write(out, event(1, "before the cut"));
      assertEquals("event before the cut", heard.poll(5, TimeUnit.SECONDS));
      first.close();

      assertEquals("reconnecting 1", heard.poll(5, TimeUnit.SECONDS));
      Socket second = fake.accept();
      in = new DataInputStream(second.getInputStream());
      out = new DataOutputStream(second.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      Frame resume = expect(in, FrameType.RESUME);
      assertArrayEquals(SESSION_ID, resume.s(0));
      assertEquals(1, resume.u(1), "lastSeq: the one event handled");
      write(out, new Frame(FrameType.WELCOME, 1L, 10000L, 30000L, 1048576L));
      // The server had processed requests 1 and 2: only 3 may come again.
      write(out, new Frame(FrameType.RESUME_OK, 2L));
      assertEquals("reconnected true", heard.poll(5, TimeUnit.SECONDS));
      Frame resent = expect(in, FrameType.REQUEST);
      assertEquals(3, resent.u(0));
      // A replay that starts at a frame the client already handled: it must be dropped.
      write(out, event(1, "before the cut"));
      write(out, result(2, 1, "a"));
      write(out, event(3, "in the gap"));
      write(out, result(4, 2, "b"));
      write(out, result(5, 3, "c"));
      write(out, result(4, 2, "b"));
      List<String> rest = new ArrayList<String>();
      for (int i = 0; i < 4; i++) rest.add(heard.poll(5, TimeUnit.SECONDS));
      assertEquals("[result req1 0 [a], event in the gap, result req2 0 [b], result req3 0 [c]]", rest.toString());
      exec.execute(new Runnable() {
        @Override
        public void run() {
          client.logout();
        }
      });
      expect(in, FrameType.LOGOUT);
      write(out, new Frame(FrameType.LOGGED_OUT, 101L, Frame.utf8("bye")));
      assertEquals("logout 101", heard.poll(5, TimeUnit.SECONDS));
      assertEquals(null, heard.poll(300, TimeUnit.MILLISECONDS), "nothing twice");
      second.close();
    } finally {
      exec.shutdownNow();
    }
  }

  /**
   * A server shutting down says BYE(100, "server going away"): the session is not over, the
   * client reconnects and resumes, and logs in afresh when the server there does not know it.
   */
  @Test
  void aServerGoingAwayIsAConnectionLossNotALogout() throws Exception {
    final BlockingQueue<String> heard = new LinkedBlockingQueue<String>();
    ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1);
    try (ServerSocket fake = new ServerSocket(0)) {
      final SessionClient client = new SessionClient(exec, ServerAddress.parse("127.0.0.1:" + fake.getLocalPort()), "app", "me",
          "_no_need_token", "test", 5, 30, new SessionListener() {
            @Override
            public void loginSuccess(long uid) {
              heard.add("loginSuccess " + uid);
            }

            @Override
            public void loginFailed(int code, String text) {
              heard.add("loginFailed " + code);
            }

            @Override
            public void logout(int code, String text) {
              heard.add("logout " + code);
            }

            @Override
            public void reconnecting(int attempt) {
              heard.add("reconnecting " + attempt);
            }

            @Override
            public void reconnected(boolean resumed) {
              heard.add("reconnected " + resumed);
            }

            @Override
            public void sessionLost() {
              heard.add("sessionLost");
            }

            @Override
            public void event(int kind, List<String> fields) {}

            @Override
            public void log(String text) {}
          });
      exec.execute(new Runnable() {
        @Override
        public void run() {
          client.start();
        }
      });

      Socket first = fake.accept();
      DataInputStream in = new DataInputStream(first.getInputStream());
      DataOutputStream out = new DataOutputStream(first.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      expect(in, FrameType.LOGIN);
      write(out, new Frame(FrameType.WELCOME, 1L, 10000L, 30000L, 1048576L));
      write(out, new Frame(FrameType.LOGIN_OK, 77L, SESSION_ID));
      assertEquals("loginSuccess 77", heard.poll(5, TimeUnit.SECONDS));
      write(out, new Frame(FrameType.BYE, 100L, Frame.utf8("server going away")));
      first.close();

      assertEquals("reconnecting 1", heard.poll(5, TimeUnit.SECONDS));
      Socket second = fake.accept();
      in = new DataInputStream(second.getInputStream());
      out = new DataOutputStream(second.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      assertArrayEquals(SESSION_ID, expect(in, FrameType.RESUME).s(0));
      write(out, new Frame(FrameType.WELCOME, 1L, 10000L, 30000L, 1048576L));
      write(out, new Frame(FrameType.RESUME_FAIL, 102L, Frame.utf8("unknown session")));
      assertEquals("sessionLost", heard.poll(5, TimeUnit.SECONDS));
      assertEquals("me", expect(in, FrameType.LOGIN).text(1));
      write(out, new Frame(FrameType.LOGIN_OK, 78L, new byte[] {5, 6, 7, 8}));
      assertEquals("reconnected false", heard.poll(5, TimeUnit.SECONDS));
      assertEquals(null, heard.poll(300, TimeUnit.MILLISECONDS), "no logout");
      second.close();
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void aFreshLoginDoesNotResendAWrittenMessageButSendsOneQueuedWhileAway() throws Exception {
    final BlockingQueue<String> heard = new LinkedBlockingQueue<String>();
    ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1);
    try (ServerSocket fake = new ServerSocket(0)) {
      final SessionClient client = new SessionClient(exec, ServerAddress.parse("127.0.0.1:" + fake.getLocalPort()), "app", "me",
          "_no_need_token", "test", 5, 30, new SessionListener() {
            @Override
            public void loginSuccess(long uid) {
              heard.add("loginSuccess " + uid);
            }

            @Override
            public void loginFailed(int code, String text) {
              heard.add("loginFailed " + code);
            }

            @Override
            public void logout(int code, String text) {
              heard.add("logout " + code);
            }

            @Override
            public void reconnecting(int attempt) {
              heard.add("reconnecting " + attempt);
            }

            @Override
            public void reconnected(boolean resumed) {
              heard.add("reconnected " + resumed);
            }

            @Override
            public void sessionLost() {
              heard.add("sessionLost");
            }

            @Override
            public void event(int kind, List<String> fields) {}

            @Override
            public void log(String text) {}
          });
      exec.execute(client::start);
      Socket first = fake.accept();
      DataInputStream in = new DataInputStream(first.getInputStream());
      DataOutputStream out = new DataOutputStream(first.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      expect(in, FrameType.LOGIN);
      write(out, new Frame(FrameType.WELCOME, 1L, 10000L, 30000L, 1048576L));
      write(out, new Frame(FrameType.LOGIN_OK, 77L, SESSION_ID));
      assertEquals("loginSuccess 77", heard.poll(5, TimeUnit.SECONDS));

      exec.execute(() -> client.request(Op.MSG_INSTANT, Arrays.asList("bob", "0", "written", ""),
          (code, text, values) -> heard.add("result written " + code + " " + text)));
      // Taken by the server, whose RESULT is then lost with the connection.
      assertEquals("written", expect(in, FrameType.REQUEST).texts(2).get(2));
      first.close();
      assertEquals("reconnecting 1", heard.poll(5, TimeUnit.SECONDS));
      exec.execute(() -> client.request(Op.MSG_INSTANT, Arrays.asList("bob", "0", "queued", ""),
          (code, text, values) -> heard.add("result queued " + code)));

      Socket second = fake.accept();
      in = new DataInputStream(second.getInputStream());
      out = new DataOutputStream(second.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      expect(in, FrameType.RESUME);
      write(out, new Frame(FrameType.WELCOME, 1L, 10000L, 30000L, 1048576L));
      write(out, new Frame(FrameType.RESUME_FAIL, 1L, Frame.utf8("unknown session")));
      assertEquals("sessionLost", heard.poll(5, TimeUnit.SECONDS));
      expect(in, FrameType.LOGIN);
      write(out, new Frame(FrameType.LOGIN_OK, 78L, new byte[] {5, 6}));
      String written = heard.poll(5, TimeUnit.SECONDS);
      assertTrue(written.startsWith("result written 401 the session was lost before the server answered"), written);
      assertEquals("reconnected false", heard.poll(5, TimeUnit.SECONDS));
      Frame queued = expect(in, FrameType.REQUEST);
      assertEquals(1, queued.u(0));
      assertEquals("queued", queued.texts(2).get(2));
      write(out, new Frame(FrameType.RESULT, 1L, 1L, 0L, new byte[0], Frame.list()));
      assertEquals("result queued 0", heard.poll(5, TimeUnit.SECONDS));
      exec.execute(client::logout);
      // A REQUEST before the LOGOUT would be the written message sent again.
      expect(in, FrameType.LOGOUT);
      write(out, new Frame(FrameType.LOGGED_OUT, 101L, Frame.utf8("bye")));
      assertEquals("logout 101", heard.poll(5, TimeUnit.SECONDS));
      second.close();
    } finally {
      exec.shutdownNow();
    }
  }

  @Test
  void aConnectionThatFallsSilentForThreeHeartbeatsIsDead() throws Exception {
    final BlockingQueue<String> heard = new LinkedBlockingQueue<String>();
    ScheduledThreadPoolExecutor exec = new ScheduledThreadPoolExecutor(1);
    try (ServerSocket fake = new ServerSocket(0)) {
      final SessionClient client = new SessionClient(exec, ServerAddress.parse("127.0.0.1:" + fake.getLocalPort()), "app", "me",
          "_no_need_token", "test", 5, 30, new SessionListener() {
            @Override
            public void loginSuccess(long uid) {
              heard.add("loginSuccess");
            }

            @Override
            public void loginFailed(int code, String text) {}

            @Override
            public void logout(int code, String text) {}

            @Override
            public void reconnecting(int attempt) {
              heard.add("reconnecting " + attempt);
            }

            @Override
            public void reconnected(boolean resumed) {}

            @Override
            public void sessionLost() {}

            @Override
            public void event(int kind, List<String> fields) {}

            @Override
            public void log(String text) {}
          });
      exec.execute(new Runnable() {
        @Override
        public void run() {
          client.start();
        }
      });
      Socket socket = fake.accept();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      assertEquals(FrameType.HELLO, read(in).type);
      expect(in, FrameType.LOGIN);
      // Heartbeat 300 ms: dead after 900 ms of silence.
      write(out, new Frame(FrameType.WELCOME, 1L, 300L, 30000L, 1048576L));
      write(out, new Frame(FrameType.LOGIN_OK, 5L, SESSION_ID));
      assertEquals("loginSuccess", heard.poll(5, TimeUnit.SECONDS));
      // A frame every 100 ms keeps it alive for 2 s, over twice the limit (the slack is for a
      // loaded machine).
      for (int i = 0; i < 20; i++) {
        Thread.sleep(100);
        write(out, new Frame(FrameType.PING, (long) i));
      }
      assertEquals(null, heard.poll(1, TimeUnit.MILLISECONDS), "alive while frames come");
      long silentSince = System.nanoTime();
      assertEquals("reconnecting 1", heard.poll(5, TimeUnit.SECONDS));
      long ms = (System.nanoTime() - silentSince) / 1000000;
      assertTrue(ms >= 850 && ms < 4000, "dead after about 3 heartbeats (+250 ms backoff), took " + ms + " ms");
      socket.close();
    } finally {
      exec.shutdownNow();
    }
  }
}
