package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A Java session and a session of another SDK (the Node model over the C++ core, in its own
 * process) in the same p2p conversation, channel and call.
 */
@Timeout(60)
class CrossSdkTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  @Test
  void javaAndTheCppCoreTalkThroughOneServer() throws Exception {
    try (NodePeer peer = new NodePeer(server, "native-peer")) {
      String ok = peer.heard.await("loginSuccess ");
      int peerUid = Integer.parseInt(ok.substring(ok.indexOf(' ') + 1));
      Recorder j = new Recorder();
      Signal.LoginSession java = server.signal("cross-app").login("java-side", "_no_need_token", Recording.login(j));
      j.await("onLoginSuccess");

      java.messageInstantSend("native-peer", "from java 你好", Recording.message(j, "p2p"));
      peer.heard.await("instant java-side " + java.getUid() + " from java 你好");
      j.await("onMessageSendSuccess p2p");
      peer.command(new JSONObject().put("do", "send").put("to", "java-side").put("msg", "from c++"));
      j.await("onMessageInstantReceive native-peer " + peerUid + " from c++");

      Recorder c = new Recorder();
      Signal.LoginSession.Channel channel = java.channelJoin("mixed-room", Recording.channel(c));
      c.await("onChannelJoined mixed-room");
      peer.command(new JSONObject().put("do", "join").put("channel", "mixed-room"));
      peer.heard.await("channelJoined mixed-room");
      assertEquals("onChannelUserJoined native-peer " + peerUid, c.await("onChannelUserJoined"));
      channel.messageChannelSend("hello room");
      peer.heard.await("channelMsg java-side " + java.getUid() + " hello room");
      peer.command(new JSONObject().put("do", "channelSend").put("msg", "hi java"));
      c.await("onMessageChannelReceive native-peer hi java");
      channel.channelSetAttr("k", "v");
      peer.heard.await("attr k=v update");

      Signal.LoginSession.Call call = java.channelInviteUser2("mixed-call", "native-peer", "{\"a\":1}", Recording.call(j));
      peer.heard.await("inviteReceived mixed-call java-side {\"a\":1}");
      j.await("onInviteReceivedByPeer native-peer");
      peer.command(new JSONObject().put("do", "accept").put("extra", "{\"b\":2}"));
      j.await("onInviteAcceptedByPeer native-peer {\"b\":2}");
      call.channelInviteEnd();
      j.await("onInviteEndByMyself native-peer");
      peer.heard.await("inviteEndByPeer java-side");

      peer.command(new JSONObject().put("do", "logout"));
      peer.heard.await("logout 101");
      java.logout();
      j.await("onLogout 101");
    }
  }
}
