#include "core/instance.h"

#include <utility>

#include "core/result_dispatch.h"
#include "core/version.h"
#include "net/socket.h"

namespace agora_sig {
namespace core {

namespace {

using agora_sdk_win::ICallBack;
using protocol::Op;

std::string str(const char* p, size_t n) { return p && n ? std::string(p, n) : std::string(); }

std::string generatedMessageId() {
  static std::atomic<uint64_t> counter{0};
  return "agora-sig-msg-" + std::to_string(++counter);
}

PendingRequest makeRequest(const char* method, Op op, std::vector<std::string> args) {
  PendingRequest r;
  r.method = method;
  r.op = op;
  r.args = std::move(args);
  return r;
}

std::string number(uint32_t n) { return std::to_string(n); }

// The loop's exit hook is registered on the first acquire. Static objects built before that are
// destroyed after the hook has stopped the loop thread, so build every table the loop thread
// uses first (the codec's schema tables and the op dispatch table).
EventLoop* acquireLoopAfterStatics() {
  std::string scratch;
  protocol::encodeFrameWithLength(protocol::makeHello(protocol::kProtocolVersion, "warm-up"), scratch);
  protocol::Frame frame;
  std::string error;
  protocol::decodeFrame(reinterpret_cast<const uint8_t*>(scratch.data()) + 4, scratch.size() - 4,
                        frame, error);
  prepareDispatchTables();
  return EventLoop::acquire();
}

}  // namespace

Instance::Instance(Flavour flavour, std::string vendorId, void (*onDestroyed)(Instance*))
    : flavour_(flavour),
      vendorId_(std::move(vendorId)),
      onDestroyed_(onDestroyed),
      loop_(acquireLoopAfterStatics()),
      client_(std::make_shared<SessionClient>(loop_, defaultServerAddress(),
                                              std::string("agora_sig-cpp/") + sdkVersionString())),
      startGate_(std::make_shared<StartGate>()) {}

Instance::~Instance() = default;

void Instance::post(std::function<void(SessionClient&)> work) { client_->post(std::move(work)); }

void Instance::request(PendingRequest request, const Rejection& rejection) {
  // A good request made on an application thread is written to the socket right here when
  // nothing is queued ahead of it: one hop to the loop thread (a wake-up and a context switch)
  // less. A refused one keeps the queued path, since its error callback must fire on the loop
  // thread. The local shared_ptr keeps the session alive until this call is done with it.
  std::shared_ptr<SessionClient> client = client_;
  if (!rejection && client->trySubmitFromCaller(request)) return;
  client->post([request, rejection](SessionClient& s) mutable {
    if (rejection) {
      dispatchRejection(s.sink(), request, rejection.code, request.method + ": " + rejection.text);
    } else {
      s.submit(std::move(request));
    }
  });
}

void Instance::messageRequest(const char* method, Op op, std::vector<std::string> args,
                              std::string msgID, const Rejection& rejection) {
  PendingRequest r = makeRequest(method, op, std::move(args));
  // A peer message may be held for an offline peer: onMessageSendProgress names the peer.
  if (op == Op::MsgInstant || op == Op::MsgPush) r.subject = r.args[0];
  r.msgID = msgID.empty() ? generatedMessageId() : std::move(msgID);
  request(std::move(r), rejection);
}

// ---- callbacks, login, logout ----

void Instance::callbackSet(ICallBack* handler) { client_->sink().setHandler(handler); }

ICallBack* Instance::callbackGet() { return client_->sink().handler(); }

void Instance::login(char const* vendorID, size_t vendorID_size, char const* account,
                     size_t account_size, char const* token, size_t token_size, uint32_t uid,
                     char const* deviceID, size_t deviceID_size) {
  Credentials defaults;
  login2(vendorID, vendorID_size, account, account_size, token, token_size, uid, deviceID,
         deviceID_size, defaults.retryTimeSeconds, defaults.retryCount);
}

void Instance::login2(char const* vendorID, size_t vendorID_size, char const* account,
                      size_t account_size, char const* token, size_t token_size, uint32_t uid,
                      char const* deviceID, size_t deviceID_size, int retry_time_in_s,
                      int retry_count) {
  Credentials c;
  c.appId = str(vendorID, vendorID_size);
  if (flavour_ == Flavour::Windows && c.appId.empty()) c.appId = vendorId_;
  c.account = str(account, account_size);
  c.token = str(token, token_size);
  c.uid = uid;
  c.deviceId = str(deviceID, deviceID_size);
  c.retryTimeSeconds = retry_time_in_s;
  c.retryCount = retry_count;
  Rejection accountCheck = checkAccount(c.account);
  Rejection otherCheck = firstRejection({checkRequired(c.appId, "App ID", kMaxNameBytes * 2),
                                         checkOptional(c.token, "token", kMaxPayloadBytes),
                                         checkOptional(c.deviceId, "device ID", kMaxNameBytes * 2)});
  client_->announceLogin();
  post([c, accountCheck, otherCheck](SessionClient& s) {
    if (!s.idle()) {
      s.login(c);  // logs that it is ignored
      return;
    }
    const Rejection& r = accountCheck ? accountCheck : otherCheck;
    if (r) {
      s.withdrawLogin();
      s.sink().error("login", r.code, "login: " + r.text);
      int loginCode = accountCheck ? agora_sdk_win::LOGIN_E_INVALID_USER
                                   : agora_sdk_win::LOGIN_E_TOKENWRONG;
      s.sink().fire([loginCode](ICallBack& cb) { cb.onLoginFailed(loginCode); });
      return;
    }
    s.login(c);
  });
}

void Instance::logout() {
  post([](SessionClient& s) { s.logout(); });
}

// ---- channels ----

void Instance::channelJoin(char const* channelID, size_t channelID_size) {
  std::string ch = str(channelID, channelID_size);
  PendingRequest r = makeRequest("channelJoin", Op::ChannelJoin, {ch});
  r.subject = ch;
  request(std::move(r), checkRequired(ch, "channel name", kMaxChannelBytes));
}

void Instance::channelLeave(char const* channelID, size_t channelID_size) {
  std::string ch = str(channelID, channelID_size);
  PendingRequest r = makeRequest("channelLeave", Op::ChannelLeave, {ch});
  r.subject = ch;
  request(std::move(r), checkRequired(ch, "channel name", kMaxChannelBytes));
}

void Instance::channelQueryUserNum(char const* channelID, size_t channelID_size) {
  std::string ch = str(channelID, channelID_size);
  PendingRequest r = makeRequest("channelQueryUserNum", Op::ChannelQueryNum, {ch});
  r.subject = ch;
  request(std::move(r), checkRequired(ch, "channel name", kMaxChannelBytes));
}

void Instance::channelQueryUserIsIn(char const* channelID, size_t channelID_size,
                                    char const* account, size_t account_size) {
  std::string ch = str(channelID, channelID_size);
  std::string acc = str(account, account_size);
  PendingRequest r = makeRequest("channelQueryUserIsIn", Op::ChannelQueryIsIn, {ch, acc});
  r.subject = ch;
  r.subject2 = acc;
  request(std::move(r), firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                                        checkAccount(acc)}));
}

void Instance::channelSetAttr(char const* channelID, size_t channelID_size, char const* name,
                              size_t name_size, char const* value, size_t value_size) {
  std::string ch = str(channelID, channelID_size);
  std::string n = str(name, name_size);
  std::string v = str(value, value_size);
  PendingRequest r = makeRequest("channelSetAttr", Op::ChannelSetAttr, {ch, n, v});
  r.subject = ch;
  r.subject2 = n;
  request(std::move(r),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                          checkRequired(n, "attribute name", kMaxAttrNameBytes),
                          checkOptional(v, "attribute value", kMaxAttrValueBytes)}));
}

void Instance::channelDelAttr(char const* channelID, size_t channelID_size, char const* name,
                              size_t name_size) {
  std::string ch = str(channelID, channelID_size);
  std::string n = str(name, name_size);
  PendingRequest r = makeRequest("channelDelAttr", Op::ChannelDelAttr, {ch, n});
  r.subject = ch;
  r.subject2 = n;
  request(std::move(r), firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                                        checkRequired(n, "attribute name", kMaxAttrNameBytes)}));
}

void Instance::channelClearAttr(char const* channelID, size_t channelID_size) {
  std::string ch = str(channelID, channelID_size);
  PendingRequest r = makeRequest("channelClearAttr", Op::ChannelClearAttr, {ch});
  r.subject = ch;
  request(std::move(r), checkRequired(ch, "channel name", kMaxChannelBytes));
}

// ---- invitations ----

namespace {

PendingRequest inviteRequest(const char* method, Op op, const std::string& ch,
                             const std::string& account, std::vector<std::string> args) {
  PendingRequest r = makeRequest(method, op, std::move(args));
  r.subject = ch;
  r.subject2 = account;
  return r;
}

}  // namespace

void Instance::channelInviteUser(char const* channelID, size_t channelID_size,
                                 char const* account, size_t account_size, uint32_t uid) {
  std::string ch = str(channelID, channelID_size);
  std::string acc = str(account, account_size);
  request(inviteRequest("channelInviteUser", Op::InviteUser, ch, acc, {ch, acc, number(uid), ""}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes), checkAccount(acc)}));
}

void Instance::channelInviteUser2(char const* channelID, size_t channelID_size,
                                  char const* account, size_t account_size, char const* extra,
                                  size_t extra_size) {
  std::string ch = str(channelID, channelID_size);
  std::string acc = str(account, account_size);
  std::string ex = str(extra, extra_size);
  request(inviteRequest("channelInviteUser2", Op::InviteUser, ch, acc, {ch, acc, "0", ex}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes), checkAccount(acc),
                          checkOptionalJson(ex, "extra", kMaxExtraBytes)}));
}

void Instance::channelInvitePhone(char const* channelID, size_t channelID_size,
                                  char const* phoneNum, size_t phoneNum_size, uint32_t uid) {
  std::string ch = str(channelID, channelID_size);
  std::string phone = str(phoneNum, phoneNum_size);
  request(inviteRequest("channelInvitePhone", Op::InvitePhone, ch, phone, {ch, phone, "", ""}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                          checkAccount(phone, "phone number")}));
}

void Instance::channelInvitePhone2(char const* channelID, size_t channelID_size,
                                   char const* phoneNum, size_t phoneNum_size,
                                   char const* sourcesNum, size_t sourcesNum_size) {
  std::string ch = str(channelID, channelID_size);
  std::string phone = str(phoneNum, phoneNum_size);
  std::string source = str(sourcesNum, sourcesNum_size);
  request(inviteRequest("channelInvitePhone2", Op::InvitePhone, ch, phone, {ch, phone, source, ""}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                          checkAccount(phone, "phone number"),
                          checkOptionalAccount(source, "source number")}));
}

void Instance::channelInvitePhone3(char const* channelID, size_t channelID_size,
                                   char const* phoneNum, size_t phoneNum_size,
                                   char const* sourcesNum, size_t sourcesNum_size,
                                   char const* extra, size_t extra_size) {
  std::string ch = str(channelID, channelID_size);
  std::string phone = str(phoneNum, phoneNum_size);
  std::string source = str(sourcesNum, sourcesNum_size);
  std::string ex = str(extra, extra_size);
  request(inviteRequest("channelInvitePhone3", Op::InvitePhone, ch, phone, {ch, phone, source, ex}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                          checkAccount(phone, "phone number"),
                          checkOptionalAccount(source, "source number"),
                          checkOptionalJson(ex, "extra", kMaxExtraBytes)}));
}

void Instance::channelInviteDTMF(char const* channelID, size_t channelID_size,
                                 char const* phoneNum, size_t phoneNum_size, char const* dtmf,
                                 size_t dtmf_size) {
  std::string ch = str(channelID, channelID_size);
  std::string phone = str(phoneNum, phoneNum_size);
  std::string tones = str(dtmf, dtmf_size);
  request(inviteRequest("channelInviteDTMF", Op::InviteDtmf, ch, phone, {ch, phone, tones}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                          checkAccount(phone, "phone number"),
                          checkDtmf(tones)}));
}

void Instance::channelInviteAccept(char const* channelID, size_t channelID_size,
                                   char const* account, size_t account_size, uint32_t uid) {
  channelInviteAccept(channelID, channelID_size, account, account_size, uid, nullptr, 0);
}

void Instance::channelInviteAccept(char const* channelID, size_t channelID_size,
                                   char const* account, size_t account_size, uint32_t uid,
                                   char const* extra, size_t extra_size) {
  std::string ch = str(channelID, channelID_size);
  std::string acc = str(account, account_size);
  std::string ex = str(extra, extra_size);
  request(inviteRequest("channelInviteAccept", Op::InviteAccept, ch, acc, {ch, acc, number(uid), ex}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes), checkAccount(acc),
                          checkOptionalJson(ex, "extra", kMaxExtraBytes)}));
}

void Instance::channelInviteRefuse(char const* channelID, size_t channelID_size,
                                   char const* account, size_t account_size, uint32_t uid,
                                   char const* extra, size_t extra_size) {
  std::string ch = str(channelID, channelID_size);
  std::string acc = str(account, account_size);
  std::string ex = str(extra, extra_size);
  request(inviteRequest("channelInviteRefuse", Op::InviteRefuse, ch, acc, {ch, acc, number(uid), ex}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes), checkAccount(acc),
                          checkOptionalJson(ex, "extra", kMaxExtraBytes)}));
}

void Instance::channelInviteEnd(char const* channelID, size_t channelID_size,
                                char const* account, size_t account_size, uint32_t uid) {
  std::string ch = str(channelID, channelID_size);
  std::string acc = str(account, account_size);
  request(inviteRequest("channelInviteEnd", Op::InviteEnd, ch, acc, {ch, acc, number(uid), ""}),
          firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes), checkAccount(acc)}));
}

// ---- messages ----

void Instance::messageAppSend(char const* msg, size_t msg_size, char const* msgID,
                              size_t msgID_size) {
  std::string m = str(msg, msg_size);
  messageRequest("messageAppSend", Op::MsgApp, {m}, str(msgID, msgID_size),
                 checkOptional(m, "message", kMaxMessageBytes));
}

void Instance::messageInstantSend(char const* account, size_t account_size, uint32_t uid,
                                  char const* msg, size_t msg_size, char const* msgID,
                                  size_t msgID_size) {
  std::string acc = str(account, account_size);
  std::string m = str(msg, msg_size);
  messageRequest("messageInstantSend", Op::MsgInstant, {acc, number(uid), m, ""},
                 str(msgID, msgID_size),
                 firstRejection({checkAccount(acc), checkOptional(m, "message", kMaxMessageBytes)}));
}

void Instance::messageInstantSend2(char const* account, size_t account_size, uint32_t uid,
                                   char const* msg, size_t msg_size, char const* msgID,
                                   size_t msgID_size, char const* options, size_t options_size) {
  std::string acc = str(account, account_size);
  std::string m = str(msg, msg_size);
  std::string opts = str(options, options_size);
  messageRequest("messageInstantSend2", Op::MsgInstant, {acc, number(uid), m, opts},
                 str(msgID, msgID_size),
                 firstRejection({checkAccount(acc), checkOptional(m, "message", kMaxMessageBytes),
                                 checkOptional(opts, "options", kMaxExtraBytes)}));
}

void Instance::messageChatSend(char const* account, size_t account_size, uint32_t uid,
                               char const* msg, size_t msg_size, char const* msgID,
                               size_t msgID_size) {
  std::string acc = str(account, account_size);
  std::string m = str(msg, msg_size);
  messageRequest("messageChatSend", Op::MsgInstant, {acc, number(uid), m, ""},
                 str(msgID, msgID_size),
                 firstRejection({checkAccount(acc), checkOptional(m, "message", kMaxMessageBytes)}));
}

void Instance::messagePushSend(char const* account, size_t account_size, uint32_t uid,
                               char const* msg, size_t msg_size, char const* msgID,
                               size_t msgID_size) {
  std::string acc = str(account, account_size);
  std::string m = str(msg, msg_size);
  messageRequest("messagePushSend", Op::MsgPush, {acc, number(uid), m}, str(msgID, msgID_size),
                 firstRejection({checkAccount(acc), checkOptional(m, "message", kMaxMessageBytes)}));
}

void Instance::messageChannelSend(char const* channelID, size_t channelID_size, char const* msg,
                                  size_t msg_size, char const* msgID, size_t msgID_size) {
  std::string ch = str(channelID, channelID_size);
  std::string m = str(msg, msg_size);
  messageRequest("messageChannelSend", Op::MsgChannel, {ch, m}, str(msgID, msgID_size),
                 firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                                 checkOptional(m, "message", kMaxMessageBytes)}));
}

void Instance::messageChannelSendForce(char const* channelID, size_t channelID_size,
                                       char const* msg, size_t msg_size, char const* msgID,
                                       size_t msgID_size) {
  std::string ch = str(channelID, channelID_size);
  std::string m = str(msg, msg_size);
  messageRequest("messageChannelSendForce", Op::MsgChannelForce, {ch, m}, str(msgID, msgID_size),
                 firstRejection({checkRequired(ch, "channel name", kMaxChannelBytes),
                                 checkOptional(m, "message", kMaxMessageBytes)}));
}

void Instance::messageDTMFSend(uint32_t uid, char const* msg, size_t msg_size, char const* msgID,
                               size_t msgID_size) {
  std::string m = str(msg, msg_size);
  messageRequest("messageDTMFSend", Op::MsgDtmf, {number(uid), m}, str(msgID, msgID_size),
                 checkDtmf(m, "dtmf message"));
}

// ---- local settings, heartbeat ----

void Instance::setBackground(uint32_t bOut) {
  post([bOut](SessionClient& s) {
    s.sink().log("setBackground(" + std::to_string(bOut) + "): noted; the connection is unchanged");
  });
}

void Instance::setNetworkStatus(uint32_t bOut) {
  post([bOut](SessionClient& s) {
    s.sink().log("setNetworkStatus(" + std::to_string(bOut) +
                 "): noted; lost connections are detected by the heartbeat");
  });
}

void Instance::ping() {
  post([](SessionClient& s) { s.ping(); });
}

// ---- attributes, status ----

void Instance::setAttr(char const* name, size_t name_size, char const* value, size_t value_size) {
  std::string n = str(name, name_size);
  std::string v = str(value, value_size);
  PendingRequest r = makeRequest("setAttr", Op::UserSetAttr, {n, v});
  r.subject2 = n;
  request(std::move(r), firstRejection({checkRequired(n, "attribute name", kMaxAttrNameBytes),
                                        checkOptional(v, "attribute value", kMaxAttrValueBytes)}));
}

void Instance::getAttr(char const* name, size_t name_size) {
  std::string n = str(name, name_size);
  PendingRequest r = makeRequest("getAttr", Op::UserGetAttr, {n});
  r.prependOwnAccount = true;
  r.subject2 = n;
  request(std::move(r), checkRequired(n, "attribute name", kMaxAttrNameBytes));
}

void Instance::getAttrAll() {
  PendingRequest r = makeRequest("getAttrAll", Op::UserGetAttrAll, {});
  r.prependOwnAccount = true;
  request(std::move(r), Rejection());
}

void Instance::getUserAttr(char const* account, size_t account_size, char const* name,
                           size_t name_size) {
  std::string acc = str(account, account_size);
  std::string n = str(name, name_size);
  PendingRequest r = makeRequest("getUserAttr", Op::UserGetAttr, {acc, n});
  r.subject = acc;
  r.subject2 = n;
  request(std::move(r), firstRejection({checkAccount(acc),
                                        checkRequired(n, "attribute name", kMaxAttrNameBytes)}));
}

void Instance::getUserAttrAll(char const* account, size_t account_size) {
  std::string acc = str(account, account_size);
  PendingRequest r = makeRequest("getUserAttrAll", Op::UserGetAttrAll, {acc});
  r.subject = acc;
  request(std::move(r), checkAccount(acc));
}

void Instance::queryUserStatus(char const* account, size_t account_size) {
  std::string acc = str(account, account_size);
  PendingRequest r = makeRequest("queryUserStatus", Op::QueryUserStatus, {acc});
  r.subject = acc;
  request(std::move(r), checkAccount(acc));
}

// ---- RPC, debugging ----

void Instance::invoke(char const* name, size_t name_size, char const* req, size_t req_size,
                      char const* callID, size_t callID_size) {
  std::string n = str(name, name_size);
  std::string payload = str(req, req_size);
  PendingRequest r = makeRequest("invoke", Op::Invoke, {n, payload});
  r.callID = str(callID, callID_size);
  request(std::move(r), firstRejection({checkRequired(n, "function name", kMaxNameBytes),
                                        checkOptional(payload, "request", kMaxPayloadBytes)}));
}

void Instance::bc_call(char const* func, size_t func_size, char const* json_args,
                       size_t json_args_size, char const* callID, size_t callID_size) {
  std::string f = str(func, func_size);
  std::string args = str(json_args, json_args_size);
  PendingRequest r = makeRequest("bc_call", Op::BcCall, {f, args});
  r.callID = str(callID, callID_size);
  request(std::move(r), firstRejection({checkRequired(f, "function name", kMaxNameBytes),
                                        checkOptional(args, "arguments", kMaxPayloadBytes)}));
}

void Instance::dbg(char const* a, size_t a_size, char const* b, size_t b_size) {
  std::string key = str(a, a_size);
  std::string value = str(b, b_size);
  if (key == "server") {
    ServerAddress address;
    std::string error;
    bool ok = parseServerAddress(value, address, error);
    post([ok, address, error, value](SessionClient& s) {
      if (!ok) {
        s.sink().error("dbg", agora_sdk_win::GENERAL_E_WRONG_PARAM, "dbg: " + error);
        return;
      }
      s.setServer(address);
      s.sink().log("server set to " + address.toString() + " (used from the next connection)");
      s.sink().fire([&](ICallBack& cb) { cb.onDbg("server", 6, value.c_str(), value.size()); });
    });
    return;
  }
  if (key == "tls_ca") {
    // The PEM file of CAs trusted for tls:// servers; empty: the system's trust store again.
    post([value](SessionClient& s) {
      s.setTlsCaFile(value);
      s.sink().log("TLS CA file set to " + (value.empty() ? std::string("the system's trust store") : value) +
                   " (used from the next connection)");
      s.sink().fire([&](ICallBack& cb) { cb.onDbg("tls_ca", 6, value.c_str(), value.size()); });
    });
    return;
  }
  if (key == "bind") {
    bool ok = value.empty() || net::isNumericAddress(value);
    post([ok, value](SessionClient& s) {
      if (!ok) {
        s.sink().error("dbg", agora_sdk_win::GENERAL_E_WRONG_PARAM,
                       "dbg: the local address must be a numeric IP address: " + value);
        return;
      }
      s.setLocalAddress(value);
      s.sink().log("local address set to " + (value.empty() ? std::string("any") : value) +
                   " (used from the next connection)");
      s.sink().fire([&](ICallBack& cb) { cb.onDbg("bind", 4, value.c_str(), value.size()); });
    });
    return;
  }
  PendingRequest r = makeRequest("dbg", Op::Dbg, {key, value});
  r.subject = key;
  request(std::move(r), firstRejection({checkRequired(key, "dbg key", kMaxNameBytes),
                                        checkOptional(value, "dbg value", kMaxPayloadBytes)}));
}

// ---- status ----

bool Instance::isOnline() { return client_->status() == Status::LoggedIn; }

int Instance::getStatus() { return static_cast<int>(client_->status()); }

int Instance::getSdkVersion() { return sdkVersion(); }

// ---- start / stop ----

void Instance::start() {
  if (loop_->inLoopThread()) {
    // Blocking here would stop every instance's network thread.
    post([](SessionClient& s) { s.sink().log("start() called from a callback returns at once"); });
    return;
  }
  std::shared_ptr<StartGate> gate = startGate_;
  std::unique_lock<std::mutex> lock(gate->mutex);
  gate->changed.wait(lock, [&] { return gate->stopRequested || gate->destroyed; });
  gate->stopRequested = false;
}

void Instance::stop() {
  std::lock_guard<std::mutex> lock(startGate_->mutex);
  startGate_->stopRequested = true;
  startGate_->changed.notify_all();
}

// ---- destroy ----

void Instance::destory() { destroy(); }

void Instance::destroy() {
  if (destroying_.exchange(true)) return;
  if (onDestroyed_) onDestroyed_(this);
  {
    std::lock_guard<std::mutex> lock(startGate_->mutex);
    startGate_->destroyed = true;
    startGate_->changed.notify_all();
  }
  if (loop_->inLoopThread()) {
    // Inside a callback: nothing of this instance runs from now on, and it is freed once the
    // callback (and whatever the loop is doing for it) has returned.
    client_->sink().silence();
    loop_->post([this] { finishDestroy(); });
    return;
  }
  std::shared_ptr<SessionClient> client = client_;
  loop_->runSync([client] { client->shutdown(); });
  EventLoop* loop = loop_;
  delete this;
  EventLoop::release(loop);
}

void Instance::finishDestroy() {
  client_->shutdown();
  EventLoop* loop = loop_;
  delete this;
  EventLoop::release(loop);
}

}  // namespace core
}  // namespace agora_sig
