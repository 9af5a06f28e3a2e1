package io.agora.signal.client;

import io.agora.signal.wire.ErrorCode;
import io.agora.signal.wire.Frame;
import io.agora.signal.wire.FrameType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One login session over TCP, speaking docs/protocol.md as the native core does
 * (docs/native-core.md): HELLO with LOGIN or RESUME, heartbeats and dead-peer detection, ACKs,
 * sequenced-frame dedupe, request ids kept for re-sending after a resume, a fresh login when the
 * resume fails, and reconnection within a count and a time limit. It knows no API surface.
 *
 * <p>Every method must be called on the session's executor thread, and the listener is called on
 * it; the connection's reader thread only posts to it. So a session's state needs no locks and its
 * callbacks come one at a time, in the order the server sent the frames.
 */
public final class SessionClient {
  public enum Status { LOGGED_OUT, LOGGING_IN, LOGGED_IN, RECONNECTING }

  /** Before WELCOME, a connection that stays silent this long is dead (as in the native core). */
  private static final long HANDSHAKE_TIMEOUT_MS = 5000;
  /** ACK at least every this many sequenced frames. */
  private static final int ACK_EVERY_FRAMES = 64;

  private final ScheduledExecutorService exec;
  private final ServerAddress address;
  private final String appId;
  private final String account;
  private final String token;
  private final String clientName;
  private final int retryCount;
  private final int retryTimeS;
  private final SessionListener listener;
  private final PendingRequests pending = new PendingRequests();

  private Status status = Status.LOGGED_OUT;
  private Connection connection;
  private byte[] sessionId;
  private long uid;
  private long lastSeq;
  private long lastAckedSeq;
  /** Set while a connection is past HELLO and logged in or resumed, so requests may be written. */
  private boolean ready;
  private long heartbeatMs;
  private ScheduledFuture<?> heartbeatTimer;
  private ScheduledFuture<?> deadTimer;
  /** When the current connection counts as dead if nothing more arrives (System.nanoTime). */
  private long deadlineNs;
  private long deadLimitMs;
  /** When the scheduled dead-connection check runs (System.nanoTime). */
  private long deadCheckAtNs;
  private ScheduledFuture<?> retryTimer;
  private int attempts;
  private long lossStartedAt;
  private long pingNonce;
  private boolean loggingOut;
  private int connectionNumber;
  /** A flush of the connection's buffered frames is queued on the executor. */
  private boolean flushQueued;
  private final Runnable flushTask = GuardedTask.of(() -> {
    flushQueued = false;
    if (connection != null) connection.flush();
  });

  public SessionClient(ScheduledExecutorService exec, ServerAddress address, String appId, String account, String token,
      String clientName, int retryCount, int retryTimeS, SessionListener listener) {
    this.exec = exec;
    this.address = address;
    this.appId = appId;
    this.account = account;
    this.token = token;
    this.clientName = clientName;
    this.retryCount = retryCount;
    this.retryTimeS = retryTimeS;
    this.listener = listener;
  }

  public Status status() {
    return status;
  }

  public long uid() {
    return uid;
  }

  public boolean isLoggingOut() {
    return loggingOut;
  }

  /** Connects and logs in; the listener hears loginSuccess or loginFailed. */
  public void start() {
    if (status != Status.LOGGED_OUT) {
      listener.log("login ignored: already logging in or logged in");
      return;
    }
    status = Status.LOGGING_IN;
    loggingOut = false;
    lossStartedAt = System.currentTimeMillis();
    attempts = 0;
    connect();
  }

  /**
   * Sends a request now when logged in, or keeps it for the connection being made (calls made while
   * reconnecting are sent after the resume). Refused with 1003 when logged out. The handler gets
   * exactly one result, on the session's thread (a later task, never from within this call).
   */
  public void request(int op, List<String> args, final ResultHandler handler) {
    if (status == Status.LOGGED_OUT || loggingOut) {
      exec.execute(GuardedTask.of(() -> handler.onResult(ErrorCode.GENERAL_E_NOT_LOGIN, "not logged in", Collections.<String>emptyList())));
      return;
    }
    List<byte[]> raw = new ArrayList<byte[]>(args.size());
    for (String a : args) raw.add(a.getBytes(StandardCharsets.UTF_8));
    PendingRequests.Pending p = pending.add(op, raw, handler);
    if (ready) sendRequest(p);
  }

  /** Ends the session: LOGOUT when connected (logout(101) follows), else at once. */
  public void logout() {
    if (status == Status.LOGGED_OUT) {
      finish(ErrorCode.LOGOUT_E_USER, "not logged in");
      return;
    }
    if (loggingOut) return;
    loggingOut = true;
    if (status == Status.LOGGED_IN && ready && connection != null) {
      send(new Frame(FrameType.LOGOUT));
      return;
    }
    finish(ErrorCode.LOGOUT_E_USER, "logged out");
  }

  private void connect() {
    ready = false;
    final Connection c = new Connection(address, new Connection.Listener() {
      @Override
      public void opened(final Connection conn) {
        post(conn, () -> onOpen());
      }

      @Override
      public void frames(final Connection conn, final List<Frame> frames) {
        post(conn, () -> {
          for (Frame frame : frames) {
            // A frame may end this connection (LOGGED_OUT, BYE): the rest belong to no one.
            if (conn != connection) return;
            onFrame(frame);
          }
        });
      }

      @Override
      public void closed(final Connection conn, final String why, final boolean protocolError) {
        post(conn, () -> {
          listener.log(why);
          if (protocolError) {
            send(new Frame(FrameType.BYE, (long) ErrorCode.LOGOUT_E_PACKET, Frame.utf8(why)));
          }
          connectionLost();
        });
      }
    });
    connection = c;
    armDeadTimer(HANDSHAKE_TIMEOUT_MS);
    c.start("agora-sig-io-" + account + "-" + (++connectionNumber));
  }

  /** Runs {@code task} on the session's thread if {@code conn} is still the current connection. */
  private void post(final Connection conn, final Runnable task) {
    try {
      exec.execute(GuardedTask.of(() -> {
        if (conn == connection) task.run();
      }));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      conn.close();
    }
  }

  private void onOpen() {
    send(new Frame(FrameType.HELLO, (long) FrameType.PROTOCOL_VERSION, Frame.utf8(clientName)));
    if (sessionId != null) {
      send(new Frame(FrameType.RESUME, sessionId, lastSeq));
    } else {
      sendLogin();
    }
  }

  private void sendLogin() {
    send(new Frame(FrameType.LOGIN, Frame.utf8(appId), Frame.utf8(account), Frame.utf8(token), 0L, new byte[0]));
  }

  private void onFrame(Frame frame) {
    armDeadTimer(heartbeatMs > 0 ? 3 * heartbeatMs : HANDSHAKE_TIMEOUT_MS);
    switch (frame.type) {
      case FrameType.WELCOME:
        heartbeatMs = frame.u(1);
        connection.setMaxFrameBytes((int) Math.min(Integer.MAX_VALUE, frame.u(3)));
        armDeadTimer(3 * heartbeatMs);
        startHeartbeat();
        return;
      case FrameType.PING:
        send(new Frame(FrameType.PONG, frame.u(0)));
        return;
      case FrameType.PONG:
        return;
      case FrameType.LOGIN_OK:
        onLoginOk(frame.u(0), frame.s(1));
        return;
      case FrameType.LOGIN_FAIL:
        onLoginFail((int) frame.u(0), frame.text(1));
        return;
      case FrameType.RESUME_OK:
        onResumeOk(frame.u(0));
        return;
      case FrameType.RESUME_FAIL:
        onResumeFail(frame.text(1));
        return;
      case FrameType.LOGGED_OUT:
        finish((int) frame.u(0), frame.text(1));
        return;
      case FrameType.BYE:
        onBye((int) frame.u(0), frame.text(1));
        return;
      case FrameType.RESULT:
        if (!isNewSeq(frame.u(0))) return;
        onResult(frame.u(1), (int) frame.u(2), frame.text(3), frame.texts(4));
        return;
      case FrameType.EVENT:
        if (!isNewSeq(frame.u(0))) return;
        listener.event((int) frame.u(1), frame.texts(2));
        return;
      default:
        protocolFailure("unexpected frame type " + frame.type + " from the server");
    }
  }

  /** Drops replays of frames already handled; counts new ones towards the next ACK. */
  private boolean isNewSeq(long seq) {
    if (seq <= lastSeq) return false;
    lastSeq = seq;
    if (lastSeq - lastAckedSeq >= ACK_EVERY_FRAMES) sendAck();
    return true;
  }

  private void sendAck() {
    if (lastSeq == lastAckedSeq || !ready) return;
    lastAckedSeq = lastSeq;
    send(new Frame(FrameType.ACK, lastSeq));
  }

  private void onLoginOk(long newUid, byte[] newSessionId) {
    sessionId = newSessionId;
    uid = newUid;
    lastSeq = 0;
    lastAckedSeq = 0;
    ready = true;
    attempts = 0;
    boolean first = status == Status.LOGGING_IN;
    status = Status.LOGGED_IN;
    failUnknownMessages();
    // A fresh session numbers its requests from 1; whatever waited goes first, in order.
    for (PendingRequests.Pending p : pending.renumber()) sendRequest(p);
    if (first) listener.loginSuccess(newUid);
    else listener.reconnected(false);
  }

  /**
   * A message written to a lost session and never answered may have been delivered: sending it in
   * the new session could deliver it twice, so its sender hears 401 with the outcome unknown.
   * Requests never written (queued while disconnected) are sent in the new session as usual.
   */
  private void failUnknownMessages() {
    String text = "the session was lost before the server answered: the message may or may not have"
        + " reached the peer";
    for (PendingRequests.Pending p : pending.takeWrittenMessages()) {
      p.handler.onResult(ErrorCode.SENDMESSAGE_E_TIMEOUT, text, Collections.<String>emptyList());
    }
  }

  private void onLoginFail(int code, String text) {
    if (status == Status.LOGGING_IN) {
      teardown();
      status = Status.LOGGED_OUT;
      dropPending(code, text);
      listener.loginFailed(code, text);
      return;
    }
    int logoutCode = code == ErrorCode.LOGIN_E_TOKENEXPIRED ? ErrorCode.LOGOUT_E_TOKENEXPIRED
        : code == ErrorCode.LOGIN_E_TOKENWRONG ? ErrorCode.LOGOUT_E_TOKENWRONG : ErrorCode.LOGOUT_E_OTHER;
    finish(logoutCode, "login after a lost session refused: " + text);
  }

  private void onResumeOk(long lastReqId) {
    ready = true;
    attempts = 0;
    status = Status.LOGGED_IN;
    for (PendingRequests.Pending p : pending.after(lastReqId)) sendRequest(p);
    listener.reconnected(true);
  }

  private void onResumeFail(String text) {
    listener.log("resume refused (" + text + "): logging in afresh");
    sessionId = null;
    lastSeq = 0;
    lastAckedSeq = 0;
    listener.sessionLost();
    sendLogin();
  }

  private void onBye(int code, String text) {
    if (code == ErrorCode.LOGOUT_E_OLDVERSION) {
      if (status == Status.LOGGING_IN) {
        teardown();
        status = Status.LOGGED_OUT;
        dropPending(ErrorCode.LOGIN_E_OLDVERSION, text);
        listener.loginFailed(ErrorCode.LOGIN_E_OLDVERSION, text);
      } else {
        finish(ErrorCode.LOGOUT_E_OLDVERSION, text);
      }
      return;
    }
    listener.log("server closed the connection: " + code + " " + text);
    connectionLost();
  }

  private void onResult(long reqId, int code, String text, List<String> values) {
    PendingRequests.Pending p = pending.take(reqId);
    if (p == null) {
      listener.log("RESULT for unknown request " + reqId);
      return;
    }
    p.handler.onResult(code, text, values);
  }

  private void sendRequest(PendingRequests.Pending p) {
    if (connection != null) p.written = true;
    send(new Frame(FrameType.REQUEST, p.reqId, (long) p.op, p.args));
  }

  private void startHeartbeat() {
    stopHeartbeat();
    if (heartbeatMs <= 0) return;
    heartbeatTimer = exec.scheduleAtFixedRate(GuardedTask.of(() -> {
      send(new Frame(FrameType.PING, ++pingNonce));
      sendAck();
    }), heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
  }

  private void stopHeartbeat() {
    if (heartbeatTimer != null) heartbeatTimer.cancel(false);
    heartbeatTimer = null;
  }

  /**
   * The connection is dead when nothing arrives for {@code ms}. Each frame only moves a deadline;
   * the one timer task, when it fires early because frames came, sleeps again until the deadline
   * (rescheduling per frame would cost a timer-queue insertion and removal for every message).
   */
  private void armDeadTimer(long ms) {
    deadLimitMs = ms;
    deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    // A shorter limit than the one the timer waits for (WELCOME's after the handshake's) re-arms it.
    if (deadTimer != null && deadlineNs - deadCheckAtNs < 0) {
      deadTimer.cancel(false);
      deadTimer = null;
    }
    if (deadTimer == null) scheduleDeadCheck(ms);
  }

  private void scheduleDeadCheck(long delayMs) {
    final Connection conn = connection;
    deadCheckAtNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delayMs);
    deadTimer = exec.schedule(GuardedTask.of(() -> {
      if (conn != connection) return;
      long leftNs = deadlineNs - System.nanoTime();
      if (leftNs > 0) {
        scheduleDeadCheck(TimeUnit.NANOSECONDS.toMillis(leftNs) + 1);
        return;
      }
      deadTimer = null;
      listener.log("nothing heard from the server for " + deadLimitMs + " ms: connection dead");
      connectionLost();
    }), delayMs, TimeUnit.MILLISECONDS);
  }


  private void protocolFailure(String reason) {
    listener.log("protocol error: " + reason);
    send(new Frame(FrameType.BYE, (long) ErrorCode.LOGOUT_E_PACKET, Frame.utf8(reason)));
    connectionLost();
  }

  /** The connection is gone (closed, dead or refused): retry within the limits, or give up. */
  private void connectionLost() {
    teardown();
    if (status == Status.LOGGED_OUT) return;
    if (loggingOut) {
      finish(ErrorCode.LOGOUT_E_USER, "logged out");
      return;
    }
    if (status == Status.LOGGED_IN) {
      status = Status.RECONNECTING;
      lossStartedAt = System.currentTimeMillis();
      attempts = 0;
    }
    long elapsedMs = System.currentTimeMillis() - lossStartedAt;
    final int next = attempts + 1;
    long delay = Backoff.delayMs(next);
    if (next > retryCount || elapsedMs + delay > retryTimeS * 1000L) {
      giveUp();
      return;
    }
    attempts = next;
    retryTimer = exec.schedule(GuardedTask.of(() -> {
      retryTimer = null;
      if (status == Status.RECONNECTING) listener.reconnecting(next);
      if (status != Status.LOGGED_OUT) connect();
    }), delay, TimeUnit.MILLISECONDS);
  }

  private void giveUp() {
    if (status == Status.LOGGING_IN) {
      status = Status.LOGGED_OUT;
      dropPending(ErrorCode.LOGIN_E_NET, "could not connect");
      listener.loginFailed(ErrorCode.LOGIN_E_NET, "could not connect to " + address);
      return;
    }
    finish(ErrorCode.LOGOUT_E_NET, "reconnection given up");
  }

  /** The session is over for good: no more reconnection, every kept request dropped. */
  private void finish(int code, String text) {
    boolean wasLoggedOut = status == Status.LOGGED_OUT;
    teardown();
    status = Status.LOGGED_OUT;
    loggingOut = false;
    sessionId = null;
    int dropped = pending.drain().size();
    if (dropped > 0) listener.log(dropped + " unanswered request(s) dropped");
    if (wasLoggedOut && code != ErrorCode.LOGOUT_E_USER) return;
    listener.logout(code, text);
  }

  private void dropPending(int code, String text) {
    for (PendingRequests.Pending p : pending.drain()) p.handler.onResult(code, text, Collections.<String>emptyList());
  }

  /** Stops timers and closes the connection without reporting anything. */
  private void teardown() {
    ready = false;
    stopHeartbeat();
    if (deadTimer != null) deadTimer.cancel(false);
    deadTimer = null;
    if (retryTimer != null) retryTimer.cancel(false);
    retryTimer = null;
    heartbeatMs = 0;
    Connection c = connection;
    connection = null;
    if (c != null) {
      // What was queued last (a BYE, a LOGOUT) still goes out before the close.
      c.flush();
      c.close();
    }
  }

  /**
   * Queues a frame for the current connection. The write happens in a task queued behind the tasks
   * already waiting, so that everything they send goes out in one write.
   */
  private void send(Frame frame) {
    if (connection == null) return;
    connection.buffer(frame);
    if (!flushQueued) {
      flushQueued = true;
      exec.execute(flushTask);
    }
  }
}
