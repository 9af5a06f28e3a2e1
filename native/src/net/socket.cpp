#include "net/socket.h"

#include <string.h>

#include <vector>

#include "net/address.h"

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#  include <mutex>
#else
#  include <errno.h>
#  include <fcntl.h>
#  include <netdb.h>
#  include <netinet/in.h>
#  include <netinet/tcp.h>
#  include <sys/socket.h>
#  include <unistd.h>
#endif

namespace agora_sig {
namespace net {

namespace {

#if defined(_WIN32)
int lastError() { return WSAGetLastError(); }
bool wouldBlock(int e) { return e == WSAEWOULDBLOCK || e == WSAEINPROGRESS; }
std::string describe(int e) { return "socket error " + std::to_string(e); }
bool setNonBlocking(SocketHandle s) {
  u_long on = 1;
  return ioctlsocket(static_cast<SOCKET>(s), FIONBIO, &on) == 0;
}
#else
int lastError() { return errno; }
bool wouldBlock(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINPROGRESS; }
std::string describe(int e) { return strerror(e); }
bool setNonBlocking(SocketHandle s) {
  int flags = fcntl(s, F_GETFL, 0);
  if (flags < 0 || fcntl(s, F_SETFL, flags | O_NONBLOCK) != 0) return false;
  return fcntl(s, F_SETFD, FD_CLOEXEC) == 0;
}
#endif

void disableSigpipe(SocketHandle s) {
#if defined(SO_NOSIGPIPE)
  int on = 1;
  setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof on);
#else
  (void)s;
#endif
}

#if defined(MSG_NOSIGNAL)
constexpr int kSendFlags = MSG_NOSIGNAL;
#else
constexpr int kSendFlags = 0;
#endif

}  // namespace

bool initSockets() {
#if defined(_WIN32)
  static std::once_flag once;
  static bool ok = false;
  std::call_once(once, [] {
    WSADATA data;
    ok = WSAStartup(MAKEWORD(2, 2), &data) == 0;
  });
  return ok;
#else
  return true;
#endif
}

void closeSocket(SocketHandle socket) {
  if (socket == kInvalidSocket) return;
#if defined(_WIN32)
  closesocket(static_cast<SOCKET>(socket));
#else
  close(socket);
#endif
}

namespace {

// Binds socket s (of the given family) to the numeric address local, any port.
bool bindLocal(SocketHandle s, int family, const std::string& local, std::string& error) {
  addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(local.c_str(), "0", &hints, &found) != 0 || !found) {
    error = "the local address " + local + " does not suit this destination";
    return false;
  }
#if defined(IP_BIND_ADDRESS_NO_PORT)
  // Without it bind() takes a port for good before the destination is known, which limits a
  // source address to one ephemeral range in total.
  int on = 1;
  setsockopt(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, reinterpret_cast<const char*>(&on), sizeof on);
#endif
  bool ok = bind(s, found->ai_addr, static_cast<int>(found->ai_addrlen)) == 0;
  if (!ok) error = "cannot bind " + local + ": " + describe(lastError());
  freeaddrinfo(found);
  return ok;
}

}  // namespace

bool isNumericAddress(const std::string& text) {
  if (text.empty() || !initSockets()) return false;
  addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (getaddrinfo(text.c_str(), "0", &hints, &found) != 0 || !found) return false;
  freeaddrinfo(found);
  return true;
}

SocketHandle startConnect(const std::string& host, uint16_t port, const std::string& localAddress,
                          std::string& error) {
  std::vector<SocketAddress> found;
  if (!resolveHost(host, port, found, error)) return kInvalidSocket;
  for (const SocketAddress& address : found) {
    SocketHandle s = startConnectTo(address, localAddress, error);
    if (s != kInvalidSocket) return s;
  }
  return kInvalidSocket;
}

SocketHandle startConnectTo(const SocketAddress& address, const std::string& localAddress,
                            std::string& error) {
  if (!initSockets()) {
    error = "the socket library could not start";
    return kInvalidSocket;
  }
  int family = address.ipv6 ? AF_INET6 : AF_INET;
  SocketHandle s = static_cast<SocketHandle>(socket(family, SOCK_STREAM, IPPROTO_TCP));
  if (s == kInvalidSocket) {
    error = describe(lastError());
    return kInvalidSocket;
  }
  if (!setNonBlocking(s)) {
    error = "cannot make the socket non-blocking";
    closeSocket(s);
    return kInvalidSocket;
  }
  disableSigpipe(s);
  int on = 1;
  setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&on), sizeof on);
  if (!localAddress.empty() && !bindLocal(s, family, localAddress, error)) {
    closeSocket(s);
    return kInvalidSocket;
  }
  const sockaddr* sa = reinterpret_cast<const sockaddr*>(address.raw.data());
  if (connect(s, sa, static_cast<int>(address.raw.size())) == 0 || wouldBlock(lastError())) {
    error.clear();
    return s;
  }
  error = describe(lastError());
  closeSocket(s);
  return kInvalidSocket;
}

bool finishConnect(SocketHandle socket, std::string& error) {
  int value = 0;
#if defined(_WIN32)
  int len = sizeof value;
#else
  socklen_t len = sizeof value;
#endif
  if (getsockopt(socket, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&value), &len) != 0) {
    error = describe(lastError());
    return false;
  }
  if (value != 0) {
    error = describe(value);
    return false;
  }
  return true;
}

IoStatus sendSome(SocketHandle socket, const char* data, size_t size, size_t& transferred,
                  std::string& error) {
  transferred = 0;
#if defined(_WIN32)
  int n = send(static_cast<SOCKET>(socket), data, static_cast<int>(size), 0);
#else
  ssize_t n = send(socket, data, size, kSendFlags);
#endif
  if (n >= 0) {
    transferred = static_cast<size_t>(n);
    return IoStatus::Ok;
  }
  int e = lastError();
  if (wouldBlock(e)) return IoStatus::WouldBlock;
#if !defined(_WIN32)
  if (e == EINTR) return IoStatus::WouldBlock;
#endif
  error = describe(e);
  return IoStatus::Error;
}

IoStatus receiveSome(SocketHandle socket, char* buffer, size_t size, size_t& transferred,
                     std::string& error) {
  transferred = 0;
#if defined(_WIN32)
  int n = recv(static_cast<SOCKET>(socket), buffer, static_cast<int>(size), 0);
#else
  ssize_t n = recv(socket, buffer, size, 0);
#endif
  if (n > 0) {
    transferred = static_cast<size_t>(n);
    return IoStatus::Ok;
  }
  if (n == 0) return IoStatus::Closed;
  int e = lastError();
  if (wouldBlock(e)) return IoStatus::WouldBlock;
#if !defined(_WIN32)
  if (e == EINTR) return IoStatus::WouldBlock;
#endif
  error = describe(e);
  return IoStatus::Error;
}

int socketNumber(SocketHandle socket) { return static_cast<int>(socket); }

bool makeSocketPair(SocketHandle pair[2], std::string& error) {
  if (!initSockets()) {
    error = "the socket library could not start";
    return false;
  }
#if defined(_WIN32)
  // Winsock has no socketpair: connect two loopback TCP sockets through a throwaway listener.
  SOCKET listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  if (listener == INVALID_SOCKET) {
    error = describe(lastError());
    return false;
  }
  sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int len = sizeof addr;
  SOCKET a = INVALID_SOCKET, b = INVALID_SOCKET;
  bool ok = bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
            getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) == 0 &&
            listen(listener, 1) == 0;
  if (ok) {
    a = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    ok = a != INVALID_SOCKET && connect(a, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  if (ok) {
    b = accept(listener, nullptr, nullptr);
    ok = b != INVALID_SOCKET;
  }
  closesocket(listener);
  if (!ok || !setNonBlocking(a) || !setNonBlocking(b)) {
    error = describe(lastError());
    if (a != INVALID_SOCKET) closesocket(a);
    if (b != INVALID_SOCKET) closesocket(b);
    return false;
  }
  pair[0] = a;
  pair[1] = b;
  return true;
#else
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
    error = describe(lastError());
    return false;
  }
  for (int fd : fds) {
    if (!setNonBlocking(fd)) {
      error = "cannot make the wakeup pair non-blocking";
      close(fds[0]);
      close(fds[1]);
      return false;
    }
    disableSigpipe(fd);
  }
  pair[0] = fds[0];
  pair[1] = fds[1];
  return true;
#endif
}

}  // namespace net
}  // namespace agora_sig
