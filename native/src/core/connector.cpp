#include "core/connector.h"

#include <utility>

namespace agora_sig {
namespace core {

constexpr std::chrono::milliseconds Connector::kAttemptDelay;

std::vector<net::SocketAddress> interleaveFamilies(const std::vector<net::SocketAddress>& in) {
  if (in.empty()) return {};
  std::vector<const net::SocketAddress*> first, second;
  for (const net::SocketAddress& a : in) (a.ipv6 == in.front().ipv6 ? first : second).push_back(&a);
  std::vector<net::SocketAddress> out;
  for (size_t i = 0; i < first.size() || i < second.size(); ++i) {
    if (i < first.size()) out.push_back(*first[i]);
    if (i < second.size()) out.push_back(*second[i]);
  }
  return out;
}

Connector::Connector(EventLoop* loop, Enter enter) : loop_(loop), enter_(std::move(enter)) {}

Connector::~Connector() {
  if (lookup_) lookup_->cancel();
  for (const Attempt& a : attempts_) net::closeSocket(a.socket);
}

// Wraps work(Connector&, args...) for the loop: under the owner's lock, and not at all once this
// connector is gone. The strong reference taken for the run lets done() drop the connector.
template <typename Work>
auto Connector::guarded(Work work) {
  std::weak_ptr<Connector> weak = shared_from_this();
  Enter enter = enter_;
  return [weak, enter, work](auto... args) {
    enter([&] {
      std::shared_ptr<Connector> self = weak.lock();
      if (self) work(*self, args...);
    });
  };
}

void Connector::start(const std::string& host, uint16_t port, const std::string& localAddress,
                      std::chrono::milliseconds timeout, Done done) {
  done_ = std::move(done);
  host_ = host;
  localAddress_ = localAddress;
  deadlineTimer_ = loop_->addTimer(timeout, guarded([timeout](Connector& c) {
    c.deadlineTimer_ = 0;
    std::string why = c.lastError_.empty() ? std::string() : " (" + c.lastError_ + ")";
    c.finish(net::kInvalidSocket, "no connection to " + c.host_ + " within " +
                                      std::to_string(timeout.count()) + " ms" + why);
  }));
  net::SocketAddress numeric;
  if (net::numericAddress(host, port, numeric)) {
    onResolved(true, {numeric}, std::string());
    return;
  }
  EventLoop* loop = loop_;
  auto deliver = guarded([](Connector& c, bool ok, std::vector<net::SocketAddress> addresses,
                            std::string error) {
    c.lookup_.reset();
    c.onResolved(ok, std::move(addresses), error);
  });
  lookup_ = Resolver::resolve(host, port, [loop, deliver](bool ok,
                                                           std::vector<net::SocketAddress> addresses,
                                                           std::string error) {
    loop->post([deliver, ok, addresses, error] { deliver(ok, addresses, error); });
  });
}

void Connector::close() {
  if (lookup_) lookup_->cancel();
  lookup_.reset();
  if (attemptTimer_) loop_->cancelTimer(attemptTimer_);
  if (deadlineTimer_) loop_->cancelTimer(deadlineTimer_);
  attemptTimer_ = deadlineTimer_ = 0;
  closeAttempts(net::kInvalidSocket);
  done_ = nullptr;
}

void Connector::onResolved(bool ok, std::vector<net::SocketAddress> addresses,
                           const std::string& error) {
  if (!ok) {
    finish(net::kInvalidSocket, error);
    return;
  }
  addresses_ = interleaveFamilies(addresses);
  next_ = 0;
  startNext();
}

void Connector::startNext() {
  if (attemptTimer_) loop_->cancelTimer(attemptTimer_);
  attemptTimer_ = 0;
  while (next_ < addresses_.size()) {
    const net::SocketAddress& address = addresses_[next_++];
    std::string error;
    net::SocketHandle s = net::startConnectTo(address, localAddress_, error);
    if (s == net::kInvalidSocket) {
      lastError_ = address.text + ": " + error;
      continue;
    }
    attempts_.push_back(Attempt{s, address.text});
    loop_->watch(s, true, guarded([s](Connector& c, bool readable, bool writable, bool failed) {
      c.onIo(s, readable, writable, failed);
    }));
    if (next_ < addresses_.size()) {
      attemptTimer_ = loop_->addTimer(kAttemptDelay, guarded([](Connector& c) {
        c.attemptTimer_ = 0;
        c.startNext();
      }));
    }
    return;
  }
  // Every address is started; the ones still connecting may yet succeed.
  if (attempts_.empty()) finish(net::kInvalidSocket, lastError_);
}

void Connector::onIo(net::SocketHandle socket, bool readable, bool writable, bool failed) {
  if (!readable && !writable && !failed) return;
  std::string error;
  if (net::finishConnect(socket, error)) {
    finish(socket, std::string());
    return;
  }
  for (auto it = attempts_.begin(); it != attempts_.end(); ++it) {
    if (it->socket != socket) continue;
    lastError_ = it->address + ": " + error;
    attempts_.erase(it);
    break;
  }
  loop_->unwatch(socket);
  net::closeSocket(socket);
  // A failure starts the next address at once rather than after the delay.
  startNext();
}

void Connector::finish(net::SocketHandle socket, const std::string& error) {
  Done done = std::move(done_);
  done_ = nullptr;
  if (socket != net::kInvalidSocket) loop_->unwatch(socket);
  closeAttempts(socket);
  if (lookup_) lookup_->cancel();
  lookup_.reset();
  if (attemptTimer_) loop_->cancelTimer(attemptTimer_);
  if (deadlineTimer_) loop_->cancelTimer(deadlineTimer_);
  attemptTimer_ = deadlineTimer_ = 0;
  // Last: done may drop this connector (the caller of the handler keeps it alive until it returns).
  if (done) done(socket, error);
}

void Connector::closeAttempts(net::SocketHandle keep) {
  for (const Attempt& a : attempts_) {
    if (a.socket == keep) continue;
    loop_->unwatch(a.socket);
    net::closeSocket(a.socket);
  }
  attempts_.clear();
}

}  // namespace core
}  // namespace agora_sig
