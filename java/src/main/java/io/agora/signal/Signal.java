package io.agora.signal;

import io.agora.signal.client.Backoff;
import io.agora.signal.client.GuardedTask;
import io.agora.signal.client.ResultHandler;
import io.agora.signal.client.ServerAddress;
import io.agora.signal.client.SessionClient;
import io.agora.signal.client.SessionListener;
import io.agora.signal.wire.ErrorCode;
import io.agora.signal.wire.EventKind;
import io.agora.signal.wire.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.json.JSONException;
import org.json.JSONObject;

/**
 * The Agora Signaling Java Server SDK 1.4.0 API over the agora-sig server: one App ID, any number
 * of {@link LoginSession}s (one connection each); a JVM may hold any number of Signals.
 *
 * <p><b>Threads.</b> Each LoginSession has one SDK-owned daemon thread, named
 * {@code agora-sig-session-<account>-<n>}, that runs every callback of that session (its
 * LoginCallback, the ChannelCallback of its channel, the CallCallbacks of its calls, the
 * MessageCallbacks and UserAttrCallbacks of its requests), one at a time, in the order the server
 * sent the events and results. Different sessions call back concurrently on their own threads. The
 * methods may be called from any thread, callbacks included; they never block and never call back
 * from within the call. A callback that throws is logged (java.util.logging, logger
 * {@code io.agora.signal}) and the SDK carries on. The thread ends a few seconds after its session
 * is over, and being a daemon it never keeps a JVM alive.
 *
 * <p><b>Where it connects.</b> {@link #setServer(String)}, else the system property
 * {@code agora.sig.server}, else the environment variable {@code AGORA_SIG_SERVER}, else
 * 127.0.0.1:9720, each "host:port".
 */
public class Signal {
  /** The SDK's version, sent in HELLO. */
  public static final String SDK_VERSION = "0.1.0";

  static final Logger LOG = Logger.getLogger("io.agora.signal");
  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private final String appid;
  private volatile boolean doLog;
  private volatile String server;
  private volatile int retryCount = Backoff.DEFAULT_RETRY_COUNT;
  private volatile int retryTimeS = Backoff.DEFAULT_RETRY_TIME_S;
  private final List<LoginSession> sessions = new ArrayList<LoginSession>();
  private LoginSession latest;

  /** A Signal for App ID {@code appid}. */
  public Signal(String appid) {
    this.appid = appid;
  }

  /** Prints the SDK's log lines of this Signal's sessions to standard output. */
  public void setDoLog(boolean doLog) {
    this.doLog = doLog;
  }

  /**
   * Where the sessions of this Signal logged in from now on connect: "host:port" of the server's TCP
   * port. Null goes back to the system property, the environment variable, then the default (an
   * addition to the original API, which had its servers built in).
   *
   * @throws IllegalArgumentException when {@code hostPort} is not host:port
   */
  public void setServer(String hostPort) {
    if (hostPort != null) ServerAddress.parse(hostPort);
    this.server = hostPort;
  }

  /**
   * The reconnection limits of later logins: at most {@code count} tries within {@code timeInS}
   * seconds of a lost connection (default 3 and 30, as {@code login} of the other SDKs); then
   * onLogout(102). An addition to the original API, like {@code login2} of the Windows SDK.
   */
  public void setReconnectLimits(int count, int timeInS) {
    this.retryCount = Math.max(0, count);
    this.retryTimeS = Math.max(0, timeInS);
  }

  /**
   * Logs {@code account} in with {@code token} ({@code _no_need_token} where the App ID has no
   * certificate) and returns its session at once; {@code cb} hears onLoginSuccess or
   * onLoginFailed. Each call is a new session on its own connection.
   */
  public Signal.LoginSession login(String account, String token, Signal.LoginCallback cb) {
    LoginSession session = new LoginSession(account, token == null ? "" : token, cb == null ? new LoginCallback() : cb);
    synchronized (sessions) {
      latest = session;
      sessions.add(session);
    }
    session.start();
    return session;
  }

  /** As {@link LoginSession#userSetAttr}, through the most recent session that is logged in. */
  public void userSetAttr(String name, String value, final Signal.UserAttrCallback cb) {
    LoginSession s = loggedIn();
    if (s != null) s.userSetAttr(name, value, cb);
    else notLoggedIn(cb, AttrAnswer.SET);
  }

  /** As {@link LoginSession#userGetAttr}, through the most recent session that is logged in. */
  public void userGetAttr(String account, String name, final Signal.UserAttrCallback cb) {
    LoginSession s = loggedIn();
    if (s != null) s.userGetAttr(account, name, cb);
    else notLoggedIn(cb, AttrAnswer.GET);
  }

  /** As {@link LoginSession#userGetAttrAll}, through the most recent session that is logged in. */
  public void userGetAttrAll(String account, final Signal.UserAttrCallback cb) {
    LoginSession s = loggedIn();
    if (s != null) s.userGetAttrAll(account, cb);
    else notLoggedIn(cb, AttrAnswer.GET_ALL);
  }

  /** As {@link LoginSession#channelQueryUserNum}, through the most recent session that is logged in. */
  public void channelQueryUserNum(String name, final Signal.UserAttrCallback cb) {
    LoginSession s = loggedIn();
    if (s != null) s.channelQueryUserNum(name, cb);
    else notLoggedIn(cb, AttrAnswer.QUERY_NUM);
  }

  /**
   * The status of this Signal's most recent login: 4 before any, 1 connecting or logging in (also
   * while reconnecting), 2 logged in, 3 login failed, 0 logged out.
   */
  public int getStatus() {
    synchronized (sessions) {
      return latest == null ? LoginStatus.INITIAL : latest.getStatus();
    }
  }

  private LoginSession loggedIn() {
    synchronized (sessions) {
      for (int i = sessions.size() - 1; i >= 0; i--) {
        LoginSession s = sessions.get(i);
        int st = s.getStatus();
        if (st == LoginStatus.LOGGED_IN) return s;
        if (st != LoginStatus.CONNECTING) sessions.remove(i);
      }
      return null;
    }
  }

  /** The answer to a query made with no session logged in: 1003, on a thread of the SDK. */
  private void notLoggedIn(final UserAttrCallback cb, final AttrAnswer answer) {
    if (cb == null) return;
    Thread t = new Thread(() -> {
      JSONObject ret = new JSONObject().put("result", "failed").put("reason", "no session of this Signal is logged in");
      deliverAttr(cb, answer, String.valueOf(ErrorCode.GENERAL_E_NOT_LOGIN), ret);
    }, "agora-sig-signal-" + THREAD_NUMBER.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  void sdkLog(String account, String line) {
    if (doLog) System.out.println("[agora-sig " + account + "] " + line);
  }

  /** Runs application code; what it throws is logged, never let into the SDK's threads. */
  static void safely(String what, Runnable callback) {
    try {
      callback.run();
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) throw (VirtualMachineError) t;
      LOG.log(Level.WARNING, "agora-sig: callback " + what + " threw; the SDK carries on", t);
    }
  }

  /** Which UserAttrCallback member answers a query. */
  enum AttrAnswer { SET, GET, GET_ALL, QUERY_NUM }

  static void deliverAttr(final UserAttrCallback cb, AttrAnswer answer, final String err, final JSONObject ret) {
    if (cb == null) return;
    switch (answer) {
      case SET:
        safely("onUserSetAttr", () -> cb.onUserSetAttr(err, ret));
        break;
      case GET:
        safely("onUserGetAttr", () -> cb.onUserGetAttr(err, ret));
        break;
      case GET_ALL:
        safely("onUserGetAttrAll", () -> cb.onUserGetAttrAll(err, ret));
        break;
      default:
        safely("onChannelQueryUserNum", () -> cb.onChannelQueryUserNum(err, ret));
    }
  }

  /**
   * One login: its own connection, account and daemon thread. Returned by {@link Signal#login}.
   */
  public class LoginSession {
    private final String account;
    private final String token;
    private final LoginCallback callback;
    private final ScheduledThreadPoolExecutor exec;
    private final SessionClient client;
    private volatile int status = LoginStatus.CONNECTING;
    private volatile int uid;
    /** Channels by name; one is joined at a time, but events of the one being left may still come. */
    private final Map<String, Channel> channels = new LinkedHashMap<String, Channel>();
    /** Live invitations, oldest first. */
    private final List<Call> calls = new ArrayList<Call>();
    /** MessageCallbacks of messages held for offline peers, by serverMsgId. */
    private final Map<String, MessageCallback> heldMessages = new ConcurrentHashMap<String, MessageCallback>();
    /** The channel most recently joined (the one member events are about). */
    private Channel current;

    LoginSession(String account, String token, LoginCallback callback) {
      this.account = account;
      this.token = token;
      this.callback = callback;
      final String threadName = "agora-sig-session-" + account + "-" + THREAD_NUMBER.incrementAndGet();
      this.exec = new ScheduledThreadPoolExecutor(1, new ThreadFactory() {
        @Override
        public Thread newThread(Runnable r) {
          Thread t = new Thread(r, threadName);
          t.setDaemon(true);
          return t;
        }
      });
      // The thread ends when the session has nothing left to do, and comes back for a late call.
      exec.setKeepAliveTime(5, TimeUnit.SECONDS);
      exec.allowCoreThreadTimeOut(true);
      exec.setRemoveOnCancelPolicy(true);
      ServerAddress address;
      String serverText = server;
      try {
        address = ServerAddress.resolve(serverText);
      } catch (IllegalArgumentException e) {
        LOG.warning("agora-sig: bad server address (" + e.getMessage() + "): using " + ServerAddress.DEFAULT);
        address = ServerAddress.parse(ServerAddress.DEFAULT);
      }
      this.client = new SessionClient(exec, address, appid == null ? "" : appid, account == null ? "" : account, token,
          "agora-sig-java/" + SDK_VERSION, retryCount, retryTimeS, new Listener());
    }

    void start() {
      run(() -> {
        String bad = Checks.account(account);
        if (bad != null) {
          status = LoginStatus.LOGIN_FAILED;
          error(ErrorCode.GENERAL_E_WRONG_PARAM, "login", bad);
          loginFailed(ErrorCode.LOGIN_E_INVALID_USER);
          return;
        }
        if (appid == null || appid.isEmpty()) {
          status = LoginStatus.LOGIN_FAILED;
          error(ErrorCode.GENERAL_E_WRONG_PARAM, "login", "the App ID is empty");
          loginFailed(ErrorCode.LOGIN_E_TOKENWRONG);
          return;
        }
        sdkLog(account, "logging in to " + client);
        client.start();
      });
    }

    /** The account of this session (an addition). */
    public String getAccount() {
      return account;
    }

    /** The uid the server gave this login (0 before it succeeded; an addition). */
    public int getUid() {
      return uid;
    }

    /** This session's status, as {@link Signal#getStatus} (an addition). */
    public int getStatus() {
      return status;
    }

    /** Logs out: onLogout(101). */
    public void logout() {
      run(() -> client.logout());
    }

    /** Sends {@code msg} to {@code account}: onMessageSendSuccess, or onMessageSendError (400 offline). */
    public void messageInstantSend(String account, String msg, Signal.MessageCallback cb) {
      sendInstant(account, msg, null, cb);
    }

    /**
     * Sends {@code msg} to {@code account}; when the peer is offline the server holds it for
     * {@code ttl} seconds (0 to 604,800) and delivers it when the peer logs in: onMessageSendSuccess
     * then, or onMessageSendError(401) when the time runs out first.
     */
    public void messageInstantSend(String account, String msg, int ttl, Signal.MessageCallback cb) {
      if (ttl < 0) {
        messageFailed(cb, "messageInstantSend", ErrorCode.GENERAL_E_WRONG_PARAM, "ttl must be >= 0, got " + ttl);
        return;
      }
      sendInstant(account, msg, Integer.valueOf(ttl), cb);
    }

    private void sendInstant(final String peer, final String msg, final Integer ttl, final MessageCallback cb) {
      if (peer == null || peer.isEmpty() || msg == null) {
        messageFailed(cb, "messageInstantSend", ErrorCode.GENERAL_E_WRONG_PARAM, peer == null || peer.isEmpty() ? "account is empty" : "msg is null");
        return;
      }
      final String options = ttl == null ? "" : new JSONObject().put("ttl", ttl.intValue()).toString();
      request("messageInstantSend", Op.MSG_INSTANT, Arrays.asList(peer, "0", msg, options), (code, text, values) -> {
        if (code != 0) {
          messageError(cb, "messageInstantSend", code, text);
        } else if (values.size() >= 2 && "held".equals(values.get(1))) {
          // Held for an offline peer: the outcome comes with MSG_DELIVERED or MSG_EXPIRED.
          if (cb != null) heldMessages.put(values.get(0), cb);
        } else {
          messageSuccess(cb);
        }
      });
    }

    /**
     * Invites {@code peer} into {@code channel}; {@code extra} is empty or JSON
     * ({@code _require_peer_online}, {@code _timeout}, anything for the callee). The Call's progress
     * goes to {@code cb}.
     */
    public Signal.LoginSession.Call channelInviteUser2(String channel, String peer, String extra, final Signal.CallCallback cb) {
      final Call call = new Call(channel, peer, extra == null ? "" : extra, true, cb);
      run(() -> {
        String bad = channelOrPeerProblem(call.channel, call.peer);
        if (bad != null) {
          callFailedAtOnce(call, ErrorCode.GENERAL_E_WRONG_PARAM, bad);
          return;
        }
        calls.add(call);
        request("channelInviteUser2", Op.INVITE_USER, Arrays.asList(call.channel, call.peer, "0", call.extra), (code, text, values) -> {
          if (code != 0 && calls.remove(call)) callFailedAtOnce(call, code, text);
        });
      });
      return call;
    }

    /** Joins channel {@code name}, leaving the one this session is in; its events go to {@code cb}. */
    public Signal.LoginSession.Channel channelJoin(String name, Signal.ChannelCallback cb) {
      final Channel channel = new Channel(name == null ? "" : name, cb == null ? new ChannelCallback() : cb);
      run(() -> {
        if (channel.name.isEmpty()) {
          channelJoinFailed(channel, ErrorCode.GENERAL_E_WRONG_PARAM, "the channel name is empty");
          return;
        }
        channels.put(channel.name, channel);
        request("channelJoin", Op.CHANNEL_JOIN, Collections.singletonList(channel.name), (code, text, values) -> {
          if (code == 0) return;
          if (channels.get(channel.name) == channel) channels.remove(channel.name);
          channelJoinFailed(channel, code, text);
        });
      });
      return channel;
    }

    /** Sets (an empty value deletes) an attribute of this session's account: cb.onUserSetAttr. */
    public void userSetAttr(String name, String value, final Signal.UserAttrCallback cb) {
      JSONObject req = new JSONObject();
      req.put("name", name == null ? JSONObject.NULL : name);
      req.put("value", value == null ? JSONObject.NULL : value);
      invoke("userSetAttr", "user_set_attr", req, cb, AttrAnswer.SET, null);
    }

    /** Reads attribute {@code name} of {@code account}: cb.onUserGetAttr. */
    public void userGetAttr(String account, String name, final Signal.UserAttrCallback cb) {
      JSONObject req = new JSONObject();
      req.put("account", account == null ? JSONObject.NULL : account);
      req.put("name", name == null ? JSONObject.NULL : name);
      invoke("userGetAttr", "user_get_attr", req, cb, AttrAnswer.GET, null);
    }

    /** Reads every attribute of {@code account}: cb.onUserGetAttrAll. */
    public void userGetAttrAll(String account, final Signal.UserAttrCallback cb) {
      JSONObject req = new JSONObject();
      req.put("account", account == null ? JSONObject.NULL : account);
      invoke("userGetAttrAll", "user_get_attr_all", req, cb, AttrAnswer.GET_ALL, null);
    }

    /**
     * Counts the members of channel {@code name}: cb.onChannelQueryUserNum(err, ret), and the
     * ChannelCallback of this session's Channel of that name, if any, onChannelQueryUserNum(session, err, num).
     */
    public void channelQueryUserNum(final String name, final Signal.UserAttrCallback cb) {
      JSONObject req = new JSONObject();
      req.put("name", name == null ? JSONObject.NULL : name);
      invoke("channelQueryUserNum", "channel_query_num", req, cb, AttrAnswer.QUERY_NUM, (err, ret) -> {
        final Channel channel = name == null ? null : channels.get(name);
        if (channel == null) return;
        final int num = ret.optInt("num", 0);
        safely("onChannelQueryUserNum", () -> channel.callback.onChannelQueryUserNum(LoginSession.this, err, num));
      });
    }

    @Override
    public String toString() {
      return "LoginSession(" + account + ")";
    }

    // ---- plumbing -------------------------------------------------------------------------

    /** Runs {@code task} on this session's thread. */
    void run(Runnable task) {
      try {
        exec.execute(GuardedTask.of(task));
      } catch (RejectedExecutionException e) {
        LOG.warning("agora-sig: session " + account + " can no longer run tasks");
      }
    }

    /** Sends a request from any thread; the handler runs on the session's thread. */
    void request(final String method, final int op, final List<String> args, final ResultHandler handler) {
      run(() -> {
        sdkLog(account, method + " -> op " + op);
        client.request(op, args, handler);
      });
    }

    private void invoke(final String method, String func, JSONObject req, final UserAttrCallback cb, final AttrAnswer answer,
        final AttrFollowUp followUp) {
      request(method, Op.INVOKE, Arrays.asList("io.agora.signal." + func, req.toString()), (code, text, values) -> {
        String err;
        JSONObject ret;
        if (code != 0) {
          err = String.valueOf(code);
          ret = new JSONObject().put("result", "failed").put("reason", text);
        } else {
          err = values.size() > 0 ? values.get(0) : "";
          ret = parseAnswer(values.size() > 1 ? values.get(1) : "");
        }
        // The original SDK's answer to a set carries an empty reason.
        if (answer == AttrAnswer.SET && "ok".equals(ret.optString("result")) && !ret.has("reason")) ret.put("reason", "");
        deliverAttr(cb, answer, err, ret);
        if (followUp != null) followUp.answered(err, ret);
      });
    }

    void error(final int ecode, final String method, final String text) {
      sdkLog(account, "error " + ecode + " in " + method + ": " + text);
      safely("onError", () -> callback.onError(LoginSession.this, ecode, method + ": " + text));
    }

    private void loginFailed(final int ecode) {
      safely("onLoginFailed", () -> callback.onLoginFailed(LoginSession.this, ecode));
    }

    /** A message refused before it was sent: onMessageSendError on the session's thread. */
    void messageFailed(final MessageCallback cb, final String method, final int code, final String text) {
      run(() -> messageError(cb, method, code, text));
    }

    /** A failed message: its MessageCallback hears it, or onError when it has none. */
    void messageError(final MessageCallback cb, String method, final int code, String text) {
      if (cb == null) {
        error(code, method, text);
        return;
      }
      sdkLog(account, method + " failed: " + code + " " + text);
      safely("onMessageSendError", () -> cb.onMessageSendError(LoginSession.this, code));
    }

    void messageSuccess(final MessageCallback cb) {
      if (cb == null) return;
      safely("onMessageSendSuccess", () -> cb.onMessageSendSuccess(LoginSession.this));
    }

    /** An operation whose only outcome worth reporting is a failure: onError. */
    void requestReportingErrors(final String method, int op, List<String> args) {
      request(method, op, args, (code, text, values) -> {
        if (code != 0) error(code, method, text);
      });
    }

    private void channelJoinFailed(final Channel channel, final int code, String text) {
      sdkLog(account, "channelJoin " + channel.name + " failed: " + code + " " + text);
      safely("onChannelJoinFailed", () -> channel.callback.onChannelJoinFailed(LoginSession.this, channel, code));
      safely("onChannelJoinFailed", () -> callback.onChannelJoinFailed(LoginSession.this, channel, code));
    }

    private void callFailedAtOnce(final Call call, final int code, String text) {
      error(code, "channelInviteUser2", text);
      fireCall(call, "onInviteFailed", cb -> cb.onInviteFailed(LoginSession.this, call, code));
    }

    private void fireCall(final Call call, String what, final CallFire fire) {
      final CallCallback cb = call.callback;
      if (cb == null) return;
      safely(what, () -> fire.fire(cb));
    }

    private Call findCall(String channel, String peer, Boolean outgoing) {
      for (Call c : calls) {
        if (c.channel.equals(channel) && c.peer.equals(peer) && (outgoing == null || c.outgoing == outgoing.booleanValue())) return c;
      }
      return null;
    }

    private Call findNewestOutgoing(String channel, String peer) {
      for (int i = calls.size() - 1; i >= 0; i--) {
        Call c = calls.get(i);
        if (c.outgoing && c.channel.equals(channel) && c.peer.equals(peer)) return c;
      }
      return null;
    }

    /** onChannelLeaved(code) for the channel this session is in, if any. */
    private void channelEndedWithSession(final int code) {
      final Channel channel = current;
      if (channel == null || channels.get(channel.name) != channel) return;
      safely("onChannelLeaved", () -> channel.callback.onChannelLeaved(LoginSession.this, channel, code));
      safely("onChannelLeaved", () -> callback.onChannelLeaved(LoginSession.this, channel, code));
    }

    private void sessionOver() {
      channels.clear();
      calls.clear();
      heldMessages.clear();
      current = null;
    }

    /** Turns the session client's reports into the API's callbacks (on the session's thread). */
    private final class Listener implements SessionListener {
      @Override
      public void loginSuccess(long newUid) {
        uid = (int) newUid;
        status = LoginStatus.LOGGED_IN;
        sdkLog(account, "logged in, uid " + newUid);
        safely("onLoginSuccess", () -> callback.onLoginSuccess(LoginSession.this, uid));
      }

      @Override
      public void loginFailed(int code, String text) {
        status = LoginStatus.LOGIN_FAILED;
        sdkLog(account, "login failed: " + code + " " + text);
        sessionOver();
        LoginSession.this.loginFailed(code);
      }

      @Override
      public void logout(final int code, String text) {
        status = LoginStatus.LOGGED_OUT;
        sdkLog(account, "logged out: " + code + " " + text);
        // The server tells the other members, not the session that ended: report it here, as the
        // native core does (601 kicked, 604 connection given up, 603 any other end).
        channelEndedWithSession(code == 103 ? 601 : code == ErrorCode.LOGOUT_E_NET ? 604 : 603);
        sessionOver();
        safely("onLogout", () -> callback.onLogout(LoginSession.this, code));
      }

      @Override
      public void reconnecting(final int attempt) {
        status = LoginStatus.CONNECTING;
        sdkLog(account, "reconnecting, try " + attempt);
        safely("onReconnecting", () -> callback.onReconnecting(LoginSession.this, attempt));
      }

      @Override
      public void reconnected(boolean resumed) {
        status = LoginStatus.LOGGED_IN;
        uid = (int) client.uid();
        sdkLog(account, resumed ? "session resumed" : "logged in afresh after the session was lost");
        safely("onReconnected", () -> callback.onReconnected(LoginSession.this));
      }

      @Override
      public void sessionLost() {
        // The server forgot the session: its channel and invitations are gone with it.
        channelEndedWithSession(604);
        sessionOver();
      }

      @Override
      public void log(String text) {
        Signal.this.sdkLog(account, text);
      }

      @Override
      public void event(int kind, List<String> f) {
        try {
          dispatch(kind, f);
        } catch (RuntimeException e) {
          // A malformed event (missing fields, a bad number) must not stop the session.
          LOG.log(Level.WARNING, "agora-sig: cannot handle event " + kind + " " + f, e);
        }
      }
    }

    private void dispatch(int kind, final List<String> f) {
      switch (kind) {
        case EventKind.INSTANT_MSG: {
          final int fromUid = parseUid(f.get(1));
          safely("onMessageInstantReceive", () -> callback.onMessageInstantReceive(LoginSession.this, f.get(0), fromUid, f.get(2)));
          return;
        }
        case EventKind.MSG_DELIVERED:
          messageSuccess(heldMessages.remove(f.get(0)));
          return;
        case EventKind.MSG_EXPIRED: {
          MessageCallback cb = heldMessages.remove(f.get(0));
          if (cb != null) messageError(cb, "messageInstantSend", Integer.parseInt(f.get(1)), f.get(2));
          return;
        }
        case EventKind.CHANNEL_JOINED: {
          final Channel channel = channels.get(f.get(0));
          if (channel == null) return;
          current = channel;
          safely("onChannelJoined", () -> channel.callback.onChannelJoined(LoginSession.this, channel));
          safely("onChannelJoined", () -> callback.onChannelJoined(LoginSession.this, channel));
          return;
        }
        case EventKind.CHANNEL_LEFT: {
          final Channel channel = channels.remove(f.get(0));
          if (channel == null) return;
          if (current == channel) current = null;
          final int code = Integer.parseInt(f.get(1));
          safely("onChannelLeaved", () -> channel.callback.onChannelLeaved(LoginSession.this, channel, code));
          safely("onChannelLeaved", () -> callback.onChannelLeaved(LoginSession.this, channel, code));
          return;
        }
        case EventKind.CHANNEL_USER_LIST: {
          final Channel channel = channels.get(f.get(0));
          if (channel == null) return;
          int n = Integer.parseInt(f.get(1));
          final List<String> users = new ArrayList<String>(n);
          final List<Integer> uids = new ArrayList<Integer>(n);
          for (int i = 0; i < n; i++) {
            users.add(f.get(2 + 2 * i));
            uids.add(parseUid(f.get(3 + 2 * i)));
          }
          safely("onChannelUserList", () -> channel.callback.onChannelUserList(LoginSession.this, channel, users, uids));
          return;
        }
        case EventKind.CHANNEL_USER_JOINED:
        case EventKind.CHANNEL_USER_LEFT: {
          final Channel channel = channels.get(f.get(0));
          if (channel == null) return;
          final boolean joined = kind == EventKind.CHANNEL_USER_JOINED;
          final int memberUid = parseUid(f.get(2));
          safely(joined ? "onChannelUserJoined" : "onChannelUserLeaved", () -> {
            if (joined) channel.callback.onChannelUserJoined(LoginSession.this, channel, f.get(1), memberUid);
            else channel.callback.onChannelUserLeaved(LoginSession.this, channel, f.get(1), memberUid);
          });
          return;
        }
        case EventKind.CHANNEL_MSG: {
          final Channel channel = channels.get(f.get(0));
          if (channel == null) return;
          final int fromUid = parseUid(f.get(2));
          safely("onMessageChannelReceive", () -> channel.callback.onMessageChannelReceive(LoginSession.this, channel, f.get(1), fromUid, f.get(3)));
          return;
        }
        case EventKind.CHANNEL_ATTR: {
          final Channel channel = channels.get(f.get(0));
          if (channel == null) return;
          safely("onChannelAttrUpdated", () -> channel.callback.onChannelAttrUpdated(LoginSession.this, channel, f.get(1), f.get(2), f.get(3)));
          return;
        }
        case EventKind.INVITE_RECEIVED: {
          final Call call = new Call(f.get(0), f.get(1), f.get(3), false, null);
          calls.add(call);
          safely("onInviteReceived", () -> callback.onInviteReceived(LoginSession.this, call));
          return;
        }
        case EventKind.INVITE_RECEIVED_BY_PEER: {
          final Call call = findCall(f.get(0), f.get(1), Boolean.TRUE);
          if (call != null) fireCall(call, "onInviteReceivedByPeer", cb -> cb.onInviteReceivedByPeer(LoginSession.this, call));
          return;
        }
        case EventKind.INVITE_ACCEPTED_BY_PEER: {
          final Call call = findCall(f.get(0), f.get(1), Boolean.TRUE);
          if (call != null) fireCall(call, "onInviteAcceptedByPeer", cb -> cb.onInviteAcceptedByPeer(LoginSession.this, call, f.get(3)));
          return;
        }
        case EventKind.INVITE_REFUSED_BY_PEER: {
          final Call call = findCall(f.get(0), f.get(1), Boolean.TRUE);
          if (call == null) return;
          calls.remove(call);
          fireCall(call, "onInviteRefusedByPeer", cb -> cb.onInviteRefusedByPeer(LoginSession.this, call, f.get(3)));
          return;
        }
        case EventKind.INVITE_FAILED: {
          final int code = Integer.parseInt(f.get(3));
          final Call call = code == 701 ? findNewestOutgoing(f.get(0), f.get(1)) : findCall(f.get(0), f.get(1), Boolean.TRUE);
          if (call == null) return;
          calls.remove(call);
          fireCall(call, "onInviteFailed", cb -> cb.onInviteFailed(LoginSession.this, call, code));
          return;
        }
        case EventKind.INVITE_END_BY_PEER: {
          final Call call = findCall(f.get(0), f.get(1), null);
          if (call == null) return;
          calls.remove(call);
          fireCall(call, "onInviteEndByPeer", cb -> cb.onInviteEndByPeer(LoginSession.this, call, f.get(3)));
          return;
        }
        case EventKind.INVITE_END_BY_MYSELF: {
          final Call call = findCall(f.get(0), f.get(1), null);
          if (call == null) return;
          calls.remove(call);
          fireCall(call, "onInviteEndByMyself", cb -> cb.onInviteEndByMyself(LoginSession.this, call, call.endExtra));
          return;
        }
        case EventKind.INVITE_MSG: {
          final Call call = findCall(f.get(0), f.get(1), null);
          if (call == null) return;
          final String extra = new JSONObject().put("msgType", f.get(3)).put("msgData", f.get(4)).toString();
          fireCall(call, "onInviteMsg", cb -> cb.onInviteMsg(LoginSession.this, call, extra));
          return;
        }
        default:
          sdkLog(account, "event " + kind + " ignored");
      }
    }

    /**
     * A channel of this session, made by {@link LoginSession#channelJoin}. Its methods act on the
     * channel whether or not the join has completed (requests are sent in order).
     */
    public class Channel {
      private final String name;
      final ChannelCallback callback;

      Channel(String name, ChannelCallback callback) {
        this.name = name;
        this.callback = callback;
      }

      /** The channel's name (an addition). */
      public String getName() {
        return name;
      }

      /** Leaves the channel: onChannelLeaved(602) here, onChannelUserLeaved at the other members. */
      public void channelLeave() {
        requestReportingErrors("channelLeave", Op.CHANNEL_LEAVE, Collections.singletonList(name));
      }

      /** Sets an attribute: every member gets onChannelAttrUpdated(name, value, "update"). */
      public void channelSetAttr(String name, String value) {
        if (name == null || value == null) {
          wrongParam("channelSetAttr", name == null ? "name is null" : "value is null");
          return;
        }
        requestReportingErrors("channelSetAttr", Op.CHANNEL_SET_ATTR, Arrays.asList(this.name, name, value));
      }

      /** Deletes an attribute: every member gets onChannelAttrUpdated(name, "", "del"). */
      public void channelDelAttr(String name) {
        if (name == null) {
          wrongParam("channelDelAttr", "name is null");
          return;
        }
        requestReportingErrors("channelDelAttr", Op.CHANNEL_DEL_ATTR, Arrays.asList(this.name, name));
      }

      /** Deletes every attribute: every member gets onChannelAttrUpdated("", "", "clear"). */
      public void channelClearAttr() {
        requestReportingErrors("channelClearAttr", Op.CHANNEL_CLEAR_ATTR, Collections.singletonList(name));
      }

      /** Sends {@code msg} to every member, this one included; failures go to onError. */
      public void messageChannelSend(String msg) {
        messageChannelSend(msg, null);
      }

      /** As {@link #messageChannelSend(String)}, with the outcome to {@code cb} (an addition). */
      public void messageChannelSend(String msg, final Signal.MessageCallback cb) {
        if (msg == null) {
          messageFailed(cb, "messageChannelSend", ErrorCode.GENERAL_E_WRONG_PARAM, "msg is null");
          return;
        }
        request("messageChannelSend", Op.MSG_CHANNEL, Arrays.asList(name, msg), (code, text, values) -> {
          if (code != 0) messageError(cb, "messageChannelSend", code, text);
          else messageSuccess(cb);
        });
      }

      private void wrongParam(final String method, final String text) {
        run(() -> error(ErrorCode.GENERAL_E_WRONG_PARAM, method, text));
      }

      @Override
      public String toString() {
        return name;
      }
    }

    /**
     * An invitation: made by {@link LoginSession#channelInviteUser2} (its progress goes to the
     * CallCallback given there) or received through {@link LoginCallback#onInviteReceived} (give it
     * a CallCallback with {@link #setCallback} to hear its end and DTMF messages).
     */
    public class Call {
      private final String channel;
      private final String peer;
      private final String extra;
      private final boolean outgoing;
      private volatile CallCallback callback;
      /** The extra this side ended the call with, for onInviteEndByMyself. */
      private volatile String endExtra = "";

      Call(String channel, String peer, String extra, boolean outgoing, CallCallback callback) {
        this.channel = channel == null ? "" : channel;
        this.peer = peer == null ? "" : peer;
        this.extra = extra;
        this.outgoing = outgoing;
        this.callback = callback;
      }

      /** The channel the invitation is into (an addition). */
      public String getChannel() {
        return channel;
      }

      /** The other party: the callee of an invitation made, the caller of one received (an addition). */
      public String getPeer() {
        return peer;
      }

      /** The invitation's extra as the caller sent it (an addition). */
      public String getExtra() {
        return extra;
      }

      /** Sets the callbacks of this invitation (an addition, for invitations received). */
      public void setCallback(Signal.CallCallback cb) {
        this.callback = cb;
      }

      /** Accepts a received invitation: the caller gets onInviteAcceptedByPeer. */
      public void channelInviteAccept() {
        channelInviteAccept("");
      }

      /** Accepts with {@code extra} (JSON) for the caller. */
      public void channelInviteAccept(String extra) {
        answer("channelInviteAccept", Op.INVITE_ACCEPT, extra);
      }

      /** Refuses a received invitation: the caller gets onInviteRefusedByPeer. */
      public void channelInviteRefuse() {
        channelInviteRefuse("");
      }

      /** Refuses with {@code extra} (JSON) for the caller. */
      public void channelInviteRefuse(String extra) {
        answer("channelInviteRefuse", Op.INVITE_REFUSE, extra);
        run(() -> calls.remove(Call.this));
      }

      /** Ends the call (either side): onInviteEndByMyself here, onInviteEndByPeer at the other party. */
      public void channelInviteEnd() {
        channelInviteEnd("");
      }

      /** Ends with {@code extra} (JSON) for the other party. */
      public void channelInviteEnd(String extra) {
        endExtra = extra == null ? "" : extra;
        answer("channelInviteEnd", Op.INVITE_END, extra);
      }

      /** Sends DTMF digits to the other party: it gets onInviteMsg (an addition). */
      public void channelInviteDTMF(String dtmf) {
        requestReportingErrors("channelInviteDTMF", Op.INVITE_DTMF, Arrays.asList(channel, peer, dtmf == null ? "" : dtmf));
      }

      private void answer(String method, int op, String extra) {
        requestReportingErrors(method, op, Arrays.asList(channel, peer, "0", extra == null ? "" : extra));
      }

      @Override
      public String toString() {
        return "Call(" + channel + ", " + peer + ")";
      }
    }
  }

  /** What a query's follow-up does once it is answered (on the session's thread). */
  private interface AttrFollowUp {
    void answered(String err, JSONObject ret);
  }

  private interface CallFire {
    void fire(CallCallback cb);
  }

  /** The JSON object of an RPC answer; anything else becomes a failure naming it. */
  static JSONObject parseAnswer(String resp) {
    try {
      return new JSONObject(resp);
    } catch (JSONException e) {
      return new JSONObject().put("result", "failed").put("reason", "unexpected answer: " + resp);
    }
  }

  /** A uid from the wire: unsigned 32 bits, handed to Java as int (values above 2^31-1 wrap). */
  static int parseUid(String text) {
    return (int) Long.parseLong(text);
  }

  static String channelOrPeerProblem(String channel, String peer) {
    if (channel == null || channel.isEmpty()) return "the channel name is empty";
    return Checks.account(peer);
  }

  // ---- callback classes: every method does nothing, so a subclass overrides what it needs ----

  /** Login, logout, peer-to-peer messages, received invitations and errors of one LoginSession. */
  public static class LoginCallback {
    public void onLoginSuccess(Signal.LoginSession session, int uid) {}

    /** 101 logout, 102 reconnection given up, 103 kicked by a login elsewhere, 105 token expired. */
    public void onLogout(Signal.LoginSession session, int ecode) {}

    /** 201 no connection, 204 token expired, 206 token wrong or App ID unknown, 209 bad account. */
    public void onLoginFailed(Signal.LoginSession session, int ecode) {}

    public void onMessageInstantReceive(Signal.LoginSession session, String account, int uid, String msg) {}

    /** An invitation to this user; answer it with the Call's methods. */
    public void onInviteReceived(Signal.LoginSession session, Signal.LoginSession.Call call) {}

    /** {@code reason} is "&lt;method&gt;: &lt;text&gt;". */
    public void onError(Signal.LoginSession session, int ecode, String reason) {}

    /** Also given to the Channel's ChannelCallback (an addition). */
    public void onChannelJoined(Signal.LoginSession session, Signal.LoginSession.Channel channel) {}

    /** Also given to the Channel's ChannelCallback (an addition). */
    public void onChannelJoinFailed(Signal.LoginSession session, Signal.LoginSession.Channel channel, int ecode) {}

    /** Also given to the Channel's ChannelCallback (an addition). */
    public void onChannelLeaved(Signal.LoginSession session, Signal.LoginSession.Channel channel, int ecode) {}

    /** The connection was lost and try {@code nretry} starts (an addition). */
    public void onReconnecting(Signal.LoginSession session, int nretry) {}

    /** The session is back after a lost connection (an addition). */
    public void onReconnected(Signal.LoginSession session) {}
  }

  /** The events of one Channel. */
  public static class ChannelCallback {
    public void onChannelJoined(Signal.LoginSession session, Signal.LoginSession.Channel channelName) {}

    public void onChannelJoinFailed(Signal.LoginSession session, Signal.LoginSession.Channel channel, int ecode) {}

    /** 602 by channelLeave or by joining another channel. */
    public void onChannelLeaved(Signal.LoginSession session, Signal.LoginSession.Channel channel, int ecode) {}

    public void onChannelUserJoined(Signal.LoginSession session, Signal.LoginSession.Channel channel, String account, int uid) {}

    public void onChannelUserLeaved(Signal.LoginSession session, Signal.LoginSession.Channel channel, String account, int uid) {}

    /** The most recent (at most 200) members, oldest first, this user included. */
    public void onChannelUserList(Signal.LoginSession session, Signal.LoginSession.Channel channel, List<String> users, List<Integer> uids) {}

    /** {@code type}: "update", "del" (empty value) or "clear" (empty name and value). */
    public void onChannelAttrUpdated(Signal.LoginSession session, Signal.LoginSession.Channel channel, String name, String value, String type) {}

    /** The answer to channelQueryUserNum of this channel's name: {@code err} "" on success. */
    public void onChannelQueryUserNum(Signal.LoginSession session, String err, int num) {}

    public void onMessageChannelReceive(Signal.LoginSession session, Signal.LoginSession.Channel channel, String account, int uid, String msg) {}
  }

  /** The outcome of one message. */
  public static class MessageCallback {
    /** Delivered (for a message held for an offline peer: when the peer logged in and got it). */
    public void onMessageSendSuccess(Signal.LoginSession session) {}

    /** 400 peer offline (no ttl) or not in the channel, 401 a held message expired, 1003, 1004, 1005. */
    public void onMessageSendError(Signal.LoginSession session, int ecode) {}
  }

  /** The progress of one invitation. */
  public static class CallCallback {
    public void onInviteReceivedByPeer(Signal.LoginSession session, Signal.LoginSession.Call call) {}

    public void onInviteAcceptedByPeer(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {}

    public void onInviteRefusedByPeer(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {}

    /** 701 already invited, 702 the callee's session ended, 703 callee offline, 704 unanswered, 1004 bad input. */
    public void onInviteFailed(Signal.LoginSession session, Signal.LoginSession.Call call, int ecode) {}

    public void onInviteEndByPeer(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {}

    public void onInviteEndByMyself(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {}

    /** A DTMF message: {@code extra} is {"msgType":"DTMF","msgData":"&lt;digits&gt;"}. */
    public void onInviteMsg(Signal.LoginSession session, Signal.LoginSession.Call call, String extra) {}
  }

  /**
   * The answers to the user-attribute and member-count queries: {@code err} "" on success, else the
   * error code as text; {@code ret} {"result":"ok", ...} or {"result":"failed","reason":...}.
   */
  public static class UserAttrCallback {
    /** {@code ret}: {"result":"ok","account":...,"name":...,"value":...}. */
    public void onUserGetAttr(String err, JSONObject ret) {}

    /** {@code ret}: {"result":"ok","account":...,"json":{name: value, ...}}. */
    public void onUserGetAttrAll(String err, JSONObject ret) {}

    /** {@code ret}: {"result":"ok","reason":""}. */
    public void onUserSetAttr(String err, JSONObject ret) {}

    /** {@code ret}: {"result":"ok","name":channel,"num":n} (an addition: the answer to channelQueryUserNum). */
    public void onChannelQueryUserNum(String err, JSONObject ret) {}
  }
}
