// Portable TCP socket primitives. Everything that differs between POSIX and Winsock stays in
// this directory so that the rest of the core sees one small, non-blocking API.
#ifndef AGORA_SIG_NET_SOCKET_H_
#define AGORA_SIG_NET_SOCKET_H_

#include <stddef.h>
#include <stdint.h>

#include <string>

namespace agora_sig {
namespace net {

#if defined(_WIN32)
using SocketHandle = uintptr_t;  // SOCKET
constexpr SocketHandle kInvalidSocket = ~static_cast<SocketHandle>(0);
#else
using SocketHandle = int;
constexpr SocketHandle kInvalidSocket = -1;
#endif

enum class IoStatus { Ok, WouldBlock, Closed, Error };

// Starts the platform socket library once per process (WSAStartup); a no-op on POSIX.
bool initSockets();

void closeSocket(SocketHandle socket);

// Starts a non-blocking TCP connect. Returns kInvalidSocket and sets error when it fails at once;
// otherwise the caller waits for writability and then calls finishConnect. A non-empty
// localAddress (a numeric IP address) is bound as the source address first; the port stays the
// system's choice, made per destination where the system allows it, so one source address is not
// limited to one ephemeral port range over every destination.
SocketHandle startConnect(const std::string& host, uint16_t port, const std::string& localAddress,
                          std::string& error);

// Whether text is a numeric IPv4 or IPv6 address (what startConnect accepts as localAddress).
bool isNumericAddress(const std::string& text);

// Whether a connect started by startConnect succeeded (error says why not).
bool finishConnect(SocketHandle socket, std::string& error);

// Sends or receives what the socket takes without blocking; transferred is the byte count.
IoStatus sendSome(SocketHandle socket, const char* data, size_t size, size_t& transferred,
                  std::string& error);
IoStatus receiveSome(SocketHandle socket, char* buffer, size_t size, size_t& transferred,
                     std::string& error);

// The value reported to applications as "fd" (onLoginSuccess, onReconnected).
int socketNumber(SocketHandle socket);

// A connected pair of non-blocking sockets, used to wake a thread blocked in poll.
bool makeSocketPair(SocketHandle pair[2], std::string& error);

}  // namespace net
}  // namespace agora_sig

#endif  // AGORA_SIG_NET_SOCKET_H_
