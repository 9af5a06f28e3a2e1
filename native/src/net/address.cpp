#include "net/address.h"

#include <string.h>

#if defined(_WIN32)
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#else
#  include <arpa/inet.h>
#  include <netdb.h>
#  include <netinet/in.h>
#  include <sys/socket.h>
#endif

namespace agora_sig {
namespace net {

namespace {

std::string describeAddress(const sockaddr* sa) {
  char buffer[64] = {0};
  if (sa->sa_family == AF_INET6) {
    const sockaddr_in6* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, const_cast<in6_addr*>(&in6->sin6_addr), buffer, sizeof buffer);
    return "[" + std::string(buffer) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  const sockaddr_in* in4 = reinterpret_cast<const sockaddr_in*>(sa);
  inet_ntop(AF_INET, const_cast<in_addr*>(&in4->sin_addr), buffer, sizeof buffer);
  return std::string(buffer) + ":" + std::to_string(ntohs(in4->sin_port));
}

bool lookup(const std::string& host, uint16_t port, int flags, std::vector<SocketAddress>& out,
            std::string& error) {
  out.clear();
  if (!initSockets()) {
    error = "the socket library could not start";
    return false;
  }
  addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  hints.ai_flags = flags;
  addrinfo* found = nullptr;
  std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || !found) {
    error = "cannot resolve " + host;
    return false;
  }
  for (addrinfo* a = found; a; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
    SocketAddress address;
    address.ipv6 = a->ai_family == AF_INET6;
    address.raw.assign(reinterpret_cast<const char*>(a->ai_addr), a->ai_addrlen);
    address.text = describeAddress(a->ai_addr);
    out.push_back(std::move(address));
  }
  freeaddrinfo(found);
  if (out.empty()) error = "no usable address for " + host;
  return !out.empty();
}

}  // namespace

bool resolveHost(const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                 std::string& error) {
  return lookup(host, port, 0, out, error);
}

bool numericAddress(const std::string& host, uint16_t port, SocketAddress& out) {
  std::vector<SocketAddress> found;
  std::string ignored;
  if (host.empty() || !lookup(host, port, AI_NUMERICHOST, found, ignored)) return false;
  out = found.front();
  return true;
}

}  // namespace net
}  // namespace agora_sig
