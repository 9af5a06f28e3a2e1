// Name resolution off the network thread.
//
// getaddrinfo blocks for as long as the system's resolver takes (seconds when a DNS server is slow
// or gone), and the network thread is shared by every instance of the process: one lookup there
// stalled every other instance's traffic. Lookups run here instead, on a small pool of threads of
// their own, and the caller gets the result on a resolver thread (it posts it back to the loop).
//
// A lookup cannot be interrupted, so cancelling one (the instance logged out, gave up or was
// destroyed) only guarantees that its result is never delivered: once cancel() returns, the
// callback is not running and will not run. The pool's threads are detached and its state is
// never freed, so a lookup still blocked at process exit holds nothing up.
#ifndef AGORA_SIG_CORE_RESOLVER_H_
#define AGORA_SIG_CORE_RESOLVER_H_

#include <stdint.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "net/address.h"

namespace agora_sig {
namespace core {

struct ResolverWorker;

class Resolver {
 public:
  // Fills `out` with host's addresses or says why not in `error`; blocking is allowed.
  using Lookup = std::function<bool(const std::string& host, uint16_t port,
                                    std::vector<net::SocketAddress>& out, std::string& error)>;
  using Done = std::function<void(bool ok, std::vector<net::SocketAddress> addresses,
                                  std::string error)>;

  // One lookup in flight; cancel() it to drop its result.
  class Ticket {
   public:
    void cancel();

   private:
    friend class Resolver;
    friend struct ResolverWorker;
    std::mutex mutex_;
    bool cancelled_ = false;
    Done done_;
  };

  // Queues a lookup; `done` runs on a resolver thread unless the ticket is cancelled first.
  static std::shared_ptr<Ticket> resolve(const std::string& host, uint16_t port, Done done);

  // Replaces the system's lookup (net::resolveHost) for the whole process; an empty function puts
  // it back. For tests: a slow resolver, or a name with chosen addresses, without touching the
  // system's configuration.
  static void setLookupForTesting(Lookup lookup);
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_RESOLVER_H_
