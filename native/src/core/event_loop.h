// The network thread shared by every instance in the process.
//
// One heap-allocated, reference-counted loop: the first instance starts its thread, the last
// instance destroyed stops and joins it. Any thread may post tasks; timers and socket watches are
// used from the loop thread only. At process exit an atexit hook stops a loop that live instances
// (such as the process-wide singleton) still hold, without joining a thread from a static
// destructor; afterwards runSync runs tasks on the caller's thread and post drops them.
#ifndef AGORA_SIG_CORE_EVENT_LOOP_H_
#define AGORA_SIG_CORE_EVENT_LOOP_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "net/poller.h"
#include "net/socket.h"
#include "net/wakeup_pipe.h"

namespace agora_sig {
namespace core {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using Clock = std::chrono::steady_clock;
  using TimerId = uint64_t;
  // Called with what poll reported for the socket.
  using IoHandler = std::function<void(bool readable, bool writable, bool failed)>;

  // The process's loop, started if needed; pair every acquire with one release.
  static EventLoop* acquire();
  static void release(EventLoop* loop);

  // Queues a task for the loop thread (from any thread, the loop thread included).
  void post(Task task);
  // Runs a task on the loop thread and waits for it; runs it inline on the loop thread itself or
  // once the loop has stopped. What the task throws is thrown again here, on the caller's thread.
  void runSync(const Task& task);
  bool inLoopThread() const;

  // No exception leaves a task, timer or socket handler: the loop reports it and goes on. The
  // reporter (process-wide; empty: none) gets one line per fault, on the loop thread.
  using FaultReporter = std::function<void(const std::string& text)>;
  static void setFaultReporter(FaultReporter reporter);
  // Faults caught so far by this loop.
  uint64_t faults() const { return faults_.load(); }

  // Loop-thread only.
  // Runs the task at the end of the current round: after the socket events and tasks at hand,
  // before the loop sleeps again. Writes issued in one round go out together this way, and none
  // waits longer than the round that produced it.
  void deferToRoundEnd(Task task);
  TimerId addTimer(std::chrono::milliseconds delay, Task task);
  void cancelTimer(TimerId id);
  void watch(net::SocketHandle socket, bool wantWrite, IoHandler handler);
  void setWantWrite(net::SocketHandle socket, bool wantWrite);
  void unwatch(net::SocketHandle socket);

 private:
  struct Watch {
    uint64_t id;
    bool wantWrite;
    // Shared so a round can keep it alive cheaply while the handler unwatches its own socket.
    std::shared_ptr<IoHandler> handler;
  };

  explicit EventLoop(bool startThread);
  ~EventLoop();
  void run();
  void runDueTimers();
  void runDeferred();
  int millisecondsToNextTimer() const;
  void stopAndJoin();
  void stopForExit();
  void runInline(const Task& task);
  template <typename F>
  void guarded(const char* what, F&& f);
  void reportFault(const std::string& text);
  static std::mutex& faultMutex();
  static FaultReporter& faultReporter();
  static void exitHook();

  std::mutex mutex_;
  std::condition_variable stateChanged_;
  std::deque<Task> tasks_;
  bool stopRequested_ = false;
  bool threadRunning_ = false;
  bool deleteWhenThreadEnds_ = false;
  bool leaked_ = false;  // its thread outlived the exit hook: never free it
  std::thread thread_;
  std::atomic<std::thread::id> threadId_{};
  std::recursive_mutex inlineMutex_;
  net::WakeupPipe wakeup_;
  std::atomic<uint64_t> faults_{0};

  // Loop-thread state.
  std::vector<Task> deferred_;
  TimerId nextTimerId_ = 1;
  std::set<std::pair<Clock::time_point, TimerId>> timerQueue_;
  std::unordered_map<TimerId, std::pair<Clock::time_point, Task>> timers_;
  uint64_t nextWatchId_ = 1;
  std::unordered_map<net::SocketHandle, Watch> watches_;
  net::Poller poller_;
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_EVENT_LOOP_H_
