// The few socket calls of the tests' own servers (and the one environment call), on POSIX and on
// Windows. Sockets are kept as
// int (-1: none) as on POSIX; Winsock handles are small numbers in practice, and the core reports
// them as int too (socketNumber).
#ifndef AGORA_SIG_TEST_TEST_SOCKETS_H_
#define AGORA_SIG_TEST_TEST_SOCKETS_H_

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#else
#  include <arpa/inet.h>
#  include <netinet/in.h>
#  include <poll.h>
#  include <sys/socket.h>
#endif

#include <stddef.h>
#include <stdlib.h>

#include <vector>

#include "net/socket.h"

namespace coretest {

#if defined(_WIN32)
using TestPollFd = WSAPOLLFD;
#else
using TestPollFd = pollfd;
#endif

inline TestPollFd pollEntry(int fd) {
  TestPollFd p{};
#if defined(_WIN32)
  p.fd = static_cast<SOCKET>(fd);
#else
  p.fd = fd;
#endif
  p.events = POLLIN;
  return p;
}

inline int pollSockets(std::vector<TestPollFd>& fds, int timeoutMs) {
#if defined(_WIN32)
  return WSAPoll(fds.data(), static_cast<ULONG>(fds.size()), timeoutMs);
#else
  return poll(fds.data(), fds.size(), timeoutMs);
#endif
}

inline int toInt(
#if defined(_WIN32)
    SOCKET s) {
  return s == INVALID_SOCKET ? -1 : static_cast<int>(s);
#else
    int s) {
  return s;
#endif
}

inline int openTcpSocket() {
  agora_sig::net::initSockets();  // WSAStartup, before the first socket of the process
  return toInt(socket(AF_INET, SOCK_STREAM, 0));
}

inline int acceptFrom(int listener, sockaddr_in* peer = nullptr) {
  socklen_t len = sizeof(sockaddr_in);
  return toInt(accept(listener, reinterpret_cast<sockaddr*>(peer), peer ? &len : nullptr));
}

inline void closeTestSocket(int fd) {
  agora_sig::net::closeSocket(static_cast<agora_sig::net::SocketHandle>(fd));
}

// What recv / send answer: the byte count, 0 for an orderly close, below 0 for an error.
inline long receiveBytes(int fd, char* buffer, size_t size) {
  return recv(fd, buffer, static_cast<int>(size), 0);
}

inline long sendBytesOnce(int fd, const char* data, size_t size) {
#if defined(_WIN32)
  return send(fd, data, static_cast<int>(size), 0);
#else
  return send(fd, data, size, MSG_NOSIGNAL);
#endif
}

// Sets (value non-null) or removes an environment variable of this process.
inline void setEnvironment(const char* name, const char* value) {
#if defined(_WIN32)
  _putenv_s(name, value ? value : "");
#else
  if (value) {
    setenv(name, value, 1);
  } else {
    unsetenv(name);
  }
#endif
}

}  // namespace coretest

#endif  // AGORA_SIG_TEST_TEST_SOCKETS_H_
