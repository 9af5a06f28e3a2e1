#include "core/session_client.h"

#include <algorithm>

#include "core/connector.h"
#include "core/output_buffer.h"
#include "core/result_dispatch.h"
#include "net/socket.h"
#include "net/tls_stream.h"

namespace agora_sig {
namespace core {

namespace {

using agora_sdk_win::ICallBack;
using std::chrono::milliseconds;
using Clock = EventLoop::Clock;

constexpr milliseconds kFirstBackoff{250};
constexpr milliseconds kMaxBackoff{4000};
constexpr milliseconds kHandshakeTick{50};
constexpr uint64_t kAckEvery = 64;

long long msSince(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

// A refused re-login during reconnection ends the session: say why in onLogout's terms.
int logoutCodeForLoginFailure(uint64_t code) {
  switch (code) {
    case agora_sdk_win::LOGIN_E_TOKENEXPIRED: return agora_sdk_win::LOGOUT_E_TOKENEXPIRED;
    case agora_sdk_win::LOGIN_E_TOKENWRONG: return agora_sdk_win::LOGOUT_E_TOKENWRONG;
    case agora_sdk_win::LOGIN_E_TOKEN_KICKED: return agora_sdk_win::LOGOUT_E_KICKED;
    case agora_sdk_win::LOGIN_E_OLDVERSION: return agora_sdk_win::LOGOUT_E_OLDVERSION;
    default: return agora_sdk_win::LOGOUT_E_OTHER;
  }
}

// The channel membership a session takes with it when it ends, in onChannelLeaved's terms.
int leaveCodeForLogout(int logoutCode) {
  switch (logoutCode) {
    case agora_sdk_win::LOGOUT_E_KICKED: return agora_sdk_win::LEAVECHANNEL_E_KICKED;
    case agora_sdk_win::LOGOUT_E_NET: return agora_sdk_win::LEAVECHANNEL_E_DISCONN;
    default: return agora_sdk_win::LEAVECHANNEL_E_LOGOUT;
  }
}

}  // namespace

struct SessionClient::Connection {
  Connection(net::SocketHandle s, std::unique_ptr<net::TlsStream> t) : socket(s), tls(std::move(t)) {}
  net::SocketHandle socket;
  // Null on a plain connection; with TLS every byte goes through it.
  std::unique_ptr<net::TlsStream> tls;
  // Until the TCP connect and then the TLS handshake (if any) are done: nothing is written.
  bool connecting = true;
  bool tcpConnected = false;
  bool welcomed = false;
  uint64_t heartbeatMs = 0;
  protocol::FrameReader reader;
  OutputBuffer out;
  // A flush of `out` is queued for the end of the loop's round.
  bool flushDeferred = false;
  Clock::time_point lastReceived = Clock::now();
  Clock::time_point nextPingAt;

  // Bytes wait for the socket: frames in `out`, or ciphertext TLS has made of them.
  bool outputPending() const { return !out.empty() || (tls && tls->wantsWrite()); }
  net::IoStatus sendSome(const char* data, size_t size, size_t& sent, std::string& error) {
    return tls ? tls->send(socket, data, size, sent, error)
               : net::sendSome(socket, data, size, sent, error);
  }
  net::IoStatus receiveSome(char* buffer, size_t size, size_t& got, std::string& error) {
    return tls ? tls->receive(socket, buffer, size, got, error)
               : net::receiveSome(socket, buffer, size, got, error);
  }
};

SessionClient::SessionClient(EventLoop* loop, ServerAddress server, std::string clientName)
    : loop_(loop), server_(std::move(server)), clientName_(std::move(clientName)) {}

SessionClient::~SessionClient() {
  // Only reached once no loop task refers to this object; the loop may already be gone.
  if (connection_) net::closeSocket(connection_->socket);
}

void SessionClient::setPhase(Phase phase) {
  phase_ = phase;
  Status s = Status::NotLoggedIn;
  switch (phase) {
    case Phase::Idle: s = Status::NotLoggedIn; break;
    case Phase::LoggingIn: s = Status::LoggingIn; break;
    case Phase::Online:
    case Phase::LoggingOut: s = Status::LoggedIn; break;
    case Phase::Reconnecting: s = Status::Reconnecting; break;
  }
  status_.store(static_cast<int>(s));
}

void SessionClient::reportException(const std::string& what) {
  std::string text = "internal error on the network thread: " + what;
  sink_.log(text);
  sink_.error("exception", agora_sdk_win::GENERAL_E_UNKNOWN, text);
}

int SessionClient::fd() const {
  return connection_ ? net::socketNumber(connection_->socket) : 0;
}

// ---- API entry points ----

void SessionClient::login(const Credentials& credentials) {
  if (phase_ != Phase::Idle) {
    sink_.log("login ignored: already logged in or logging in (status " +
              std::to_string(status_.load()) + ")");
    return;
  }
  credentials_ = credentials;
  sessionId_.clear();
  lastSeq_ = ackedSeq_ = 0;
  nextReqId_ = 1;
  pending_.clear();
  state_ = ClientState();
  setPhase(Phase::LoggingIn);
  retries_ = 0;
  cycleStart_ = Clock::now();
  sink_.log("logging in as " + credentials_.account + " at " + server_.toString());
  connect();
}

void SessionClient::logout() {
  switch (phase_) {
    case Phase::LoggingOut:
      sink_.log("logout already in progress");
      return;
    case Phase::Online:
      if (connection_) {
        setPhase(Phase::LoggingOut);
        send(protocol::makeLogout());
        return;
      }
      break;
    case Phase::Idle:
    case Phase::LoggingIn:
    case Phase::Reconnecting:
      break;
  }
  endSession(agora_sdk_win::LOGOUT_E_USER);
}

void SessionClient::post(std::function<void(SessionClient&)> work) {
  std::shared_ptr<SessionClient> self = shared_from_this();
  queuedTasks_.fetch_add(1);
  loop_->post([self, work = std::move(work)] {
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->queuedTasks_.fetch_sub(1);
    if (!self->sink_.silenced()) self->guarded([&] { work(*self); });
  });
}

void SessionClient::submit(PendingRequest request) {
  if (phase_ != Phase::Online && phase_ != Phase::Reconnecting) {
    dispatchRejection(sink_, request, agora_sdk_win::GENERAL_E_NOT_LOGIN,
                      request.method + ": not logged in");
    return;
  }
  PendingRequest& kept = keep(std::move(request));
  // While reconnecting it waits for the resume, which sends every request the server lacks.
  if (phase_ == Phase::Online) sendRequest(kept);
}

bool SessionClient::trySubmitFromCaller(PendingRequest& request) {
  // On the loop thread the lock may be this thread's own (a callback calling the SDK), and a
  // queued task must run first to keep the caller's order: both take the posted path.
  if (loop_->inLoopThread() || queuedTasks_.load() != 0) return false;
  // Never wait: the loop thread may hold the lock through a slow callback.
  std::unique_lock<std::mutex> lock(mutex_, std::try_to_lock);
  if (!lock.owns_lock()) return false;
  // Checked again under the lock: a task queued meanwhile by another thread goes first anyway,
  // and one queued by this thread before this call has run only if the count is back to zero.
  if (shutDown_ || sink_.silenced() || queuedTasks_.load() != 0) return false;
  Connection* c = connection_.get();
  // Bytes already waiting in the buffer would need the loop's write interest to leave; the frame
  // goes behind them on the loop thread instead.
  if (phase_ != Phase::Online || !c || c->connecting || c->outputPending()) return false;
  PendingRequest& kept = keep(std::move(request));
  kept.written = true;
  protocol::encodeFrameWithLength(protocol::makeRequest(kept.reqId, kept.op, kept.args),
                                  c->out.appendable());
  writeSome(*c);
  // The socket took part of it, or failed: the loop thread writes the rest when it can, or meets
  // the failure and reconnects; the request is kept either way, so the resume sends it again (a
  // fresh login does not send a message again: it may have reached the server).
  if (c->outputPending()) post([](SessionClient& s) { s.flush(); });
  return true;
}

PendingRequest& SessionClient::keep(PendingRequest request) {
  if (request.prependOwnAccount) {
    request.args.insert(request.args.begin(), credentials_.account);
    request.subject = credentials_.account;
    request.prependOwnAccount = false;
  }
  request.reqId = nextReqId_++;
  return pending_[request.reqId] = std::move(request);
}

void SessionClient::ping() {
  if (connection_ && (phase_ == Phase::Online || phase_ == Phase::LoggingOut)) {
    send(protocol::makePing(pingNonce_++));
    return;
  }
  sink_.error("ping", agora_sdk_win::GENERAL_E_NOT_LOGIN, "ping: not logged in");
}

void SessionClient::shutdown() {
  std::lock_guard<std::mutex> lock(mutex_);
  shutDown_ = true;
  sink_.silence();
  if (retryTimer_) loop_->cancelTimer(retryTimer_);
  retryTimer_ = 0;
  if (connection_ && !connection_->connecting && phase_ == Phase::Online) {
    // End the session at once rather than leaving the account online for the resume window.
    send(protocol::makeLogout());
  }
  closeConnection();
  pending_.clear();
  state_ = ClientState();
  setPhase(Phase::Idle);
}

// ---- connection ----

void SessionClient::connect() {
  std::string error;
  if (server_.tls) {
    // No TLS in this build, or an unreadable CA file: no later try would do better.
    pendingTls_ = net::TlsStream::create(server_.host, tlsCaFile_, error);
    if (!pendingTls_) {
      failWithoutRetry("cannot connect to " + server_.toString() + ": " + error);
      return;
    }
  }
  std::weak_ptr<SessionClient> weak = shared_from_this();
  auto connector = std::make_shared<Connector>(loop_, [weak](const std::function<void()>& fn) {
    std::shared_ptr<SessionClient> self = weak.lock();
    if (!self) return;
    std::lock_guard<std::mutex> lock(self->mutex_);
    self->guarded(fn);
  });
  connector_ = connector;
  // Held here too: the outcome may come at once (a numeric address refused) and drop connector_.
  connector->start(server_.host, server_.port, localAddress_, handshakeTimeout_,
                   [this](net::SocketHandle socket, const std::string& error) {
                     connector_.reset();
                     if (socket == net::kInvalidSocket) {
                       pendingTls_.reset();
                       sink_.log("cannot connect to " + server_.toString() + ": " + error);
                       scheduleRetry();
                       return;
                     }
                     onConnected(socket);
                   });
}

void SessionClient::onConnected(net::SocketHandle socket) {
  // The TLS stream made for this attempt (null for a plain address) goes with the socket.
  connection_.reset(new Connection(socket, std::move(pendingTls_)));
  send(protocol::makeHello(protocol::kProtocolVersion, clientName_));
  if (!sessionId_.empty()) {
    send(protocol::makeResume(sessionId_, lastSeq_));
  } else {
    send(protocol::makeLogin(credentials_.appId, credentials_.account, credentials_.token,
                             credentials_.uid, credentials_.deviceId));
  }
  loop_->watch(socket, true, whileAlive([](SessionClient& s, bool readable, bool writable, bool failed) {
    s.onIo(readable, writable, failed);
  }));
  scheduleTick(kHandshakeTick);
}

void SessionClient::closeConnection() {
  if (tickTimer_) loop_->cancelTimer(tickTimer_);
  tickTimer_ = 0;
  if (connector_) connector_->close();
  connector_.reset();
  pendingTls_.reset();
  if (!connection_) return;
  if (!connection_->connecting && !connection_->out.empty()) {
    size_t sent = 0;
    std::string ignored;
    connection_->sendSome(connection_->out.data(), connection_->out.size(), sent, ignored);
  }
  if (!connection_->connecting && connection_->tls) {
    std::string ignored;
    connection_->tls->flush(connection_->socket, ignored);
  }
  loop_->unwatch(connection_->socket);
  net::closeSocket(connection_->socket);
  connection_.reset();
}

void SessionClient::onIo(bool readable, bool writable, bool failed) {
  Connection* c = connection_.get();
  if (!c) return;
  if (c->connecting) {
    if (!writable && !failed && !readable) return;
    std::string error;
    if (!c->tcpConnected) {
      if (!net::finishConnect(c->socket, error)) {
        connectionLost("cannot connect to " + server_.toString() + ": " + error);
        return;
      }
      c->tcpConnected = true;
    }
    if (c->tls) {
      switch (c->tls->handshake(c->socket, error)) {
        case net::TlsStep::InProgress:
          loop_->setWantWrite(c->socket, c->tls->wantsWrite());
          return;
        case net::TlsStep::Failed:
          connectionLost("cannot connect to " + server_.toString() + ": " + error);
          return;
        case net::TlsStep::Untrusted:
          failWithoutRetry("cannot connect to " + server_.toString() + ": " + error);
          return;
        case net::TlsStep::Done:
          // The server's first records may have come with its last handshake message.
          readable = true;
          writable = true;
          break;
      }
    }
    c->connecting = false;
  }
  if (writable) flush();
  if (connection_.get() == c && (readable || failed)) readAvailable();
}

void SessionClient::flush() {
  Connection* c = connection_.get();
  if (!c || c->connecting) return;
  writeSome(*c);
  loop_->setWantWrite(c->socket, c->outputPending());
}

void SessionClient::writeSome(Connection& c) {
  while (!c.out.empty()) {
    size_t sent = 0;
    std::string error;
    net::IoStatus status = c.sendSome(c.out.data(), c.out.size(), sent, error);
    if (status == net::IoStatus::Ok) {
      c.out.consume(sent);
      continue;
    }
    // An error shows up again as a failed read, handled where frames are not being processed.
    break;
  }
  // The ciphertext of the last frames may still wait for the socket.
  if (c.tls && c.out.empty() && c.tls->wantsWrite()) {
    std::string error;
    c.tls->flush(c.socket, error);
  }
}

void SessionClient::send(const protocol::Frame& frame) {
  Connection* c = connection_.get();
  if (!c) return;
  protocol::encodeFrameWithLength(frame, c->out.appendable());
  if (!loop_->inLoopThread()) {
    // The loop has stopped (runSync ran this inline): now or never.
    flush();
    return;
  }
  // Every frame of this round (a burst of callbacks answering, ACKs, requests queued by the
  // application) leaves in one write at the round's end rather than one write each.
  if (c->flushDeferred) return;
  c->flushDeferred = true;
  loop_->deferToRoundEnd(whileAlive([c](SessionClient& s) {
    // The connection may have been replaced meanwhile; the new one flushes for itself.
    if (s.connection_.get() != c) return;
    c->flushDeferred = false;
    s.flush();
  }));
}

void SessionClient::readAvailable() {
  Connection* c = connection_.get();
  char buffer[32768];
  // Bounded so one busy connection cannot starve the others sharing the loop.
  for (int round = 0; round < 16; ++round) {
    size_t got = 0;
    std::string error;
    net::IoStatus status = c->receiveSome(buffer, sizeof buffer, got, error);
    if (status == net::IoStatus::WouldBlock) return;
    if (status == net::IoStatus::Closed) {
      connectionLost("the server closed the connection");
      return;
    }
    if (status == net::IoStatus::Error) {
      connectionLost(error);
      return;
    }
    c->lastReceived = Clock::now();
    c->reader.feed(buffer, got);
    std::string body;
    while (connection_.get() == c && c->reader.next(body)) {
      protocol::Frame frame;
      std::string decodeError;
      if (!protocol::decodeFrame(reinterpret_cast<const uint8_t*>(body.data()), body.size(),
                                 frame, decodeError)) {
        protocolError("malformed frame: " + decodeError);
        return;
      }
      handleFrame(frame);
    }
    if (connection_.get() != c) return;
    if (c->reader.failed()) {
      if (c->reader.tooLarge()) {
        frameTooLarge(c->reader.error());
      } else {
        protocolError(c->reader.error());
      }
      return;
    }
  }
  // Records TLS already took off the socket show up in no poll event: come back for them.
  if (c->tls && c->tls->hasBufferedInput()) {
    loop_->post(whileAlive([c](SessionClient& s) {
      if (s.connection_.get() == c && !c->connecting) s.readAvailable();
    }));
  }
}

void SessionClient::protocolError(const std::string& reason) {
  send(protocol::makeBye(agora_sdk_win::LOGOUT_E_PACKET, reason));
  connectionLost("protocol error: " + reason);
}

// A frame over the maximum cannot be taken on any connection: after a resume the server replays
// every frame the session was sent, the large one too, so reconnecting would loop for good. The
// session ends instead: LOGOUT, so that the server does not keep it for the resume window, and
// onLogout(104).
void SessionClient::frameTooLarge(const std::string& reason) {
  sink_.log("the server sent a frame the client cannot take (" + reason + "); the session ends");
  if (phase_ == Phase::LoggingIn) {
    send(protocol::makeBye(agora_sdk_win::LOGOUT_E_PACKET, reason));
    goIdle();
    sink_.fire([](ICallBack& cb) { cb.onLoginFailed(agora_sdk_win::LOGIN_E_OTHER); });
    return;
  }
  if (phase_ == Phase::Idle) return;
  send(protocol::makeLogout());
  send(protocol::makeBye(agora_sdk_win::LOGOUT_E_PACKET, reason));
  endSession(agora_sdk_win::LOGOUT_E_PACKET);
}

// ---- frames ----

void SessionClient::handleFrame(const protocol::Frame& frame) {
  using protocol::FrameType;
  Connection* c = connection_.get();
  switch (frame.type) {
    case FrameType::Welcome: {
      c->welcomed = true;
      c->heartbeatMs = std::max<uint64_t>(frame.u(1), 10);
      c->nextPingAt = Clock::now() + milliseconds(c->heartbeatMs);
      return;
    }
    case FrameType::Ping:
      send(protocol::makePong(frame.u(0)));
      return;
    case FrameType::Pong:
      return;
    case FrameType::Bye:
      onBye(frame.u(0), frame.s(1));
      return;
    case FrameType::LoginOk:
      onLoginOk(frame);
      return;
    case FrameType::LoginFail:
      onLoginFail(frame.u(0), frame.s(1));
      return;
    case FrameType::ResumeOk:
      onResumeOk(frame.u(0));
      return;
    case FrameType::ResumeFail:
      sink_.log("session could not be resumed (" + std::to_string(frame.u(0)) + " " +
                frame.s(1) + "); logging in afresh");
      sessionId_.clear();
      lastSeq_ = ackedSeq_ = 0;
      sessionStateLost(agora_sdk_win::LEAVECHANNEL_E_DISCONN);
      send(protocol::makeLogin(credentials_.appId, credentials_.account, credentials_.token,
                               credentials_.uid, credentials_.deviceId));
      return;
    case FrameType::LoggedOut: {
      int code = static_cast<int>(frame.u(0));
      sink_.log("logged out by the server: " + std::to_string(code) + " " + frame.s(1));
      endSession(code);
      return;
    }
    case FrameType::Result: {
      if (!acceptSequenced(frame.u(0))) return;
      uint64_t reqId = frame.u(1);
      auto it = pending_.find(reqId);
      if (it == pending_.end()) {
        sink_.log("result for unknown request " + std::to_string(reqId) + " ignored");
        return;
      }
      PendingRequest request = std::move(it->second);
      pending_.erase(it);
      dispatchResult(sink_, state_, request, frame.u(2), frame.s(3), frame.l(4));
      return;
    }
    case FrameType::Event:
      if (!acceptSequenced(frame.u(0))) return;
      dispatchEvent(sink_, state_, frame.u(1), frame.l(2));
      return;
    default:
      protocolError("unexpected frame type " + std::to_string(static_cast<int>(frame.type)));
      return;
  }
}

void SessionClient::onLoginOk(const protocol::Frame& frame) {
  if (phase_ != Phase::LoggingIn && phase_ != Phase::Reconnecting) {
    protocolError("unexpected LOGIN_OK");
    return;
  }
  uint32_t uid = static_cast<uint32_t>(frame.u(0));
  sessionId_ = frame.s(1);
  lastSeq_ = ackedSeq_ = 0;
  failUnknownMessages();
  // Requests the previous session left unanswered start over in this one, numbered from 1.
  std::map<uint64_t, PendingRequest> renumbered;
  uint64_t id = 1;
  for (auto& entry : pending_) {
    entry.second.reqId = id;
    entry.second.written = false;
    renumbered.emplace(id++, std::move(entry.second));
  }
  pending_.swap(renumbered);
  nextReqId_ = id;
  bool wasReconnecting = phase_ == Phase::Reconnecting;
  setPhase(Phase::Online);
  retries_ = 0;
  sendPendingAfter(0);
  int socketFd = fd();
  if (wasReconnecting) {
    sink_.log("reconnected with a new session");
    sink_.fire([socketFd](ICallBack& cb) { cb.onReconnected(socketFd); });
  } else {
    sink_.log("logged in, uid " + std::to_string(uid));
    sink_.fire([uid, socketFd](ICallBack& cb) { cb.onLoginSuccess(uid, socketFd); });
  }
}

// A message written to a lost session and never answered may have been delivered: sending it in
// the new session could deliver it twice, so the application hears it failed, with a reason saying
// the outcome is unknown. Requests never written (queued while disconnected) are sent as usual.
void SessionClient::failUnknownMessages() {
  std::vector<PendingRequest> unknown;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.written && isMessageOp(it->second.op)) {
      unknown.push_back(std::move(it->second));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (const PendingRequest& request : unknown) {
    dispatchRejection(sink_, request, agora_sdk_win::SENDMESSAGE_E_TIMEOUT,
                      request.method +
                          ": the session was lost before the server answered; the message may "
                          "or may not have reached the peer");
  }
}

void SessionClient::onLoginFail(uint64_t code, const std::string& text) {
  sink_.log("login refused: " + std::to_string(code) + " " + text);
  bool firstLogin = phase_ == Phase::LoggingIn;
  int ecode = static_cast<int>(code);
  if (firstLogin) {
    goIdle();
    sink_.fire([ecode](ICallBack& cb) { cb.onLoginFailed(ecode); });
  } else {
    endSession(logoutCodeForLoginFailure(code));
  }
}

void SessionClient::onResumeOk(uint64_t lastReqId) {
  if (phase_ != Phase::Reconnecting) {
    protocolError("unexpected RESUME_OK");
    return;
  }
  setPhase(Phase::Online);
  retries_ = 0;
  sendPendingAfter(lastReqId);
  int socketFd = fd();
  sink_.log("session resumed");
  sink_.fire([socketFd](ICallBack& cb) { cb.onReconnected(socketFd); });
}

void SessionClient::onBye(uint64_t code, const std::string& text) {
  if (code == agora_sdk_win::LOGOUT_E_OLDVERSION) {
    sink_.log("server refused the protocol version: " + text);
    bool firstLogin = phase_ == Phase::LoggingIn;
    if (firstLogin) {
      goIdle();
      sink_.fire([](ICallBack& cb) { cb.onLoginFailed(agora_sdk_win::LOGIN_E_OLDVERSION); });
    } else {
      endSession(agora_sdk_win::LOGOUT_E_OLDVERSION);
    }
    return;
  }
  connectionLost("the server said goodbye: " + std::to_string(code) + " " + text);
}

bool SessionClient::acceptSequenced(uint64_t seq) {
  if (seq <= lastSeq_) {
    sink_.log("frame " + std::to_string(seq) + " already processed; dropped");
    return false;
  }
  lastSeq_ = seq;
  if (lastSeq_ - ackedSeq_ >= kAckEvery) sendAck();
  return true;
}

void SessionClient::sendAck() {
  if (!connection_ || lastSeq_ <= ackedSeq_) return;
  send(protocol::makeAck(lastSeq_));
  ackedSeq_ = lastSeq_;
}

void SessionClient::sendPendingAfter(uint64_t reqId) {
  for (auto it = pending_.upper_bound(reqId); it != pending_.end(); ++it) sendRequest(it->second);
}

void SessionClient::sendRequest(PendingRequest& request) {
  if (connection_) request.written = true;
  send(protocol::makeRequest(request.reqId, request.op, request.args));
}

// ---- heartbeat ----

void SessionClient::scheduleTick(milliseconds delay) {
  if (tickTimer_) loop_->cancelTimer(tickTimer_);
  tickTimer_ = loop_->addTimer(delay, whileAlive([](SessionClient& s) { s.tick(); }));
}

void SessionClient::tick() {
  tickTimer_ = 0;
  Connection* c = connection_.get();
  if (!c) return;
  long long silentMs = msSince(c->lastReceived);
  long long limitMs = c->welcomed ? static_cast<long long>(3 * c->heartbeatMs)
                                  : static_cast<long long>(handshakeTimeout_.count());
  if (silentMs > limitMs) {
    connectionLost("nothing received for " + std::to_string(silentMs) + " ms");
    return;
  }
  if (!c->welcomed) {
    scheduleTick(kHandshakeTick);
    return;
  }
  if (Clock::now() >= c->nextPingAt) {
    send(protocol::makePing(pingNonce_++));
    sendAck();
    c->nextPingAt = Clock::now() + milliseconds(c->heartbeatMs);
  }
  uint64_t step = std::min<uint64_t>(std::max<uint64_t>(c->heartbeatMs / 4, 5), 1000);
  scheduleTick(milliseconds(step));
}

// ---- loss, retries, the end ----

void SessionClient::connectionLost(const std::string& reason) {
  sink_.log("connection lost: " + reason);
  closeConnection();
  switch (phase_) {
    case Phase::Idle:
      return;
    case Phase::LoggingOut:
      endSession(agora_sdk_win::LOGOUT_E_USER);
      return;
    case Phase::Online:
      setPhase(Phase::Reconnecting);
      retries_ = 0;
      cycleStart_ = Clock::now();
      scheduleRetry();
      return;
    case Phase::LoggingIn:
    case Phase::Reconnecting:
      scheduleRetry();
      return;
  }
}

void SessionClient::scheduleRetry() {
  uint32_t maxRetries = static_cast<uint32_t>(std::max(credentials_.retryCount, 0));
  long long limitMs = 1000LL * std::max(credentials_.retryTimeSeconds, 0);
  if (retries_ >= maxRetries) {
    giveUp();
    return;
  }
  milliseconds delay = std::min<milliseconds>(
      milliseconds(kFirstBackoff.count() << std::min<uint32_t>(retries_, 5)), kMaxBackoff);
  if (msSince(cycleStart_) + delay.count() > limitMs) {
    giveUp();
    return;
  }
  retryTimer_ = loop_->addTimer(delay, whileAlive([](SessionClient& s) { s.retryNow(); }));
}

void SessionClient::retryNow() {
  retryTimer_ = 0;
  if (phase_ != Phase::LoggingIn && phase_ != Phase::Reconnecting) return;
  uint32_t attempt = ++retries_;
  if (phase_ == Phase::Reconnecting) {
    sink_.log("reconnecting, try " + std::to_string(attempt));
    sink_.fire([attempt](ICallBack& cb) { cb.onReconnecting(attempt); });
  } else {
    sink_.log("login connection failed; try " + std::to_string(attempt));
  }
  connect();
}

void SessionClient::giveUp() {
  bool firstLogin = phase_ == Phase::LoggingIn;
  sink_.log(firstLogin ? "login failed: the server cannot be reached"
                       : "reconnection given up");
  if (firstLogin) {
    goIdle();
    sink_.fire([](ICallBack& cb) { cb.onLoginFailed(agora_sdk_win::LOGIN_E_NET); });
  } else {
    endSession(agora_sdk_win::LOGOUT_E_NET);
  }
}

void SessionClient::failWithoutRetry(const std::string& reason) {
  sink_.log(reason + " (not retried)");
  closeConnection();
  switch (phase_) {
    case Phase::LoggingIn:
      goIdle();
      sink_.fire([](ICallBack& cb) { cb.onLoginFailed(agora_sdk_win::LOGIN_E_FAILED); });
      return;
    case Phase::Reconnecting:
      endSession(agora_sdk_win::LOGOUT_E_OTHER);
      return;
    case Phase::LoggingOut:
      endSession(agora_sdk_win::LOGOUT_E_USER);
      return;
    case Phase::Idle:
    case Phase::Online:
      return;
  }
}

void SessionClient::goIdle() {
  if (retryTimer_) loop_->cancelTimer(retryTimer_);
  retryTimer_ = 0;
  closeConnection();
  if (!pending_.empty()) {
    sink_.log(std::to_string(pending_.size()) + " unanswered requests dropped");
  }
  pending_.clear();
  sessionId_.clear();
  lastSeq_ = ackedSeq_ = 0;
  nextReqId_ = 1;
  if (!state_.held.empty()) {
    sink_.log(std::to_string(state_.held.size()) +
              " messages held for offline peers: their fate is no longer reported");
  }
  state_ = ClientState();
  setPhase(Phase::Idle);
}

void SessionClient::sessionStateLost(int code) {
  if (!state_.held.empty()) {
    // The server reports a held message's fate to the session that sent it, which is gone.
    sink_.log(std::to_string(state_.held.size()) +
              " messages held for offline peers: their fate is no longer reported");
    state_.held.clear();
  }
  if (!state_.inChannel) return;
  std::string channel = std::move(state_.channel);
  state_.inChannel = false;
  state_.channel.clear();
  sink_.fire([&](ICallBack& cb) { cb.onChannelLeaved(channel.c_str(), channel.size(), code); });
}

void SessionClient::endSession(int logoutCode) {
  bool inChannel = state_.inChannel;
  std::string channel = state_.channel;
  goIdle();
  if (inChannel) {
    int leaveCode = leaveCodeForLogout(logoutCode);
    sink_.fire([&](ICallBack& cb) { cb.onChannelLeaved(channel.c_str(), channel.size(), leaveCode); });
  }
  sink_.fire([logoutCode](ICallBack& cb) { cb.onLogout(logoutCode); });
}

}  // namespace core
}  // namespace agora_sig
