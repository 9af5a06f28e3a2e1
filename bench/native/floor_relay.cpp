// agora_sig_floor_relay: the floor of the benchmark. One thread, epoll, plain TCP, length-prefixed
// frames (floor_protocol.h), no logic beyond forwarding. What it reaches is what this machine can
// do at all for a relay that forwards every message through one process.
//
//   agora_sig_floor_relay [--host 127.0.0.1] [--port 19730]
// Prints "listening <port>" on stdout when it accepts connections.
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "floor_protocol.h"
#include "raise_fd_limit.h"

namespace {

struct Connection {
  int fd = -1;
  uint64_t id = 0;
  bool identified = false;
  bool closed = false;
  bool dirty = false;        // has output queued this round
  bool wantsWrite = false;   // EPOLLOUT armed
  std::string in;
  size_t inOffset = 0;
  std::string out;
  size_t outOffset = 0;
  std::vector<uint64_t> groups;
};

class Relay {
 public:
  explicit Relay(int listener) : listener_(listener) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the listener
    epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_, &ev);
  }

  void run() {
    std::vector<epoll_event> events(1024);
    for (;;) {
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), -1);
      if (n < 0) {
        if (errno == EINTR) continue;
        perror("epoll_wait");
        return;
      }
      for (int i = 0; i < n; ++i) {
        auto* c = static_cast<Connection*>(events[i].data.ptr);
        if (!c) {
          acceptAll();
          continue;
        }
        if (c->closed) continue;
        if (events[i].events & EPOLLOUT) flush(c);
        if (!c->closed && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) readFrom(c);
      }
      // Output of the whole round goes out in one write per connection.
      for (Connection* c : dirty_) {
        c->dirty = false;
        if (!c->closed) flush(c);
      }
      dirty_.clear();
      for (Connection* c : dead_) delete c;
      dead_.clear();
      if (n == static_cast<int>(events.size())) events.resize(events.size() * 2);
    }
  }

 private:
  void acceptAll() {
    for (;;) {
      int fd = accept4(listener_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EMFILE || errno == ENFILE) fprintf(stderr, "accept: %s\n", strerror(errno));
        return;
      }
      int on = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
      auto* c = new Connection;
      c->fd = fd;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.ptr = c;
      epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    }
  }

  void readFrom(Connection* c) {
    char buffer[65536];
    for (int round = 0; round < 4; ++round) {
      ssize_t got = recv(c->fd, buffer, sizeof buffer, 0);
      if (got == 0) return close(c);
      if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        return close(c);
      }
      c->in.append(buffer, static_cast<size_t>(got));
      if (!parse(c)) return close(c);
      if (static_cast<size_t>(got) < sizeof buffer) break;
    }
  }

  // Handles every complete frame; false on a protocol error.
  bool parse(Connection* c) {
    using namespace floorproto;
    for (;;) {
      size_t available = c->in.size() - c->inOffset;
      if (available < kLengthBytes) break;
      const char* start = c->in.data() + c->inOffset;
      uint32_t length = getU32(start);
      if (length < kIdBytes || length > kMaxBody) return false;
      if (available < kLengthBytes + length) break;
      const char* body = start + kLengthBytes;
      if (!handle(c, body, length)) return false;
      if (c->closed) return true;
      c->inOffset += kLengthBytes + length;
    }
    if (c->inOffset == c->in.size()) {
      c->in.clear();
      c->inOffset = 0;
    } else if (c->inOffset > 65536) {
      c->in.erase(0, c->inOffset);
      c->inOffset = 0;
    }
    return true;
  }

  bool handle(Connection* c, const char* body, uint32_t length) {
    using namespace floorproto;
    uint64_t head = getU64(body);
    if (!c->identified) {
      if (head == kFanOut || head == kJoinGroup) return false;
      auto previous = byId_.find(head);
      if (previous != byId_.end()) close(previous->second);
      c->id = head;
      c->identified = true;
      byId_[head] = c;
      return true;
    }
    if (head == kJoinGroup) {
      if (length < 2 * kIdBytes) return false;
      uint64_t group = getU64(body + kIdBytes);
      groups_[group].push_back(c);
      c->groups.push_back(group);
      return true;
    }
    if (head == kFanOut) {
      if (length < 2 * kIdBytes) return false;
      auto g = groups_.find(getU64(body + kIdBytes));
      if (g == groups_.end()) return true;
      // The frame is built once and copied into each member's output.
      std::string frame;
      appendFrame(frame, c->id, body + kIdBytes, length - kIdBytes);
      for (Connection* member : g->second) {
        if (member != c) queue(member, frame.data(), frame.size());
      }
      return true;
    }
    auto target = byId_.find(head);
    if (target == byId_.end()) return true;
    char prefix[kLengthBytes + kIdBytes];
    putU32(prefix, length);
    putU64(prefix + kLengthBytes, c->id);
    Connection* t = target->second;
    t->out.append(prefix, sizeof prefix);
    queue(t, body + kIdBytes, length - kIdBytes);
    return true;
  }

  void queue(Connection* c, const char* data, size_t size) {
    c->out.append(data, size);
    if (!c->dirty) {
      c->dirty = true;
      dirty_.push_back(c);
    }
  }

  void flush(Connection* c) {
    while (c->outOffset < c->out.size()) {
      ssize_t sent = send(c->fd, c->out.data() + c->outOffset, c->out.size() - c->outOffset,
                          MSG_NOSIGNAL);
      if (sent < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        return close(c);
      }
      c->outOffset += static_cast<size_t>(sent);
    }
    if (c->outOffset == c->out.size()) {
      c->out.clear();
      c->outOffset = 0;
    }
    bool want = !c->out.empty();
    if (want != c->wantsWrite) {
      c->wantsWrite = want;
      epoll_event ev{};
      ev.events = EPOLLIN | (want ? static_cast<uint32_t>(EPOLLOUT) : 0u);
      ev.data.ptr = c;
      epoll_ctl(epoll_, EPOLL_CTL_MOD, c->fd, &ev);
    }
  }

  void close(Connection* c) {
    if (c->closed) return;
    c->closed = true;
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c->fd, nullptr);
    ::close(c->fd);
    if (c->identified) {
      auto it = byId_.find(c->id);
      if (it != byId_.end() && it->second == c) byId_.erase(it);
    }
    for (uint64_t group : c->groups) {
      auto g = groups_.find(group);
      if (g == groups_.end()) continue;
      auto& members = g->second;
      members.erase(std::remove(members.begin(), members.end(), c), members.end());
      if (members.empty()) groups_.erase(g);
    }
    // Freed after the round: later events of this round may still point at it.
    dead_.push_back(c);
  }

  int listener_;
  int epoll_;
  std::unordered_map<uint64_t, Connection*> byId_;
  std::unordered_map<uint64_t, std::vector<Connection*>> groups_;
  std::vector<Connection*> dirty_;
  std::vector<Connection*> dead_;
};

[[noreturn]] void usage(const char* why) {
  fprintf(stderr, "agora_sig_floor_relay: %s\nusage: agora_sig_floor_relay [--host 127.0.0.1] [--port N]\n", why);
  exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  long port = 19730;
  for (int i = 1; i < argc; i += 2) {
    std::string flag = argv[i];
    if (i + 1 >= argc) usage((flag + " needs a value").c_str());
    std::string value = argv[i + 1];
    if (flag == "--host") {
      host = value;
    } else if (flag == "--port") {
      char* end = nullptr;
      port = strtol(value.c_str(), &end, 10);
      if (*end || port < 0 || port > 65535) usage("--port must be 0-65535");
    } else {
      usage(("unknown option " + flag).c_str());
    }
  }
  signal(SIGPIPE, SIG_IGN);
  raiseFdLimit();
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) usage("--host must be an IPv4 address");
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int on = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 65535) != 0) {
    fprintf(stderr, "agora_sig_floor_relay: cannot listen on %s:%ld: %s\n", host.c_str(), port, strerror(errno));
    return 1;
  }
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  printf("listening %u\n", ntohs(addr.sin_port));
  fflush(stdout);
  Relay relay(listener);
  relay.run();
  return 1;
}
