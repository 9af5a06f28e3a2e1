package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lost connections, through a relay that cuts them: resume within the window with nothing lost or
 * duplicated, a fresh login once the window is over, and giving up at the reconnection limits.
 */
class ResumeTest {
  private static TestServer server;
  private static TestServer shortWindowServer;

  @BeforeAll
  static void startServers() throws Exception {
    server = TestServer.start();
    shortWindowServer = TestServer.start("--resume-window-ms", "300");
  }

  @AfterAll
  static void stopServers() {
    if (server != null) server.close();
    if (shortWindowServer != null) shortWindowServer.close();
  }

  @Test
  void aCutConnectionResumesWithEveryMessageOnceInOrder() throws Exception {
    try (TcpRelay relay = new TcpRelay(server.host, server.port)) {
      Signal viaRelay = new Signal("resume-app");
      viaRelay.setServer(relay.address());
      viaRelay.setReconnectLimits(20, 30);
      Recorder a = new Recorder();
      Signal.LoginSession alice = viaRelay.login("r-alice", "_no_need_token", Recording.login(a));
      Recorder b = new Recorder();
      Signal.LoginSession bob = server.signal("resume-app").login("r-bob", "_no_need_token", Recording.login(b));
      a.await("onLoginSuccess");
      b.await("onLoginSuccess");
      Recorder ca = new Recorder();
      alice.channelJoin("resume-room", Recording.channel(ca));
      ca.await("onChannelJoined resume-room");

      final int n = 300;
      for (int i = 0; i < n / 3; i++) bob.messageInstantSend("r-alice", "m" + i, null);
      a.await("onMessageInstantReceive r-bob", 10, 5000);
      // Cut while frames are in flight; keep the relay closed for a while so that the rest of the
      // messages are sent while alice has no connection (the server keeps them for her).
      relay.refuse(true);
      relay.cut();
      for (int i = n / 3; i < 2 * n / 3; i++) bob.messageInstantSend("r-alice", "m" + i, null);
      a.await("onReconnecting 1");
      assertEquals(1, alice.getStatus());
      // Requests made while reconnecting are kept and sent after the resume.
      alice.messageInstantSend("r-bob", "sent during the gap", Recording.message(a, "gap"));
      Thread.sleep(600);
      relay.refuse(false);
      a.await("onReconnected");
      for (int i = 2 * n / 3; i < n; i++) bob.messageInstantSend("r-alice", "m" + i, null);
      List<String> got = a.await("onMessageInstantReceive r-bob", n, 15000);
      for (int i = 0; i < n; i++) assertTrue(got.get(i).endsWith(" m" + i), "message " + i + " in order: " + got.get(i));
      b.await("onMessageInstantReceive r-alice");
      a.await("onMessageSendSuccess gap");
      Thread.sleep(300);
      assertEquals(n, a.count("onMessageInstantReceive"), "no message twice");
      assertEquals(1, b.count("onMessageInstantReceive r-alice"), "the request re-sent once");
      assertEquals(0, a.count("onLogout"));
      assertEquals(2, alice.getStatus());
      assertTrue(relay.accepted() >= 2);
      // The session (and so its channel) survived: alice still gets channel messages.
      Recorder cb = new Recorder();
      Signal.LoginSession.Channel bobsChannel = bob.channelJoin("resume-room", Recording.channel(cb));
      cb.await("onChannelJoined");
      bobsChannel.messageChannelSend("still here");
      ca.await("onMessageChannelReceive r-bob still here");
      alice.logout();
      bob.logout();
      a.await("onLogout 101");
    }
  }

  @Test
  void afterTheResumeWindowTheSessionLogsInAfresh() throws Exception {
    try (TcpRelay relay = new TcpRelay(shortWindowServer.host, shortWindowServer.port)) {
      Signal viaRelay = new Signal("resume-app");
      viaRelay.setServer(relay.address());
      viaRelay.setReconnectLimits(20, 30);
      Recorder a = new Recorder();
      Signal.LoginSession s = viaRelay.login("r-fresh", "_no_need_token", Recording.login(a));
      a.await("onLoginSuccess");
      Recorder c = new Recorder();
      s.channelJoin("fresh-room", Recording.channel(c));
      c.await("onChannelJoined fresh-room");
      relay.refuse(true);
      relay.cut();
      Thread.sleep(1200);
      relay.refuse(false);
      a.await("onReconnected");
      // The server forgot the session, and its membership with it.
      c.await("onChannelLeaved fresh-room 604");
      assertEquals(2, s.getStatus());
      Recorder p = new Recorder();
      Signal.LoginSession peer = shortWindowServer.signal("resume-app").login("r-peer", "_no_need_token", Recording.login(p));
      p.await("onLoginSuccess");
      peer.messageInstantSend("r-fresh", "after", Recording.message(p, "after"));
      a.await("onMessageInstantReceive r-peer");
      s.logout();
      peer.logout();
    }
  }

  @Test
  void givesUpWithLogout102AtTheLimits() throws Exception {
    try (TcpRelay relay = new TcpRelay(server.host, server.port)) {
      Signal viaRelay = new Signal("resume-app");
      viaRelay.setServer(relay.address());
      viaRelay.setReconnectLimits(2, 30);
      Recorder a = new Recorder();
      viaRelay.login("r-giveup", "_no_need_token", Recording.login(a));
      a.await("onLoginSuccess");
      relay.refuse(true);
      relay.cut();
      a.await("onLogout 102");
      assertEquals(2, a.count("onReconnecting"));
      assertEquals(0, viaRelay.getStatus());
    }
  }
}
