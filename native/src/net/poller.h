// One blocking wait over a set of sockets (poll on POSIX, WSAPoll on Windows).
#ifndef AGORA_SIG_NET_POLLER_H_
#define AGORA_SIG_NET_POLLER_H_

#include <vector>

#include "net/socket.h"

namespace agora_sig {
namespace net {

struct PollEntry {
  SocketHandle socket = kInvalidSocket;
  bool wantWrite = false;  // reading (and errors) are always watched
  bool readable = false;
  bool writable = false;
  bool failed = false;  // error or hang-up: a read will tell which
};

// Waits up to timeoutMs (-1: without limit) and fills the result flags. Returns false only when
// the wait itself failed (not when it was interrupted by a signal).
bool pollSockets(std::vector<PollEntry>& entries, int timeoutMs);

}  // namespace net
}  // namespace agora_sig

#endif  // AGORA_SIG_NET_POLLER_H_
