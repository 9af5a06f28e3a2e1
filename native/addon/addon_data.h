// Everything the addon keeps per JavaScript environment (main thread or worker): no statics, so
// each worker_threads environment has its own constructor and its own set of live instances.
#ifndef AGORA_SIG_ADDON_ADDON_DATA_H_
#define AGORA_SIG_ADDON_ADDON_DATA_H_

#include <napi.h>

#include <unordered_set>

namespace agora_sig_addon {

class SdkInstance;

struct AddonData {
  Napi::FunctionReference sdkInstanceConstructor;
  // Instances whose core object is still alive; the environment's cleanup hook destroys them.
  std::unordered_set<SdkInstance*> liveInstances;
  // Set once the cleanup hook ran: nothing may register any more.
  bool tornDown = false;
};

}  // namespace agora_sig_addon

#endif  // AGORA_SIG_ADDON_ADDON_DATA_H_
