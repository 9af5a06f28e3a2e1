#include "callback_bridge.h"

#include <atomic>
#include <cstring>
#include <utility>

namespace agora_sig_addon {

namespace {

constexpr const char* kEventNames[] = {
    "onReconnecting",
    "onReconnected",
    "onLoginSuccess",
    "onLogout",
    "onLoginFailed",
    "onChannelJoined",
    "onChannelJoinFailed",
    "onChannelLeaved",
    "onChannelUserJoined",
    "onChannelUserLeaved",
    "onChannelUserList",
    "onChannelQueryUserNumResult",
    "onChannelQueryUserIsIn",
    "onChannelAttrUpdated",
    "onInviteReceived",
    "onInviteReceivedByPeer",
    "onInviteAcceptedByPeer",
    "onInviteRefusedByPeer",
    "onInviteFailed",
    "onInviteEndByPeer",
    "onInviteEndByMyself",
    "onInviteMsg",
    "onMessageSendError",
    "onMessageSendProgress",
    "onMessageSendSuccess",
    "onMessageAppReceived",
    "onMessageInstantReceive",
    "onMessageChannelReceive",
    "onLog",
    "onInvokeRet",
    "onMsg",
    "onUserAttrResult",
    "onUserAttrAllResult",
    "onError",
    "onQueryUserStatusResult",
    "onDbg",
    "onBCCall_result",
};
static_assert(sizeof(kEventNames) / sizeof(kEventNames[0]) ==
                  static_cast<size_t>(EventId::onBCCall_result) + 1,
              "every EventId needs a name");

// Copies of the callback arguments; the core's pointers are only valid during the callback.
EventArg Text(char const* p, size_t n) { return EventBytes{p ? std::string(p, n) : std::string(), false}; }
EventArg Payload(char const* p, size_t n) { return EventBytes{p ? std::string(p, n) : std::string(), true}; }
EventArg Num(double v) { return v; }

}  // namespace

const char* EventName(EventId id) { return kEventNames[static_cast<size_t>(id)]; }

std::shared_ptr<CallbackBridge> CallbackBridge::Create(Napi::Env env, Napi::Object owner,
                                                      Napi::Function dispatcher) {
  std::shared_ptr<CallbackBridge> bridge(new CallbackBridge());
  bridge->env_ = env;
  bridge->dispatcher_ = Napi::Weak(dispatcher);
  bridge->owner_ = Napi::Weak(owner);
  // The thread-safe function co-owns the bridge until it is finalized, so a batch being drained
  // (or a callback racing a teardown) never sees a freed bridge. It holds no JavaScript function:
  // one held there would keep the instance from collection for good.
  auto* keepAlive = new std::shared_ptr<CallbackBridge>(bridge);
  bridge->tsfn_ = Tsfn::New(
      env, "agora-sig-callbacks", 0, 1, bridge.get(),
      [](Napi::Env, std::shared_ptr<CallbackBridge>* owner, CallbackBridge*) {
        (*owner)->OnFinalized();
        delete owner;
      },
      keepAlive);
  {
    std::lock_guard<std::mutex> lock(bridge->mutex_);
    bridge->open_ = true;
  }
  bridge->SetReferenced(false);
  return bridge;
}

bool CallbackBridge::IsOpen() {
  std::lock_guard<std::mutex> lock(mutex_);
  return open_;
}

void CallbackBridge::SetReferenced(bool on) {
  if (on == referenced_ || !IsOpen()) return;
  // Raw calls: a failure (the environment is going away) must not throw out of a callback.
  napi_threadsafe_function tsfn = tsfn_;
  napi_status status = on ? napi_ref_threadsafe_function(env_, tsfn)
                          : napi_unref_threadsafe_function(env_, tsfn);
  if (status == napi_ok) referenced_ = on;
}

void CallbackBridge::SetActive(bool on) {
  if (on != active_ && !owner_.IsEmpty()) {
    uint32_t count = 0;
    napi_status status = on ? napi_reference_ref(env_, owner_, &count)
                            : napi_reference_unref(env_, owner_, &count);
    if (status == napi_ok) active_ = on;
  }
  SetReferenced(active_ && keepsProcessAlive_);
}

void CallbackBridge::SetKeepsProcessAlive(bool on) {
  keepsProcessAlive_ = on;
  SetReferenced(active_ && keepsProcessAlive_);
}

void CallbackBridge::NoteLoginStarted() {
  ++loginGeneration_;
  SetActive(true);
}

void CallbackBridge::Close() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return;
    open_ = false;
    pending_.clear();
  }
  api_ = nullptr;
  // Weak again, then gone: a closed instance holds nothing of JavaScript.
  if (active_ && !owner_.IsEmpty()) {
    uint32_t count = 0;
    napi_reference_unref(env_, owner_, &count);
  }
  active_ = false;
  owner_.Reset();
  dispatcher_.Reset();
  tsfn_.Release();
}

void CallbackBridge::OnFinalized() {
  std::lock_guard<std::mutex> lock(mutex_);
  open_ = false;
  pending_.clear();
}

namespace {
std::atomic<uint32_t> injectedWakeupFailures{0};
}  // namespace

void CallbackBridge::FailNextWakeups(uint32_t count) { injectedWakeupFailures.store(count); }

bool CallbackBridge::Wake() {
  // With an unbounded queue NonBlockingCall fails only when Node-API cannot queue the call (the
  // environment is closing, or memory is short); a few tries cover a passing shortage.
  for (int attempt = 0; attempt < 3; ++attempt) {
    uint32_t injected = injectedWakeupFailures.load();
    bool fail = injected > 0 && injectedWakeupFailures.compare_exchange_strong(injected, injected - 1);
    napi_status status = fail ? napi_generic_failure : tsfn_.NonBlockingCall();
    if (status == napi_ok) return true;
    ++failedWakeups_;
    if (status == napi_closing) return false;
  }
  return false;
}

void CallbackBridge::Push(Event&& event) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!open_) return;
  pending_.push_back(std::move(event));
  // One wake-up per batch: later pushes ride along until the main thread drains the queue. When
  // the wake-up cannot be queued the events stay, and the next push tries again.
  if (!wakeQueued_) wakeQueued_ = Wake();
}

template <typename... Args>
void CallbackBridge::Emit(EventId id, Args&&... args) {
  Event event{id, {}};
  event.args.reserve(sizeof...(Args));
  (event.args.emplace_back(std::forward<Args>(args)), ...);
  Push(std::move(event));
}

void CallbackBridge::CallJs(Napi::Env env, Napi::Function, CallbackBridge* bridge, void*) {
  // A null env means the thread-safe function is being torn down: nothing may run.
  if (static_cast<napi_env>(env) == nullptr || bridge == nullptr) return;
  // Nothing may escape into Node: while an environment is being torn down, creating values or
  // calling into JS fails, and the batch is then simply dropped.
  try {
    bridge->Drain(env);
  } catch (...) {
  }
}

Napi::Value CallbackBridge::ToJs(Napi::Env env, const EventArg& arg) const {
  if (auto* number = std::get_if<double>(&arg)) return Napi::Number::New(env, *number);
  if (auto* bytes = std::get_if<EventBytes>(&arg)) {
    if (bytes->payload && payloadsAsBuffers_) {
      return Napi::Buffer<char>::Copy(env, bytes->bytes.data(), bytes->bytes.size());
    }
    return Napi::String::New(env, bytes->bytes.data(), bytes->bytes.size());
  }
  if (auto* texts = std::get_if<std::vector<std::string>>(&arg)) {
    Napi::Array array = Napi::Array::New(env, texts->size());
    for (uint32_t i = 0; i < texts->size(); ++i) {
      array.Set(i, Napi::String::New(env, (*texts)[i].data(), (*texts)[i].size()));
    }
    return array;
  }
  const auto& numbers = std::get<std::vector<uint32_t>>(arg);
  Napi::Array array = Napi::Array::New(env, numbers.size());
  for (uint32_t i = 0; i < numbers.size(); ++i) array.Set(i, Napi::Number::New(env, numbers[i]));
  return array;
}

void CallbackBridge::Drain(Napi::Env env) {
  std::vector<Event> batch;
  uint64_t failedWakeups;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!open_) return;
    batch.swap(pending_);
    wakeQueued_ = false;
    failedWakeups = failedWakeups_;
    failedWakeups_ = 0;
  }
  if (failedWakeups > 0) {
    std::string text = "agora_sig: " + std::to_string(failedWakeups) +
                       " wake-up(s) of the JavaScript thread failed and were retried; no event "
                       "was lost";
    batch.insert(batch.begin(), Event{EventId::onLog, {Text(text.data(), text.size())}});
  }
  Napi::Function dispatcher = dispatcher_.IsEmpty() ? Napi::Function() : dispatcher_.Value();
  // Collected with its instance: nobody is left to tell.
  if (dispatcher.IsEmpty()) return;
  const uint64_t loginGenerationAtStart = loginGeneration_;
  bool sessionMayHaveEnded = false;
  bool failed = false;
  Napi::Error firstError;

  for (const Event& event : batch) {
    // A handler may have destroyed the instance: nothing of it runs afterwards.
    if (!IsOpen()) break;
    if (event.id == EventId::onLogout || event.id == EventId::onLoginFailed) {
      sessionMayHaveEnded = true;
    }
    Napi::HandleScope scope(env);
    std::vector<napi_value> argv;
    argv.reserve(event.args.size() + 1);
    argv.push_back(Napi::String::New(env, EventName(event.id)));
    for (const EventArg& arg : event.args) argv.push_back(ToJs(env, arg));
    try {
      dispatcher.Call(argv);
    } catch (const Napi::Error& error) {
      // The rest of the batch is still delivered; the first error surfaces afterwards.
      if (!failed) {
        failed = true;
        firstError = error;
      }
    }
  }

  // The session is over unless a handler started a new login meanwhile.
  if (sessionMayHaveEnded && loginGenerationAtStart == loginGeneration_ && api_ != nullptr &&
      IsOpen() && api_->getStatus() == 0) {
    SetActive(false);
  }
  // Surfaces as an uncaught exception once this callback returns.
  if (failed) napi_throw(env, firstError.Value());
}

// --- ICallBack: network thread --------------------------------------------------------------

void CallbackBridge::onReconnecting(uint32_t nretry) { Emit(EventId::onReconnecting, Num(nretry)); }

void CallbackBridge::onReconnected(int fd) { Emit(EventId::onReconnected, Num(fd)); }

void CallbackBridge::onLoginSuccess(uint32_t uid, int fd) {
  Emit(EventId::onLoginSuccess, Num(uid), Num(fd));
}

void CallbackBridge::onLogout(int ecode) { Emit(EventId::onLogout, Num(ecode)); }

void CallbackBridge::onLoginFailed(int ecode) { Emit(EventId::onLoginFailed, Num(ecode)); }

void CallbackBridge::onChannelJoined(char const* channelID, size_t channelID_size) {
  Emit(EventId::onChannelJoined, Text(channelID, channelID_size));
}

void CallbackBridge::onChannelJoinFailed(char const* channelID, size_t channelID_size, int ecode) {
  Emit(EventId::onChannelJoinFailed, Text(channelID, channelID_size), Num(ecode));
}

void CallbackBridge::onChannelLeaved(char const* channelID, size_t channelID_size, int ecode) {
  Emit(EventId::onChannelLeaved, Text(channelID, channelID_size), Num(ecode));
}

void CallbackBridge::onChannelUserJoined(char const* account, size_t account_size, uint32_t uid) {
  Emit(EventId::onChannelUserJoined, Text(account, account_size), Num(uid));
}

void CallbackBridge::onChannelUserLeaved(char const* account, size_t account_size, uint32_t uid) {
  Emit(EventId::onChannelUserLeaved, Text(account, account_size), Num(uid));
}

void CallbackBridge::onChannelUserList(int n, char** accounts, uint32_t* uids) {
  const size_t count = n > 0 ? static_cast<size_t>(n) : 0;
  std::vector<std::string> accountList;
  std::vector<uint32_t> uidList;
  accountList.reserve(count);
  uidList.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const char* account = accounts != nullptr ? accounts[i] : nullptr;
    accountList.emplace_back(account != nullptr ? account : "");
    uidList.push_back(uids != nullptr ? uids[i] : 0);
  }
  Emit(EventId::onChannelUserList, Num(static_cast<double>(count)), std::move(accountList),
       std::move(uidList));
}

void CallbackBridge::onChannelQueryUserNumResult(char const* channelID, size_t channelID_size,
                                                 int ecode, int num) {
  Emit(EventId::onChannelQueryUserNumResult, Text(channelID, channelID_size), Num(ecode), Num(num));
}

void CallbackBridge::onChannelQueryUserIsIn(char const* channelID, size_t channelID_size,
                                            char const* account, size_t account_size, int isIn) {
  Emit(EventId::onChannelQueryUserIsIn, Text(channelID, channelID_size),
       Text(account, account_size), Num(isIn));
}

void CallbackBridge::onChannelAttrUpdated(char const* channelID, size_t channelID_size,
                                          char const* name, size_t name_size, char const* value,
                                          size_t value_size, char const* type, size_t type_size) {
  Emit(EventId::onChannelAttrUpdated, Text(channelID, channelID_size), Text(name, name_size),
       Text(value, value_size), Text(type, type_size));
}

void CallbackBridge::onInviteReceived(char const* channelID, size_t channelID_size,
                                      char const* account, size_t account_size, uint32_t uid,
                                      char const* extra, size_t extra_size) {
  Emit(EventId::onInviteReceived, Text(channelID, channelID_size), Text(account, account_size),
       Num(uid), Text(extra, extra_size));
}

void CallbackBridge::onInviteReceivedByPeer(char const* channelID, size_t channelID_size,
                                            char const* account, size_t account_size,
                                            uint32_t uid) {
  Emit(EventId::onInviteReceivedByPeer, Text(channelID, channelID_size),
       Text(account, account_size), Num(uid));
}

void CallbackBridge::onInviteAcceptedByPeer(char const* channelID, size_t channelID_size,
                                            char const* account, size_t account_size,
                                            uint32_t uid, char const* extra, size_t extra_size) {
  Emit(EventId::onInviteAcceptedByPeer, Text(channelID, channelID_size),
       Text(account, account_size), Num(uid), Text(extra, extra_size));
}

void CallbackBridge::onInviteRefusedByPeer(char const* channelID, size_t channelID_size,
                                           char const* account, size_t account_size,
                                           uint32_t uid, char const* extra, size_t extra_size) {
  Emit(EventId::onInviteRefusedByPeer, Text(channelID, channelID_size),
       Text(account, account_size), Num(uid), Text(extra, extra_size));
}

void CallbackBridge::onInviteFailed(char const* channelID, size_t channelID_size,
                                    char const* account, size_t account_size, uint32_t uid,
                                    int ecode, char const* extra, size_t extra_size) {
  Emit(EventId::onInviteFailed, Text(channelID, channelID_size), Text(account, account_size),
       Num(uid), Num(ecode), Text(extra, extra_size));
}

void CallbackBridge::onInviteEndByPeer(char const* channelID, size_t channelID_size,
                                       char const* account, size_t account_size, uint32_t uid,
                                       char const* extra, size_t extra_size) {
  Emit(EventId::onInviteEndByPeer, Text(channelID, channelID_size), Text(account, account_size),
       Num(uid), Text(extra, extra_size));
}

void CallbackBridge::onInviteEndByMyself(char const* channelID, size_t channelID_size,
                                         char const* account, size_t account_size,
                                         uint32_t uid) {
  Emit(EventId::onInviteEndByMyself, Text(channelID, channelID_size),
       Text(account, account_size), Num(uid));
}

void CallbackBridge::onInviteMsg(char const* channelID, size_t channelID_size,
                                 char const* account, size_t account_size, uint32_t uid,
                                 char const* msgType, size_t msgType_size, char const* msgData,
                                 size_t msgData_size, char const* extra, size_t extra_size) {
  Emit(EventId::onInviteMsg, Text(channelID, channelID_size), Text(account, account_size),
       Num(uid), Text(msgType, msgType_size), Payload(msgData, msgData_size),
       Text(extra, extra_size));
}

void CallbackBridge::onMessageSendError(char const* messageID, size_t messageID_size, int ecode) {
  Emit(EventId::onMessageSendError, Text(messageID, messageID_size), Num(ecode));
}

void CallbackBridge::onMessageSendProgress(char const* account, size_t account_size,
                                           char const* messageID, size_t messageID_size,
                                           char const* type, size_t type_size, char const* info,
                                           size_t info_size) {
  Emit(EventId::onMessageSendProgress, Text(account, account_size),
       Text(messageID, messageID_size), Text(type, type_size), Text(info, info_size));
}

void CallbackBridge::onMessageSendSuccess(char const* messageID, size_t messageID_size) {
  Emit(EventId::onMessageSendSuccess, Text(messageID, messageID_size));
}

void CallbackBridge::onMessageAppReceived(char const* msg, size_t msg_size) {
  Emit(EventId::onMessageAppReceived, Payload(msg, msg_size));
}

void CallbackBridge::onMessageInstantReceive(char const* account, size_t account_size,
                                             uint32_t uid, char const* msg, size_t msg_size) {
  Emit(EventId::onMessageInstantReceive, Text(account, account_size), Num(uid),
       Payload(msg, msg_size));
}

void CallbackBridge::onMessageChannelReceive(char const* channelID, size_t channelID_size,
                                             char const* account, size_t account_size,
                                             uint32_t uid, char const* msg, size_t msg_size) {
  Emit(EventId::onMessageChannelReceive, Text(channelID, channelID_size),
       Text(account, account_size), Num(uid), Payload(msg, msg_size));
}

void CallbackBridge::onLog(char const* txt, size_t txt_size) {
  Emit(EventId::onLog, Text(txt, txt_size));
}

void CallbackBridge::onInvokeRet(char const* callID, size_t callID_size, char const* err,
                                 size_t err_size, char const* resp, size_t resp_size) {
  Emit(EventId::onInvokeRet, Text(callID, callID_size), Text(err, err_size),
       Text(resp, resp_size));
}

void CallbackBridge::onMsg(char const* from, size_t from_size, char const* t, size_t t_size,
                           char const* msg, size_t msg_size) {
  Emit(EventId::onMsg, Text(from, from_size), Text(t, t_size), Payload(msg, msg_size));
}

void CallbackBridge::onUserAttrResult(char const* account, size_t account_size, char const* name,
                                      size_t name_size, char const* value, size_t value_size) {
  Emit(EventId::onUserAttrResult, Text(account, account_size), Text(name, name_size),
       Text(value, value_size));
}

void CallbackBridge::onUserAttrAllResult(char const* account, size_t account_size,
                                         char const* value, size_t value_size) {
  Emit(EventId::onUserAttrAllResult, Text(account, account_size), Text(value, value_size));
}

void CallbackBridge::onError(char const* name, size_t name_size, int ecode, char const* desc,
                             size_t desc_size) {
  Emit(EventId::onError, Text(name, name_size), Num(ecode), Text(desc, desc_size));
}

void CallbackBridge::onQueryUserStatusResult(char const* name, size_t name_size,
                                             char const* status, size_t status_size) {
  Emit(EventId::onQueryUserStatusResult, Text(name, name_size), Text(status, status_size));
}

void CallbackBridge::onDbg(char const* a, size_t a_size, char const* b, size_t b_size) {
  Emit(EventId::onDbg, Text(a, a_size), Text(b, b_size));
}

void CallbackBridge::onBCCall_result(char const* reason, size_t reason_size,
                                     char const* json_ret, size_t json_ret_size,
                                     char const* callID, size_t callID_size) {
  Emit(EventId::onBCCall_result, Text(reason, reason_size), Text(json_ret, json_ret_size),
       Text(callID, callID_size));
}

}  // namespace agora_sig_addon
