// Lost connections: resume with replay, re-sent requests, fresh login after RESUME_FAIL, giving
// up, dead-peer detection, and the server ending the session.
#include <gtest/gtest.h>

#include "core_test_support.h"

using namespace coretest;

TEST(CoreReconnect, ResumeDeliversTheGapOnceInOrder) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  a.send("bob", "before", "m0");
  ASSERT_TRUE(b.rec->waitFor("instant alice before"));

  server.dropConnectionOf("bob");
  ASSERT_TRUE(eventually([&] { return b.api->getStatus() == 3; }));
  for (int i = 1; i <= 3; ++i) a.send("bob", "gap" + std::to_string(i), "m" + std::to_string(i));
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", 4));
  ASSERT_TRUE(b.rec->waitFor("reconnected"));
  ASSERT_TRUE(b.rec->waitFor("instant", 4));
  EXPECT_EQ(b.rec->matching("instant"),
            (std::vector<std::string>{"instant alice before", "instant alice gap1",
                                      "instant alice gap2", "instant alice gap3"}));
  EXPECT_EQ(b.rec->matching("reconnecting"), (std::vector<std::string>{"reconnecting 1"}));
  EXPECT_EQ(b.api->getStatus(), 2);
  EXPECT_EQ(server.received(FrameType::Resume), 1);
  EXPECT_EQ(server.received(FrameType::Login), 2);  // alice's and bob's first logins only
}

TEST(CoreReconnect, FramesAlreadyProcessedAreDropped) {
  FakeServer server;
  server.setReplayEverything(true);  // replays from seq 1 whatever the client says
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  a.send("bob", "one", "m1");
  a.send("bob", "two", "m2");
  ASSERT_TRUE(b.rec->waitFor("instant", 2));
  server.dropConnectionOf("bob");
  ASSERT_TRUE(eventually([&] { return b.api->getStatus() == 3; }));
  a.send("bob", "three", "m3");
  ASSERT_TRUE(b.rec->waitFor("instant alice three"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(b.rec->matching("instant"),
            (std::vector<std::string>{"instant alice one", "instant alice two",
                                      "instant alice three"}));
}

TEST(CoreReconnect, UnansweredRequestsAreSentAgainAfterResume) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  server.setDropRequests(true);  // lost in flight: the server never processes them
  a.send("bob", "lost-1", "l1");
  a.send("bob", "lost-2", "l2");
  ASSERT_TRUE(eventually([&] { return server.received(FrameType::Request) == 2; }));
  server.setDropRequests(false);
  server.dropConnectionOf("alice");
  ASSERT_TRUE(a.rec->waitFor("reconnected"));
  ASSERT_TRUE(b.rec->waitFor("instant", 2));
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", 2));
  EXPECT_EQ(b.rec->matching("instant"),
            (std::vector<std::string>{"instant alice lost-1", "instant alice lost-2"}));
  EXPECT_EQ(a.rec->matching("messageSendSuccess"),
            (std::vector<std::string>{"messageSendSuccess l1", "messageSendSuccess l2"}));
  EXPECT_EQ(server.duplicateRequests(), 0);
}

TEST(CoreReconnect, CallsWhileReconnectingAreQueued) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  server.setRefuseConnections(true);
  server.dropConnectionOf("alice");
  ASSERT_TRUE(eventually([&] { return a.api->getStatus() == 3; }));
  a.send("bob", "queued", "q1");
  ASSERT_TRUE(a.rec->waitFor("reconnecting 1"));
  server.setRefuseConnections(false);
  ASSERT_TRUE(a.rec->waitFor("reconnected"));
  ASSERT_TRUE(b.rec->waitFor("instant alice queued"));
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess q1"));
  EXPECT_EQ(a.rec->count("error"), 0);
}

TEST(CoreReconnect, UnknownSessionLogsInAfresh) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  server.forgetSessions();
  server.setDropRequests(true);
  a.send("alice", "pending", "p1");  // written to the old session, never answered
  ASSERT_TRUE(eventually([&] { return server.received(FrameType::Request) == 1; }));
  server.setDropRequests(false);
  server.setRefuseConnections(true);
  server.dropConnectionOf("alice");
  ASSERT_TRUE(eventually([&] { return a.api->getStatus() == 3; }));
  a.send("alice", "queued", "q1");  // never written before the new session
  ASSERT_TRUE(a.rec->waitFor("reconnecting 1"));
  server.setRefuseConnections(false);
  ASSERT_TRUE(a.rec->waitFor("reconnected"));
  EXPECT_EQ(a.api->getStatus(), 2);
  EXPECT_EQ(server.received(FrameType::Resume), 1);
  EXPECT_EQ(server.received(FrameType::Login), 2);
  EXPECT_EQ(a.rec->count("loginSuccess"), 1);
  // The written message may have been delivered: it is not sent again, and its sender hears the
  // outcome is unknown. The queued one is sent in the new session.
  ASSERT_TRUE(a.rec->waitFor("messageSendError p1 401"));
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess q1"));
  ASSERT_TRUE(a.rec->waitFor("instant alice queued"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(a.rec->count("instant alice pending"), 0);
  EXPECT_EQ(a.rec->count("messageSendSuccess p1"), 0);
  EXPECT_EQ(a.rec->count("error messageInstantSend 401"), 1);
  EXPECT_EQ(server.received(FrameType::Request), 2);
}

TEST(CoreReconnect, GivesUpWithLogout102) {
  auto server = std::make_unique<FakeServer>();
  Client a(server->address());
  a.api->login2("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0, 30, 2);
  ASSERT_TRUE(a.rec->waitFor("loginSuccess"));
  server->stop();
  ASSERT_TRUE(a.rec->waitFor("logout 102", 1, 5000));
  EXPECT_EQ(a.rec->matching("reconnecting"),
            (std::vector<std::string>{"reconnecting 1", "reconnecting 2"}));
  EXPECT_EQ(a.api->getStatus(), 0);
  EXPECT_EQ(a.rec->count("reconnected"), 0);
}

TEST(CoreReconnect, RetryTimeLimitsTheTries) {
  auto server = std::make_unique<FakeServer>();
  Client a(server->address());
  // 1 s allows the tries after 250 and 500 ms but not the one 1 s later.
  a.api->login2("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0, 1, 10);
  ASSERT_TRUE(a.rec->waitFor("loginSuccess"));
  server->stop();
  ASSERT_TRUE(a.rec->waitFor("logout 102", 1, 5000));
  EXPECT_EQ(a.rec->count("reconnecting"), 2);
}

TEST(CoreReconnect, FirstLoginGivesUpWith201) {
  uint16_t port;
  {
    FakeServer gone;
    port = gone.port();
  }
  Client a("127.0.0.1:" + std::to_string(port));
  auto started = Clock::now();
  a.api->login2("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0, 30, 2);
  ASSERT_TRUE(eventually([&] { return a.api->getStatus() == 1; }, 1000) ||
              a.rec->count("loginFailed") == 1);
  ASSERT_TRUE(a.rec->waitFor("loginFailed 201", 1, 5000));
  // Two retries: after 250 ms and 500 ms more.
  EXPECT_GE(Clock::now() - started, std::chrono::milliseconds(700));
  EXPECT_EQ(a.rec->count("reconnecting"), 0);
  EXPECT_EQ(a.rec->count("logout"), 0);
  EXPECT_EQ(a.api->getStatus(), 0);
}

TEST(CoreReconnect, FirstLoginRetriesUntilTheServerAppears) {
  FakeServer server;
  server.setRefuseConnections(true);
  Client a(server.address());
  a.api->login2("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0, 30, 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(a.api->getStatus(), 1);
  server.setRefuseConnections(false);
  ASSERT_TRUE(a.rec->waitFor("loginSuccess"));
  EXPECT_EQ(a.rec->count("reconnecting"), 0);
}

TEST(CoreReconnect, SilentServerIsDetectedByTheHeartbeat) {
  FakeServer server;
  server.setHeartbeatMs(100);
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  // Heartbeats flow while the server answers.
  ASSERT_TRUE(eventually([&] { return server.received(FrameType::Ping) >= 2; }, 2000));
  EXPECT_EQ(a.api->getStatus(), 2);
  auto silentSince = Clock::now();
  server.setSilent(true);
  ASSERT_TRUE(eventually([&] { return a.api->getStatus() == 3; }, 3000));
  auto detectedAfter = Clock::now() - silentSince;
  EXPECT_GE(detectedAfter, std::chrono::milliseconds(250));
  EXPECT_LE(detectedAfter, std::chrono::milliseconds(1000));
  server.setSilent(false);
  ASSERT_TRUE(a.rec->waitFor("reconnected"));
  EXPECT_EQ(a.api->getStatus(), 2);
}

TEST(CoreReconnect, KickedSessionDoesNotReconnect) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  server.kick("alice");
  ASSERT_TRUE(a.rec->waitFor("logout 103"));
  EXPECT_EQ(a.api->getStatus(), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(a.rec->count("reconnecting"), 0);
  EXPECT_EQ(server.received(FrameType::Resume), 0);
}

TEST(CoreReconnect, LogoutWhileReconnectingStopsAtOnce) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  server.setRefuseConnections(true);
  server.dropConnectionOf("alice");
  ASSERT_TRUE(eventually([&] { return a.api->getStatus() == 3; }));
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  EXPECT_EQ(a.api->getStatus(), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(a.rec->count("reconnecting"), 0);
  EXPECT_EQ(a.rec->count("logout"), 1);
}

// A frame over the client's maximum (1 MiB) comes again with every resume, since the server
// replays what it sent: the core ends the session once, with onLogout(104), and does not loop
// through reconnections (it did: 58 reconnects in 15 s).
TEST(CoreReconnect, AFrameOverTheMaximumEndsTheSessionInsteadOfLooping) {
  FakeServer server;
  Client b(server.address());
  ASSERT_TRUE(b.login("bob"));
  server.pushEvent("bob", EventKind::AppMsg, {std::string(2 * 1024 * 1024, 'x')});
  ASSERT_TRUE(b.rec->waitFor("logout 104"));
  // Longer than the first retry's backoff (250 ms): a reconnection would have started by now.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  EXPECT_EQ(b.api->getStatus(), 0);
  EXPECT_EQ(b.rec->count("reconnecting"), 0);
  EXPECT_EQ(b.rec->count("logout"), 1);
  EXPECT_EQ(b.rec->count("appMsg"), 0);
  EXPECT_EQ(server.received(FrameType::Resume), 0);
}
