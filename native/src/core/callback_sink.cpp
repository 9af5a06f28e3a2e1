#include "core/callback_sink.h"

namespace agora_sig {
namespace core {

void CallbackSink::log(const std::string& line) {
  std::string text = "agora_sig: " + line;
  fire([&](agora_sdk_win::ICallBack& cb) { cb.onLog(text.c_str(), text.size()); });
}

void CallbackSink::error(const std::string& name, int code, const std::string& text) {
  fire([&](agora_sdk_win::ICallBack& cb) {
    cb.onError(name.c_str(), name.size(), code, text.c_str(), text.size());
  });
}

void CallbackSink::reportThrow(agora_sdk_win::ICallBack& handler, const char* what) {
  callbackThrows_.fetch_add(1);
  // A report that throws in turn (onError itself throwing) is not reported again.
  static thread_local bool reporting = false;
  if (reporting) return;
  reporting = true;
  std::string name = "callback";
  std::string text = std::string("a callback threw: ") + what;
  try {
    handler.onError(name.c_str(), name.size(), agora_sdk_win::GENERAL_E_UNKNOWN, text.c_str(),
                    text.size());
  } catch (...) {
  }
  reporting = false;
}

}  // namespace core
}  // namespace agora_sig
