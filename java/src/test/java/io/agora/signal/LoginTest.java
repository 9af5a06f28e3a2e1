package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Login, logout, kick, tokens, statuses, threads and callbacks that throw, against our server. */
class LoginTest {
  private static final String LOCKED_APP = "970ca35de60c44645bbae8a215061b33";
  private static final String CERTIFICATE = "5cfd2fd1755d40ecb72977518be15d3b";
  private static TestServer server;
  private static TestServer lockedServer;

  @BeforeAll
  static void startServers() throws Exception {
    server = TestServer.start();
    lockedServer = TestServer.start("--accept-any-app-id", "false", "--app-ids", LOCKED_APP + ":" + CERTIFICATE);
  }

  @AfterAll
  static void stopServers() {
    if (server != null) server.close();
    if (lockedServer != null) lockedServer.close();
  }

  @Test
  void logsInAndOutWithStatusesOnDaemonThreads() throws Exception {
    Signal signal = server.signal("login-app");
    assertEquals(4, signal.getStatus());
    Recorder r = new Recorder();
    Signal.LoginSession session = signal.login("alice", "_no_need_token", Recording.login(r));
    String ok = r.await("onLoginSuccess alice ");
    int uid = Integer.parseInt(ok.substring(ok.lastIndexOf(' ') + 1));
    assertNotEquals(0, uid);
    assertEquals(uid, session.getUid());
    assertEquals(2, signal.getStatus());
    assertEquals(2, session.getStatus());
    session.logout();
    r.await("onLogout 101");
    assertEquals(0, signal.getStatus());
    assertFalse(r.calledOffSdkThreads(), "every callback runs on an SDK daemon thread");
  }

  @Test
  void aBadAccountFailsWith209WithoutConnecting() throws Exception {
    Signal signal = server.signal("login-app");
    Recorder r = new Recorder();
    signal.login("has space", "_no_need_token", Recording.login(r));
    r.await("onLoginFailed 209");
    assertTrue(r.await("onError 1004").contains("login"));
    Recorder empty = new Recorder();
    signal.login(null, null, Recording.login(empty));
    empty.await("onLoginFailed 209");
    assertEquals(3, signal.getStatus());
  }

  @Test
  void aSecondLoginOfTheSameAccountKicksTheFirst() throws Exception {
    Signal signal = server.signal("login-app");
    Recorder first = new Recorder();
    signal.login("kicked", "_no_need_token", Recording.login(first));
    first.await("onLoginSuccess");
    Recorder second = new Recorder();
    Signal.LoginSession s2 = signal.login("kicked", "_no_need_token", Recording.login(second));
    second.await("onLoginSuccess");
    first.await("onLogout 103");
    first.assertNone("onReconnecting", 500);
    s2.logout();
    second.await("onLogout 101");
  }

  @Test
  void tokensAreCheckedByTheServer() throws Exception {
    Signal signal = lockedServer.signal(LOCKED_APP);
    long now = System.currentTimeMillis() / 1000;
    Recorder good = new Recorder();
    Signal.LoginSession s = signal.login("TestAccount", SignalingToken.getToken(LOCKED_APP, CERTIFICATE, "TestAccount", (int) now + 600),
        Recording.login(good));
    good.await("onLoginSuccess TestAccount");
    s.logout();
    Recorder wrong = new Recorder();
    signal.login("TestAccount", SignalingToken.getToken(LOCKED_APP, "wrong-certificate", "TestAccount", (int) now + 600), Recording.login(wrong));
    wrong.await("onLoginFailed 206");
    Recorder expired = new Recorder();
    signal.login("TestAccount", SignalingToken.getToken(LOCKED_APP, CERTIFICATE, "TestAccount", (int) now - 10), Recording.login(expired));
    expired.await("onLoginFailed 204");
    Recorder unknownApp = new Recorder();
    lockedServer.signal("some-other-app").login("TestAccount", "_no_need_token", Recording.login(unknownApp));
    unknownApp.await("onLoginFailed 206");
  }

  @Test
  void noServerGivesLoginFailed201AfterTheRetries() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Signal signal = new Signal("login-app");
    signal.setServer("127.0.0.1:" + port);
    Recorder r = new Recorder();
    long start = System.currentTimeMillis();
    signal.login("nobody", "_no_need_token", Recording.login(r));
    assertEquals(1, signal.getStatus());
    r.await("onLoginFailed 201");
    // Three tries after 250, 500 and 1000 ms.
    assertTrue(System.currentTimeMillis() - start >= 1700, "the SDK retried before giving up");
    assertEquals(3, signal.getStatus());
  }

  @Test
  void theServerAddressComesFromTheSystemPropertyWhenNotSet() throws Exception {
    String before = System.getProperty("agora.sig.server");
    System.setProperty("agora.sig.server", server.address());
    try {
      Recorder r = new Recorder();
      Signal.LoginSession s = new Signal("login-app").login("from-property", "_no_need_token", Recording.login(r));
      r.await("onLoginSuccess from-property");
      s.logout();
    } finally {
      if (before == null) System.clearProperty("agora.sig.server");
      else System.setProperty("agora.sig.server", before);
    }
  }

  @Test
  void aCallbackThatThrowsIsLoggedAndTheSdkCarriesOn() throws Exception {
    Signal signal = server.signal("login-app");
    final AtomicInteger received = new AtomicInteger();
    final Recorder r = new Recorder();
    Signal.LoginSession thrower = signal.login("thrower", "_no_need_token", new Signal.LoginCallback() {
      @Override
      public void onLoginSuccess(Signal.LoginSession session, int uid) {
        r.add("onLoginSuccess");
        throw new IllegalStateException("application bug in onLoginSuccess (expected by the test)");
      }

      @Override
      public void onMessageInstantReceive(Signal.LoginSession session, String account, int uid, String msg) {
        r.add("onMessageInstantReceive " + msg);
        if (received.incrementAndGet() == 1) throw new RuntimeException("application bug (expected by the test)");
      }
    });
    r.await("onLoginSuccess");
    Recorder sr = new Recorder();
    Signal.LoginSession sender = signal.login("thrower-peer", "_no_need_token", Recording.login(sr));
    sr.await("onLoginSuccess");
    sender.messageInstantSend("thrower", "one", Recording.message(sr, "one"));
    sender.messageInstantSend("thrower", "two", Recording.message(sr, "two"));
    r.await("onMessageInstantReceive two");
    assertEquals(2, thrower.getStatus());
    thrower.logout();
    sender.logout();
  }

  @Test
  void sessionThreadsDoNotKeepTheJvmAlive() throws Exception {
    Signal signal = server.signal("login-app");
    Recorder r = new Recorder();
    Signal.LoginSession s = signal.login("daemon-check", "_no_need_token", Recording.login(r));
    r.await("onLoginSuccess");
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("agora-sig-")) assertTrue(t.isDaemon(), t.getName() + " is a daemon thread");
    }
    s.logout();
    r.await("onLogout 101");
  }

  @Test
  void setDoLogPrintsTheSdksLogLines() throws Exception {
    java.io.PrintStream before = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, "UTF-8"));
    try {
      Signal quiet = server.signal("login-app");
      Recorder q = new Recorder();
      quiet.login("quiet-one", "_no_need_token", Recording.login(q)).logout();
      q.await("onLogout");
      Signal loud = server.signal("login-app");
      loud.setDoLog(true);
      Recorder l = new Recorder();
      loud.login("loud-one", "_no_need_token", Recording.login(l));
      l.await("onLoginSuccess");
    } finally {
      System.setOut(before);
    }
    String text = captured.toString("UTF-8");
    assertTrue(text.contains("[agora-sig loud-one] logged in, uid"), text);
    assertFalse(text.contains("quiet-one"), text);
  }
}
