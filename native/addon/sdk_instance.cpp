#include "sdk_instance.h"

#include <string>

#include "arg_reader.h"

namespace agora_sig_addon {

using agora_sdk_win::IAgoraAPI;

Napi::Function SdkInstance::DefineClass(Napi::Env env) {
  return ObjectWrap<SdkInstance>::DefineClass(
      env, "SdkInstance",
      {
          InstanceMethod<&SdkInstance::Destroy>("destroy"),
          InstanceMethod<&SdkInstance::IsDestroyed>("isDestroyed"),
          InstanceMethod<&SdkInstance::SetPayloadsAsBuffers>("setPayloadsAsBuffers"),
          InstanceMethod<&SdkInstance::RefInstance>("ref"),
          InstanceMethod<&SdkInstance::UnrefInstance>("unref"),
          InstanceMethod<&SdkInstance::Login>("login"),
          InstanceMethod<&SdkInstance::Login2>("login2"),
          InstanceMethod<&SdkInstance::Logout>("logout"),
          InstanceMethod<&SdkInstance::ChannelJoin>("channelJoin"),
          InstanceMethod<&SdkInstance::ChannelLeave>("channelLeave"),
          InstanceMethod<&SdkInstance::ChannelQueryUserNum>("channelQueryUserNum"),
          InstanceMethod<&SdkInstance::ChannelQueryUserIsIn>("channelQueryUserIsIn"),
          InstanceMethod<&SdkInstance::ChannelSetAttr>("channelSetAttr"),
          InstanceMethod<&SdkInstance::ChannelDelAttr>("channelDelAttr"),
          InstanceMethod<&SdkInstance::ChannelClearAttr>("channelClearAttr"),
          InstanceMethod<&SdkInstance::ChannelInviteUser>("channelInviteUser"),
          InstanceMethod<&SdkInstance::ChannelInviteUser2>("channelInviteUser2"),
          InstanceMethod<&SdkInstance::ChannelInvitePhone>("channelInvitePhone"),
          InstanceMethod<&SdkInstance::ChannelInvitePhone2>("channelInvitePhone2"),
          InstanceMethod<&SdkInstance::ChannelInvitePhone3>("channelInvitePhone3"),
          InstanceMethod<&SdkInstance::ChannelInviteDTMF>("channelInviteDTMF"),
          InstanceMethod<&SdkInstance::ChannelInviteAccept>("channelInviteAccept"),
          InstanceMethod<&SdkInstance::ChannelInviteRefuse>("channelInviteRefuse"),
          InstanceMethod<&SdkInstance::ChannelInviteEnd>("channelInviteEnd"),
          InstanceMethod<&SdkInstance::MessageAppSend>("messageAppSend"),
          InstanceMethod<&SdkInstance::MessageInstantSend>("messageInstantSend"),
          InstanceMethod<&SdkInstance::MessageInstantSend2>("messageInstantSend2"),
          InstanceMethod<&SdkInstance::MessageChannelSend>("messageChannelSend"),
          InstanceMethod<&SdkInstance::MessageChannelSendForce>("messageChannelSendForce"),
          InstanceMethod<&SdkInstance::MessagePushSend>("messagePushSend"),
          InstanceMethod<&SdkInstance::MessageChatSend>("messageChatSend"),
          InstanceMethod<&SdkInstance::MessageDTMFSend>("messageDTMFSend"),
          InstanceMethod<&SdkInstance::SetBackground>("setBackground"),
          InstanceMethod<&SdkInstance::SetNetworkStatus>("setNetworkStatus"),
          InstanceMethod<&SdkInstance::Ping>("ping"),
          InstanceMethod<&SdkInstance::SetAttr>("setAttr"),
          InstanceMethod<&SdkInstance::GetAttr>("getAttr"),
          InstanceMethod<&SdkInstance::GetAttrAll>("getAttrAll"),
          InstanceMethod<&SdkInstance::GetUserAttr>("getUserAttr"),
          InstanceMethod<&SdkInstance::GetUserAttrAll>("getUserAttrAll"),
          InstanceMethod<&SdkInstance::QueryUserStatus>("queryUserStatus"),
          InstanceMethod<&SdkInstance::Invoke>("invoke"),
          InstanceMethod<&SdkInstance::Start>("start"),
          InstanceMethod<&SdkInstance::Stop>("stop"),
          InstanceMethod<&SdkInstance::IsOnline>("isOnline"),
          InstanceMethod<&SdkInstance::GetStatus>("getStatus"),
          InstanceMethod<&SdkInstance::GetSdkVersion>("getSdkVersion"),
          InstanceMethod<&SdkInstance::BcCall>("bc_call"),
          InstanceMethod<&SdkInstance::Dbg>("dbg"),
      });
}

SdkInstance::SdkInstance(const Napi::CallbackInfo& info) : ObjectWrap<SdkInstance>(info) {
  Napi::Env env = info.Env();
  addon_ = env.GetInstanceData<AddonData>();
  if (addon_ == nullptr || addon_->tornDown) {
    throw Napi::Error::New(env, "SdkInstance: the addon's environment is shutting down");
  }
  if (info.Length() < 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(env, "SdkInstance: argument 1 (dispatcher) must be a function");
  }
  const bool windowsFlavour = info.Length() >= 2 && !info[1].IsUndefined() && !info[1].IsNull();

  // Read (and type-check) the vendor ID before anything is created, so a bad argument leaks
  // nothing.
  ByteArg vendorID;
  if (windowsFlavour) {
    Napi::Value v = info[1];
    if (v.IsString()) {
      vendorID = ByteArg(v.As<Napi::String>().Utf8Value());
    } else if (v.IsBuffer()) {
      auto buffer = v.As<Napi::Buffer<char>>();
      vendorID = ByteArg(buffer.Data(), buffer.Length());
    } else {
      throw Napi::TypeError::New(env,
                                 "SdkInstance: argument 2 (vendorID) must be a string or a Buffer");
    }
  }

  // The object holds its dispatcher (the bridge only weakly): the dispatcher lives exactly as long
  // as the instance's object, and nothing native keeps that object alive while it is idle.
  Napi::Object self = info.This().As<Napi::Object>();
  Napi::Function dispatcher = info[0].As<Napi::Function>();
  self.DefineProperty(Napi::PropertyDescriptor::Value("_dispatcher", dispatcher, napi_default));
  bridge_ = CallbackBridge::Create(env, self, dispatcher);
  api_ = windowsFlavour ? agora_sdk_win::createAgoraSDKInstanceWin(vendorID.data(), vendorID.size())
                        : agora_sdk_cpp::createAgoraSDKInstanceCPP();
  if (api_ == nullptr) {
    bridge_->Close();
    bridge_.reset();
    throw Napi::Error::New(env, "SdkInstance: the SDK core could not create an instance");
  }
  bridge_->Attach(api_);
  api_->callbackSet(bridge_.get());
  addon_->liveInstances.insert(this);
}

SdkInstance::~SdkInstance() { DestroyNative(); }

void SdkInstance::DestroyNative() {
  if (api_ == nullptr) return;
  IAgoraAPI* api = api_;
  api_ = nullptr;
  if (addon_ != nullptr && !addon_->tornDown) addon_->liveInstances.erase(this);
  // The core guarantees that no callback of the instance runs once destroy() has returned, so the
  // bridge can be closed right after.
  api->destroy();
  if (bridge_) {
    bridge_->Close();
    bridge_.reset();
  }
}

IAgoraAPI* SdkInstance::Api(const char* method) {
  if (api_ == nullptr) {
    throw Napi::Error::New(Env(), std::string(method) +
                                      "(): this SDK instance has been destroyed; create a new one");
  }
  return api_;
}

Napi::Value SdkInstance::Destroy(const Napi::CallbackInfo& info) {
  DestroyNative();
  return info.Env().Undefined();
}

Napi::Value SdkInstance::IsDestroyed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), api_ == nullptr);
}

Napi::Value SdkInstance::SetPayloadsAsBuffers(const Napi::CallbackInfo& info) {
  Api("setPayloadsAsBuffers");
  ArgReader args(info, "setPayloadsAsBuffers");
  bool on = args.Boolean("on");
  bridge_->SetPayloadsAsBuffers(on);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::RefInstance(const Napi::CallbackInfo& info) {
  Api("ref");
  bridge_->SetKeepsProcessAlive(true);
  return info.This();
}

Napi::Value SdkInstance::UnrefInstance(const Napi::CallbackInfo& info) {
  Api("unref");
  bridge_->SetKeepsProcessAlive(false);
  return info.This();
}

Napi::Value SdkInstance::Login(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("login");
  ArgReader args(info, "login");
  ByteArg vendorID = args.Bytes("vendorID");
  ByteArg account = args.Bytes("account");
  ByteArg token = args.Bytes("token");
  uint32_t uid = args.OptionalUint32("uid", 0);
  ByteArg deviceID = args.OptionalBytes("deviceID");
  bridge_->NoteLoginStarted();
  api->login(vendorID.data(), vendorID.size(), account.data(), account.size(), token.data(),
             token.size(), uid, deviceID.data(), deviceID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Login2(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("login2");
  ArgReader args(info, "login2");
  ByteArg vendorID = args.Bytes("vendorID");
  ByteArg account = args.Bytes("account");
  ByteArg token = args.Bytes("token");
  uint32_t uid = args.OptionalUint32("uid", 0);
  ByteArg deviceID = args.OptionalBytes("deviceID");
  int32_t retryTimeInS = args.OptionalInt32("retry_time_in_s", 30);
  int32_t retryCount = args.OptionalInt32("retry_count", 3);
  bridge_->NoteLoginStarted();
  api->login2(vendorID.data(), vendorID.size(), account.data(), account.size(), token.data(),
              token.size(), uid, deviceID.data(), deviceID.size(), retryTimeInS, retryCount);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Logout(const Napi::CallbackInfo& info) {
  Api("logout")->logout();
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelJoin(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelJoin");
  ArgReader args(info, "channelJoin");
  ByteArg channelID = args.Bytes("channelID");
  api->channelJoin(channelID.data(), channelID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelLeave(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelLeave");
  ArgReader args(info, "channelLeave");
  ByteArg channelID = args.Bytes("channelID");
  api->channelLeave(channelID.data(), channelID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelQueryUserNum(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelQueryUserNum");
  ArgReader args(info, "channelQueryUserNum");
  ByteArg channelID = args.Bytes("channelID");
  api->channelQueryUserNum(channelID.data(), channelID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelQueryUserIsIn(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelQueryUserIsIn");
  ArgReader args(info, "channelQueryUserIsIn");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg account = args.Bytes("account");
  api->channelQueryUserIsIn(channelID.data(), channelID.size(), account.data(), account.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelSetAttr(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelSetAttr");
  ArgReader args(info, "channelSetAttr");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg name = args.Bytes("name");
  ByteArg value = args.Bytes("value");
  api->channelSetAttr(channelID.data(), channelID.size(), name.data(), name.size(), value.data(),
                      value.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelDelAttr(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelDelAttr");
  ArgReader args(info, "channelDelAttr");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg name = args.Bytes("name");
  api->channelDelAttr(channelID.data(), channelID.size(), name.data(), name.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelClearAttr(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelClearAttr");
  ArgReader args(info, "channelClearAttr");
  ByteArg channelID = args.Bytes("channelID");
  api->channelClearAttr(channelID.data(), channelID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInviteUser(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInviteUser");
  ArgReader args(info, "channelInviteUser");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.OptionalUint32("uid", 0);
  api->channelInviteUser(channelID.data(), channelID.size(), account.data(), account.size(), uid);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInviteUser2(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInviteUser2");
  ArgReader args(info, "channelInviteUser2");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg account = args.Bytes("account");
  ByteArg extra = args.Bytes("extra");
  api->channelInviteUser2(channelID.data(), channelID.size(), account.data(), account.size(),
                          extra.data(), extra.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInvitePhone(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInvitePhone");
  ArgReader args(info, "channelInvitePhone");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg phoneNum = args.Bytes("phoneNum");
  uint32_t uid = args.OptionalUint32("uid", 0);
  api->channelInvitePhone(channelID.data(), channelID.size(), phoneNum.data(), phoneNum.size(),
                          uid);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInvitePhone2(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInvitePhone2");
  ArgReader args(info, "channelInvitePhone2");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg phoneNum = args.Bytes("phoneNum");
  ByteArg sourcesNum = args.Bytes("sourcesNum");
  api->channelInvitePhone2(channelID.data(), channelID.size(), phoneNum.data(), phoneNum.size(),
                           sourcesNum.data(), sourcesNum.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInvitePhone3(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInvitePhone3");
  ArgReader args(info, "channelInvitePhone3");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg phoneNum = args.Bytes("phoneNum");
  ByteArg sourcesNum = args.Bytes("sourcesNum");
  ByteArg extra = args.Bytes("extra");
  api->channelInvitePhone3(channelID.data(), channelID.size(), phoneNum.data(), phoneNum.size(),
                           sourcesNum.data(), sourcesNum.size(), extra.data(), extra.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInviteDTMF(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInviteDTMF");
  ArgReader args(info, "channelInviteDTMF");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg phoneNum = args.Bytes("phoneNum");
  ByteArg dtmf = args.Bytes("dtmf");
  api->channelInviteDTMF(channelID.data(), channelID.size(), phoneNum.data(), phoneNum.size(),
                         dtmf.data(), dtmf.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInviteAccept(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInviteAccept");
  ArgReader args(info, "channelInviteAccept");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.OptionalUint32("uid", 0);
  if (args.HasNext()) {
    ByteArg extra = args.Bytes("extra");
    api->channelInviteAccept(channelID.data(), channelID.size(), account.data(), account.size(),
                             uid, extra.data(), extra.size());
  } else {
    api->channelInviteAccept(channelID.data(), channelID.size(), account.data(), account.size(),
                             uid);
  }
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInviteRefuse(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInviteRefuse");
  ArgReader args(info, "channelInviteRefuse");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.OptionalUint32("uid", 0);
  ByteArg extra = args.OptionalBytes("extra");
  api->channelInviteRefuse(channelID.data(), channelID.size(), account.data(), account.size(), uid,
                           extra.data(), extra.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::ChannelInviteEnd(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("channelInviteEnd");
  ArgReader args(info, "channelInviteEnd");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.OptionalUint32("uid", 0);
  api->channelInviteEnd(channelID.data(), channelID.size(), account.data(), account.size(), uid);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageAppSend(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageAppSend");
  ArgReader args(info, "messageAppSend");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messageAppSend(msg.data(), msg.size(), msgID.data(), msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageInstantSend(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageInstantSend");
  ArgReader args(info, "messageInstantSend");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.Uint32("uid");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messageInstantSend(account.data(), account.size(), uid, msg.data(), msg.size(),
                          msgID.data(), msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageInstantSend2(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageInstantSend2");
  ArgReader args(info, "messageInstantSend2");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.Uint32("uid");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  ByteArg options = args.OptionalBytes("options");
  api->messageInstantSend2(account.data(), account.size(), uid, msg.data(), msg.size(),
                           msgID.data(), msgID.size(), options.data(), options.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageChannelSend(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageChannelSend");
  ArgReader args(info, "messageChannelSend");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messageChannelSend(channelID.data(), channelID.size(), msg.data(), msg.size(), msgID.data(),
                          msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageChannelSendForce(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageChannelSendForce");
  ArgReader args(info, "messageChannelSendForce");
  ByteArg channelID = args.Bytes("channelID");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messageChannelSendForce(channelID.data(), channelID.size(), msg.data(), msg.size(),
                               msgID.data(), msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessagePushSend(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messagePushSend");
  ArgReader args(info, "messagePushSend");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.Uint32("uid");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messagePushSend(account.data(), account.size(), uid, msg.data(), msg.size(), msgID.data(),
                       msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageChatSend(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageChatSend");
  ArgReader args(info, "messageChatSend");
  ByteArg account = args.Bytes("account");
  uint32_t uid = args.Uint32("uid");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messageChatSend(account.data(), account.size(), uid, msg.data(), msg.size(), msgID.data(),
                       msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::MessageDTMFSend(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("messageDTMFSend");
  ArgReader args(info, "messageDTMFSend");
  uint32_t uid = args.Uint32("uid");
  ByteArg msg = args.Bytes("msg");
  ByteArg msgID = args.OptionalBytes("msgID");
  api->messageDTMFSend(uid, msg.data(), msg.size(), msgID.data(), msgID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::SetBackground(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("setBackground");
  ArgReader args(info, "setBackground");
  uint32_t bOut = args.Uint32("bOut");
  api->setBackground(bOut);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::SetNetworkStatus(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("setNetworkStatus");
  ArgReader args(info, "setNetworkStatus");
  uint32_t bOut = args.Uint32("bOut");
  api->setNetworkStatus(bOut);
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Ping(const Napi::CallbackInfo& info) {
  Api("ping")->ping();
  return info.Env().Undefined();
}

Napi::Value SdkInstance::SetAttr(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("setAttr");
  ArgReader args(info, "setAttr");
  ByteArg name = args.Bytes("name");
  ByteArg value = args.Bytes("value");
  api->setAttr(name.data(), name.size(), value.data(), value.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::GetAttr(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("getAttr");
  ArgReader args(info, "getAttr");
  ByteArg name = args.Bytes("name");
  api->getAttr(name.data(), name.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::GetAttrAll(const Napi::CallbackInfo& info) {
  Api("getAttrAll")->getAttrAll();
  return info.Env().Undefined();
}

Napi::Value SdkInstance::GetUserAttr(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("getUserAttr");
  ArgReader args(info, "getUserAttr");
  ByteArg account = args.Bytes("account");
  ByteArg name = args.Bytes("name");
  api->getUserAttr(account.data(), account.size(), name.data(), name.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::GetUserAttrAll(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("getUserAttrAll");
  ArgReader args(info, "getUserAttrAll");
  ByteArg account = args.Bytes("account");
  api->getUserAttrAll(account.data(), account.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::QueryUserStatus(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("queryUserStatus");
  ArgReader args(info, "queryUserStatus");
  ByteArg account = args.Bytes("account");
  api->queryUserStatus(account.data(), account.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Invoke(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("invoke");
  ArgReader args(info, "invoke");
  ByteArg name = args.Bytes("name");
  ByteArg req = args.Bytes("req");
  ByteArg callID = args.OptionalBytes("callID");
  api->invoke(name.data(), name.size(), req.data(), req.size(), callID.data(), callID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Start(const Napi::CallbackInfo& info) {
  Api("start")->start();
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Stop(const Napi::CallbackInfo& info) {
  Api("stop")->stop();
  return info.Env().Undefined();
}

Napi::Value SdkInstance::IsOnline(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), Api("isOnline")->isOnline());
}

Napi::Value SdkInstance::GetStatus(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), Api("getStatus")->getStatus());
}

Napi::Value SdkInstance::GetSdkVersion(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), Api("getSdkVersion")->getSdkVersion());
}

Napi::Value SdkInstance::BcCall(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("bc_call");
  ArgReader args(info, "bc_call");
  ByteArg func = args.Bytes("func");
  ByteArg jsonArgs = args.Bytes("json_args");
  ByteArg callID = args.OptionalBytes("callID");
  api->bc_call(func.data(), func.size(), jsonArgs.data(), jsonArgs.size(), callID.data(),
               callID.size());
  return info.Env().Undefined();
}

Napi::Value SdkInstance::Dbg(const Napi::CallbackInfo& info) {
  IAgoraAPI* api = Api("dbg");
  ArgReader args(info, "dbg");
  ByteArg a = args.Bytes("a");
  ByteArg b = args.Bytes("b");
  api->dbg(a.data(), a.size(), b.data(), b.size());
  return info.Env().Undefined();
}

}  // namespace agora_sig_addon
