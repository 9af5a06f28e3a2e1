// The examples' one wait: until a step of the example is done, a user reports a failure, or the
// example's deadline passes. `User` is any of the examples' ICallBack classes with a `failed` flag.
#ifndef AGORA_SIG_EXAMPLES_WAIT_UNTIL_H_
#define AGORA_SIG_EXAMPLES_WAIT_UNTIL_H_

#include <chrono>
#include <functional>
#include <thread>

// True when done() came first.
template <typename User>
bool waitUntil(const std::chrono::steady_clock::time_point& deadline,
               const std::function<bool()>& done, const User& a, const User& b) {
  while (std::chrono::steady_clock::now() < deadline) {
    if (a.failed || b.failed) return false;
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

#endif  // AGORA_SIG_EXAMPLES_WAIT_UNTIL_H_
