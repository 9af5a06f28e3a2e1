package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Channels: join, members, messages, attributes, member counts and leaving, between Java sessions. */
class ChannelTest {
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
  void membersMessagesAndAttributes() throws Exception {
    Signal signal = server.signal("chan-app");
    Recorder la = new Recorder();
    Recorder lb = new Recorder();
    Signal.LoginSession a = login(signal, "ann", la);
    Signal.LoginSession b = login(signal, "ben", lb);
    Recorder ca = new Recorder();
    Recorder cb = new Recorder();
    Signal.LoginSession.Channel chA = a.channelJoin("room-1", Recording.channel(ca));
    ca.await("onChannelJoined room-1");
    assertEquals("onChannelUserList [ann] [" + a.getUid() + "]", ca.await("onChannelUserList"));
    Signal.LoginSession.Channel chB = b.channelJoin("room-1", Recording.channel(cb));
    cb.await("onChannelJoined room-1");
    assertEquals("onChannelUserList [ann, ben] [" + a.getUid() + ", " + b.getUid() + "]", cb.await("onChannelUserList"));
    assertEquals("onChannelUserJoined ben " + b.getUid(), ca.await("onChannelUserJoined"));

    chA.messageChannelSend("hi all", Recording.message(la, "ch"));
    cb.await("onMessageChannelReceive ann hi all");
    ca.await("onMessageChannelReceive ann hi all");
    la.await("onMessageSendSuccess ch");

    chA.channelSetAttr("topic", "news");
    cb.await("onChannelAttrUpdated topic=news update");
    ca.await("onChannelAttrUpdated topic=news update");
    chB.channelDelAttr("topic");
    ca.await("onChannelAttrUpdated topic= del");
    chB.channelSetAttr("x", "1");
    ca.await("onChannelAttrUpdated x=1 update");
    chA.channelClearAttr();
    cb.await("onChannelAttrUpdated = clear");

    Recorder q = new Recorder();
    a.channelQueryUserNum("room-1", Recording.attrs(q));
    assertEquals("onChannelQueryUserNum [] {name=room-1,num=2,result=ok}", q.await("onChannelQueryUserNum"));
    ca.await("onChannelQueryUserNum [] 2");
    signal.channelQueryUserNum("empty-room", Recording.attrs(q));
    q.await("onChannelQueryUserNum [] {name=empty-room,num=0,result=ok}");

    chB.channelLeave();
    cb.await("onChannelLeaved room-1 602");
    assertEquals("onChannelUserLeaved ben " + b.getUid(), ca.await("onChannelUserLeaved"));
    chB.messageChannelSend("not a member", Recording.message(lb, "outside"));
    lb.await("onMessageSendError outside");
    a.logout();
    b.logout();
    assertTrue(!ca.calledOffSdkThreads() && !cb.calledOffSdkThreads());
  }

  @Test
  void joiningAnotherChannelLeavesTheFirstAndBadInputGetsErrors() throws Exception {
    Signal signal = server.signal("chan-app");
    Recorder l = new Recorder();
    Signal.LoginSession s = login(signal, "hopper", l);
    Recorder c1 = new Recorder();
    Recorder c2 = new Recorder();
    s.channelJoin("first", Recording.channel(c1));
    c1.await("onChannelJoined first");
    Signal.LoginSession.Channel second = s.channelJoin("second", Recording.channel(c2));
    c1.await("onChannelLeaved first 602");
    c2.await("onChannelJoined second");
    Recorder bad = new Recorder();
    s.channelJoin(null, Recording.channel(bad));
    bad.await("onChannelJoinFailed  1004");
    second.channelSetAttr(null, "v");
    assertTrue(l.await("onError 1004").contains("channelSetAttr"));
    StringBuilder longName = new StringBuilder();
    for (int i = 0; i < 200; i++) longName.append('n');
    Recorder tooLong = new Recorder();
    s.channelJoin(longName.toString(), Recording.channel(tooLong));
    tooLong.await("onChannelJoinFailed " + longName);
    s.logout();
    l.await("onLogout 101");
    Recorder late = new Recorder();
    s.channelJoin("late", Recording.channel(late));
    late.await("onChannelJoinFailed late 1003");
  }

  @Test
  void theEndOfTheSessionEndsItsChannelMembership() throws Exception {
    Signal signal = server.signal("chan-app");
    final Recorder both = new Recorder();
    Signal.LoginSession s = signal.login("ender", "_no_need_token", Recording.login(both));
    both.await("onLoginSuccess");
    s.channelJoin("end-room", Recording.channel(both));
    both.await("onChannelJoined end-room");
    s.logout();
    both.await("onLogout 101");
    java.util.List<String> lines = both.lines();
    assertTrue(lines.indexOf("onChannelLeaved end-room 603") >= 0 && lines.indexOf("onChannelLeaved end-room 603") < lines.indexOf("onLogout 101"),
        lines.toString());

    Recorder kicked = new Recorder();
    Signal.LoginSession first = signal.login("kicked-member", "_no_need_token", Recording.login(kicked));
    kicked.await("onLoginSuccess");
    first.channelJoin("kick-room", Recording.channel(kicked));
    kicked.await("onChannelJoined kick-room");
    Recorder other = new Recorder();
    Signal.LoginSession second = signal.login("kicked-member", "_no_need_token", Recording.login(other));
    kicked.await("onLogout 103");
    kicked.await("onChannelLeaved kick-room 601");
    second.logout();
  }

  @Test
  void aBackEndWatchesLoginsThroughTheSpecialChannel() throws Exception {
    Signal signal = server.signal("watch-app");
    Recorder w = new Recorder();
    Signal.LoginSession watcher = signal.login("watcher", "_no_need_token", Recording.login(w));
    w.await("onLoginSuccess");
    Recorder c = new Recorder();
    watcher.channelJoin("__agora_user_online", Recording.channel(c));
    c.await("onChannelJoined __agora_user_online");
    Recorder u = new Recorder();
    Signal.LoginSession user = signal.login("watched", "_no_need_token", Recording.login(u));
    u.await("onLoginSuccess");
    String login = c.await("onMessageChannelReceive watched ");
    assertTrue(login.contains("\"event\":\"login\""), login);
    user.logout();
    String logout = c.await("onMessageChannelReceive watched {\"event\":\"logout\"");
    assertTrue(logout.contains("\"code\":101"), logout);
    watcher.logout();
  }
}
