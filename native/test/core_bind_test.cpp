// dbg("bind", address): the source address of an instance's connections.
#include <gtest/gtest.h>

#include "core_test_support.h"

using namespace coretest;

namespace {

// Accepts connections on 127.0.0.1 and remembers the address each came from.
class SourceRecorder {
 public:
  SourceRecorder() {
    listener_ = listenOnLoopback(port_);
    thread_ = std::thread([this] {
      while (!stopped_) {
        std::vector<TestPollFd> p = {pollEntry(listener_)};
        if (pollSockets(p, 5) <= 0) continue;
        sockaddr_in peer{};
        int fd = acceptFrom(listener_, &peer);
        if (fd < 0) continue;
        char text[INET_ADDRSTRLEN] = {0};
        inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
        std::lock_guard<std::mutex> lock(mutex_);
        sources_.push_back(text);
        accepted_.push_back(fd);
      }
    });
  }
  ~SourceRecorder() {
    stopped_ = true;
    thread_.join();
    for (int fd : accepted_) closeTestSocket(fd);
    closeTestSocket(listener_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> sources() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sources_;
  }

 private:
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> sources_;
  std::vector<int> accepted_;
};

void startLogin(Client& c, const std::string& account) {
  c.api->login2("", 0, account.data(), account.size(), "_no_need_token", 14, 0, "", 0, 30, 3);
}

}  // namespace

TEST(CoreBind, ConnectsFromTheChosenSourceAddress) {
  SourceRecorder server;
  Client a(server.address());
  Client b(server.address());
  a.api->dbg("bind", 4, "127.0.0.7", 9);
  ASSERT_TRUE(a.rec->waitFor("dbg bind 127.0.0.7"));
  b.api->dbg("bind", 4, "127.0.0.9", 9);
  ASSERT_TRUE(b.rec->waitFor("dbg bind 127.0.0.9"));
  startLogin(a, "alice");
  ASSERT_TRUE(eventually([&] { return server.sources().size() == 1; }));
  startLogin(b, "bob");
  ASSERT_TRUE(eventually([&] { return server.sources().size() == 2; }));
  EXPECT_EQ(server.sources()[0], "127.0.0.7");
  EXPECT_EQ(server.sources()[1], "127.0.0.9");
}

TEST(CoreBind, WithoutBindTheSystemChooses) {
  SourceRecorder server;
  Client a(server.address());
  startLogin(a, "alice");
  ASSERT_TRUE(eventually([&] { return server.sources().size() == 1; }));
  EXPECT_EQ(server.sources()[0], "127.0.0.1");
}

TEST(CoreBind, AnEmptyAddressGoesBackToTheSystemsChoice) {
  SourceRecorder server;
  Client a(server.address());
  a.api->dbg("bind", 4, "127.0.0.7", 9);
  a.api->dbg("bind", 4, "", 0);
  ASSERT_TRUE(a.rec->waitFor("dbg bind", 2));
  startLogin(a, "alice");
  ASSERT_TRUE(eventually([&] { return server.sources().size() == 1; }));
  EXPECT_EQ(server.sources()[0], "127.0.0.1");
}

TEST(CoreBind, AHostNameIsAWrongParameterAndKeepsTheEarlierAddress) {
  FakeServer server;
  Client a(server.address());
  a.api->dbg("bind", 4, "127.0.0.1", 9);
  ASSERT_TRUE(a.rec->waitFor("dbg bind 127.0.0.1"));
  a.api->dbg("bind", 4, "localhost", 9);
  ASSERT_TRUE(a.rec->waitFor("error dbg 1004"));
  a.api->dbg("bind", 4, "127.0.0.300", 11);
  ASSERT_TRUE(a.rec->waitFor("error dbg 1004", 2));
  EXPECT_TRUE(a.login("alice"));
}

TEST(CoreBind, AnAddressOfNoLocalInterfaceFailsTheLogin) {
  FakeServer server;
  Client a(server.address());
  // 192.0.2.1 (TEST-NET-1) belongs to no interface of this machine: bind() refuses it.
  a.api->dbg("bind", 4, "192.0.2.1", 9);
  ASSERT_TRUE(a.rec->waitFor("dbg bind 192.0.2.1"));
  a.api->login2("", 0, "alice", 5, "_no_need_token", 14, 0, "", 0, 1, 1);
  EXPECT_TRUE(a.rec->waitFor("loginFailed 201", 1, 10000));
}
