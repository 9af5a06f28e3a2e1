// The scenarios against our stack: every session is one instance of the real C++ core
// (createAgoraSDKInstanceWin, App ID "bench", login with "_no_need_token"), all in this process.
// Every callback runs on the core's one network thread, so the per-scenario state the callbacks
// touch is used by that thread only; the main thread watches atomics.
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "agora_sig.h"
#include "raise_fd_limit.h"
#include "scenarios.h"

namespace bench {

namespace {

constexpr int kWindow = 100;  // requests in flight per p2p sender (refilled on onMessageSendSuccess)
constexpr int kFanoutWindow = 10;  // channel messages in flight for the fan-out sender
constexpr char kAppId[] = "bench";
constexpr char kToken[] = "_no_need_token";

// What the sessions report; called on the network thread.
class Listener {
 public:
  virtual ~Listener() = default;
  virtual void received(size_t session, const char* msg, size_t size) {}
  virtual void sent(size_t session) {}
  virtual void sendFailed(size_t session, int code) {}
};

struct Fleet;

class Session : public agora_sdk_win::ICallBack {
 public:
  Session(Fleet* fleet, size_t index) : fleet_(fleet), index_(index) {}
  void onLoginSuccess(uint32_t, int) override;
  void onLoginFailed(int code) override;
  void onLogout(int code) override;
  void onReconnecting(uint32_t) override;
  // AGORA_SIG_BENCH_LOG=1 prints the core's log lines of every 500th session (diagnosis).
  void onLog(const char* text, size_t size) override {
    static const bool enabled = getenv("AGORA_SIG_BENCH_LOG") != nullptr;
    if (enabled && index_ % 500 == 7) fprintf(stderr, "[%s] %.*s\n", account.c_str(), static_cast<int>(size), text);
  }
  void onReconnected(int) override;
  void onChannelJoined(const char*, size_t) override;
  void onChannelJoinFailed(const char*, size_t, int code) override;
  void onMessageInstantReceive(const char*, size_t, uint32_t, const char* msg, size_t size) override;
  void onMessageChannelReceive(const char*, size_t, const char*, size_t, uint32_t, const char* msg,
                               size_t size) override;
  void onMessageSendSuccess(const char*, size_t) override;
  void onMessageSendError(const char*, size_t, int code) override;

  agora_sdk_win::IAgoraAPI* api = nullptr;
  std::string account;

 private:
  Fleet* fleet_;
  size_t index_;
};

// Many sessions of one process, each an SDK instance.
struct Fleet {
  std::vector<std::unique_ptr<Session>> sessions;
  std::atomic<Listener*> listener{nullptr};
  std::atomic<size_t> loggedIn{0};
  std::atomic<size_t> loginFailed{0};
  std::atomic<size_t> loggedOut{0};
  std::atomic<size_t> reconnecting{0};
  std::atomic<size_t> reconnected{0};
  std::atomic<int> lastLogout{0};
  std::atomic<size_t> joined{0};
  std::atomic<size_t> joinFailed{0};
  std::atomic<int> lastFailure{0};
  std::atomic<int> lastJoinFailure{0};

  // bindSpread: give the sessions source addresses 127.0.0.2, .3, ... (20,000 each). With a
  // second server, session i talks to the node nodeOf gives it.
  Fleet(const LoadgenOptions& o, size_t count, const std::string& role, bool bindSpread) {
    const std::string servers[2] = {o.host + ":" + std::to_string(o.port),
                                    o.host2 + ":" + std::to_string(o.port2)};
    std::string prefix = "b" + std::to_string(getpid()) + "-" + role + "-";
    requireDescriptors(count);
    sessions.reserve(count);
    for (size_t i = 0; i < count; ++i) {
      auto s = std::make_unique<Session>(this, i);
      s->account = prefix + std::to_string(i);
      s->api = agora_sdk_win::createAgoraSDKInstanceWin(kAppId, sizeof kAppId - 1);
      s->api->callbackSet(s.get());
      const std::string& server = servers[o.port2 != 0 ? nodeOf(o, i) : 0];
      s->api->dbg("server", 6, server.data(), server.size());
      if (bindSpread) {
        std::string local = spreadSourceAddress(i);
        s->api->dbg("bind", 4, local.data(), local.size());
      }
      sessions.push_back(std::move(s));
    }
  }

  ~Fleet() {
    // destroy() logs out first, so the server forgets the sessions at once.
    for (auto& s : sessions) s->api->destroy();
  }

  // At most maxInFlight logins wait for their answer at a time: a server that cannot take
  // tens of thousands of handshakes within the SDK's 5-second handshake limit would otherwise see
  // its clients give up (onLoginFailed(201)).
  void loginAll(size_t maxInFlight = 2000) {
    size_t started = 0;
    for (auto& s : sessions) {
      while (started - loggedIn.load() - loginFailed.load() >= maxInFlight) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
      ++started;
      s->api->login2("", 0, s->account.data(), s->account.size(), kToken, sizeof kToken - 1, 0, "",
                     0, 30, 3);
    }
  }

  // Waits until every session has logged in; throws when one fails or time runs out.
  void awaitLogins(double timeoutSeconds) {
    auto start = Clock::now();
    size_t reported = 0;
    while (loggedIn.load() < sessions.size()) {
      if (loginFailed.load() > 0) {
        throw std::runtime_error(std::to_string(loginFailed.load()) + " logins failed (code " +
                                 std::to_string(lastFailure.load()) + ")");
      }
      if (secondsSince(start) > timeoutSeconds) {
        throw std::runtime_error("only " + std::to_string(loggedIn.load()) + " of " +
                                 std::to_string(sessions.size()) + " sessions logged in within " +
                                 std::to_string(static_cast<int>(timeoutSeconds)) + " s");
      }
      if (loggedIn.load() >= reported + 5000) {
        reported = loggedIn.load();
        fprintf(stderr, "  %zu logged in\n", reported);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void joinAll(const std::string& channel, double timeoutSeconds) {
    for (auto& s : sessions) s->api->channelJoin(channel.data(), channel.size());
    auto start = Clock::now();
    auto lastReport = start;
    while (joined.load() < sessions.size()) {
      if (secondsSince(lastReport) > 5) {
        lastReport = Clock::now();
        fprintf(stderr, "  %zu of %zu joined (reconnect tries %zu, reconnected %zu, logged out %zu)\n",
                joined.load(), sessions.size(), reconnecting.load(), reconnected.load(),
                loggedOut.load());
      }
      if (joinFailed.load() > 0) {
        throw std::runtime_error(std::to_string(joinFailed.load()) + " channel joins failed (code " +
                                 std::to_string(lastJoinFailure.load()) + ") after " +
                                 std::to_string(joined.load()) + " joined");
      }
      if (secondsSince(start) > timeoutSeconds) {
        throw std::runtime_error("only " + std::to_string(joined.load()) + " of " +
                                 std::to_string(sessions.size()) + " sessions joined the channel");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
};

void Session::onLoginSuccess(uint32_t, int) { fleet_->loggedIn.fetch_add(1); }
void Session::onLoginFailed(int code) {
  fleet_->lastFailure = code;
  fleet_->loginFailed.fetch_add(1);
}
void Session::onLogout(int code) {
  fleet_->lastLogout = code;
  fleet_->loggedOut.fetch_add(1);
}
void Session::onReconnecting(uint32_t) { fleet_->reconnecting.fetch_add(1); }
void Session::onReconnected(int) { fleet_->reconnected.fetch_add(1); }
void Session::onChannelJoined(const char*, size_t) { fleet_->joined.fetch_add(1); }
void Session::onChannelJoinFailed(const char*, size_t, int code) {
  fleet_->lastJoinFailure = code;
  fleet_->joinFailed.fetch_add(1);
}
void Session::onMessageInstantReceive(const char*, size_t, uint32_t, const char* msg, size_t size) {
  if (Listener* l = fleet_->listener.load()) l->received(index_, msg, size);
}
void Session::onMessageChannelReceive(const char*, size_t, const char*, size_t, uint32_t,
                                      const char* msg, size_t size) {
  if (Listener* l = fleet_->listener.load()) l->received(index_, msg, size);
}
void Session::onMessageSendSuccess(const char*, size_t) {
  if (Listener* l = fleet_->listener.load()) l->sent(index_);
}
void Session::onMessageSendError(const char*, size_t, int code) {
  if (Listener* l = fleet_->listener.load()) l->sendFailed(index_, code);
}

void sendInstant(Session& from, const Session& to, const std::string& payload) {
  from.api->messageInstantSend(to.account.data(), to.account.size(), 0, payload.data(),
                               payload.size(), "m", 1);
}

// Waits until count reaches target or nothing arrived for stallSeconds.
bool awaitCount(const std::atomic<size_t>& count, size_t target, double stallSeconds) {
  size_t last = count.load();
  auto lastChange = Clock::now();
  while (count.load() < target) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
    size_t now = count.load();
    if (now != last) {
      last = now;
      lastChange = Clock::now();
    } else if (secondsSince(lastChange) > stallSeconds) {
      return false;
    }
  }
  return true;
}

// ---- p2p-latency ----

class LatencyListener : public Listener {
 public:
  explicit LatencyListener(size_t expected) { samples.reserve(expected); }
  void received(size_t, const char* msg, size_t size) override {
    int64_t us = latencyUs(msg, size);
    if (us >= 0 && recording) samples.push_back(us);
    count.fetch_add(1);
  }
  void sent(size_t) override {
    acked.fetch_add(1);
    if (burstLeft.load() > 0 && burstLeft.fetch_sub(1) > 0) sendInstant(*from, *to, stampedPayload(size));
  }
  void sendFailed(size_t, int) override { failed.fetch_add(1); }

  std::vector<int64_t> samples;
  std::atomic<size_t> count{0};
  std::atomic<size_t> acked{0};
  std::atomic<size_t> failed{0};
  std::atomic<bool> recording{false};
  // Messages of the maximum-rate run still to send, one per acknowledgement.
  std::atomic<long> burstLeft{0};
  Session* from = nullptr;
  Session* to = nullptr;
  size_t size = 0;
};

Metrics p2pLatency(const LoadgenOptions& o) {
  size_t messages = static_cast<size_t>(o.param("messages"));
  size_t size = static_cast<size_t>(o.param("size"));
  double rate = static_cast<double>(o.param("rate"));
  Fleet fleet(o, 2, "lat", false);
  LatencyListener listener(messages);
  fleet.listener = &listener;
  fleet.loginAll();
  fleet.awaitLogins(30);
  Session& sender = *fleet.sessions[0];
  Session& receiver = *fleet.sessions[1];
  Metrics m;
  if (rate <= 0) {
    // The maximum: a pipelined run, kWindow requests in flight, refilled on each acknowledgement.
    size_t probe = std::min<size_t>(messages, 20000);
    size_t window = std::min<size_t>(probe, kWindow);
    listener.from = &sender;
    listener.to = &receiver;
    listener.size = size;
    listener.burstLeft = static_cast<long>(probe - window);
    auto start = Clock::now();
    for (size_t i = 0; i < window; ++i) sendInstant(sender, receiver, stampedPayload(size));
    if (!awaitCount(listener.count, probe, 10)) throw std::runtime_error("the maximum-rate run stalled");
    double maxRate = static_cast<double>(probe) / secondsSince(start);
    awaitCount(listener.acked, probe, 10);
    rate = maxRate / 2;
    m.set("max_rate", maxRate);
    fprintf(stderr, "  maximum %.0f msgs/s; measuring at %.0f\n", maxRate, rate);
    listener.count = 0;
  }
  listener.recording = true;
  auto start = Clock::now();
  auto interval = std::chrono::duration<double>(1.0 / rate);
  for (size_t k = 0; k < messages; ++k) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k)));
    sendInstant(sender, receiver, stampedPayload(size));
  }
  bool complete = awaitCount(listener.count, messages, 10);
  double seconds = secondsSince(start);
  listener.recording = false;
  fleet.listener = nullptr;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  m.setObject("latency_us", latencySummary(listener.samples, true));
  m.set("rate", rate);
  m.set("messages", static_cast<double>(listener.count.load()));
  m.set("seconds", seconds);
  if (!complete) m.set("lost", static_cast<double>(messages - listener.count.load()));
  m.set("send_errors", static_cast<double>(listener.failed.load()));
  return m;
}

// ---- p2p-throughput ----

class ThroughputListener : public Listener {
 public:
  ThroughputListener(Fleet& fleet, size_t pairs, size_t perPair, size_t size)
      : fleet_(fleet), pairs_(pairs), perPair_(perPair), payload_(size, 'x'), issued_(pairs, 0) {}
  void start() {
    for (size_t p = 0; p < pairs_; ++p)
      for (int i = 0; i < kWindow; ++i) sendNext(p);
  }
  void received(size_t, const char*, size_t) override { delivered.fetch_add(1); }
  void sent(size_t session) override { sendNext(session); }
  void sendFailed(size_t session, int) override {
    failed.fetch_add(1);
    sendNext(session);
  }
  std::atomic<size_t> delivered{0};
  std::atomic<size_t> failed{0};

 private:
  // Sender p talks to receiver pairs_ + p. The main thread issues the first windows while
  // acknowledgements already arrive on the network thread, hence the (uncontended after the
  // start) lock.
  void sendNext(size_t p) {
    if (p >= pairs_) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (issued_[p] >= perPair_) return;
      ++issued_[p];
    }
    sendInstant(*fleet_.sessions[p], *fleet_.sessions[pairs_ + p], payload_);
  }
  Fleet& fleet_;
  size_t pairs_, perPair_;
  std::string payload_;
  std::vector<size_t> issued_;
  std::mutex mutex_;
};

Metrics p2pThroughput(const LoadgenOptions& o) {
  size_t pairs = static_cast<size_t>(o.param("pairs"));
  size_t perPair = static_cast<size_t>(o.param("messages-per-pair"));
  Fleet fleet(o, 2 * pairs, "tp", false);
  fleet.loginAll();
  fleet.awaitLogins(60);
  ThroughputListener listener(fleet, pairs, perPair, static_cast<size_t>(o.param("size")));
  size_t total = pairs * perPair;
  MeasuredInterval measured;
  measured.begin();
  auto start = Clock::now();
  fleet.listener = &listener;
  listener.start();
  bool complete = awaitCount(listener.delivered, total, 10);
  double seconds = secondsSince(start);
  Metrics m;
  measured.end(m);
  fleet.listener = nullptr;
  m.set("delivered_per_s", static_cast<double>(listener.delivered.load()) / seconds);
  m.set("delivered", static_cast<double>(listener.delivered.load()));
  m.set("seconds", seconds);
  m.set("send_errors", static_cast<double>(listener.failed.load()));
  if (!complete) m.set("lost", static_cast<double>(total - listener.delivered.load()));
  return m;
}

// ---- fanout ----

class FanoutListener : public Listener {
 public:
  explicit FanoutListener(size_t expected) { samples.reserve(expected); }
  void received(size_t session, const char* msg, size_t size) override {
    if (session == 0) return;  // the sender's own copy, if the server sends one
    int64_t us = latencyUs(msg, size);
    if (us >= 0) samples.push_back(us);
    deliveries.fetch_add(1);
  }
  void sent(size_t) override { acked.fetch_add(1); }
  void sendFailed(size_t, int code) override {
    lastError = code;
    failed.fetch_add(1);
  }
  std::vector<int64_t> samples;
  std::atomic<size_t> deliveries{0};
  std::atomic<size_t> acked{0};
  std::atomic<size_t> failed{0};
  std::atomic<int> lastError{0};
};

Metrics fanout(const LoadgenOptions& o) {
  size_t members = static_cast<size_t>(o.param("members"));
  size_t messages = static_cast<size_t>(o.param("messages"));
  size_t size = static_cast<size_t>(o.param("size"));
  // Session 0 sends; sessions 1..members receive (the sender is a member too, not counted).
  Fleet fleet(o, members + 1, "fan", members + 1 > 20000);
  FanoutListener listener(members * messages);
  fleet.loginAll();
  fleet.awaitLogins(120);
  std::string channel = "bench-fanout-" + std::to_string(getpid());
  auto joinStart = Clock::now();
  fleet.joinAll(channel, 600);
  double joinSeconds = secondsSince(joinStart);
  fprintf(stderr, "  %zu members joined in %.1f s\n", members + 1, joinSeconds);
  fleet.listener = &listener;
  Session& sender = *fleet.sessions[0];
  MeasuredInterval measured;
  measured.begin();
  auto start = Clock::now();
  size_t issued = 0;
  size_t expected = members * messages;
  // The main thread keeps kFanoutWindow messages in flight; a rejected message (a rate limit of
  // the server) is sent again, so every message reaches every member once.
  auto lastProgress = Clock::now();
  size_t lastSeen = 0;
  size_t lastFailed = 0;
  while (listener.deliveries.load() < expected) {
    size_t done = listener.acked.load();
    size_t accepted = issued - listener.failed.load();
    while (accepted < messages && issued - done - listener.failed.load() < static_cast<size_t>(kFanoutWindow)) {
      std::string payload = stampedPayload(size);
      sender.api->messageChannelSend(channel.data(), channel.size(), payload.data(), payload.size(), "m", 1);
      ++issued;
      ++accepted;
    }
    // A rejection is the server's rate limit: wait a little instead of hammering it.
    size_t failedNow = listener.failed.load();
    std::this_thread::sleep_for(std::chrono::microseconds(failedNow != lastFailed ? 20000 : 100));
    lastFailed = failedNow;
    size_t seen = listener.deliveries.load() + listener.acked.load() + listener.failed.load();
    if (seen != lastSeen) {
      lastSeen = seen;
      lastProgress = Clock::now();
    } else if (secondsSince(lastProgress) > 10) {
      break;
    }
  }
  double seconds = secondsSince(start);
  Metrics m;
  measured.end(m);
  fleet.listener = nullptr;
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  m.set("deliveries_per_s", static_cast<double>(listener.deliveries.load()) / seconds);
  m.set("deliveries", static_cast<double>(listener.deliveries.load()));
  m.setObject("latency_us", latencySummary(listener.samples, false));
  m.set("seconds", seconds);
  m.set("join_seconds", joinSeconds);
  m.set("rejected_sends", static_cast<double>(listener.failed.load()));
  if (listener.failed.load()) m.set("last_rejection_code", listener.lastError.load());
  if (listener.deliveries.load() < expected) m.set("lost", static_cast<double>(expected - listener.deliveries.load()));
  return m;
}

// ---- login-storm and idle ----

Metrics loginStorm(const LoadgenOptions& o) {
  size_t accounts = static_cast<size_t>(o.param("accounts"));
  Fleet fleet(o, accounts, "login", true);
  MeasuredInterval measured;
  measured.begin();
  auto start = Clock::now();
  fleet.loginAll();
  fleet.awaitLogins(300);
  double seconds = secondsSince(start);
  Metrics m;
  measured.end(m);
  m.set("logins_per_s", static_cast<double>(accounts) / seconds);
  m.set("seconds", seconds);
  return m;
}

Metrics idle(const LoadgenOptions& o) {
  size_t sessions = static_cast<size_t>(o.param("sessions"));
  Fleet fleet(o, sessions, "idle", true);
  auto start = Clock::now();
  fleet.loginAll();
  fleet.awaitLogins(600);
  double seconds = secondsSince(start);
  // The runner reads the server's memory now.
  fprintf(stderr, "ready %zu sessions\n", sessions);
  std::this_thread::sleep_for(std::chrono::seconds(o.holdSeconds));
  Metrics m;
  m.set("sessions", static_cast<double>(fleet.loggedIn.load() - fleet.loggedOut.load()));
  m.set("seconds_to_connect", seconds);
  return m;
}

}  // namespace

Metrics runAgoraScenario(const LoadgenOptions& o) {
  if (o.scenario == "p2p-latency") return p2pLatency(o);
  if (o.scenario == "p2p-throughput") return p2pThroughput(o);
  if (o.scenario == "fanout") return fanout(o);
  if (o.scenario == "login-storm") return loginStorm(o);
  return idle(o);
}

}  // namespace bench
