#include "net/wakeup_pipe.h"

namespace agora_sig {
namespace net {

WakeupPipe::WakeupPipe() {
  if (!makeSocketPair(ends_, error_)) {
    ends_[0] = ends_[1] = kInvalidSocket;
  }
}

WakeupPipe::~WakeupPipe() {
  closeSocket(ends_[0]);
  closeSocket(ends_[1]);
}

void WakeupPipe::notify() {
  if (!valid()) return;
  char byte = 1;
  size_t sent = 0;
  std::string ignored;
  // A full pipe already guarantees a pending wakeup, so WouldBlock is fine.
  sendSome(ends_[1], &byte, 1, sent, ignored);
}

void WakeupPipe::drain() {
  if (!valid()) return;
  char buffer[256];
  size_t got = 0;
  std::string ignored;
  while (receiveSome(ends_[0], buffer, sizeof buffer, got, ignored) == IoStatus::Ok) {
  }
}

}  // namespace net
}  // namespace agora_sig
