package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * Every class, method and callback of the seed (../shared/seeds/002_*.txt) with its exact
 * signature, public, so that code written against the original jar compiles against ours; and
 * callback classes that are concrete with methods that do nothing (an anonymous subclass overrides
 * only what it needs).
 */
class SeedSurfaceTest {
  private static void has(Class<?> c, Class<?> returns, String name, Class<?>... params) throws Exception {
    Method m = c.getMethod(name, params);
    assertEquals(returns, m.getReturnType(), c.getSimpleName() + "." + name);
    assertTrue(Modifier.isPublic(m.getModifiers()));
  }

  @Test
  void signalLoginSessionChannelAndCall() throws Exception {
    Signal.class.getConstructor(String.class);
    has(Signal.class, void.class, "setDoLog", boolean.class);
    has(Signal.class, Signal.LoginSession.class, "login", String.class, String.class, Signal.LoginCallback.class);
    has(Signal.class, void.class, "userSetAttr", String.class, String.class, Signal.UserAttrCallback.class);
    has(Signal.class, void.class, "userGetAttr", String.class, String.class, Signal.UserAttrCallback.class);
    has(Signal.class, void.class, "userGetAttrAll", String.class, Signal.UserAttrCallback.class);
    has(Signal.class, void.class, "channelQueryUserNum", String.class, Signal.UserAttrCallback.class);
    has(Signal.class, int.class, "getStatus");

    Class<?> s = Signal.LoginSession.class;
    has(s, void.class, "logout");
    has(s, void.class, "messageInstantSend", String.class, String.class, Signal.MessageCallback.class);
    has(s, void.class, "messageInstantSend", String.class, String.class, int.class, Signal.MessageCallback.class);
    has(s, Signal.LoginSession.Call.class, "channelInviteUser2", String.class, String.class, String.class, Signal.CallCallback.class);
    has(s, Signal.LoginSession.Channel.class, "channelJoin", String.class, Signal.ChannelCallback.class);

    Class<?> ch = Signal.LoginSession.Channel.class;
    has(ch, void.class, "channelLeave");
    has(ch, void.class, "channelSetAttr", String.class, String.class);
    has(ch, void.class, "channelDelAttr", String.class);
    has(ch, void.class, "channelClearAttr");
    has(ch, void.class, "messageChannelSend", String.class);

    Class<?> call = Signal.LoginSession.Call.class;
    for (String m : new String[] {"channelInviteAccept", "channelInviteRefuse", "channelInviteEnd"}) {
      has(call, void.class, m);
      has(call, void.class, m, String.class);
    }
    has(SignalingToken.class, String.class, "getToken", String.class, String.class, String.class, int.class);
    assertTrue(Modifier.isStatic(SignalingToken.class.getMethod("getToken", String.class, String.class, String.class, int.class).getModifiers()));
  }

  @Test
  void callbackClasses() throws Exception {
    Class<?> ls = Signal.LoginSession.class;
    Class<?> ch = Signal.LoginSession.Channel.class;
    Class<?> call = Signal.LoginSession.Call.class;
    Class<?> l = Signal.LoginCallback.class;
    has(l, void.class, "onLoginSuccess", ls, int.class);
    has(l, void.class, "onLogout", ls, int.class);
    has(l, void.class, "onLoginFailed", ls, int.class);
    has(l, void.class, "onMessageInstantReceive", ls, String.class, int.class, String.class);
    has(l, void.class, "onInviteReceived", ls, call);
    has(l, void.class, "onError", ls, int.class, String.class);

    Class<?> c = Signal.ChannelCallback.class;
    has(c, void.class, "onChannelJoined", ls, ch);
    has(c, void.class, "onChannelJoinFailed", ls, ch, int.class);
    has(c, void.class, "onChannelLeaved", ls, ch, int.class);
    has(c, void.class, "onChannelUserJoined", ls, ch, String.class, int.class);
    has(c, void.class, "onChannelUserLeaved", ls, ch, String.class, int.class);
    has(c, void.class, "onChannelUserList", ls, ch, List.class, List.class);
    has(c, void.class, "onChannelAttrUpdated", ls, ch, String.class, String.class, String.class);
    has(c, void.class, "onChannelQueryUserNum", ls, String.class, int.class);
    has(c, void.class, "onMessageChannelReceive", ls, ch, String.class, int.class, String.class);

    Class<?> m = Signal.MessageCallback.class;
    has(m, void.class, "onMessageSendSuccess", ls);
    has(m, void.class, "onMessageSendError", ls, int.class);

    Class<?> cc = Signal.CallCallback.class;
    has(cc, void.class, "onInviteReceivedByPeer", ls, call);
    for (String name : new String[] {"onInviteAcceptedByPeer", "onInviteRefusedByPeer", "onInviteEndByPeer", "onInviteEndByMyself", "onInviteMsg"}) {
      has(cc, void.class, name, ls, call, String.class);
    }
    has(cc, void.class, "onInviteFailed", ls, call, int.class);

    Class<?> u = Signal.UserAttrCallback.class;
    has(u, void.class, "onUserGetAttr", String.class, JSONObject.class);
    has(u, void.class, "onUserGetAttrAll", String.class, JSONObject.class);
    has(u, void.class, "onUserSetAttr", String.class, JSONObject.class);

    for (Class<?> k : new Class<?>[] {l, c, m, cc, u}) {
      assertTrue(Modifier.isStatic(k.getModifiers()) && Modifier.isPublic(k.getModifiers()) && !Modifier.isAbstract(k.getModifiers()), k.getName());
      k.getConstructor().newInstance();
    }
  }
}
