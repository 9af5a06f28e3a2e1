// No exception leaves a task of the shared network thread: the loop reports it and goes on, a
// session reports its own through the instance (onLog, onError), a callback that throws is
// reported through onError, and runSync hands a task's exception back to its caller. Before, an
// exception escaping a task ended the process, and a throwing callback went unreported.
#include <gtest/gtest.h>

#include <stdexcept>

#include "core/event_loop.h"
#include "core/session_client.h"
#include "core_test_support.h"

using namespace coretest;
using agora_sig::core::EventLoop;
using agora_sig::core::SessionClient;

namespace {

struct LoopRef {
  EventLoop* loop = EventLoop::acquire();
  ~LoopRef() { EventLoop::release(loop); }
};

}  // namespace

TEST(CoreExceptions, LoopReportsAThrowingTaskAndGoesOn) {
  std::mutex m;
  std::vector<std::string> reports;
  EventLoop::setFaultReporter([&](const std::string& text) {
    std::lock_guard<std::mutex> l(m);
    reports.push_back(text);
  });
  LoopRef ref;
  uint64_t before = ref.loop->faults();
  std::atomic<bool> ranAfter{false};
  ref.loop->post([] { throw std::runtime_error("boom"); });
  ref.loop->post([&] { ranAfter = true; });
  ASSERT_TRUE(eventually([&] { return ranAfter.load(); }));
  EXPECT_EQ(ref.loop->faults(), before + 1);
  // Timers and deferred tasks are covered too.
  std::atomic<bool> timerAfter{false};
  ref.loop->post([&] {
    ref.loop->addTimer(std::chrono::milliseconds(1), [] { throw 42; });
    ref.loop->addTimer(std::chrono::milliseconds(5), [&] { timerAfter = true; });
  });
  ASSERT_TRUE(eventually([&] { return timerAfter.load(); }));
  EXPECT_EQ(ref.loop->faults(), before + 2);
  EventLoop::setFaultReporter(nullptr);
  std::lock_guard<std::mutex> l(m);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0], "a task threw: boom");
  EXPECT_EQ(reports[1], "a timer threw a non-standard exception");
}

TEST(CoreExceptions, RunSyncThrowsOnTheCallersThread) {
  LoopRef ref;
  EXPECT_THROW(ref.loop->runSync([] { throw std::logic_error("sync"); }), std::logic_error);
  // And the loop still serves.
  bool ran = false;
  ref.loop->runSync([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(CoreExceptions, SessionWorkThatThrowsIsReportedThroughTheInstance) {
  LoopRef ref;
  Recorder rec;
  auto session = std::make_shared<SessionClient>(ref.loop, agora_sig::core::ServerAddress(), "t");
  session->sink().setHandler(&rec);
  session->post([](SessionClient&) { throw std::runtime_error("inside"); });
  ASSERT_TRUE(rec.waitFor("error exception 1002 internal error on the network thread: inside"));
  EXPECT_EQ(rec.count("log agora_sig: internal error on the network thread: inside"), 1);
  ref.loop->runSync([&] { session->shutdown(); });
}

// A callback the application implemented throws: reported through onError, and the instance
// carries on (its next callbacks still come).
struct ThrowingRecorder : Recorder {
  void onLoginSuccess(uint32_t uid, int fd) override {
    Recorder::onLoginSuccess(uid, fd);
    throw std::runtime_error("app bug");
  }
};

TEST(CoreExceptions, ThrowingCallbackIsReported) {
  FakeServer server;
  Client b(server.address());
  ASSERT_TRUE(b.login("bob"));
  ThrowingRecorder rec;
  agora_sdk_win::IAgoraAPI* a = agora_sdk_win::createAgoraSDKInstanceWin("test-app", 8);
  a->callbackSet(&rec);
  std::string addr = server.address();
  a->dbg("server", 6, addr.data(), addr.size());
  a->login("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(rec.waitFor("error callback 1002 a callback threw: app bug"));
  b.send("alice", "after", "m1");
  EXPECT_TRUE(rec.waitFor("instant bob after"));
  a->destroy();
}
