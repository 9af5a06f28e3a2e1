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

}  // namespace core
}  // namespace agora_sig
