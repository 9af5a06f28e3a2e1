#include "core/event_loop.h"

#include <stdlib.h>

#include <exception>
#include <string>
#include <vector>

namespace agora_sig {
namespace core {

namespace {

// Leaked on purpose: it must outlive every static destructor that might destroy an instance.
struct Registry {
  std::mutex mutex;
  EventLoop* loop = nullptr;
  size_t references = 0;
  bool exiting = false;
  bool hookInstalled = false;
};

Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

constexpr auto kExitGrace = std::chrono::milliseconds(1000);

}  // namespace

EventLoop* EventLoop::acquire() {
  Registry& r = registry();
  std::lock_guard<std::mutex> lock(r.mutex);
  if (!r.hookInstalled) {
    r.hookInstalled = true;
    atexit(&EventLoop::exitHook);
  }
  if (!r.loop) r.loop = new EventLoop(!r.exiting);
  ++r.references;
  return r.loop;
}

void EventLoop::release(EventLoop* loop) {
  Registry& r = registry();
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    if (--r.references > 0) return;
    if (r.loop == loop) r.loop = nullptr;
  }
  loop->stopAndJoin();
}

void EventLoop::exitHook() {
  Registry& r = registry();
  EventLoop* loop;
  {
    std::lock_guard<std::mutex> lock(r.mutex);
    r.exiting = true;
    loop = r.loop;
  }
  if (loop) loop->stopForExit();
}

EventLoop::EventLoop(bool startThread) {
  if (startThread && wakeup_.valid() && poller_.valid()) {
    poller_.set(wakeup_.readEnd(), false, 0);
    threadRunning_ = true;
    thread_ = std::thread([this] { run(); });
    threadId_ = thread_.get_id();
  }
}

EventLoop::~EventLoop() = default;

bool EventLoop::inLoopThread() const { return threadId_.load() == std::this_thread::get_id(); }

void EventLoop::post(Task task) {
  bool wasEmpty;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!threadRunning_ || stopRequested_) return;
    wasEmpty = tasks_.empty();
    tasks_.push_back(std::move(task));
  }
  // Only the first task of a batch needs to wake the loop: it takes the whole queue, and checks
  // the queue again before it waits.
  if (wasEmpty) wakeup_.notify();
}

void EventLoop::runInline(const Task& task) {
  std::lock_guard<std::recursive_mutex> lock(inlineMutex_);
  task();
}

void EventLoop::runSync(const Task& task) {
  if (inLoopThread()) {
    task();
    return;
  }
  struct State {
    bool claimed = false;
    bool done = false;
    // What the task threw on the loop thread, thrown again on the caller's.
    std::exception_ptr thrown;
  };
  auto state = std::make_shared<State>();
  {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!threadRunning_ || stopRequested_) {
      lock.unlock();
      runInline(task);
      return;
    }
    tasks_.push_back([this, state, &task] {
      {
        std::lock_guard<std::mutex> l(mutex_);
        if (state->claimed) return;
        state->claimed = true;
      }
      std::exception_ptr thrown;
      try {
        task();
      } catch (...) {
        thrown = std::current_exception();
      }
      std::lock_guard<std::mutex> l(mutex_);
      state->thrown = thrown;
      state->done = true;
      stateChanged_.notify_all();
    });
  }
  wakeup_.notify();
  std::unique_lock<std::mutex> lock(mutex_);
  stateChanged_.wait(lock, [&] { return state->done || (!threadRunning_ && !state->claimed); });
  if (state->done) {
    if (state->thrown) std::rethrow_exception(state->thrown);
    return;
  }
  // The loop stopped before reaching the task: nobody else will run it now.
  state->claimed = true;
  lock.unlock();
  runInline(task);
}

EventLoop::TimerId EventLoop::addTimer(std::chrono::milliseconds delay, Task task) {
  TimerId id = nextTimerId_++;
  Clock::time_point due = Clock::now() + delay;
  timerQueue_.insert({due, id});
  timers_.emplace(id, std::make_pair(due, std::move(task)));
  return id;
}

void EventLoop::cancelTimer(TimerId id) {
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  timerQueue_.erase({it->second.first, id});
  timers_.erase(it);
}

void EventLoop::watch(net::SocketHandle socket, bool wantWrite, IoHandler handler) {
  uint64_t id = nextWatchId_++;
  watches_[socket] = Watch{id, wantWrite, std::make_shared<IoHandler>(std::move(handler))};
  poller_.set(socket, wantWrite, id);
}

void EventLoop::setWantWrite(net::SocketHandle socket, bool wantWrite) {
  auto it = watches_.find(socket);
  if (it == watches_.end() || it->second.wantWrite == wantWrite) return;
  it->second.wantWrite = wantWrite;
  poller_.set(socket, wantWrite, it->second.id);
}

void EventLoop::unwatch(net::SocketHandle socket) {
  if (watches_.erase(socket)) poller_.remove(socket);
}

int EventLoop::millisecondsToNextTimer() const {
  if (timerQueue_.empty()) return -1;
  auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(timerQueue_.begin()->first -
                                                                    Clock::now());
  if (wait.count() <= 0) return 0;
  // Round up so a timer is never woken a millisecond early and spun on.
  return static_cast<int>(wait.count()) + 1;
}

void EventLoop::runDueTimers() {
  Clock::time_point now = Clock::now();
  while (!timerQueue_.empty() && timerQueue_.begin()->first <= now) {
    TimerId id = timerQueue_.begin()->second;
    timerQueue_.erase(timerQueue_.begin());
    auto it = timers_.find(id);
    if (it == timers_.end()) continue;
    Task task = std::move(it->second.second);
    timers_.erase(it);
    guarded("a timer", task);
  }
}

// The sessions catch and report what their own work throws (through the instance's onLog and
// onError); this is the last line, for what escapes them. An exception leaving run() would end
// the process (std::terminate on a thread), and with it every instance and the application.
template <typename F>
void EventLoop::guarded(const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    reportFault(std::string(what) + " threw: " + e.what());
  } catch (...) {
    reportFault(std::string(what) + " threw a non-standard exception");
  }
}

void EventLoop::reportFault(const std::string& text) {
  faults_.fetch_add(1);
  FaultReporter reporter;
  {
    std::lock_guard<std::mutex> lock(faultMutex());
    reporter = faultReporter();
  }
  if (!reporter) return;
  try {
    reporter(text);
  } catch (...) {
  }
}

std::mutex& EventLoop::faultMutex() {
  static std::mutex* m = new std::mutex;
  return *m;
}

EventLoop::FaultReporter& EventLoop::faultReporter() {
  static FaultReporter* r = new FaultReporter;
  return *r;
}

void EventLoop::setFaultReporter(FaultReporter reporter) {
  std::lock_guard<std::mutex> lock(faultMutex());
  faultReporter() = std::move(reporter);
}

void EventLoop::deferToRoundEnd(Task task) { deferred_.push_back(std::move(task)); }

void EventLoop::runDeferred() {
  // A deferred task may defer another (a flush that makes a callback send): run until none is left.
  while (!deferred_.empty()) {
    std::vector<Task> batch;
    batch.swap(deferred_);
    for (Task& task : batch) guarded("a deferred task", task);
  }
}

void EventLoop::run() {
  std::vector<net::PollEvent> events;
  for (;;) {
    std::deque<Task> ready;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopRequested_) break;
      ready.swap(tasks_);
    }
    for (Task& task : ready) guarded("a task", task);
    ready.clear();
    runDueTimers();
    runDeferred();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopRequested_) break;
      if (!tasks_.empty()) continue;
    }
    poller_.wait(events, millisecondsToNextTimer());
    for (const net::PollEvent& e : events) {
      if (e.token == 0) {
        wakeup_.drain();
        continue;
      }
      auto it = watches_.find(e.socket);
      // A handler run earlier in this round may have dropped or replaced the watch.
      if (it == watches_.end() || it->second.id != e.token) continue;
      std::shared_ptr<IoHandler> handler = it->second.handler;
      guarded("a socket handler", [&] { (*handler)(e.readable, e.writable, e.failed); });
    }
    runDeferred();
  }
  bool deleteSelf;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    threadRunning_ = false;
    deleteSelf = deleteWhenThreadEnds_;
    stateChanged_.notify_all();
  }
  if (deleteSelf) delete this;
}

void EventLoop::stopAndJoin() {
  if (inLoopThread()) {
    // The last instance went away inside a task of this very thread: it finishes on its own.
    std::lock_guard<std::mutex> lock(mutex_);
    stopRequested_ = true;
    deleteWhenThreadEnds_ = true;
    if (thread_.joinable()) thread_.detach();
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopRequested_ = true;
  }
  wakeup_.notify();
  if (thread_.joinable()) thread_.join();
  bool leaked;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    leaked = leaked_;
  }
  if (!leaked) delete this;
}

void EventLoop::stopForExit() {
  if (inLoopThread()) {
    // exit() was called from a callback: this thread is the one running the exit handlers.
    std::lock_guard<std::mutex> lock(mutex_);
    stopRequested_ = true;
    return;
  }
  std::unique_lock<std::mutex> lock(mutex_);
  stopRequested_ = true;
  lock.unlock();
  wakeup_.notify();
  lock.lock();
  bool ended = stateChanged_.wait_for(lock, kExitGrace, [this] { return !threadRunning_; });
  lock.unlock();
  if (!thread_.joinable()) return;
  if (ended) {
    thread_.join();
  } else {
    // A callback is blocking the loop thread; leave it to the process's end.
    lock.lock();
    leaked_ = true;
    lock.unlock();
    thread_.detach();
  }
}

}  // namespace core
}  // namespace agora_sig
