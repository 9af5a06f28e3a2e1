// Waits on a set of sockets that changes little between waits: epoll on Linux (the cost of a wait
// grows with the sockets that are ready, not with the sockets watched), poll / WSAPoll elsewhere
// (the set is handed to the system at every wait; AGORA_SIG_USE_POLL selects it on Linux too).
#ifndef AGORA_SIG_NET_POLLER_H_
#define AGORA_SIG_NET_POLLER_H_

#include <stdint.h>

#include <unordered_map>
#include <vector>

#include "net/socket.h"

namespace agora_sig {
namespace net {

struct PollEvent {
  SocketHandle socket = kInvalidSocket;
  uint64_t token = 0;  // what the socket was registered with
  bool readable = false;
  bool writable = false;
  bool failed = false;  // error or hang-up: a read will tell which
};

class Poller {
 public:
  Poller();
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  bool valid() const;
  // Reading (and errors) are always watched; writing when wantWrite. set() registers the socket
  // or changes its registration; remove() must come before the socket is closed.
  void set(SocketHandle socket, bool wantWrite, uint64_t token);
  void remove(SocketHandle socket);

  // Waits up to timeoutMs (-1: without limit) and replaces events with the sockets that are
  // ready. Returns false only when the wait itself failed (not when a signal interrupted it).
  bool wait(std::vector<PollEvent>& events, int timeoutMs);

 private:
  struct Registration {
    bool wantWrite;
    uint64_t token;
  };
  std::unordered_map<SocketHandle, Registration> registered_;
#if defined(__linux__) && !defined(AGORA_SIG_USE_POLL)
  int epoll_ = -1;
  std::vector<char> buffer_;  // epoll_event array, sized to the registered sockets
#endif
};

}  // namespace net
}  // namespace agora_sig

#endif  // AGORA_SIG_NET_POLLER_H_
