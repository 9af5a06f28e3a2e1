// Module initialisation: one AddonData per JavaScript environment (main thread or worker) and
// an environment cleanup hook that destroys every instance still alive when the environment is
// torn down, so no network thread outlives the JavaScript that owned it.
#include <napi.h>

#include <vector>

#include "addon_data.h"
#include "sdk_instance.h"

namespace agora_sig_addon {
namespace {

void DestroyLiveInstances(AddonData* data) {
  // Destroying removes an instance from the set, so work on a copy.
  std::vector<SdkInstance*> live(data->liveInstances.begin(), data->liveInstances.end());
  for (SdkInstance* instance : live) instance->DestroyNative();
  data->liveInstances.clear();
  data->tornDown = true;
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
  return exports;
}

}  // namespace agora_sig_addon

static Napi::Object InitAgoraSigAddon(Napi::Env env, Napi::Object exports) {
  return agora_sig_addon::Init(env, exports);
}

NODE_API_MODULE(agora_sig_addon, InitAgoraSigAddon)
