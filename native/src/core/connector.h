// Opens the TCP connection of one login or reconnection attempt: the server's name resolved off
// the network thread (core/resolver.h), then its addresses raced Happy-Eyeballs style (RFC 8305):
// the families interleaved, starting with the one the system prefers; the next address started
// when the current one fails or after kAttemptDelay without an answer; the first connection to
// succeed wins and the others are closed. So a name that resolves to ::1 before 127.0.0.1 reaches
// an IPv4-only server, and a dead first address costs 250 ms rather than the whole attempt.
//
// Loop-thread only; the owner (a session) runs every entry under its own lock through `enter`,
// and gets the outcome once through `done`, with the lock held.
#ifndef AGORA_SIG_CORE_CONNECTOR_H_
#define AGORA_SIG_CORE_CONNECTOR_H_

#include <stdint.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/event_loop.h"
#include "core/resolver.h"
#include "net/address.h"

namespace agora_sig {
namespace core {

class Connector : public std::enable_shared_from_this<Connector> {
 public:
  // Runs fn under the owner's lock, or not at all once the owner is gone.
  using Enter = std::function<void(const std::function<void()>& fn)>;
  // A connected socket (its connect finished; no longer watched by the loop), or kInvalidSocket
  // and why.
  using Done = std::function<void(net::SocketHandle socket, const std::string& error)>;

  static constexpr std::chrono::milliseconds kAttemptDelay{250};

  Connector(EventLoop* loop, Enter enter);
  // Closes the sockets of attempts still running and drops the lookup's result; touches the loop
  // not at all (it may be gone): close() first wherever the loop still runs.
  ~Connector();
  Connector(const Connector&) = delete;
  Connector& operator=(const Connector&) = delete;

  // Connects to host:port within `timeout` (lookup included). localAddress: see net::startConnect.
  void start(const std::string& host, uint16_t port, const std::string& localAddress,
             std::chrono::milliseconds timeout, Done done);
  // Stops everything without calling done.
  void close();

 private:
  struct Attempt {
    net::SocketHandle socket;
    std::string address;
  };

  template <typename Work>
  auto guarded(Work work);
  void onResolved(bool ok, std::vector<net::SocketAddress> addresses, const std::string& error);
  void startNext();
  void onIo(net::SocketHandle socket, bool readable, bool writable, bool failed);
  void finish(net::SocketHandle socket, const std::string& error);
  void closeAttempts(net::SocketHandle keep);

  EventLoop* loop_;
  Enter enter_;
  Done done_;
  std::string host_;
  std::string localAddress_;
  std::shared_ptr<Resolver::Ticket> lookup_;
  std::vector<net::SocketAddress> addresses_;
  size_t next_ = 0;
  std::vector<Attempt> attempts_;
  std::string lastError_;
  EventLoop::TimerId attemptTimer_ = 0;
  EventLoop::TimerId deadlineTimer_ = 0;
};

// The order addresses are tried in (RFC 8305 section 4): the families alternate, starting with the
// family of the first address, each family keeping its own order.
std::vector<net::SocketAddress> interleaveFamilies(const std::vector<net::SocketAddress>& in);

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_CONNECTOR_H_
