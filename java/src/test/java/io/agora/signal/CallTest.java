package io.agora.signal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Invitations (Call) between Java sessions: accept, refuse, end, DTMF, failures. */
class CallTest {
  private static TestServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) server.close();
  }

  /** A callee that keeps the Call it receives and gives it a recording CallCallback. */
  private static Signal.LoginCallback callee(final Recorder r, final AtomicReference<Signal.LoginSession.Call> received) {
    final Signal.LoginCallback base = Recording.login(r);
    return new Signal.LoginCallback() {
      @Override
      public void onLoginSuccess(Signal.LoginSession session, int uid) {
        base.onLoginSuccess(session, uid);
      }

      @Override
      public void onInviteReceived(Signal.LoginSession session, Signal.LoginSession.Call call) {
        call.setCallback(Recording.call(r));
        received.set(call);
        base.onInviteReceived(session, call);
      }

      @Override
      public void onError(Signal.LoginSession session, int ecode, String reason) {
        base.onError(session, ecode, reason);
      }
    };
  }

  @Test
  void inviteAcceptDtmfAndEnd() throws Exception {
    Signal signal = server.signal("call-app");
    Recorder caller = new Recorder();
    Recorder callee = new Recorder();
    AtomicReference<Signal.LoginSession.Call> received = new AtomicReference<Signal.LoginSession.Call>();
    Signal.LoginSession a = signal.login("caller", "_no_need_token", Recording.login(caller));
    Signal.LoginSession b = signal.login("callee", "_no_need_token", callee(callee, received));
    caller.await("onLoginSuccess");
    callee.await("onLoginSuccess");
    Signal.LoginSession.Call call = a.channelInviteUser2("call-1", "callee", "{\"kind\":\"video\"}", Recording.call(caller));
    assertEquals("call-1", call.getChannel());
    caller.await("onInviteReceivedByPeer callee");
    callee.await("onInviteReceived call-1 caller {\"kind\":\"video\"}");
    received.get().channelInviteAccept("{\"ok\":1}");
    caller.await("onInviteAcceptedByPeer callee {\"ok\":1}");
    call.channelInviteDTMF("12#");
    callee.await("onInviteMsg caller {\"msgType\":\"DTMF\",\"msgData\":\"12#\"}");
    call.channelInviteEnd("{\"bye\":1}");
    caller.await("onInviteEndByMyself callee {\"bye\":1}");
    callee.await("onInviteEndByPeer caller {\"bye\":1}");
    // The call is over: ending it again is refused with 700.
    call.channelInviteEnd();
    caller.await("onError 700");
    a.logout();
    b.logout();
  }

  @Test
  void refuseEndByCalleeAndFailures() throws Exception {
    Signal signal = server.signal("call-app");
    Recorder caller = new Recorder();
    Recorder callee = new Recorder();
    AtomicReference<Signal.LoginSession.Call> received = new AtomicReference<Signal.LoginSession.Call>();
    Signal.LoginSession a = signal.login("caller2", "_no_need_token", Recording.login(caller));
    Signal.LoginSession b = signal.login("callee2", "_no_need_token", callee(callee, received));
    caller.await("onLoginSuccess");
    callee.await("onLoginSuccess");

    a.channelInviteUser2("c-refuse", "callee2", "", Recording.call(caller));
    callee.await("onInviteReceived c-refuse");
    received.get().channelInviteRefuse("{\"busy\":1}");
    caller.await("onInviteRefusedByPeer callee2 {\"busy\":1}");
    a.channelInviteUser2("c-refuse-2", "callee2", "", Recording.call(caller));
    callee.await("onInviteReceived c-refuse-2");
    received.get().channelInviteRefuse();
    caller.await("onInviteRefusedByPeer callee2 ", 2, 5000);

    a.channelInviteUser2("c-end", "callee2", "", Recording.call(caller));
    callee.await("onInviteReceived c-end");
    received.get().channelInviteAccept();
    caller.await("onInviteAcceptedByPeer callee2");
    received.get().channelInviteEnd();
    callee.await("onInviteEndByMyself caller2");
    caller.await("onInviteEndByPeer callee2");

    Recorder offline = new Recorder();
    a.channelInviteUser2("c-off", "not-online", "{\"_require_peer_online\":1}", Recording.call(offline));
    offline.await("onInviteFailed not-online 703");

    Recorder again = new Recorder();
    a.channelInviteUser2("c-twice", "callee2", "", Recording.call(caller));
    caller.await("onInviteReceivedByPeer callee2");
    a.channelInviteUser2("c-twice", "callee2", "", Recording.call(again));
    again.await("onInviteFailed callee2 701");

    Recorder bad = new Recorder();
    a.channelInviteUser2("c-bad", "callee2", "not json", Recording.call(bad));
    bad.await("onInviteFailed callee2 1004");
    Recorder nobody = new Recorder();
    a.channelInviteUser2("c-null", null, "", Recording.call(nobody));
    nobody.await("onInviteFailed  1004");

    Recorder timeout = new Recorder();
    a.channelInviteUser2("c-timeout", "callee2", "{\"_timeout\":0.5}", Recording.call(timeout));
    timeout.await("onInviteFailed callee2 704");
    callee.await("onInviteEndByPeer caller2 {\"_reason\":\"timeout\"}");
    a.logout();
    b.logout();
  }
}
