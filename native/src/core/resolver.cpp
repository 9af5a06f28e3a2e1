#include "core/resolver.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <exception>
#include <system_error>
#include <thread>
#include <utility>

namespace agora_sig {
namespace core {

namespace {

// Enough that a few slow names do not hold up the lookups of other instances; an idle thread
// ends after a while, so a process that logs in once keeps none.
constexpr size_t kMaxThreads = 4;
constexpr auto kIdleExit = std::chrono::seconds(10);

struct Job {
  std::string host;
  uint16_t port;
  std::shared_ptr<Resolver::Ticket> ticket;
};

// Leaked on purpose: detached threads may still use it while the process exits.
struct Pool {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<Job> jobs;
  size_t threads = 0;
  size_t idle = 0;
  Resolver::Lookup testLookup;
};

Pool& pool() {
  static Pool* p = new Pool;
  return *p;
}

}  // namespace

// The pool's threads (a friend of the ticket).
struct ResolverWorker {
  static void run() {
    Pool& p = pool();
    std::unique_lock<std::mutex> lock(p.mutex);
    for (;;) {
      ++p.idle;
      bool got = p.wake.wait_for(lock, kIdleExit, [&] { return !p.jobs.empty(); });
      --p.idle;
      if (!got) break;
      Job job = std::move(p.jobs.front());
      p.jobs.pop_front();
      Resolver::Lookup lookup = p.testLookup;
      lock.unlock();
      deliver(job, lookup);
      lock.lock();
    }
    --p.threads;
  }

  static void deliver(Job& job, const Resolver::Lookup& lookup);
};

void Resolver::Ticket::cancel() {
  std::lock_guard<std::mutex> lock(mutex_);
  cancelled_ = true;
  done_ = nullptr;
}

void ResolverWorker::deliver(Job& job, const Resolver::Lookup& lookup) {
  {
    // Cancelled while queued: skip the lookup itself too.
    std::lock_guard<std::mutex> lock(job.ticket->mutex_);
    if (job.ticket->cancelled_) return;
  }
  std::vector<net::SocketAddress> addresses;
  std::string error;
  bool ok = false;
  try {
    ok = lookup ? lookup(job.host, job.port, addresses, error)
                : net::resolveHost(job.host, job.port, addresses, error);
  } catch (const std::exception& e) {
    error = std::string("the lookup of ") + job.host + " failed: " + e.what();
  } catch (...) {
    error = "the lookup of " + job.host + " failed";
  }
  // Held while done runs, so that cancel() returning means done is over and will not start.
  std::lock_guard<std::mutex> lock(job.ticket->mutex_);
  if (job.ticket->cancelled_ || !job.ticket->done_) return;
  Resolver::Done done = std::move(job.ticket->done_);
  try {
    done(ok, std::move(addresses), std::move(error));
  } catch (...) {
    // done only posts to the loop; nothing to report it to from here.
  }
}

std::shared_ptr<Resolver::Ticket> Resolver::resolve(const std::string& host, uint16_t port,
                                                    Done done) {
  auto ticket = std::make_shared<Ticket>();
  ticket->done_ = std::move(done);
  Pool& p = pool();
  bool spawn;
  {
    std::lock_guard<std::mutex> lock(p.mutex);
    p.jobs.push_back(Job{host, port, ticket});
    spawn = p.idle < p.jobs.size() && p.threads < kMaxThreads;
    if (spawn) ++p.threads;
  }
  if (spawn) {
    try {
      std::thread(&ResolverWorker::run).detach();
    } catch (const std::system_error&) {
      // No thread to be had: a running worker takes the job when it is free; with none running,
      // say so rather than wait for ever.
      std::lock_guard<std::mutex> lock(p.mutex);
      --p.threads;
      if (p.threads == 0) {
        p.jobs.pop_back();
        std::lock_guard<std::mutex> ticketLock(ticket->mutex_);
        Done failed = std::move(ticket->done_);
        ticket->done_ = nullptr;
        if (failed) failed(false, {}, "no thread for name resolution");
        return ticket;
      }
    }
  }
  p.wake.notify_one();
  return ticket;
}

void Resolver::setLookupForTesting(Lookup lookup) {
  Pool& p = pool();
  std::lock_guard<std::mutex> lock(p.mutex);
  p.testLookup = std::move(lookup);
}

}  // namespace core
}  // namespace agora_sig
