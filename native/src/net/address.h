// Resolved socket addresses, kept as plain bytes so that the rest of the core needs no system
// socket headers. Resolution blocks (getaddrinfo), so the core calls resolveHost only off the
// network thread (core/resolver.h); connecting to one address does not block (startConnectTo).
#ifndef AGORA_SIG_NET_ADDRESS_H_
#define AGORA_SIG_NET_ADDRESS_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "net/socket.h"

namespace agora_sig {
namespace net {

struct SocketAddress {
  bool ipv6 = false;
  std::string raw;   // the sockaddr_in / sockaddr_in6, port included
  std::string text;  // "127.0.0.1:9720", "[::1]:9720": for logs and errors
};

// The addresses of host (a name or a numeric address) for TCP, in the order the system prefers
// (RFC 6724 on POSIX). Blocks while the name is looked up.
bool resolveHost(const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                 std::string& error);

// The address for a numeric host (IPv4 or IPv6 text); false for a name. Never blocks.
bool numericAddress(const std::string& host, uint16_t port, SocketAddress& out);

// Starts a non-blocking TCP connect to one address, as startConnect does for the first usable
// address of a name (socket.h says how it completes and what localAddress does).
SocketHandle startConnectTo(const SocketAddress& address, const std::string& localAddress,
                            std::string& error);

}  // namespace net
}  // namespace agora_sig

#endif  // AGORA_SIG_NET_ADDRESS_H_
