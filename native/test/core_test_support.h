// Test helpers for the core: a scripted protocol server on 127.0.0.1 (its own thread, built on
// the codec) and an ICallBack that records every callback as a line of text.
#ifndef AGORA_SIG_TEST_CORE_TEST_SUPPORT_H_
#define AGORA_SIG_TEST_CORE_TEST_SUPPORT_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agora_sig.h"
#include "protocol/codec.h"
#include "protocol/frame_reader.h"
#include "test_sockets.h"

namespace coretest {

using namespace agora_sig::protocol;
using Clock = std::chrono::steady_clock;

// What a scripted op answers: EVENTs to the requester first (as the real server sends the join
// sequence before its RESULT), then the RESULT.
struct ScriptedAnswer {
  uint64_t code = 0;
  std::string text;
  std::vector<std::string> values;
  std::vector<std::pair<EventKind, std::vector<std::string>>> eventsFirst;
};
// A listening TCP socket on 127.0.0.1 with a port the system picks (written to `port`).
inline int listenOnLoopback(uint16_t& port) {
  int fd = openTcpSocket();
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, reinterpret_cast<const char*>(&on), sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  port = ntohs(addr.sin_port);
  listen(fd, 16);
  return fd;
}

using Responder =
    std::function<ScriptedAnswer(const std::string& account, const std::vector<std::string>& args)>;

// A small server speaking protocol version 1: login, resume with replay, heartbeat, instant
// messages between its sessions, QUERY_USER_STATUS; ops a test scripts answer as scripted; every
// other op is answered 1000. Switches let a test break it in the ways the client must survive.
class FakeServer {
 public:
  FakeServer() {
    listener_ = listenOnLoopback(port_);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeServer() { stop(); }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  uint16_t port() const { return port_; }

  // Closes everything and stops: the port then refuses connections.
  void stop() {
    if (stopped_.exchange(true)) return;
    thread_.join();
    for (auto& c : conns_) closeTestSocket(c.first);
    conns_.clear();
    if (listener_ >= 0) closeTestSocket(listener_);
    listener_ = -1;
  }

  // Switches (any thread).
  void setLoginFailure(int code) { set([=] { loginFailure_ = code; }); }
  void setHeartbeatMs(uint64_t ms) { set([=] { heartbeatMs_ = ms; }); }
  void setSilent(bool on) { set([=] { silent_ = on; }); }
  void setDropRequests(bool on) { set([=] { dropRequests_ = on; }); }
  void setReplayEverything(bool on) { set([=] { replayEverything_ = on; }); }
  void setRefuseConnections(bool on) { set([=] { refuse_ = on; }); }
  void forgetSessions() { set([=] { sessions_.clear(); }); }
  void dropConnectionOf(const std::string& account) {
    set([=] {
      for (auto& c : conns_)
        if (c.second.account == account) c.second.closing = true;
    });
  }
  void kick(const std::string& account) {
    set([=] {
      for (auto& c : conns_) {
        if (c.second.account != account) continue;
        sendFrame(c.first, makeLoggedOut(103, "kicked"));
        c.second.closing = true;
        sessions_.erase(c.second.sessionId);
      }
    });
  }

  // Answers op with responder (runs on the server thread; it must not call the server).
  void script(Op op, Responder responder) { set([=] { scripts_[op] = responder; }); }
  // A sequenced EVENT to the session of account (kept for replay like any other).
  void pushEvent(const std::string& account, EventKind kind, std::vector<std::string> fields) {
    set([=] {
      Session* s = sessionOfAccount(account);
      if (!s) return;
      pushSequenced(*s, [&](uint64_t seq) {
        return makeEvent(seq, static_cast<uint64_t>(kind), fields);
      });
    });
  }

  // Observations (any thread).
  int received(FrameType type) {
    std::lock_guard<std::mutex> lock(mutex_);
    return counts_[type];
  }
  std::vector<std::string> processedRequests() {  // "op:args[0]:args.back()"
    std::lock_guard<std::mutex> lock(mutex_);
    return processed_;
  }
  int duplicateRequests() {
    std::lock_guard<std::mutex> lock(mutex_);
    return duplicates_;
  }
  std::vector<std::string> loginAppIds() {
    std::lock_guard<std::mutex> lock(mutex_);
    return appIds_;
  }
  std::vector<std::vector<std::string>> requestArgs() {
    std::lock_guard<std::mutex> lock(mutex_);
    return args_;
  }

 private:
  struct Conn {
    FrameReader reader;
    std::string sessionId;
    std::string account;
    bool closing = false;
  };
  struct Session {
    std::string account;
    uint32_t uid = 0;
    uint64_t nextSeq = 1;
    uint64_t lastReqId = 0;
    std::map<uint64_t, std::string> kept;  // seq -> framed bytes
    int fd = -1;
  };

  void set(std::function<void()> change) {
    std::lock_guard<std::mutex> lock(mutex_);
    change();
  }

  static void sendFrame(int fd, const Frame& f) {
    std::string bytes;
    encodeFrameWithLength(f, bytes);
    sendBytes(fd, bytes);
  }
  static void sendBytes(int fd, const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      long n = sendBytesOnce(fd, bytes.data() + off, bytes.size() - off);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }

  void pushSequenced(Session& s, const std::function<Frame(uint64_t)>& make) {
    uint64_t seq = s.nextSeq++;
    std::string bytes;
    encodeFrameWithLength(make(seq), bytes);
    s.kept[seq] = bytes;
    if (s.fd >= 0) sendBytes(s.fd, bytes);
  }

  Session* sessionOfAccount(const std::string& account) {
    for (auto& s : sessions_)
      if (s.second.account == account) return &s.second;
    return nullptr;
  }

  void handle(int fd, Conn& c, const Frame& f) {
    counts_[f.type]++;
    if (silent_) return;
    switch (f.type) {
      case FrameType::Hello:
        sendFrame(fd, makeWelcome(1, heartbeatMs_, 30000, kMaxFrameBytes));
        break;
      case FrameType::Ping:
        sendFrame(fd, makePong(f.u(0)));
        break;
      case FrameType::Login: {
        if (loginFailure_) {
          sendFrame(fd, makeLoginFail(loginFailure_, "refused by the test"));
          c.closing = true;
          break;
        }
        appIds_.push_back(f.s(0));
        uint32_t uid = ++nextUid_;
        std::string id = "session-" + std::to_string(uid);
        Session& s = sessions_[id];
        s.account = f.s(1);
        s.uid = uid;
        s.fd = fd;
        c.sessionId = id;
        c.account = s.account;
        sendFrame(fd, makeLoginOk(uid, id));
        break;
      }
      case FrameType::Resume: {
        auto it = sessions_.find(f.s(0));
        if (it == sessions_.end()) {
          sendFrame(fd, makeResumeFail(102, "unknown session"));
          break;
        }
        Session& s = it->second;
        s.fd = fd;
        c.sessionId = it->first;
        c.account = s.account;
        sendFrame(fd, makeResumeOk(s.lastReqId));
        uint64_t from = replayEverything_ ? 0 : f.u(1);
        for (auto& k : s.kept)
          if (k.first > from) sendBytes(fd, k.second);
        break;
      }
      case FrameType::Ack: {
        auto it = sessions_.find(c.sessionId);
        if (it == sessions_.end()) break;
        auto& kept = it->second.kept;
        if (!replayEverything_) kept.erase(kept.begin(), kept.upper_bound(f.u(0)));
        break;
      }
      case FrameType::Logout:
        sendFrame(fd, makeLoggedOut(101, "logged out"));
        sessions_.erase(c.sessionId);
        c.closing = true;
        break;
      case FrameType::Request:
        if (!dropRequests_) request(c, f);
        break;
      default:
        break;
    }
  }

  void request(Conn& c, const Frame& f) {
    auto it = sessions_.find(c.sessionId);
    if (it == sessions_.end()) return;
    Session& s = it->second;
    uint64_t reqId = f.u(0);
    if (reqId <= s.lastReqId) {
      ++duplicates_;
      return;
    }
    s.lastReqId = reqId;
    Op op = static_cast<Op>(f.u(1));
    const std::vector<std::string>& args = f.l(2);
    args_.push_back(args);
    processed_.push_back(std::to_string(f.u(1)) + ":" + (args.empty() ? "" : args[0]) + ":" +
                         (args.empty() ? "" : args.back()));
    uint64_t code = 0;
    std::string text;
    std::vector<std::string> values;
    auto scripted = scripts_.find(op);
    if (scripted != scripts_.end()) {
      ScriptedAnswer answer = scripted->second(s.account, args);
      for (auto& e : answer.eventsFirst) {
        pushSequenced(s, [&](uint64_t seq) {
          return makeEvent(seq, static_cast<uint64_t>(e.first), e.second);
        });
      }
      code = answer.code;
      text = answer.text;
      values = answer.values;
    } else if (op == Op::MsgInstant && args.size() == 4) {
      Session* peer = sessionOfAccount(args[0]);
      if (peer) {
        std::string serverMsgId = "m" + std::to_string(++nextMsg_);
        std::vector<std::string> fields = {s.account, std::to_string(s.uid), args[2], serverMsgId};
        pushSequenced(*peer, [&](uint64_t seq) {
          return makeEvent(seq, static_cast<uint64_t>(EventKind::InstantMsg), fields);
        });
        values.push_back(serverMsgId);
      } else {
        code = 400;
        text = args[0] + " is offline";
      }
    } else if (op == Op::QueryUserStatus && args.size() == 1) {
      values.push_back(sessionOfAccount(args[0]) ? "1" : "0");
    } else {
      code = 1000;
      text = std::string(opName(f.u(1))) + " is not supported by this server yet";
    }
    pushSequenced(s, [&](uint64_t seq) { return makeResult(seq, reqId, code, text, values); });
  }

  void closeConn(int fd) {
    for (auto& s : sessions_)
      if (s.second.fd == fd) s.second.fd = -1;
    closeTestSocket(fd);
    conns_.erase(fd);
  }

  void run() {
    while (!stopped_) {
      std::vector<TestPollFd> fds;
      fds.push_back(pollEntry(listener_));
      for (auto& c : conns_) fds.push_back(pollEntry(c.first));
      pollSockets(fds, 5);
      std::lock_guard<std::mutex> lock(mutex_);
      if (fds[0].revents & POLLIN) {
        int fd = acceptFrom(listener_);
        if (fd >= 0 && refuse_) {
          closeTestSocket(fd);
        } else if (fd >= 0) {
          conns_[fd];
        }
      }
      for (size_t i = 1; i < fds.size(); ++i) {
        int fd = static_cast<int>(fds[i].fd);
        auto it = conns_.find(fd);
        if (it == conns_.end() || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        char buf[65536];
        long n = receiveBytes(fd, buf, sizeof buf);
        if (n <= 0) {
          closeConn(fd);
          continue;
        }
        it->second.reader.feed(buf, static_cast<size_t>(n));
        std::string body;
        while (!it->second.closing && it->second.reader.next(body)) {
          Frame f;
          std::string error;
          if (!decodeFrame(reinterpret_cast<const uint8_t*>(body.data()), body.size(), f, error)) {
            it->second.closing = true;
            break;
          }
          handle(fd, it->second, f);
        }
      }
      std::vector<int> closing;
      for (auto& c : conns_)
        if (c.second.closing) closing.push_back(c.first);
      for (int fd : closing) closeConn(fd);
    }
  }

  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::map<int, Conn> conns_;
  std::map<std::string, Session> sessions_;
  std::map<FrameType, int> counts_;
  std::map<Op, Responder> scripts_;
  std::vector<std::string> processed_;
  std::vector<std::vector<std::string>> args_;
  int duplicates_ = 0;
  std::vector<std::string> appIds_;
  uint32_t nextUid_ = 1000;
  uint64_t nextMsg_ = 0;
  int loginFailure_ = 0;
  uint64_t heartbeatMs_ = 1000;
  bool silent_ = false;
  bool dropRequests_ = false;
  bool replayEverything_ = false;
  bool refuse_ = false;
};

// Records callbacks as lines such as "loginSuccess 1001", "error channelJoin 1003 ...".
class Recorder : public agora_sdk_win::ICallBack {
 public:
  using S = std::string;

  std::vector<S> lines() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_;
  }
  std::set<std::thread::id> threads() {
    std::lock_guard<std::mutex> lock(mutex_);
    return threads_;
  }
  size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return lines_.size();
  }
  // Lines that start with prefix.
  std::vector<S> matching(const S& prefix) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<S> out;
    for (auto& l : lines_)
      if (l.compare(0, prefix.size(), prefix) == 0) out.push_back(l);
    return out;
  }
  int count(const S& prefix) { return static_cast<int>(matching(prefix).size()); }
  bool waitFor(const S& prefix, int n = 1, int timeoutMs = 5000) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] {
      int found = 0;
      for (auto& l : lines_)
        if (l.compare(0, prefix.size(), prefix) == 0) ++found;
      return found >= n;
    });
  }
  std::function<void(const S&)> onLine;  // runs on the SDK thread after each line

  void record(const S& line) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      lines_.push_back(line);
      threads_.insert(std::this_thread::get_id());
    }
    changed_.notify_all();
    if (onLine) onLine(line);
  }

  void onReconnecting(uint32_t n) override { record("reconnecting " + std::to_string(n)); }
  void onReconnected(int fd) override { record("reconnected"); }
  void onLoginSuccess(uint32_t uid, int fd) override { record("loginSuccess " + std::to_string(uid)); }
  void onLogout(int e) override { record("logout " + std::to_string(e)); }
  void onLoginFailed(int e) override { record("loginFailed " + std::to_string(e)); }
  void onChannelJoined(const char* c, size_t n) override { record("channelJoined " + S(c, n)); }
  void onChannelJoinFailed(const char* c, size_t n, int e) override {
    record("channelJoinFailed " + S(c, n) + " " + std::to_string(e));
  }
  void onChannelLeaved(const char* c, size_t n, int e) override {
    record("channelLeaved " + S(c, n) + " " + std::to_string(e));
  }
  void onChannelUserJoined(const char* a, size_t n, uint32_t uid) override {
    record("userJoined " + S(a, n) + " " + std::to_string(uid));
  }
  void onChannelUserLeaved(const char* a, size_t n, uint32_t uid) override {
    record("userLeaved " + S(a, n) + " " + std::to_string(uid));
  }
  // "userList 2 alice:1001 bob:1002"; also checks the arrays end where n says.
  void onChannelUserList(int n, char** accounts, uint32_t* uids) override {
    S line = "userList " + std::to_string(n);
    for (int i = 0; i < n; ++i) line += " " + S(accounts[i]) + ":" + std::to_string(uids[i]);
    if (accounts[n] != nullptr) line += " (accounts not terminated)";
    record(line);
  }
  void onChannelQueryUserNumResult(const char* c, size_t n, int e, int num) override {
    record("userNum " + S(c, n) + " " + std::to_string(e) + " " + std::to_string(num));
  }
  void onChannelQueryUserIsIn(const char* c, size_t n, const char* a, size_t an, int isIn) override {
    record("userIsIn " + S(c, n) + " " + S(a, an) + " " + std::to_string(isIn));
  }
  void onChannelAttrUpdated(const char* c, size_t cn, const char* n, size_t nn, const char* v,
                            size_t vn, const char* t, size_t tn) override {
    record("channelAttr " + S(c, cn) + " " + S(n, nn) + "=" + S(v, vn) + " " + S(t, tn));
  }
  void onMessageChannelReceive(const char* c, size_t cn, const char* a, size_t an, uint32_t uid,
                               const char* m, size_t mn) override {
    record("channelMsg " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " + S(m, mn));
  }
  void onMessageSendProgress(const char* a, size_t an, const char* id, size_t idn, const char* t,
                             size_t tn, const char* i, size_t in) override {
    record("messageSendProgress " + S(a, an) + " " + S(id, idn) + " " + S(t, tn) + " " + S(i, in));
  }
  void onMessageAppReceived(const char* m, size_t n) override { record("appMsg " + S(m, n)); }
  void onUserAttrAllResult(const char* a, size_t an, const char* v, size_t vn) override {
    record("userAttrAll " + S(a, an) + " " + S(v, vn));
  }
  void onMessageSendError(const char* id, size_t n, int e) override {
    record("messageSendError " + S(id, n) + " " + std::to_string(e));
  }
  void onMessageSendSuccess(const char* id, size_t n) override { record("messageSendSuccess " + S(id, n)); }
  void onMessageInstantReceive(const char* a, size_t an, uint32_t uid, const char* m, size_t mn) override {
    record("instant " + S(a, an) + " " + S(m, mn));
  }
  void onLog(const char* t, size_t n) override { record("log " + S(t, n)); }
  void onInvokeRet(const char* id, size_t idn, const char* err, size_t en, const char* r, size_t rn) override {
    record("invokeRet " + S(id, idn) + " " + S(err, en) + "|" + S(r, rn));
  }
  void onUserAttrResult(const char* a, size_t an, const char* n, size_t nn, const char* v, size_t vn) override {
    record("userAttr " + S(a, an) + " " + S(n, nn) + " " + S(v, vn));
  }
  void onError(const char* name, size_t nn, int e, const char* d, size_t dn) override {
    record("error " + S(name, nn) + " " + std::to_string(e) + " " + S(d, dn));
  }
  void onQueryUserStatusResult(const char* n, size_t nn, const char* s, size_t sn) override {
    record("userStatus " + S(n, nn) + " " + S(s, sn));
  }
  void onDbg(const char* a, size_t an, const char* b, size_t bn) override {
    record("dbg " + S(a, an) + " " + S(b, bn));
  }
  void onBCCall_result(const char* r, size_t rn, const char* j, size_t jn, const char* id, size_t idn) override {
    record("bcCall " + S(id, idn) + " " + S(r, rn) + "|" + S(j, jn));
  }
  // Invitations: "inviteReceived call-1 alice 1001 {...}".
  void onInviteReceived(const char* c, size_t cn, const char* a, size_t an, uint32_t uid,
                        const char* x, size_t xn) override {
    record("inviteReceived " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " + S(x, xn));
  }
  void onInviteReceivedByPeer(const char* c, size_t cn, const char* a, size_t an, uint32_t uid) override {
    record("inviteReceivedByPeer " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid));
  }
  void onInviteAcceptedByPeer(const char* c, size_t cn, const char* a, size_t an, uint32_t uid,
                              const char* x, size_t xn) override {
    record("inviteAcceptedByPeer " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " + S(x, xn));
  }
  void onInviteRefusedByPeer(const char* c, size_t cn, const char* a, size_t an, uint32_t uid,
                             const char* x, size_t xn) override {
    record("inviteRefusedByPeer " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " + S(x, xn));
  }
  void onInviteFailed(const char* c, size_t cn, const char* a, size_t an, uint32_t uid, int e,
                      const char* x, size_t xn) override {
    record("inviteFailed " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " +
           std::to_string(e) + " " + S(x, xn));
  }
  void onInviteEndByPeer(const char* c, size_t cn, const char* a, size_t an, uint32_t uid,
                         const char* x, size_t xn) override {
    record("inviteEndByPeer " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " + S(x, xn));
  }
  void onInviteEndByMyself(const char* c, size_t cn, const char* a, size_t an, uint32_t uid) override {
    record("inviteEndByMyself " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid));
  }
  void onInviteMsg(const char* c, size_t cn, const char* a, size_t an, uint32_t uid, const char* t,
                   size_t tn, const char* d, size_t dn, const char* x, size_t xn) override {
    record("inviteMsg " + S(c, cn) + " " + S(a, an) + " " + std::to_string(uid) + " " + S(t, tn) + " " +
           S(d, dn) + " [" + S(x, xn) + "]");
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<S> lines_;
  std::set<std::thread::id> threads_;
};

// An instance aimed at the given server, with a recorder attached.
struct Client {
  agora_sdk_win::IAgoraAPI* api = nullptr;
  std::unique_ptr<Recorder> rec{new Recorder};

  explicit Client(const std::string& server) {
    api = agora_sdk_win::createAgoraSDKInstanceWin("test-app", 8);
    api->callbackSet(rec.get());
    api->dbg("server", 6, server.data(), server.size());
    rec->waitFor("dbg server");
  }
  ~Client() {
    if (api) api->destroy();
  }
  bool login(const std::string& account, int retryTime = 30, int retryCount = 3) {
    api->login2("", 0, account.data(), account.size(), "_no_need_token", 14, 0, "", 0, retryTime,
                retryCount);
    return rec->waitFor("loginSuccess");
  }
  void send(const std::string& to, const std::string& msg, const std::string& id) {
    api->messageInstantSend(to.data(), to.size(), 0, msg.data(), msg.size(), id.data(), id.size());
  }
};

// Polls cond every few milliseconds until it holds or timeoutMs passes.
inline bool eventually(const std::function<bool()>& cond, int timeoutMs = 5000) {
  auto end = Clock::now() + std::chrono::milliseconds(timeoutMs);
  while (Clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return cond();
}

}  // namespace coretest

#endif  // AGORA_SIG_TEST_CORE_TEST_SUPPORT_H_
