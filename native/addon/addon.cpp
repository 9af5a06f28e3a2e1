// Module initialisation: one AddonData per JavaScript environment (main thread or worker) and
// an environment cleanup hook that destroys every instance still alive when the environment is
// torn down, so no network thread outlives the JavaScript that owned it.
//
// Cleanup hooks do not run when the main thread calls process.exit(): the JavaScript side calls
// shutdownAll() from process 'exit' instead (lib/binding.ts), so a logged-in session is logged
// out at once rather than left online on the server for its resume window.
#include <napi.h>

#include <vector>

#include "addon_data.h"
#include "sdk_instance.h"

namespace agora_sig_addon {
namespace {

void DestroyEvery(AddonData* data) {
  // Destroying removes an instance from the set, so work on a copy.
  std::vector<SdkInstance*> live(data->liveInstances.begin(), data->liveInstances.end());
  for (SdkInstance* instance : live) instance->DestroyNative();
  data->liveInstances.clear();
}

void DestroyLiveInstances(AddonData* data) {
  DestroyEvery(data);
  data->tornDown = true;
}

// shutdownAll(): destroys every live instance of this environment (a logged-in one sends its
// LOGOUT on the way: the core writes it before destroy() returns). Returns how many there were.
Napi::Value ShutdownAll(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  size_t count = data != nullptr ? data->liveInstances.size() : 0;
  if (data != nullptr) DestroyEvery(data);
  return Napi::Number::New(info.Env(), static_cast<double>(count));
}

// liveInstanceCount(): instances of this environment whose core instance is not destroyed yet
// (for tests of collection and teardown).
Napi::Value LiveInstanceCount(const Napi::CallbackInfo& info) {
  AddonData* data = info.Env().GetInstanceData<AddonData>();
  return Napi::Number::New(info.Env(),
                           data != nullptr ? static_cast<double>(data->liveInstances.size()) : 0);
}

// debugFailWakeups(n): the next n wake-ups of the JavaScript thread fail as if NonBlockingCall
// had (tests of the bridge's retry).
Napi::Value DebugFailWakeups(const Napi::CallbackInfo& info) {
  uint32_t n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Uint32Value() : 0;
  CallbackBridge::FailNextWakeups(n);
  return info.Env().Undefined();
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  Napi::Function constructor = SdkInstance::DefineClass(env);
  data->sdkInstanceConstructor = Napi::Persistent(constructor);
  env.SetInstanceData<AddonData>(data);  // deleted by Node when the environment goes away
  env.AddCleanupHook(DestroyLiveInstances, data);

  exports.Set("SdkInstance", constructor);
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  exports.Set("shutdownAll", Napi::Function::New(env, ShutdownAll, "shutdownAll"));
  exports.Set("liveInstanceCount", Napi::Function::New(env, LiveInstanceCount, "liveInstanceCount"));
  exports.Set("debugFailWakeups", Napi::Function::New(env, DebugFailWakeups, "debugFailWakeups"));
  return exports;
}

}  // namespace agora_sig_addon

static Napi::Object InitAgoraSigAddon(Napi::Env env, Napi::Object exports) {
  return agora_sig_addon::Init(env, exports);
}

NODE_API_MODULE(agora_sig_addon, InitAgoraSigAddon)
