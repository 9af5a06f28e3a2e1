#include "net/poller.h"

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#else
#  include <errno.h>
#  include <poll.h>
#endif

namespace agora_sig {
namespace net {

bool pollSockets(std::vector<PollEntry>& entries, int timeoutMs) {
#if defined(_WIN32)
  std::vector<WSAPOLLFD> fds(entries.size());
#else
  std::vector<pollfd> fds(entries.size());
#endif
  for (size_t i = 0; i < entries.size(); ++i) {
    fds[i].fd = entries[i].socket;
    fds[i].events = POLLIN | (entries[i].wantWrite ? POLLOUT : 0);
    fds[i].revents = 0;
  }
#if defined(_WIN32)
  int rc = WSAPoll(fds.data(), static_cast<ULONG>(fds.size()), timeoutMs);
  if (rc < 0) return false;
#else
  int rc = poll(fds.data(), static_cast<nfds_t>(fds.size()), timeoutMs);
  if (rc < 0) return errno == EINTR;
#endif
  for (size_t i = 0; i < entries.size(); ++i) {
    short r = fds[i].revents;
    entries[i].readable = (r & POLLIN) != 0;
    entries[i].writable = (r & POLLOUT) != 0;
    entries[i].failed = (r & (POLLERR | POLLHUP | POLLNVAL)) != 0;
  }
  return true;
}

}  // namespace net
}  // namespace agora_sig
