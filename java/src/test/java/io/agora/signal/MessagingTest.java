package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Peer-to-peer messages (also held ones with a TTL) and user attributes between Java sessions. */
class MessagingTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  private static Signal.LoginSession login(Signal signal, String account, Recorder r) throws InterruptedException {
    Signal.LoginSession s = signal.login(account, "_no_need_token", Recording.login(r));
    r.await("onLoginSuccess " + account);
    return s;
  }

  @Test
  void peerToPeerMessagesArriveInOrderWithTheSendersUid() throws Exception {
    Signal signal = server.signal("msg-app");
    Recorder a = new Recorder();
    Recorder b = new Recorder();
    Signal.LoginSession alice = login(signal, "alice", a);
    Signal.LoginSession bob = login(new Signal("msg-app") {
      {
        setServer(server.address());
      }
    }, "bob", b);
    for (int i = 0; i < 20; i++) alice.messageInstantSend("bob", "hello " + i + " 你好", Recording.message(a, "m" + i));
    List<String> got = b.await("onMessageInstantReceive", 20, 10000);
    for (int i = 0; i < 20; i++) assertEquals("onMessageInstantReceive alice " + alice.getUid() + " hello " + i + " 你好", got.get(i));
    a.await("onMessageSendSuccess", 20, 5000);
    bob.messageInstantSend("alice", "back", Recording.message(b, "back"));
    a.await("onMessageInstantReceive bob " + bob.getUid() + " back");
    b.await("onMessageSendSuccess back");
    alice.logout();
    bob.logout();
  }

  @Test
  void offlinePeersAndBadInputGetTheSeedsErrorCodes() throws Exception {
    Signal signal = server.signal("msg-app");
    Recorder a = new Recorder();
    Signal.LoginSession alice = login(signal, "carol", a);
    alice.messageInstantSend("nobody-here", "hi", Recording.message(a, "offline"));
    a.await("onMessageSendError offline 400");
    alice.messageInstantSend(null, "hi", Recording.message(a, "null-account"));
    a.await("onMessageSendError null-account 1004");
    alice.messageInstantSend("bob", null, Recording.message(a, "null-msg"));
    a.await("onMessageSendError null-msg 1004");
    alice.messageInstantSend("nobody-here", "hi", -1, Recording.message(a, "bad-ttl"));
    a.await("onMessageSendError bad-ttl 1004");
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 9000; i++) big.append('x');
    alice.messageInstantSend("carol", big.toString(), Recording.message(a, "big"));
    a.await("onMessageSendError big 1005");
    // Without a MessageCallback a failure goes to onError.
    alice.messageInstantSend("nobody-here", "hi", null);
    assertTrue(a.await("onError 400").contains("messageInstantSend"));
    alice.logout();
    a.await("onLogout 101");
    alice.messageInstantSend("bob", "after logout", Recording.message(a, "late"));
    a.await("onMessageSendError late 1003");
  }

  @Test
  void aMessageWithATtlIsHeldUntilThePeerLogsIn() throws Exception {
    Signal signal = server.signal("msg-app");
    Recorder a = new Recorder();
    Signal.LoginSession sender = login(signal, "held-sender", a);
    sender.messageInstantSend("held-peer", "kept for you", 60, Recording.message(a, "held"));
    a.assertNone("onMessageSendSuccess held", 300);
    Recorder p = new Recorder();
    Signal.LoginSession peer = login(signal, "held-peer", p);
    p.await("onMessageInstantReceive held-sender " + sender.getUid() + " kept for you");
    a.await("onMessageSendSuccess held");
    assertEquals(1, p.count("onMessageInstantReceive"));
    sender.logout();
    peer.logout();
  }

  @Test
  void userAttributesThroughTheSessionAndTheSignal() throws Exception {
    Signal signal = server.signal("attr-app");
    Recorder q = new Recorder();
    signal.userGetAttr("dave", "color", Recording.attrs(q));
    q.await("onUserGetAttr [1003] {reason=");
    Recorder d = new Recorder();
    Signal.LoginSession dave = login(signal, "dave", d);
    Recorder r = new Recorder();
    dave.userSetAttr("color", "blue", Recording.attrs(r));
    assertEquals("onUserSetAttr [] {reason=,result=ok}", r.await("onUserSetAttr"));
    signal.userSetAttr("size", "XL", Recording.attrs(r));
    r.await("onUserSetAttr", 2, 5000);
    dave.userGetAttr("dave", "color", Recording.attrs(r));
    assertEquals("onUserGetAttr [] {account=dave,name=color,result=ok,value=blue}", r.await("onUserGetAttr"));
    signal.userGetAttrAll("dave", Recording.attrs(r));
    assertEquals("onUserGetAttrAll [] {account=dave,json={color=blue,size=XL},result=ok}", r.await("onUserGetAttrAll"));
    dave.userGetAttr(null, "color", Recording.attrs(r));
    List<String> two = r.await("onUserGetAttr [", 2, 5000);
    assertTrue(two.get(1).startsWith("onUserGetAttr [1004] {reason="), two.get(1));
    // An empty value deletes.
    dave.userSetAttr("color", "", Recording.attrs(r));
    r.await("onUserSetAttr", 3, 5000);
    dave.userGetAttr("dave", "color", Recording.attrs(r));
    assertEquals("onUserGetAttr [] {account=dave,name=color,result=ok,value=}", r.await("onUserGetAttr [", 3, 5000).get(2));
    dave.logout();
    d.await("onLogout 101");
    assertFalse(r.calledOffSdkThreads());
  }

  @Test
  void aHeldMessageWhoseTtlRunsOutFailsWith401() throws Exception {
    Signal signal = server.signal("msg-app");
    Recorder a = new Recorder();
    Signal.LoginSession sender = login(signal, "expiring-sender", a);
    sender.messageInstantSend("never-comes", "too late", 1, Recording.message(a, "expiring"));
    a.await("onMessageSendError expiring 401", 1, 5000);
    assertEquals(0, a.count("onMessageSendSuccess"));
    sender.logout();
  }

  @Test
  void manySignalsWithManySessionsEachInOneJvm() throws Exception {
    int signals = 3;
    int perSignal = 4;
    Signal.LoginSession[][] sessions = new Signal.LoginSession[signals][perSignal];
    Recorder[][] heard = new Recorder[signals][perSignal];
    for (int s = 0; s < signals; s++) {
      Signal signal = server.signal("msg-app");
      for (int k = 0; k < perSignal; k++) {
        heard[s][k] = new Recorder();
        sessions[s][k] = signal.login("many-" + s + "-" + k, "_no_need_token", Recording.login(heard[s][k]));
      }
    }
    for (int s = 0; s < signals; s++) for (int k = 0; k < perSignal; k++) heard[s][k].await("onLoginSuccess");
    // Everyone sends to the next account (wrapping), from whatever Signal it is in.
    int total = signals * perSignal;
    for (int i = 0; i < total; i++) {
      int to = (i + 1) % total;
      sessions[i / perSignal][i % perSignal].messageInstantSend("many-" + (to / perSignal) + "-" + (to % perSignal), "from " + i, null);
    }
    for (int i = 0; i < total; i++) {
      int from = (i + total - 1) % total;
      heard[i / perSignal][i % perSignal].await("onMessageInstantReceive many-" + (from / perSignal) + "-" + (from % perSignal));
    }
    for (Signal.LoginSession[] row : sessions) for (Signal.LoginSession x : row) x.logout();
  }
}
