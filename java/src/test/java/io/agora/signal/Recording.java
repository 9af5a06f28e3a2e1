package io.agora.signal;

import java.util.List;
import org.json.JSONObject;

/** Callback objects that write every call to a {@link Recorder}, as "name arg arg ...". */
final class Recording {
  private Recording() {}

  static Signal.LoginCallback login(final Recorder r) {
    return new Signal.LoginCallback() {
      @Override
      public void onLoginSuccess(Signal.LoginSession session, int uid) {
        r.add("onLoginSuccess " + session.getAccount() + " " + uid);
      }

      @Override
      public void onLogout(Signal.LoginSession session, int ecode) {
        r.add("onLogout " + ecode);
      }

      @Override
      public void onLoginFailed(Signal.LoginSession session, int ecode) {
        r.add("onLoginFailed " + ecode);
      }

      @Override
      public void onMessageInstantReceive(Signal.LoginSession session, String account, int uid, String msg) {
        r.add("onMessageInstantReceive " + account + " " + uid + " " + msg);
      }

      @Override
      public void onInviteReceived(Signal.LoginSession session, Signal.LoginSession.Call call) {
        r.add("onInviteReceived " + call.getChannel() + " " + call.getPeer() + " " + call.getExtra());
      }

      @Override
      public void onError(Signal.LoginSession session, int ecode, String reason) {
        r.add("onError " + ecode + " " + reason);
      }

      @Override
      public void onReconnecting(Signal.LoginSession session, int nretry) {
        r.add("onReconnecting " + nretry);
      }

      @Override
      public void onReconnected(Signal.LoginSession session) {
        r.add("onReconnected");
      }
    };
  }

  static Signal.ChannelCallback channel(final Recorder r) {
    return new Signal.ChannelCallback() {
      @Override
      public void onChannelJoined(Signal.LoginSession session, Signal.LoginSession.Channel channel) {
        r.add("onChannelJoined " + channel.getName());
      }

      @Override
      public void onChannelJoinFailed(Signal.LoginSession session, Signal.LoginSession.Channel channel, int ecode) {
        r.add("onChannelJoinFailed " + channel.getName() + " " + ecode);
      }

      @Override
      public void onChannelLeaved(Signal.LoginSession session, Signal.LoginSession.Channel channel, int ecode) {
        r.add("onChannelLeaved " + channel.getName() + " " + ecode);
      }

      @Override
      public void onChannelUserJoined(Signal.LoginSession session, Signal.LoginSession.Channel channel, String account, int uid) {
        r.add("onChannelUserJoined " + account + " " + uid);
      }

      @Override
      public void onChannelUserLeaved(Signal.LoginSession session, Signal.LoginSession.Channel channel, String account, int uid) {
        r.add("onChannelUserLeaved " + account + " " + uid);
      }

      @Override
      public void onChannelUserList(Signal.LoginSession session, Signal.LoginSession.Channel channel, List<String> users, List<Integer> uids) {
        r.add("onChannelUserList " + users + " " + uids);
      }

      @Override
      public void onChannelAttrUpdated(Signal.LoginSession session, Signal.LoginSession.Channel channel, String name, String value, String type) {
        r.add("onChannelAttrUpdated " + name + "=" + value + " " + type);
      }

      @Override
      public void onChannelQueryUserNum(Signal.LoginSession session, String err, int num) {
        r.add("onChannelQueryUserNum [" + err + "] " + num);
      }

      @Override
      public void onMessageChannelReceive(Signal.LoginSession session, Signal.LoginSession.Channel channel, String account, int uid, String msg) {
        r.add("onMessageChannelReceive " + account + " " + msg);
      }
    };
  }

  static Signal.MessageCallback message(final Recorder r, final String tag) {
    return new Signal.MessageCallback() {
      @Override
      public void onMessageSendSuccess(Signal.LoginSession session) {
        r.add("onMessageSendSuccess " + tag);
      }

      @Override
      public void onMessageSendError(Signal.LoginSession session, int ecode) {
        r.add("onMessageSendError " + tag + " " + ecode);
      }
    };
  }

  static Signal.CallCallback call(final Recorder r) {
    return new Signal.CallCallback() {
      @Override
      public void onInviteReceivedByPeer(Signal.LoginSession session, Signal.LoginSession.Call call) {
        r.add("onInviteReceivedByPeer " + call.getPeer());
      }

      @Override
      public void onInviteAcceptedByPeer(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {
        r.add("onInviteAcceptedByPeer " + call.getPeer() + " " + extra);
      }

      @Override
      public void onInviteRefusedByPeer(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {
        r.add("onInviteRefusedByPeer " + call.getPeer() + " " + extra);
      }

      @Override
      public void onInviteFailed(Signal.LoginSession session, Signal.LoginSession.Call call, int ecode) {
        r.add("onInviteFailed " + call.getPeer() + " " + ecode);
      }

      @Override
      public void onInviteEndByPeer(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {
        r.add("onInviteEndByPeer " + call.getPeer() + " " + extra);
      }

      @Override
      public void onInviteEndByMyself(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {
        r.add("onInviteEndByMyself " + call.getPeer() + " " + extra);
      }

      @Override
      public void onInviteMsg(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {
        r.add("onInviteMsg " + call.getPeer() + " " + extra);
      }
    };
  }

  static Signal.UserAttrCallback attrs(final Recorder r) {
    return new Signal.UserAttrCallback() {
      @Override
      public void onUserGetAttr(String err, JSONObject ret) {
        r.add("onUserGetAttr [" + err + "] " + sorted(ret));
      }

      @Override
      public void onUserGetAttrAll(String err, JSONObject ret) {
        r.add("onUserGetAttrAll [" + err + "] " + sorted(ret));
      }

      @Override
      public void onUserSetAttr(String err, JSONObject ret) {
        r.add("onUserSetAttr [" + err + "] " + sorted(ret));
      }

      @Override
      public void onChannelQueryUserNum(String err, JSONObject ret) {
        r.add("onChannelQueryUserNum [" + err + "] " + sorted(ret));
      }
    };
  }

  /** JSON text with keys in order, so that tests can compare it. */
  static String sorted(JSONObject o) {
    StringBuilder sb = new StringBuilder("{");
    for (String k : new java.util.TreeSet<String>(o.keySet())) {
      if (sb.length() > 1) sb.append(',');
      Object v = o.get(k);
      sb.append(k).append('=').append(v instanceof JSONObject ? sorted((JSONObject) v) : String.valueOf(v));
    }
    return sb.append('}').toString();
  }
}
