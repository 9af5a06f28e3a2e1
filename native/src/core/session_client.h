// The client side of the wire protocol for one instance: connection, login, heartbeat,
// sequenced frames and ACKs, requests kept until answered, reconnection with resume.
//
// Threading: the session lock (mutex_) guards all of its state. Every entry on the loop thread
// (a task queued with post(), the socket's IO handler, its timers, shutdown()) holds it for its
// whole run, callbacks included. The one entry from other threads is trySubmitFromCaller(), which
// only ever tries the lock. So the members without a note below run on the loop thread with the
// lock held. The object is shared: closures queued on the loop hold it, so it outlives the
// instance that created it until they have run.
#ifndef AGORA_SIG_CORE_SESSION_CLIENT_H_
#define AGORA_SIG_CORE_SESSION_CLIENT_H_

#include <stdint.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/callback_sink.h"
#include "core/client_state.h"
#include "core/event_loop.h"
#include "core/pending_request.h"
#include "core/server_address.h"
#include "net/tls_stream.h"
#include "protocol/codec.h"
#include "protocol/frame_reader.h"

namespace agora_sig {
namespace core {

class Connector;

struct Credentials {
  std::string appId;
  std::string account;
  std::string token;
  uint32_t uid = 0;
  std::string deviceId;
  int retryTimeSeconds = 30;
  int retryCount = 3;
};

// getStatus() values.
enum class Status : int { NotLoggedIn = 0, LoggingIn = 1, LoggedIn = 2, Reconnecting = 3 };

class SessionClient : public std::enable_shared_from_this<SessionClient> {
 public:
  SessionClient(EventLoop* loop, ServerAddress server, std::string clientName);
  ~SessionClient();
  SessionClient(const SessionClient&) = delete;
  SessionClient& operator=(const SessionClient&) = delete;

  // Any thread: the sink's state is atomic.
  CallbackSink& sink() { return sink_; }
  // Any thread.
  Status status() const { return static_cast<Status>(status_.load()); }
  // Callable from any thread: a login() call shows status 1 at once, as the SDKs did, although
  // the login itself runs later on the loop thread. False when not in status 0.
  bool announceLogin() {
    int expected = static_cast<int>(Status::NotLoggedIn);
    return status_.compare_exchange_strong(expected, static_cast<int>(Status::LoggingIn));
  }
  // Any thread: runs work on the loop thread with the session lock held, after every task queued
  // before it; dropped once destroy() has silenced the session. It counts as queued until it runs,
  // so trySubmitFromCaller() never overtakes it.
  void post(std::function<void(SessionClient&)> work);
  // Any thread but the loop's: the caller-thread path of a request, which saves the hop to the
  // loop thread. When the session is online on an established connection with an empty output
  // buffer, no posted task is waiting and the lock is free at once, the request is kept (like
  // submit()) and written to the socket on this thread, and true is returned. Otherwise nothing
  // happens and false says to post() it instead. It never fires a callback and never waits.
  bool trySubmitFromCaller(PendingRequest& request);

  // No login in progress or in force.
  bool idle() const { return phase_ == Phase::Idle; }
  // Undo announceLogin() for a login that was refused before it started.
  void withdrawLogin() { if (phase_ == Phase::Idle) setPhase(Phase::Idle); }

  void login(const Credentials& credentials);
  void logout();
  // Sends the request, or keeps it for after the resume while reconnecting; rejects it with 1003
  // when not logged in.
  void submit(PendingRequest request);
  void ping();
  void setServer(const ServerAddress& server) { server_ = server; }
  const ServerAddress& server() const { return server_; }
  // The PEM file of trusted CAs for tls:// servers (empty: the system's trust store).
  void setTlsCaFile(const std::string& file) { tlsCaFile_ = file; }
  // The source address of the next connections (a numeric IP address; empty: the system's
  // choice).
  void setLocalAddress(const std::string& address) { localAddress_ = address; }
  // Before WELCOME says the heartbeat: how long a connection may stay silent.
  void setHandshakeTimeout(std::chrono::milliseconds timeout) { handshakeTimeout_ = timeout; }
  // Closes everything without a callback (destroy()). Takes the session lock itself: call it on
  // the loop thread outside any entry of this session (or on the caller's once the loop stopped).
  void shutdown();

 private:
  enum class Phase { Idle, LoggingIn, Online, Reconnecting, LoggingOut };
  struct Connection;

  // Wraps `work(SessionClient&, args...)` as a socket handler, timer or deferred task for the
  // loop: it runs under the session lock, and not at all once the session is gone. With post(),
  // the one way loop-thread code enters a session.
  template <typename Work>
  auto whileAlive(Work work) {
    std::weak_ptr<SessionClient> weak = shared_from_this();
    return [weak, work](auto... args) {
      std::shared_ptr<SessionClient> self = weak.lock();
      if (!self) return;
      std::lock_guard<std::mutex> lock(self->mutex_);
      self->guarded([&] { work(*self, args...); });
    };
  }
  // Runs f, reporting what it throws through the instance (onLog, onError "exception" 1002)
  // instead of letting it unwind into the shared loop.
  template <typename F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      reportException(e.what());
    } catch (...) {
      reportException("a non-standard exception");
    }
  }
  void reportException(const std::string& what);

  void setPhase(Phase phase);
  // Starts connecting (core/connector.h); onConnected() takes the socket once it is connected.
  void connect();
  void onConnected(net::SocketHandle socket);
  void closeConnection();
  void onIo(bool readable, bool writable, bool failed);
  void readAvailable();
  void flush();
  // Writes what the socket takes of the output buffer now, without blocking and on any thread
  // (the loop's write interest is flush()'s business).
  void writeSome(Connection& connection);
  // Numbers the request and keeps it until its RESULT (the account prepended where needed).
  PendingRequest& keep(PendingRequest request);
  void send(const protocol::Frame& frame);
  void handleFrame(const protocol::Frame& frame);
  void onLoginOk(const protocol::Frame& frame);
  void failUnknownMessages();
  void onLoginFail(uint64_t code, const std::string& text);
  void onResumeOk(uint64_t lastReqId);
  void onBye(uint64_t code, const std::string& text);
  bool acceptSequenced(uint64_t seq);
  void sendAck();
  void sendPendingAfter(uint64_t reqId);
  void sendRequest(PendingRequest& request);
  void scheduleTick(std::chrono::milliseconds delay);
  void tick();
  void connectionLost(const std::string& reason);
  void protocolError(const std::string& reason);
  // The server sent a frame over the client's maximum: the session ends (see the .cpp).
  void frameTooLarge(const std::string& reason);
  void scheduleRetry();
  void retryNow();
  void giveUp();
  // A login that another try cannot fix (an untrusted certificate, no TLS in this build): fails
  // at once, without the retries a network error gets.
  void failWithoutRetry(const std::string& reason);
  void goIdle();
  // The server forgot the session (RESUME_FAIL): its channel membership is over without a
  // CHANNEL_LEFT (onChannelLeaved(channel, code) when in a channel), and the fate of messages it
  // held for offline peers will not be reported.
  void sessionStateLost(int code);
  // Ends the session for good: onChannelLeaved(channel, leaveCode) when in a channel, then
  // onLogout(logoutCode).
  void endSession(int logoutCode);
  int fd() const;

  EventLoop* loop_;
  // The session lock (see the top of this file).
  std::mutex mutex_;
  // Tasks queued by post() that have not started yet (each lowers it, lock held, as it starts).
  std::atomic<int> queuedTasks_{0};
  // Set by shutdown(): the caller-thread path must not touch a closed session.
  bool shutDown_ = false;
  CallbackSink sink_;
  ServerAddress server_;
  std::string tlsCaFile_ = defaultTlsCaFile();
  std::string localAddress_;
  std::string clientName_;
  std::atomic<int> status_{0};
  Phase phase_ = Phase::Idle;
  Credentials credentials_;
  std::chrono::milliseconds handshakeTimeout_{5000};

  std::unique_ptr<Connection> connection_;
  // The connection being opened (name lookup, address racing), until it is connection_.
  std::shared_ptr<Connector> connector_;
  // The TLS stream of the connection attempt under way (tls:// addresses), until it connects.
  std::unique_ptr<net::TlsStream> pendingTls_;
  EventLoop::TimerId tickTimer_ = 0;
  EventLoop::TimerId retryTimer_ = 0;

  // The retry cycle in progress (first login or reconnection).
  uint32_t retries_ = 0;
  EventLoop::Clock::time_point cycleStart_;

  std::string sessionId_;
  uint64_t lastSeq_ = 0;
  uint64_t ackedSeq_ = 0;
  uint64_t nextReqId_ = 1;
  uint64_t pingNonce_ = 1;
  std::map<uint64_t, PendingRequest> pending_;
  ClientState state_;
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_SESSION_CLIENT_H_
