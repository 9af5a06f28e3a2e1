// The scenarios against the floor relay, through raw sockets and this program's own epoll loop.
// The floor has no acknowledgements, so:
// - p2p-latency: a sender thread writes paced frames on a blocking socket, a receiver thread
//   reads them (the same two-thread shape as an application thread plus the SDK's network thread);
//   its maximum-rate run keeps 100 frames in flight counted by the receiver.
// - p2p-throughput: each receiver echoes an empty frame to its sender for every message, and a
//   sender keeps 100 messages in flight counted by those echoes.
// - fanout: the sender keeps 10 messages in flight, a message counting as done once every member
//   received it.
// - login-storm / idle: a "login" is connecting, sending the id, and getting back a frame sent to
//   oneself (proof that the relay registered the id).
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "floor_protocol.h"
#include "raise_fd_limit.h"
#include "scenarios.h"

namespace bench {

namespace {

using namespace floorproto;

constexpr int kWindow = 100;
constexpr int kFanoutWindow = 10;

// A blocking connection to the relay that has sent its id; localAddress may be empty.
int connectFloor(const LoadgenOptions& o, uint64_t id, const std::string& localAddress) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  int on = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
  if (!localAddress.empty()) {
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &on, sizeof on);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, localAddress.c_str(), &local.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      throw std::runtime_error("bind " + localAddress + ": " + strerror(errno));
    }
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(o.port));
  if (inet_pton(AF_INET, o.host == "localhost" ? "127.0.0.1" : o.host.c_str(), &addr.sin_addr) != 1) {
    throw std::runtime_error("the floor target needs an IPv4 address, got " + o.host);
  }
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("connect to the floor relay: " + std::string(strerror(errno)));
  }
  char hello[kLengthBytes + kIdBytes];
  putU32(hello, kIdBytes);
  putU64(hello + kLengthBytes, id);
  if (send(fd, hello, sizeof hello, MSG_NOSIGNAL) != static_cast<ssize_t>(sizeof hello)) {
    throw std::runtime_error("cannot send the id to the floor relay");
  }
  return fd;
}

void writeAll(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw std::runtime_error(std::string("send: ") + strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
}

// Many non-blocking connections in one epoll loop; output is flushed once per round.
class FloorLoop {
 public:
  // Called with the connection's index, the sender id (the body's first 8 bytes) and the payload.
  using FrameHandler = std::function<void(size_t, uint64_t, const char*, size_t)>;

  FloorLoop() : epoll_(epoll_create1(EPOLL_CLOEXEC)) {}
  ~FloorLoop() {
    for (auto& c : conns_) ::close(c.fd);
    ::close(epoll_);
  }

  size_t add(int fd) {
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    conns_.push_back(Conn{fd, {}, 0, {}, false});
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = conns_.size() - 1;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &ev);
    return conns_.size() - 1;
  }

  void send(size_t conn, uint64_t head, const char* rest, size_t size) {
    Conn& c = conns_[conn];
    appendFrame(c.out, head, rest, size);
    if (!c.dirty) {
      c.dirty = true;
      dirty_.push_back(conn);
    }
  }

  void flush() {
    for (size_t i : dirty_) {
      Conn& c = conns_[i];
      c.dirty = false;
      // Blocking in effect: the relay drains it, and nothing here is latency-sensitive.
      size_t off = 0;
      while (off < c.out.size()) {
        ssize_t n = ::send(c.fd, c.out.data() + off, c.out.size() - off, MSG_NOSIGNAL);
        if (n > 0) {
          off += static_cast<size_t>(n);
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
          pollOnce(0, true);  // take in what is waiting so the relay can write to us
        } else {
          throw std::runtime_error("lost the floor relay");
        }
      }
      c.out.clear();
    }
    dirty_.clear();
  }

  // One epoll round: reads what is ready and hands complete frames to the handler.
  void pollOnce(int timeoutMs, bool nested = false) {
    epoll_event events[256];
    int n = epoll_wait(epoll_, events, 256, timeoutMs);
    for (int i = 0; i < n; ++i) readFrom(static_cast<size_t>(events[i].data.u64));
    if (!nested) flush();
  }

  FrameHandler onFrame;

 private:
  struct Conn {
    int fd;
    std::string in;
    size_t inOffset;
    std::string out;
    bool dirty;
  };

  void readFrom(size_t index) {
    char buffer[65536];
    for (;;) {
      ssize_t got = recv(conns_[index].fd, buffer, sizeof buffer, 0);
      if (got == 0) throw std::runtime_error("the floor relay closed a connection");
      if (got < 0) {
        if (errno == EAGAIN || errno == EINTR) return;
        throw std::runtime_error(std::string("recv: ") + strerror(errno));
      }
      Conn& c = conns_[index];
      c.in.append(buffer, static_cast<size_t>(got));
      while (c.in.size() - c.inOffset >= kLengthBytes) {
        const char* start = c.in.data() + c.inOffset;
        uint32_t length = getU32(start);
        if (c.in.size() - c.inOffset < kLengthBytes + length) break;
        if (length >= kIdBytes) onFrame(index, getU64(start + kLengthBytes), start + kLengthBytes + kIdBytes, length - kIdBytes);
        c.inOffset += kLengthBytes + length;
      }
      if (c.inOffset == c.in.size()) {
        c.in.clear();
        c.inOffset = 0;
      } else if (c.inOffset > 65536) {
        c.in.erase(0, c.inOffset);
        c.inOffset = 0;
      }
      if (static_cast<size_t>(got) < sizeof buffer) return;
    }
  }

  int epoll_;
  std::vector<Conn> conns_;
  std::vector<size_t> dirty_;
};

// Ids unique to this run, so that two runs against one relay never collide.
uint64_t idBase() { return static_cast<uint64_t>(getpid()) << 32; }

void runUntil(FloorLoop& loop, const std::function<bool()>& done, double stallSeconds,
              const std::function<size_t()>& progress) {
  size_t last = progress();
  auto lastChange = Clock::now();
  while (!done()) {
    loop.pollOnce(10);
    size_t now = progress();
    if (now != last) {
      last = now;
      lastChange = Clock::now();
    } else if (secondsSince(lastChange) > stallSeconds) {
      return;
    }
  }
}

// ---- p2p-latency ----

Metrics p2pLatency(const LoadgenOptions& o) {
  size_t messages = static_cast<size_t>(o.param("messages"));
  size_t size = static_cast<size_t>(o.param("size"));
  double rate = static_cast<double>(o.param("rate"));
  uint64_t senderId = idBase() + 1, receiverId = idBase() + 2;
  int receiverFd = connectFloor(o, receiverId, "");
  int senderFd = connectFloor(o, senderId, "");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the relay register both ids
  std::vector<int64_t> samples;
  samples.reserve(messages);
  std::atomic<size_t> received{0};
  std::atomic<bool> recording{false};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    std::string in;
    char buffer[65536];
    while (!stop.load()) {
      ssize_t got = recv(receiverFd, buffer, sizeof buffer, 0);
      if (got <= 0) return;
      in.append(buffer, static_cast<size_t>(got));
      size_t off = 0;
      while (in.size() - off >= kLengthBytes) {
        uint32_t length = getU32(in.data() + off);
        if (in.size() - off < kLengthBytes + length) break;
        const char* payload = in.data() + off + kLengthBytes + kIdBytes;
        int64_t us = latencyUs(payload, length - kIdBytes);
        if (recording.load() && us >= 0) samples.push_back(us);
        received.fetch_add(1);
        off += kLengthBytes + length;
      }
      in.erase(0, off);
    }
  });
  auto sendOne = [&] {
    std::string frame;
    std::string payload = stampedPayload(size);
    appendFrame(frame, receiverId, payload.data(), payload.size());
    writeAll(senderFd, frame);
  };
  Metrics m;
  if (rate <= 0) {
    size_t probe = std::min<size_t>(messages, 20000);
    auto start = Clock::now();
    for (size_t k = 0; k < probe; ++k) {
      while (k - received.load() >= static_cast<size_t>(kWindow)) std::this_thread::yield();
      sendOne();
    }
    while (received.load() < probe && secondsSince(start) < 30) std::this_thread::yield();
    double maxRate = static_cast<double>(probe) / secondsSince(start);
    rate = maxRate / 2;
    m.set("max_rate", maxRate);
    fprintf(stderr, "  maximum %.0f msgs/s; measuring at %.0f\n", maxRate, rate);
    received = 0;
  }
  recording = true;
  auto start = Clock::now();
  auto interval = std::chrono::duration<double>(1.0 / rate);
  for (size_t k = 0; k < messages; ++k) {
    std::this_thread::sleep_until(start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(k)));
    sendOne();
  }
  auto waitStart = Clock::now();
  while (received.load() < messages && secondsSince(waitStart) < 10) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  double seconds = secondsSince(start);
  stop = true;
  shutdown(receiverFd, SHUT_RDWR);
  reader.join();
  ::close(receiverFd);
  ::close(senderFd);
  m.setObject("latency_us", latencySummary(samples, true));
  m.set("rate", rate);
  m.set("messages", static_cast<double>(received.load()));
  m.set("seconds", seconds);
  if (received.load() < messages) m.set("lost", static_cast<double>(messages - received.load()));
  return m;
}

// ---- p2p-throughput ----

Metrics p2pThroughput(const LoadgenOptions& o) {
  size_t pairs = static_cast<size_t>(o.param("pairs"));
  size_t perPair = static_cast<size_t>(o.param("messages-per-pair"));
  std::string payload(static_cast<size_t>(o.param("size")), 'x');
  FloorLoop loop;
  // Connection i has id base + i; senders are 0..pairs-1, receiver of sender p is pairs + p.
  uint64_t base = idBase();
  for (size_t i = 0; i < 2 * pairs; ++i) loop.add(connectFloor(o, base + i, ""));
  std::vector<size_t> issued(pairs, 0);
  size_t delivered = 0;
  loop.onFrame = [&](size_t conn, uint64_t from, const char*, size_t) {
    if (conn >= pairs) {
      ++delivered;
      loop.send(conn, from, nullptr, 0);  // the echo
    } else if (issued[conn] < perPair) {
      ++issued[conn];
      loop.send(conn, base + pairs + conn, payload.data(), payload.size());
    }
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // ids registered
  MeasuredInterval measured;
  measured.begin();
  auto start = Clock::now();
  for (size_t p = 0; p < pairs; ++p) {
    for (int k = 0; k < kWindow && issued[p] < perPair; ++k) {
      ++issued[p];
      loop.send(p, base + pairs + p, payload.data(), payload.size());
    }
  }
  loop.flush();
  size_t total = pairs * perPair;
  runUntil(loop, [&] { return delivered >= total; }, 10, [&] { return delivered; });
  double seconds = secondsSince(start);
  Metrics m;
  measured.end(m);
  m.set("delivered_per_s", static_cast<double>(delivered) / seconds);
  m.set("delivered", static_cast<double>(delivered));
  m.set("seconds", seconds);
  if (delivered < total) m.set("lost", static_cast<double>(total - delivered));
  return m;
}

// ---- fanout ----

Metrics fanout(const LoadgenOptions& o) {
  size_t members = static_cast<size_t>(o.param("members"));
  size_t messages = static_cast<size_t>(o.param("messages"));
  size_t size = static_cast<size_t>(o.param("size"));
  requireDescriptors(members + 1);
  FloorLoop loop;
  uint64_t base = idBase();
  uint64_t group = base;
  char groupBytes[kIdBytes];
  putU64(groupBytes, group);
  // Connection 0 sends; members 1..members join, then tell the sender (in order after the join).
  size_t joinedCount = 0;
  size_t deliveries = 0;
  std::vector<size_t> perMessage(messages, 0);
  size_t fullyDelivered = 0;
  std::vector<int64_t> samples;
  samples.reserve(members * messages);
  loop.onFrame = [&](size_t conn, uint64_t, const char* payload, size_t length) {
    if (conn == 0) {
      ++joinedCount;
      return;
    }
    // payload: group id, then the stamped message whose bytes 20..27 carry its index
    if (length < kIdBytes + 28) return;
    const char* msg = payload + kIdBytes;
    int64_t us = latencyUs(msg, length - kIdBytes);
    if (us >= 0) samples.push_back(us);
    ++deliveries;
    size_t index = static_cast<size_t>(getU64(msg + 20));
    if (index < messages && ++perMessage[index] == members) ++fullyDelivered;
  };
  loop.add(connectFloor(o, base, ""));
  auto joinStart = Clock::now();
  for (size_t i = 1; i <= members; ++i) {
    loop.add(connectFloor(o, base + i, members > 20000 ? spreadSourceAddress(i) : ""));
    loop.send(i, kJoinGroup, groupBytes, sizeof groupBytes);
    loop.send(i, base, nullptr, 0);
    if (i % 1000 == 0) loop.pollOnce(0);
  }
  loop.flush();
  runUntil(loop, [&] { return joinedCount >= members; }, 10, [&] { return joinedCount; });
  if (joinedCount < members) throw std::runtime_error("members did not all join the group");
  double joinSeconds = secondsSince(joinStart);
  MeasuredInterval measured;
  measured.begin();
  auto start = Clock::now();
  size_t issued = 0;
  auto lastChange = Clock::now();
  size_t lastDeliveries = 0;
  while (deliveries < members * messages) {
    while (issued < messages && issued - fullyDelivered < static_cast<size_t>(kFanoutWindow)) {
      std::string body(groupBytes, sizeof groupBytes);
      std::string msg = stampedPayload(size);
      putU64(&msg[20], issued);
      body += msg;
      loop.send(0, kFanOut, body.data(), body.size());
      ++issued;
    }
    loop.pollOnce(10);
    if (deliveries != lastDeliveries) {
      lastDeliveries = deliveries;
      lastChange = Clock::now();
    } else if (secondsSince(lastChange) > 10) {
      break;
    }
  }
  double seconds = secondsSince(start);
  Metrics m;
  measured.end(m);
  m.set("deliveries_per_s", static_cast<double>(deliveries) / seconds);
  m.set("deliveries", static_cast<double>(deliveries));
  m.setObject("latency_us", latencySummary(samples, false));
  m.set("seconds", seconds);
  m.set("join_seconds", joinSeconds);
  if (deliveries < members * messages) m.set("lost", static_cast<double>(members * messages - deliveries));
  return m;
}

// ---- login-storm and idle ----

// Connects count sessions and waits until each got back a frame sent to itself; returns seconds.
// `measured`, when given, covers the connects.
double connectAll(const LoadgenOptions& o, FloorLoop& loop, size_t count, bool spread,
                  MeasuredInterval* measured = nullptr) {
  requireDescriptors(count);
  uint64_t base = idBase();
  size_t registered = 0;
  loop.onFrame = [&](size_t, uint64_t, const char*, size_t) { ++registered; };
  if (measured) measured->begin();
  auto start = Clock::now();
  for (size_t i = 0; i < count; ++i) {
    size_t conn = loop.add(connectFloor(o, base + i, spread ? spreadSourceAddress(i) : ""));
    loop.send(conn, base + i, nullptr, 0);
    if (i % 500 == 0) loop.pollOnce(0);
  }
  loop.flush();
  runUntil(loop, [&] { return registered >= count; }, 10, [&] { return registered; });
  if (registered < count) throw std::runtime_error("only " + std::to_string(registered) + " sessions registered");
  return secondsSince(start);
}

Metrics loginStorm(const LoadgenOptions& o) {
  size_t accounts = static_cast<size_t>(o.param("accounts"));
  FloorLoop loop;
  MeasuredInterval measured;
  double seconds = connectAll(o, loop, accounts, true, &measured);
  Metrics m;
  measured.end(m);
  m.set("logins_per_s", static_cast<double>(accounts) / seconds);
  m.set("seconds", seconds);
  return m;
}

Metrics idle(const LoadgenOptions& o) {
  size_t sessions = static_cast<size_t>(o.param("sessions"));
  FloorLoop loop;
  double seconds = connectAll(o, loop, sessions, true);
  fprintf(stderr, "ready %zu sessions\n", sessions);
  std::this_thread::sleep_for(std::chrono::seconds(o.holdSeconds));
  Metrics m;
  m.set("sessions", static_cast<double>(sessions));
  m.set("seconds_to_connect", seconds);
  return m;
}

}  // namespace

Metrics runFloorScenario(const LoadgenOptions& o) {
  if (o.scenario == "p2p-latency") return p2pLatency(o);
  if (o.scenario == "p2p-throughput") return p2pThroughput(o);
  if (o.scenario == "fanout") return fanout(o);
  if (o.scenario == "login-storm") return loginStorm(o);
  return idle(o);
}

}  // namespace bench
