// The one bridge that carries every callback of one SDK instance from the core's network thread to
// JavaScript.
//
// On the network thread each callback copies its arguments into an Event record and appends it to
// a mutex-protected queue; only the push that makes the queue non-empty wakes the main thread
// (through a thread-safe function), so a burst of callbacks crosses threads once. On the main
// thread the whole batch is drained and each event becomes one call of the JS dispatcher
// `(eventName, ...args)`; JS values (strings decoded as UTF-8, Buffers, arrays) are only ever
// built there.
//
// Lifetime. While a login is in progress or the session is up the instance is *active*: the
// bridge holds a strong reference to the instance's JavaScript object (it cannot be collected
// while it may still get events) and, unless the application said unref(), the thread-safe
// function is referenced (keeps the process alive). While idle neither holds: nothing native
// refers to the JavaScript object strongly, and the dispatcher is reached through a weak
// reference (the JavaScript object holds it), so an instance JavaScript drops is collected and
// its finalizer destroys the core instance. (Before, the thread-safe function held the dispatcher,
// whose closure held the instance: no dropped instance was ever collected.)
//
// Wake-ups. A failed NonBlockingCall is retried; when it still fails the events stay queued and
// the next callback tries again, and the failures are reported with the next batch (onLog).
#ifndef AGORA_SIG_ADDON_CALLBACK_BRIDGE_H_
#define AGORA_SIG_ADDON_CALLBACK_BRIDGE_H_

#include <napi.h>

#include <agora_sig.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <variant>
#include <vector>

namespace agora_sig_addon {

// A byte string argument. Payloads (message bodies) may be handed to JS as Buffers on request;
// every other string is decoded as UTF-8.
struct EventBytes {
  std::string bytes;
  bool payload = false;
};

using EventArg = std::variant<double, EventBytes, std::vector<std::string>, std::vector<uint32_t>>;

// The ICallBack members, in the header's order; the dispatcher receives the member's name.
enum class EventId : uint8_t {
  onReconnecting,
  onReconnected,
  onLoginSuccess,
  onLogout,
  onLoginFailed,
  onChannelJoined,
  onChannelJoinFailed,
  onChannelLeaved,
  onChannelUserJoined,
  onChannelUserLeaved,
  onChannelUserList,
  onChannelQueryUserNumResult,
  onChannelQueryUserIsIn,
  onChannelAttrUpdated,
  onInviteReceived,
  onInviteReceivedByPeer,
  onInviteAcceptedByPeer,
  onInviteRefusedByPeer,
  onInviteFailed,
  onInviteEndByPeer,
  onInviteEndByMyself,
  onInviteMsg,
  onMessageSendError,
  onMessageSendProgress,
  onMessageSendSuccess,
  onMessageAppReceived,
  onMessageInstantReceive,
  onMessageChannelReceive,
  onLog,
  onInvokeRet,
  onMsg,
  onUserAttrResult,
  onUserAttrAllResult,
  onError,
  onQueryUserStatusResult,
  onDbg,
  onBCCall_result,
};

const char* EventName(EventId id);

struct Event {
  EventId id;
  std::vector<EventArg> args;
};

class CallbackBridge : public agora_sdk_win::ICallBack,
                       public std::enable_shared_from_this<CallbackBridge> {
 public:
  // Main thread. The bridge starts unreferenced (idle).
  // `owner` is the instance's JavaScript object; it must keep `dispatcher` alive (the bridge only
  // holds it weakly).
  static std::shared_ptr<CallbackBridge> Create(Napi::Env env, Napi::Object owner,
                                                Napi::Function dispatcher);

  // Main thread. The instance whose status decides whether the session is still active.
  void Attach(agora_sdk_win::IAgoraAPI* api) { api_ = api; }
  // Main thread: a login starts; keep the event loop alive until the session ends.
  void NoteLoginStarted();
  // Main thread: whether an active instance keeps the process alive (ref()/unref(); default yes).
  void SetKeepsProcessAlive(bool on);
  // Main thread: deliver message payloads as Buffers instead of strings.
  void SetPayloadsAsBuffers(bool on) { payloadsAsBuffers_ = on; }
  // Main thread, after the core instance is destroyed: drop undelivered events and release the
  // thread-safe function. Idempotent.
  void Close();

  // ICallBack: network thread.
  void onReconnecting(uint32_t nretry) override;
  void onReconnected(int fd) override;
  void onLoginSuccess(uint32_t uid, int fd) override;
  void onLogout(int ecode) override;
  void onLoginFailed(int ecode) override;
  void onChannelJoined(char const* channelID, size_t channelID_size) override;
  void onChannelJoinFailed(char const* channelID, size_t channelID_size, int ecode) override;
  void onChannelLeaved(char const* channelID, size_t channelID_size, int ecode) override;
  void onChannelUserJoined(char const* account, size_t account_size, uint32_t uid) override;
  void onChannelUserLeaved(char const* account, size_t account_size, uint32_t uid) override;
  void onChannelUserList(int n, char** accounts, uint32_t* uids) override;
  void onChannelQueryUserNumResult(char const* channelID, size_t channelID_size, int ecode,
                                   int num) override;
  void onChannelQueryUserIsIn(char const* channelID, size_t channelID_size, char const* account,
                              size_t account_size, int isIn) override;
  void onChannelAttrUpdated(char const* channelID, size_t channelID_size, char const* name,
                            size_t name_size, char const* value, size_t value_size,
                            char const* type, size_t type_size) override;
  void onInviteReceived(char const* channelID, size_t channelID_size, char const* account,
                        size_t account_size, uint32_t uid, char const* extra,
                        size_t extra_size) override;
  void onInviteReceivedByPeer(char const* channelID, size_t channelID_size, char const* account,
                              size_t account_size, uint32_t uid) override;
  void onInviteAcceptedByPeer(char const* channelID, size_t channelID_size, char const* account,
                              size_t account_size, uint32_t uid, char const* extra,
                              size_t extra_size) override;
  void onInviteRefusedByPeer(char const* channelID, size_t channelID_size, char const* account,
                             size_t account_size, uint32_t uid, char const* extra,
                             size_t extra_size) override;
  void onInviteFailed(char const* channelID, size_t channelID_size, char const* account,
                      size_t account_size, uint32_t uid, int ecode, char const* extra,
                      size_t extra_size) override;
  void onInviteEndByPeer(char const* channelID, size_t channelID_size, char const* account,
                         size_t account_size, uint32_t uid, char const* extra,
                         size_t extra_size) override;
  void onInviteEndByMyself(char const* channelID, size_t channelID_size, char const* account,
                           size_t account_size, uint32_t uid) override;
  void onInviteMsg(char const* channelID, size_t channelID_size, char const* account,
                   size_t account_size, uint32_t uid, char const* msgType, size_t msgType_size,
                   char const* msgData, size_t msgData_size, char const* extra,
                   size_t extra_size) override;
  void onMessageSendError(char const* messageID, size_t messageID_size, int ecode) override;
  void onMessageSendProgress(char const* account, size_t account_size, char const* messageID,
                             size_t messageID_size, char const* type, size_t type_size,
                             char const* info, size_t info_size) override;
  void onMessageSendSuccess(char const* messageID, size_t messageID_size) override;
  void onMessageAppReceived(char const* msg, size_t msg_size) override;
  void onMessageInstantReceive(char const* account, size_t account_size, uint32_t uid,
                               char const* msg, size_t msg_size) override;
  void onMessageChannelReceive(char const* channelID, size_t channelID_size, char const* account,
                               size_t account_size, uint32_t uid, char const* msg,
                               size_t msg_size) override;
  void onLog(char const* txt, size_t txt_size) override;
  void onInvokeRet(char const* callID, size_t callID_size, char const* err, size_t err_size,
                   char const* resp, size_t resp_size) override;
  void onMsg(char const* from, size_t from_size, char const* t, size_t t_size, char const* msg,
             size_t msg_size) override;
  void onUserAttrResult(char const* account, size_t account_size, char const* name,
                        size_t name_size, char const* value, size_t value_size) override;
  void onUserAttrAllResult(char const* account, size_t account_size, char const* value,
                           size_t value_size) override;
  void onError(char const* name, size_t name_size, int ecode, char const* desc,
               size_t desc_size) override;
  void onQueryUserStatusResult(char const* name, size_t name_size, char const* status,
                               size_t status_size) override;
  void onDbg(char const* a, size_t a_size, char const* b, size_t b_size) override;
  void onBCCall_result(char const* reason, size_t reason_size, char const* json_ret,
                       size_t json_ret_size, char const* callID, size_t callID_size) override;

  // For tests (process-wide): the next `count` wake-ups fail as if NonBlockingCall had.
  static void FailNextWakeups(uint32_t count);

 private:
  static void CallJs(Napi::Env env, Napi::Function unused, CallbackBridge* bridge, void* data);
  using Tsfn = Napi::TypedThreadSafeFunction<CallbackBridge, void, &CallbackBridge::CallJs>;

  CallbackBridge() = default;

  template <typename... Args>
  void Emit(EventId id, Args&&... args);
  void Push(Event&& event);
  void Drain(Napi::Env env);
  // Network thread, mutex_ held: queues a call of CallJs, retrying a failed one a few times.
  bool Wake();
  Napi::Value ToJs(Napi::Env env, const EventArg& arg) const;
  void SetReferenced(bool on);
  // Main thread: an active instance is kept from collection and (see above) keeps the process
  // alive.
  void SetActive(bool on);
  bool IsOpen();
  void OnFinalized();

  Tsfn tsfn_;
  std::mutex mutex_;
  std::vector<Event> pending_;  // guarded by mutex_
  bool open_ = false;           // guarded by mutex_: the thread-safe function may be called
  bool wakeQueued_ = false;     // guarded by mutex_: a CallJs is on its way
  uint64_t failedWakeups_ = 0;  // guarded by mutex_: not yet reported

  // Main thread only.
  agora_sdk_win::IAgoraAPI* api_ = nullptr;
  Napi::Env env_ = Napi::Env(nullptr);
  bool referenced_ = true;
  bool active_ = false;
  bool keepsProcessAlive_ = true;
  Napi::FunctionReference dispatcher_;  // weak
  Napi::ObjectReference owner_;         // weak while idle, strong while active
  bool payloadsAsBuffers_ = false;
  uint64_t loginGeneration_ = 0;
};

}  // namespace agora_sig_addon

#endif  // AGORA_SIG_ADDON_CALLBACK_BRIDGE_H_
