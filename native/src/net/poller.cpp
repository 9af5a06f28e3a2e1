#include "net/poller.h"

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#elif defined(__linux__) && !defined(AGORA_SIG_USE_POLL)
#  include <errno.h>
#  include <sys/epoll.h>
#  include <unistd.h>
#else
#  include <errno.h>
#  include <poll.h>
#endif

#include <algorithm>

namespace agora_sig {
namespace net {

#if defined(__linux__) && !defined(AGORA_SIG_USE_POLL)

namespace {

uint32_t interest(bool wantWrite) {
  return static_cast<uint32_t>(EPOLLIN) | (wantWrite ? static_cast<uint32_t>(EPOLLOUT) : 0u);
}

}  // namespace

Poller::Poller() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {}

Poller::~Poller() {
  if (epoll_ >= 0) close(epoll_);
}

bool Poller::valid() const { return epoll_ >= 0; }

void Poller::set(SocketHandle socket, bool wantWrite, uint64_t token) {
  auto it = registered_.find(socket);
  if (it != registered_.end() && it->second.wantWrite == wantWrite && it->second.token == token) {
    return;
  }
  epoll_event ev{};
  ev.events = interest(wantWrite);
  ev.data.fd = socket;
  if (it == registered_.end()) {
    epoll_ctl(epoll_, EPOLL_CTL_ADD, socket, &ev);
    registered_[socket] = Registration{wantWrite, token};
  } else {
    // ENOENT: the socket number was closed and reused without remove(); register it afresh.
    if (epoll_ctl(epoll_, EPOLL_CTL_MOD, socket, &ev) != 0 && errno == ENOENT) {
      epoll_ctl(epoll_, EPOLL_CTL_ADD, socket, &ev);
    }
    it->second = Registration{wantWrite, token};
  }
}

void Poller::remove(SocketHandle socket) {
  if (registered_.erase(socket)) epoll_ctl(epoll_, EPOLL_CTL_DEL, socket, nullptr);
}

bool Poller::wait(std::vector<PollEvent>& events, int timeoutMs) {
  events.clear();
  size_t capacity = std::max<size_t>(16, std::min<size_t>(registered_.size(), 4096));
  if (buffer_.size() < capacity * sizeof(epoll_event)) buffer_.resize(capacity * sizeof(epoll_event));
  auto* ready = reinterpret_cast<epoll_event*>(buffer_.data());
  int n = epoll_wait(epoll_, ready, static_cast<int>(capacity), timeoutMs);
  if (n < 0) return errno == EINTR;
  events.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    auto it = registered_.find(ready[i].data.fd);
    if (it == registered_.end()) continue;
    PollEvent e;
    e.socket = ready[i].data.fd;
    e.token = it->second.token;
    e.readable = (ready[i].events & EPOLLIN) != 0;
    e.writable = (ready[i].events & EPOLLOUT) != 0;
    e.failed = (ready[i].events & (EPOLLERR | EPOLLHUP)) != 0;
    events.push_back(e);
  }
  return true;
}

#else  // poll / WSAPoll: the portable fallback

Poller::Poller() = default;
Poller::~Poller() = default;

bool Poller::valid() const { return true; }

void Poller::set(SocketHandle socket, bool wantWrite, uint64_t token) {
  registered_[socket] = Registration{wantWrite, token};
}

void Poller::remove(SocketHandle socket) { registered_.erase(socket); }

bool Poller::wait(std::vector<PollEvent>& events, int timeoutMs) {
  events.clear();
#  if defined(_WIN32)
  std::vector<WSAPOLLFD> fds;
#  else
  std::vector<pollfd> fds;
#  endif
  std::vector<uint64_t> tokens;
  fds.reserve(registered_.size());
  tokens.reserve(registered_.size());
  for (auto& r : registered_) {
    fds.push_back({});
    fds.back().fd = r.first;
    fds.back().events = POLLIN | (r.second.wantWrite ? POLLOUT : 0);
    fds.back().revents = 0;
    tokens.push_back(r.second.token);
  }
#  if defined(_WIN32)
  int rc = WSAPoll(fds.data(), static_cast<ULONG>(fds.size()), timeoutMs);
  if (rc < 0) return false;
#  else
  int rc = poll(fds.data(), static_cast<nfds_t>(fds.size()), timeoutMs);
  if (rc < 0) return errno == EINTR;
#  endif
  for (size_t i = 0; i < fds.size(); ++i) {
    short r = fds[i].revents;
    if (!r) continue;
    PollEvent e;
    e.socket = static_cast<SocketHandle>(fds[i].fd);
    e.token = tokens[i];
    e.readable = (r & POLLIN) != 0;
    e.writable = (r & POLLOUT) != 0;
    e.failed = (r & (POLLERR | POLLHUP | POLLNVAL)) != 0;
    events.push_back(e);
  }
  return true;
}

#endif

}  // namespace net
}  // namespace agora_sig
