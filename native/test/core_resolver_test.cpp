// Name resolution off the network thread, and the addresses of a name raced (core/resolver.h,
// core/connector.h): lookups are injected through Resolver::setLookupForTesting, so a slow DNS
// and a name listing ::1 before 127.0.0.1 need no change to the system's configuration.
#include <gtest/gtest.h>

#if !defined(_WIN32)
#  include <fcntl.h>
#endif

#include "core/connector.h"
#include "core/resolver.h"
#include "core_test_support.h"
#include "net/address.h"

using namespace coretest;
using agora_sig::core::Resolver;
using agora_sig::net::SocketAddress;

namespace {

SocketAddress numeric(const std::string& host, uint16_t port) {
  SocketAddress a;
  EXPECT_TRUE(agora_sig::net::numericAddress(host, port, a)) << host;
  return a;
}

// Puts the system's lookup back whatever the test does.
struct LookupGuard {
  explicit LookupGuard(Resolver::Lookup lookup) { Resolver::setLookupForTesting(std::move(lookup)); }
  ~LookupGuard() { Resolver::setLookupForTesting(nullptr); }
};

long long msSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

}  // namespace

// Before: getaddrinfo ran on the shared loop thread, and a 2 s lookup for one instance held up
// every other instance's messages for as long.
TEST(CoreResolver, SlowLookupDoesNotDelayOtherInstances) {
  FakeServer server;
  std::atomic<int> lookups{0};
  LookupGuard guard([&](const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                        std::string&) {
    ++lookups;
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    out.push_back(numeric("127.0.0.1", port));
    return true;
  });
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  Client slow("slow.invalid:" + std::to_string(server.port()));
  auto loginStarted = Clock::now();
  slow.api->login("", 0, "carol", 5, "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(eventually([&] { return lookups.load() == 1; }));
  long long worst = 0;
  for (int i = 0; i < 10; ++i) {
    auto sent = Clock::now();
    a.send("bob", "m" + std::to_string(i), "id" + std::to_string(i));
    ASSERT_TRUE(b.rec->waitFor("instant alice", i + 1));
    worst = std::max(worst, msSince(sent));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("worst message delay during a 2 s lookup: %lld ms\n", worst);
  EXPECT_LT(worst, 300);
  // And the slow instance still logs in once its lookup is done.
  ASSERT_TRUE(slow.rec->waitFor("loginSuccess", 1, 6000));
  EXPECT_GE(msSince(loginStarted), 1900);
}

// localhost resolves to ::1 before 127.0.0.1 on many machines; the server listens on IPv4 only.
// Before: only the first address whose connect got under way was tried, and login failed (201).
TEST(CoreResolver, NameListingIpv6FirstReachesIpv4OnlyServer) {
  FakeServer server;
  LookupGuard guard([&](const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                        std::string&) {
    out.push_back(numeric("::1", port));
    out.push_back(numeric("127.0.0.1", port));
    return true;
  });
  Client c("dual.invalid:" + std::to_string(server.port()));
  ASSERT_TRUE(c.login("alice", 30, 0));
  EXPECT_EQ(c.rec->count("loginFailed"), 0);
}

// An address on a network nobody answers on: where the test machine has a route it stays
// connecting and the next address starts after 250 ms; where it has none the connect fails at once
// and the next starts at once. The login succeeds quickly either way (the silent-listener test
// below makes the first case certain).
TEST(CoreResolver, UnansweringFirstAddressIsRacedPastQuickly) {
  FakeServer server;
  LookupGuard guard([&](const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                        std::string&) {
    out.push_back(numeric("192.0.2.1", port));  // TEST-NET-1: nobody answers
    out.push_back(numeric("127.0.0.1", port));
    return true;
  });
  Client c("blackhole.invalid:" + std::to_string(server.port()));
  auto started = Clock::now();
  ASSERT_TRUE(c.login("alice", 30, 0));
  EXPECT_LT(msSince(started), 1500);
}

#if !defined(_WIN32)
// A loopback listener that never accepts, its queue filled: the kernel drops further SYNs, so a
// connect to it stays under way (as to a host that does not answer) on any test machine.
struct SilentListener {
  int fd = -1;
  std::vector<int> fillers;
  uint16_t port = 0;
  SilentListener() {
    fd = listenOnLoopback(port);
    listen(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    for (int i = 0; i < 4; ++i) {
      int c = openTcpSocket();
      fcntl(c, F_SETFL, fcntl(c, F_GETFL, 0) | O_NONBLOCK);
      connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
      fillers.push_back(c);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ~SilentListener() {
    for (int c : fillers) closeTestSocket(c);
    closeTestSocket(fd);
  }
};

// The first address neither accepts nor refuses: the next is started after the attempt delay
// (250 ms), not after the whole connect timeout, and wins.
TEST(CoreResolver, SilentFirstAddressIsRacedAfterTheAttemptDelay) {
  FakeServer server;
  SilentListener silent;
  LookupGuard guard([&](const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                        std::string&) {
    out.push_back(numeric("127.0.0.1", silent.port));
    out.push_back(numeric("127.0.0.1", port));
    return true;
  });
  Client c("silent.invalid:" + std::to_string(server.port()));
  auto started = Clock::now();
  ASSERT_TRUE(c.login("alice", 30, 0));
  long long ms = msSince(started);
  std::printf("login past a silent first address: %lld ms\n", ms);
  EXPECT_GE(ms, 240);
  EXPECT_LT(ms, 1500);
}
#endif

// The order of attempts (RFC 8305 section 4): families alternate, first family first.
TEST(CoreResolver, FamiliesAreInterleaved) {
  std::vector<SocketAddress> in = {numeric("::1", 1), numeric("::2", 1), numeric("10.0.0.1", 1),
                                   numeric("10.0.0.2", 1), numeric("::3", 1)};
  std::vector<SocketAddress> out = agora_sig::core::interleaveFamilies(in);
  std::vector<std::string> texts;
  for (auto& a : out) texts.push_back(a.text);
  EXPECT_EQ(texts, (std::vector<std::string>{"[::1]:1", "10.0.0.1:1", "[::2]:1", "10.0.0.2:1",
                                             "[::3]:1"}));
}

// A logout while the name is still being looked up cancels the login: no connection is made when
// the lookup comes back late.
TEST(CoreResolver, LogoutDuringLookupCancelsIt) {
  FakeServer server;
  std::atomic<bool> lookupDone{false};
  LookupGuard guard([&](const std::string& host, uint16_t port, std::vector<SocketAddress>& out,
                        std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    out.push_back(numeric("127.0.0.1", port));
    lookupDone = true;
    return true;
  });
  Client c("slow.invalid:" + std::to_string(server.port()));
  c.api->login("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  c.api->logout();
  ASSERT_TRUE(c.rec->waitFor("logout"));
  ASSERT_TRUE(eventually([&] { return lookupDone.load(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(server.received(FrameType::Hello), 0);
  EXPECT_EQ(c.rec->count("loginSuccess"), 0);
  EXPECT_EQ(c.api->getStatus(), 0);
}

// A lookup that fails is a failed connection like any other: retried, then onLoginFailed(201).
TEST(CoreResolver, FailedLookupFailsTheLogin) {
  LookupGuard guard([&](const std::string& host, uint16_t, std::vector<SocketAddress>&,
                        std::string& error) {
    error = "no such name " + host;
    return false;
  });
  Client c("nowhere.invalid:9");
  c.api->login2("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0, 30, 0);
  ASSERT_TRUE(c.rec->waitFor("loginFailed 201"));
  EXPECT_GE(c.rec->count("log agora_sig: cannot connect to nowhere.invalid:9: no such name"), 1);
}
