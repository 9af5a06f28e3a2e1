// Requests made on application threads: written to the socket on the caller's thread when nothing
// is queued ahead of them, queued to the network thread otherwise. Whichever way a request goes,
// the server sees each one once and in the order each thread made them, callbacks stay on the
// network thread, and destroy() stays safe.
#include <gtest/gtest.h>

#include <random>

#include "core/event_loop.h"
#include "core/session_client.h"
#include "core_test_support.h"

using namespace coretest;

namespace {

// The messages (args[2] of MSG_INSTANT) the server processed, in the order it processed them.
std::vector<std::string> instantMessagesSeen(FakeServer& server) {
  std::vector<std::string> out;
  for (auto& args : server.requestArgs())
    if (args.size() == 4) out.push_back(args[2]);
  return out;
}

ScriptedAnswer success(const std::string&, const std::vector<std::string>&) {
  return ScriptedAnswer();
}

// A client whose Recorder::onLine hook is in place before its first callback: setting the hook
// later would race the network thread reading it.
struct HookedClient {
  std::unique_ptr<Recorder> rec{new Recorder};
  agora_sdk_win::IAgoraAPI* api = nullptr;

  HookedClient(const std::string& server, std::function<void(const std::string&)> hook) {
    rec->onLine = std::move(hook);
    api = agora_sdk_win::createAgoraSDKInstanceWin("test-app", 8);
    api->callbackSet(rec.get());
    api->dbg("server", 6, server.data(), server.size());
    rec->waitFor("dbg server");
  }
  ~HookedClient() { api->destroy(); }
  bool login(const std::string& account) {
    api->login("", 0, account.data(), account.size(), "_no_need_token", 14, 0, "", 0);
    return rec->waitFor("loginSuccess");
  }
};

}  // namespace

TEST(CoreDirectSend, OneThreadsCallsArriveInCallOrderOnce) {
  FakeServer server;
  server.script(Op::ChannelJoin, success);
  server.script(Op::UserSetAttr, success);
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  std::vector<std::vector<std::string>> expected;
  for (int i = 0; i < 1000; ++i) {
    std::string m = "m" + std::to_string(i);
    a.send("bob", m, "id" + std::to_string(i));
    expected.push_back({"bob", "0", m, ""});
    if (i % 10 == 3) {
      std::string ch = "ch" + std::to_string(i);
      a.api->channelJoin(ch.data(), ch.size());
      expected.push_back({ch});
    }
    if (i % 25 == 7) {
      std::string name = "attr" + std::to_string(i);
      a.api->setAttr(name.data(), name.size(), "v", 1);
      expected.push_back({name, "v"});
    }
  }
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", 1000, 30000));
  ASSERT_TRUE(eventually([&] { return server.requestArgs().size() >= expected.size(); }, 30000));
  EXPECT_EQ(server.requestArgs(), expected);
  EXPECT_EQ(server.duplicateRequests(), 0);
  EXPECT_EQ(a.rec->count("error"), 0);
  // Every callback still came from the one network thread.
  EXPECT_EQ(a.rec->threads().size(), 1u);
  EXPECT_EQ(a.rec->threads().count(std::this_thread::get_id()), 0u);
}

TEST(CoreDirectSend, ManyThreadsEachRequestOnceInEachThreadsOrder) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  constexpr int kThreads = 4;
  constexpr int kEach = 2000;
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = std::to_string(t) + "-" + std::to_string(i);
        a.send("bob", id, id);
      }
    });
  }
  for (auto& s : senders) s.join();
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", kThreads * kEach, 60000));
  ASSERT_TRUE(b.rec->waitFor("instant", kThreads * kEach, 60000));
  std::set<std::string> succeeded;
  for (auto& line : a.rec->matching("messageSendSuccess ")) succeeded.insert(line.substr(19));
  EXPECT_EQ(a.rec->count("messageSendSuccess"), kThreads * kEach);
  EXPECT_EQ(succeeded.size(), static_cast<size_t>(kThreads * kEach));
  // The server saw each message once, and each thread's messages in the order it sent them.
  std::vector<std::string> seen = instantMessagesSeen(server);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads * kEach));
  std::vector<int> next(kThreads, 0);
  for (auto& m : seen) {
    int t = std::stoi(m.substr(0, m.find('-')));
    int i = std::stoi(m.substr(m.find('-') + 1));
    ASSERT_EQ(i, next[t]) << "thread " << t << " out of order";
    ++next[t];
  }
  EXPECT_EQ(server.duplicateRequests(), 0);
}

TEST(CoreDirectSend, ARequestGoesOutWhileAnotherInstancesCallbackHoldsTheNetworkThread) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  std::mutex gate;
  std::atomic<bool> blocking{false};
  HookedClient blocker(server.address(), [&](const std::string& line) {
    if (line.compare(0, 10, "error ping") != 0) return;
    blocking = true;
    std::lock_guard<std::mutex> wait(gate);
  });
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  // Declared after the clients so that it opens before they are destroyed, whatever happens.
  std::unique_lock<std::mutex> closed(gate);
  blocker.api->ping();  // not logged in: onError("ping", 1003) on the network thread
  ASSERT_TRUE(eventually([&] { return blocking.load(); }));
  a.send("bob", "while-blocked", "w1");
  // Written on this thread: the server has it although the network thread is still held.
  EXPECT_TRUE(eventually([&] { return instantMessagesSeen(server).size() == 1; }));
  EXPECT_EQ(a.rec->count("messageSendSuccess"), 0);
  closed.unlock();
  EXPECT_TRUE(a.rec->waitFor("messageSendSuccess w1"));
  EXPECT_TRUE(b.rec->waitFor("instant alice while-blocked"));
}

TEST(CoreDirectSend, CallsDuringTheInstancesOwnCallbackReturnAtOnceAndKeepTheirOrder) {
  FakeServer server;
  std::mutex gate;
  std::atomic<bool> blocking{false};
  HookedClient a(server.address(), [&](const std::string& line) {
    if (line.compare(0, 17, "error channelJoin") != 0) return;
    blocking = true;
    std::lock_guard<std::mutex> wait(gate);
  });
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  std::unique_lock<std::mutex> closed(gate);  // after the clients: opens before they go
  a.api->channelJoin("", 0);  // refused locally: its callbacks fire on the network thread
  ASSERT_TRUE(eventually([&] { return blocking.load(); }));
  // The callback holds the session: the calls must neither block nor overtake one another.
  auto start = Clock::now();
  auto send = [&](int i) {
    std::string m = "q" + std::to_string(i);
    a.api->messageInstantSend("bob", 3, 0, m.data(), m.size(), m.data(), m.size());
  };
  for (int i = 0; i < 20; ++i) send(i);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  closed.unlock();
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", 20));
  // More calls once it is free again, on whichever path they take.
  for (int i = 20; i < 40; ++i) send(i);
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", 40));
  std::vector<std::string> expected;
  for (int i = 0; i < 40; ++i) expected.push_back("q" + std::to_string(i));
  EXPECT_EQ(instantMessagesSeen(server), expected);
}

TEST(CoreDirectSend, CallsFromInsideCallbacksStillWork) {
  FakeServer server;
  // A ping-pong driven only by callbacks: each side answers the other's message from inside
  // onMessageInstantReceive, on the network thread.
  std::atomic<int> rallies{0};
  std::atomic<agora_sdk_win::IAgoraAPI*> alice{nullptr}, bob{nullptr};
  auto answer = [&rallies](std::atomic<agora_sdk_win::IAgoraAPI*>& self, std::string peer) {
    return [&self, peer, &rallies](const std::string& line) {
      if (line.compare(0, 8, "instant ") != 0) return;
      int n = rallies.fetch_add(1) + 1;
      if (n >= 40) return;
      std::string m = "r" + std::to_string(n);
      self.load()->messageInstantSend(peer.data(), peer.size(), 0, m.data(), m.size(), m.data(),
                                      m.size());
    };
  };
  HookedClient a(server.address(), answer(alice, "bob"));
  HookedClient b(server.address(), answer(bob, "alice"));
  alice = a.api;
  bob = b.api;
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  a.api->messageInstantSend("bob", 3, 0, "r0", 2, "r0", 2);
  ASSERT_TRUE(eventually([&] { return rallies.load() >= 40; }, 20000));
  EXPECT_TRUE(a.rec->waitFor("messageSendSuccess", 20));
  EXPECT_TRUE(b.rec->waitFor("messageSendSuccess", 20));
  EXPECT_EQ(server.duplicateRequests(), 0);
  EXPECT_EQ(instantMessagesSeen(server).size(), 40u);
}

TEST(CoreDirectSend, ConnectionLostWhileSendingLosesNothing) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  constexpr int kMessages = 600;
  for (int i = 0; i < kMessages; ++i) {
    if (i == 200 || i == 400) server.dropConnectionOf("alice");
    a.send("bob", "c" + std::to_string(i), "c" + std::to_string(i));
    if (i % 50 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess", kMessages, 30000));
  EXPECT_GE(a.rec->count("reconnected"), 1);
  std::vector<std::string> expected;
  for (int i = 0; i < kMessages; ++i) expected.push_back("c" + std::to_string(i));
  EXPECT_EQ(instantMessagesSeen(server), expected);
  EXPECT_EQ(a.rec->count("messageSendSuccess"), kMessages);
  EXPECT_EQ(a.rec->count("error"), 0);
}

// One instance for a destroy round: logged in as alice, with its own recorder.
struct Doomed {
  std::unique_ptr<Recorder> rec{new Recorder};
  agora_sdk_win::IAgoraAPI* api = createAgoraSDKInstanceWin("test-app", 8);

  bool login(const std::string& address) {
    api->callbackSet(rec.get());
    api->dbg("server", 6, address.data(), address.size());
    api->login("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0);
    return rec->waitFor("loginSuccess");
  }
  // To an offline account: every request is answered (onMessageSendError 400) without involving
  // a second session.
  void send() { api->messageInstantSend("nobody", 6, 0, "x", 1, "", 0); }
};

TEST(CoreDirectSend, DestroyFromACallbackRacingSenders) {
  // Senders on other threads run while another instance's callback calls destroy(): their calls
  // race the silencing and the teardown that follows. The callback waits for them to stop before
  // it returns, since the instance is freed after that.
  FakeServer server;
  struct Round {
    Doomed* doomed;
    std::vector<std::thread>* senders;
    std::atomic<bool>* stop;
    std::atomic<bool> done{false};
  };
  std::atomic<Round*> current{nullptr};
  HookedClient b(server.address(), [&](const std::string& line) {
    Round* r = current.load();
    if (!r || line.compare(0, 17, "error channelJoin") != 0) return;
    r->doomed->api->destroy();
    r->stop->store(true);
    for (auto& s : *r->senders) s.join();
    r->done = true;
  });
  ASSERT_TRUE(b.login("bob"));
  std::mt19937 random(11);
  for (int round = 0; round < 200; ++round) {
    Doomed a;
    ASSERT_TRUE(a.login(server.address()));
    std::atomic<bool> stop{false};
    std::vector<std::thread> senders;
    for (int t = 0; t < 3; ++t) {
      senders.emplace_back([&a, &stop] {
        for (int i = 0; i < 300 && !stop.load(); ++i) a.send();
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 400));
    Round r{&a, &senders, &stop};
    current = &r;
    b.api->channelJoin("", 0);  // refused locally: b's callback runs on the network thread
    ASSERT_TRUE(eventually([&] { return r.done.load(); }));
    current = nullptr;
  }
  EXPECT_EQ(b.api->getStatus(), 2);
  b.api->messageInstantSend("bob", 3, 0, "still here", 10, "s", 1);
  EXPECT_TRUE(b.rec->waitFor("instant bob still here"));
}

TEST(CoreDirectSend, DestroyRightAfterOtherThreadsSent) {
  // destroy() on this thread while what other threads wrote is in flight: answers still
  // arriving, flushes the loop was asked for, requests queued behind a busy lock.
  FakeServer server;
  Client b(server.address());
  ASSERT_TRUE(b.login("bob"));
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    auto a = std::make_unique<Doomed>();
    ASSERT_TRUE(a->login(server.address()));
    int each = 1 + static_cast<int>(random() % 60);
    std::vector<std::thread> senders;
    for (int t = 0; t < 3; ++t) {
      senders.emplace_back([&a, each] {
        for (int i = 0; i < each; ++i) a->send();
      });
    }
    for (auto& s : senders) s.join();
    a->api->destroy();
    size_t callbacks = a->rec->size();
    std::this_thread::sleep_for(std::chrono::milliseconds(round % 10 == 0 ? 20 : 0));
    EXPECT_EQ(a->rec->size(), callbacks) << "a callback after destroy() returned";
  }
  EXPECT_EQ(b.api->getStatus(), 2);
  b.send("bob", "still here", "s");
  EXPECT_TRUE(b.rec->waitFor("instant bob still here"));
}

TEST(CoreDirectSend, SessionShutdownRacingCallerThreadSends) {
  // The race destroy() must survive, without the instance around it (whose memory a caller may
  // not touch once destroy() returns): threads holding the session keep sending while the loop
  // shuts it down. After shutdown nothing more is written, and nothing crashes (run it under
  // ASan and TSan).
  using agora_sig::core::EventLoop;
  using agora_sig::core::PendingRequest;
  using agora_sig::core::SessionClient;
  FakeServer server;
  Client b(server.address());  // also keeps the loop (and the core's tables) set up
  ASSERT_TRUE(b.login("bob"));
  agora_sig::core::ServerAddress address;
  std::string error;
  ASSERT_TRUE(agora_sig::core::parseServerAddress(server.address(), address, error));
  EventLoop* loop = EventLoop::acquire();
  for (int round = 0; round < 300; ++round) {
    auto session = std::make_shared<SessionClient>(loop, address, "race-test");
    agora_sig::core::Credentials credentials;
    credentials.appId = "test-app";
    credentials.account = "racer";
    session->post([credentials](SessionClient& s) { s.login(credentials); });
    ASSERT_TRUE(eventually([&] {
      return session->status() == agora_sig::core::Status::LoggedIn;
    }));
    std::atomic<bool> shutDown{false};
    std::atomic<int> writtenAfterShutdown{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < 2; ++t) {
      senders.emplace_back([session, &shutDown, &writtenAfterShutdown, round] {
        for (int i = 0; i < 30 + round % 50; ++i) {
          PendingRequest r;
          r.method = "messageInstantSend";
          r.op = Op::MsgInstant;
          r.args = {"bob", "0", "x", ""};
          r.msgID = "r";
          bool wasShutDown = shutDown.load();
          if (session->trySubmitFromCaller(r)) {
            if (wasShutDown) ++writtenAfterShutdown;
          } else {
            session->post([r](SessionClient& s) { s.submit(r); });
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::microseconds(round % 7 * 50));
    loop->runSync([session] { session->shutdown(); });
    shutDown = true;
    for (auto& s : senders) s.join();
    EXPECT_EQ(writtenAfterShutdown.load(), 0);
    EXPECT_EQ(session->status(), agora_sig::core::Status::NotLoggedIn);
  }
  EventLoop::release(loop);
  EXPECT_EQ(b.api->getStatus(), 2);
}
