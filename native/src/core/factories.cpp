// The exported factories. Only these four symbols leave the shared library.
#include <mutex>

#include "agora_sig.h"
#include "core/instance.h"

namespace {

using agora_sig::core::Flavour;
using agora_sig::core::Instance;

// Leaked so that no static destructor races an instance still in use at exit.
std::mutex& singletonMutex() {
  static std::mutex* m = new std::mutex;
  return *m;
}

Instance* windowsSingleton = nullptr;
Instance* cppSingleton = nullptr;

// destroy() on a singleton resets it: the next get...() call makes a new one.
void forgetSingleton(Instance* instance) {
  std::lock_guard<std::mutex> lock(singletonMutex());
  if (windowsSingleton == instance) windowsSingleton = nullptr;
  if (cppSingleton == instance) cppSingleton = nullptr;
}

std::string text(const char* p, size_t n) { return p && n ? std::string(p, n) : std::string(); }

}  // namespace

namespace agora_sdk_win {

extern "C" AGORA_SIG_API IAgoraAPI* getAgoraSDKInstanceWin(char const* vendorID,
                                                           size_t vendorID_size) {
  std::lock_guard<std::mutex> lock(singletonMutex());
  if (!windowsSingleton) {
    windowsSingleton = new Instance(Flavour::Windows, text(vendorID, vendorID_size), &forgetSingleton);
  }
  return windowsSingleton;
}

extern "C" AGORA_SIG_API IAgoraAPI* createAgoraSDKInstanceWin(char const* vendorID,
                                                              size_t vendorID_size) {
  return new Instance(Flavour::Windows, text(vendorID, vendorID_size));
}

}  // namespace agora_sdk_win

namespace agora_sdk_cpp {

extern "C" AGORA_SIG_API agora_sdk_win::IAgoraAPI* getAgoraSDKInstanceCPP() {
  std::lock_guard<std::mutex> lock(singletonMutex());
  if (!cppSingleton) cppSingleton = new Instance(Flavour::Cpp, std::string(), &forgetSingleton);
  return cppSingleton;
}

extern "C" AGORA_SIG_API agora_sdk_win::IAgoraAPI* createAgoraSDKInstanceCPP() {
  return new Instance(Flavour::Cpp, std::string());
}

}  // namespace agora_sdk_cpp
