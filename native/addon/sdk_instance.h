// The JavaScript class wrapping one core IAgoraAPI instance: one method per API method, JS
// strings / Buffers in, (pointer, size) pairs out. Events come back through the instance's
// CallbackBridge to the dispatcher function given to the constructor.
#ifndef AGORA_SIG_ADDON_SDK_INSTANCE_H_
#define AGORA_SIG_ADDON_SDK_INSTANCE_H_

#include <napi.h>

#include <agora_sig.h>

#include <memory>

#include "addon_data.h"
#include "callback_bridge.h"

namespace agora_sig_addon {

class SdkInstance : public Napi::ObjectWrap<SdkInstance> {
 public:
  static Napi::Function DefineClass(Napi::Env env);

  // new SdkInstance(dispatcher, vendorID): vendorID (string or Buffer) selects the Windows
  // factory createAgoraSDKInstanceWin; null or undefined selects createAgoraSDKInstanceCPP.
  explicit SdkInstance(const Napi::CallbackInfo& info);
  ~SdkInstance() override;

  // Destroys the core instance and closes the bridge; safe to call more than once.
  void DestroyNative();

 private:
  agora_sdk_win::IAgoraAPI* Api(const char* method);

  Napi::Value Destroy(const Napi::CallbackInfo& info);
  Napi::Value IsDestroyed(const Napi::CallbackInfo& info);
  Napi::Value SetPayloadsAsBuffers(const Napi::CallbackInfo& info);
  // ref()/unref(): whether the instance keeps the process alive while logging in or logged in.
  Napi::Value RefInstance(const Napi::CallbackInfo& info);
  Napi::Value UnrefInstance(const Napi::CallbackInfo& info);

  Napi::Value Login(const Napi::CallbackInfo& info);
  Napi::Value Login2(const Napi::CallbackInfo& info);
  Napi::Value Logout(const Napi::CallbackInfo& info);
  Napi::Value ChannelJoin(const Napi::CallbackInfo& info);
  Napi::Value ChannelLeave(const Napi::CallbackInfo& info);
  Napi::Value ChannelQueryUserNum(const Napi::CallbackInfo& info);
  Napi::Value ChannelQueryUserIsIn(const Napi::CallbackInfo& info);
  Napi::Value ChannelSetAttr(const Napi::CallbackInfo& info);
  Napi::Value ChannelDelAttr(const Napi::CallbackInfo& info);
  Napi::Value ChannelClearAttr(const Napi::CallbackInfo& info);
  Napi::Value ChannelInviteUser(const Napi::CallbackInfo& info);
  Napi::Value ChannelInviteUser2(const Napi::CallbackInfo& info);
  Napi::Value ChannelInvitePhone(const Napi::CallbackInfo& info);
  Napi::Value ChannelInvitePhone2(const Napi::CallbackInfo& info);
  Napi::Value ChannelInvitePhone3(const Napi::CallbackInfo& info);
  Napi::Value ChannelInviteDTMF(const Napi::CallbackInfo& info);
  Napi::Value ChannelInviteAccept(const Napi::CallbackInfo& info);
  Napi::Value ChannelInviteRefuse(const Napi::CallbackInfo& info);
  Napi::Value ChannelInviteEnd(const Napi::CallbackInfo& info);
  Napi::Value MessageAppSend(const Napi::CallbackInfo& info);
  Napi::Value MessageInstantSend(const Napi::CallbackInfo& info);
  Napi::Value MessageInstantSend2(const Napi::CallbackInfo& info);
  Napi::Value MessageChannelSend(const Napi::CallbackInfo& info);
  Napi::Value MessageChannelSendForce(const Napi::CallbackInfo& info);
  Napi::Value MessagePushSend(const Napi::CallbackInfo& info);
  Napi::Value MessageChatSend(const Napi::CallbackInfo& info);
  Napi::Value MessageDTMFSend(const Napi::CallbackInfo& info);
  Napi::Value SetBackground(const Napi::CallbackInfo& info);
  Napi::Value SetNetworkStatus(const Napi::CallbackInfo& info);
  Napi::Value Ping(const Napi::CallbackInfo& info);
  Napi::Value SetAttr(const Napi::CallbackInfo& info);
  Napi::Value GetAttr(const Napi::CallbackInfo& info);
  Napi::Value GetAttrAll(const Napi::CallbackInfo& info);
  Napi::Value GetUserAttr(const Napi::CallbackInfo& info);
  Napi::Value GetUserAttrAll(const Napi::CallbackInfo& info);
  Napi::Value QueryUserStatus(const Napi::CallbackInfo& info);
  Napi::Value Invoke(const Napi::CallbackInfo& info);
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value IsOnline(const Napi::CallbackInfo& info);
  Napi::Value GetStatus(const Napi::CallbackInfo& info);
  Napi::Value GetSdkVersion(const Napi::CallbackInfo& info);
  Napi::Value BcCall(const Napi::CallbackInfo& info);
  Napi::Value Dbg(const Napi::CallbackInfo& info);

  agora_sdk_win::IAgoraAPI* api_ = nullptr;
  std::shared_ptr<CallbackBridge> bridge_;
  AddonData* addon_ = nullptr;
};

}  // namespace agora_sig_addon

#endif  // AGORA_SIG_ADDON_SDK_INSTANCE_H_
