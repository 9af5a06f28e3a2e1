// One SDK instance: the IAgoraAPI the application holds.
//
// Methods may be called from any thread. Each copies its arguments, checks them, and queues the
// work on the shared loop thread, where the SessionClient does the protocol and every callback
// fires; a good request made on another thread is instead written to the socket on that thread
// when nothing is queued ahead of it (SessionClient::trySubmitFromCaller). getStatus/isOnline
// read an atomic. start() blocks its caller until stop() (or destroy()).
#ifndef AGORA_SIG_CORE_INSTANCE_H_
#define AGORA_SIG_CORE_INSTANCE_H_

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "agora_sig.h"
#include "core/event_loop.h"
#include "core/session_client.h"
#include "core/validation.h"

namespace agora_sig {
namespace core {

// Which factory made the instance: it decides where login's App ID comes from.
enum class Flavour { Windows, Cpp };

class Instance : public agora_sdk_win::IAgoraAPI {
 public:
  // onDestroyed runs once when destroy() begins (the factories use it to forget a singleton).
  Instance(Flavour flavour, std::string vendorId, void (*onDestroyed)(Instance*) = nullptr);

  void callbackSet(agora_sdk_win::ICallBack* handler) override;
  agora_sdk_win::ICallBack* callbackGet() override;
  void login(char const* vendorID, size_t vendorID_size, char const* account, size_t account_size,
             char const* token, size_t token_size, uint32_t uid, char const* deviceID,
             size_t deviceID_size) override;
  void login2(char const* vendorID, size_t vendorID_size, char const* account,
              size_t account_size, char const* token, size_t token_size, uint32_t uid,
              char const* deviceID, size_t deviceID_size, int retry_time_in_s,
              int retry_count) override;
  using agora_sdk_win::IAgoraAPI::login2;
  void logout() override;
  void channelJoin(char const* channelID, size_t channelID_size) override;
  void channelLeave(char const* channelID, size_t channelID_size) override;
  void channelQueryUserNum(char const* channelID, size_t channelID_size) override;
  void channelQueryUserIsIn(char const* channelID, size_t channelID_size, char const* account,
                            size_t account_size) override;
  void channelSetAttr(char const* channelID, size_t channelID_size, char const* name,
                      size_t name_size, char const* value, size_t value_size) override;
  void channelDelAttr(char const* channelID, size_t channelID_size, char const* name,
                      size_t name_size) override;
  void channelClearAttr(char const* channelID, size_t channelID_size) override;
  void channelInviteUser(char const* channelID, size_t channelID_size, char const* account,
                         size_t account_size, uint32_t uid) override;
  void channelInviteUser2(char const* channelID, size_t channelID_size, char const* account,
                          size_t account_size, char const* extra, size_t extra_size) override;
  void channelInvitePhone(char const* channelID, size_t channelID_size, char const* phoneNum,
                          size_t phoneNum_size, uint32_t uid) override;
  void channelInvitePhone2(char const* channelID, size_t channelID_size, char const* phoneNum,
                           size_t phoneNum_size, char const* sourcesNum,
                           size_t sourcesNum_size) override;
  void channelInvitePhone3(char const* channelID, size_t channelID_size, char const* phoneNum,
                           size_t phoneNum_size, char const* sourcesNum, size_t sourcesNum_size,
                           char const* extra, size_t extra_size) override;
  void channelInviteDTMF(char const* channelID, size_t channelID_size, char const* phoneNum,
                         size_t phoneNum_size, char const* dtmf, size_t dtmf_size) override;
  void channelInviteAccept(char const* channelID, size_t channelID_size, char const* account,
                           size_t account_size, uint32_t uid) override;
  void channelInviteRefuse(char const* channelID, size_t channelID_size, char const* account,
                           size_t account_size, uint32_t uid, char const* extra,
                           size_t extra_size) override;
  void channelInviteEnd(char const* channelID, size_t channelID_size, char const* account,
                        size_t account_size, uint32_t uid) override;
  void messageAppSend(char const* msg, size_t msg_size, char const* msgID,
                      size_t msgID_size) override;
  void messageInstantSend(char const* account, size_t account_size, uint32_t uid, char const* msg,
                          size_t msg_size, char const* msgID, size_t msgID_size) override;
  void messageInstantSend2(char const* account, size_t account_size, uint32_t uid,
                           char const* msg, size_t msg_size, char const* msgID, size_t msgID_size,
                           char const* options, size_t options_size) override;
  void messageChannelSend(char const* channelID, size_t channelID_size, char const* msg,
                          size_t msg_size, char const* msgID, size_t msgID_size) override;
  void messageChannelSendForce(char const* channelID, size_t channelID_size, char const* msg,
                               size_t msg_size, char const* msgID, size_t msgID_size) override;
  void messagePushSend(char const* account, size_t account_size, uint32_t uid, char const* msg,
                       size_t msg_size, char const* msgID, size_t msgID_size) override;
  void messageChatSend(char const* account, size_t account_size, uint32_t uid, char const* msg,
                       size_t msg_size, char const* msgID, size_t msgID_size) override;
  void messageDTMFSend(uint32_t uid, char const* msg, size_t msg_size, char const* msgID,
                       size_t msgID_size) override;
  void setBackground(uint32_t bOut) override;
  void setNetworkStatus(uint32_t bOut) override;
  void ping() override;
  void setAttr(char const* name, size_t name_size, char const* value, size_t value_size) override;
  void getAttr(char const* name, size_t name_size) override;
  void getAttrAll() override;
  void getUserAttr(char const* account, size_t account_size, char const* name,
                   size_t name_size) override;
  void getUserAttrAll(char const* account, size_t account_size) override;
  void queryUserStatus(char const* account, size_t account_size) override;
  void invoke(char const* name, size_t name_size, char const* req, size_t req_size,
              char const* callID, size_t callID_size) override;
  void start() override;
  void stop() override;
  bool isOnline() override;
  int getStatus() override;
  int getSdkVersion() override;
  void bc_call(char const* func, size_t func_size, char const* json_args, size_t json_args_size,
               char const* callID, size_t callID_size) override;
  void dbg(char const* a, size_t a_size, char const* b, size_t b_size) override;
  void destory() override;
  void channelInviteAccept(char const* channelID, size_t channelID_size, char const* account,
                           size_t account_size, uint32_t uid, char const* extra,
                           size_t extra_size) override;
  void destroy() override;

 private:
  // Lets start() outlive the instance when destroy() releases it.
  struct StartGate {
    std::mutex mutex;
    std::condition_variable changed;
    bool stopRequested = false;
    bool destroyed = false;
  };

  ~Instance() override;
  // Queues work for the session on the loop thread (SessionClient::post).
  void post(std::function<void(SessionClient&)> work);
  // Checks then submits: the first failed check is reported instead of sending.
  void request(PendingRequest request, const Rejection& rejection);
  void messageRequest(const char* method, protocol::Op op, std::vector<std::string> args,
                      std::string msgID, const Rejection& rejection);
  void finishDestroy();

  Flavour flavour_;
  std::string vendorId_;
  void (*onDestroyed_)(Instance*);
  EventLoop* loop_;
  std::shared_ptr<SessionClient> client_;
  std::shared_ptr<StartGate> startGate_;
  std::atomic<bool> destroying_{false};
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_INSTANCE_H_
