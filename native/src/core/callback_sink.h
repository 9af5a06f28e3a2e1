// The application's ICallBack as seen from the loop thread: every callback of an instance goes
// through here, so that destroy() can silence the instance in one place and an exception thrown
// by application code never unwinds into the loop.
#ifndef AGORA_SIG_CORE_CALLBACK_SINK_H_
#define AGORA_SIG_CORE_CALLBACK_SINK_H_

#include <atomic>
#include <string>

#include "agora_sig.h"

namespace agora_sig {
namespace core {

class CallbackSink {
 public:
  void setHandler(agora_sdk_win::ICallBack* handler) { handler_.store(handler); }
  agora_sdk_win::ICallBack* handler() const { return handler_.load(); }
  // After this no callback runs (used by destroy()).
  void silence() { silenced_.store(true); }
  bool silenced() const { return silenced_.load(); }

  // Calls f(ICallBack&) unless silenced or no handler is set.
  template <typename F>
  void fire(F&& f) {
    if (silenced_.load()) return;
    agora_sdk_win::ICallBack* h = handler_.load();
    if (!h) return;
    try {
      f(*h);
    } catch (const std::exception& e) {
      // Application code threw; the loop must keep serving the other instances, and the
      // application should hear of it.
      reportThrow(*h, e.what());
    } catch (...) {
      reportThrow(*h, "a non-standard exception");
    }
  }

  void log(const std::string& line);
  void error(const std::string& name, int code, const std::string& text);

  // Callbacks that threw so far.
  uint64_t callbackThrows() const { return callbackThrows_.load(); }

 private:
  // onError("callback", 1002, "a callback threw: ..."); once, not again for a report that throws.
  void reportThrow(agora_sdk_win::ICallBack& handler, const char* what);

  std::atomic<uint64_t> callbackThrows_{0};
  std::atomic<agora_sdk_win::ICallBack*> handler_{nullptr};
  std::atomic<bool> silenced_{false};
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_CALLBACK_SINK_H_
