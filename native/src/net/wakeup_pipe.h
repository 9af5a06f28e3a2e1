// Wakes a thread blocked in Poller::wait from any other thread: a connected socket pair whose read
// end is polled and whose write end receives one byte per notification.
#ifndef AGORA_SIG_NET_WAKEUP_PIPE_H_
#define AGORA_SIG_NET_WAKEUP_PIPE_H_

#include <string>

#include "net/socket.h"

namespace agora_sig {
namespace net {

class WakeupPipe {
 public:
  WakeupPipe();
  ~WakeupPipe();
  WakeupPipe(const WakeupPipe&) = delete;
  WakeupPipe& operator=(const WakeupPipe&) = delete;

  bool valid() const { return ends_[0] != kInvalidSocket; }
  const std::string& error() const { return error_; }
  SocketHandle readEnd() const { return ends_[0]; }
  void notify();
  void drain();

 private:
  SocketHandle ends_[2] = {kInvalidSocket, kInvalidSocket};
  std::string error_;
};

}  // namespace net
}  // namespace agora_sig

#endif  // AGORA_SIG_NET_WAKEUP_PIPE_H_
