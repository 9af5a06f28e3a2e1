// Two users of the Windows API meet in a channel: alice joins, bob joins (alice sees him arrive),
// bob sends a channel message and both receive it. Prints "ok" and exits 0 when every step
// happened, exits 1 after 10 seconds otherwise.
//
// Usage: channel_roundtrip [appId] [channel]   (defaults "demo-app" and "lobby"; server from
// AGORA_SIG_SERVER, else 127.0.0.1:9720)
#include <stdio.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <string>

#include "agora_sig.h"
#include "wait_until.h"

using namespace agora_sdk_win;

class ChannelUser : public ICallBack {
 public:
  ChannelUser(const char* name, const char* appId) : name_(name) {
    api_ = createAgoraSDKInstanceWin(appId, strlen(appId));
    api_->callbackSet(this);
  }
  ~ChannelUser() { api_->destroy(); }

  IAgoraAPI* api() { return api_; }
  void login() { api_->login("", 0, name_.c_str(), name_.size(), "_no_need_token", 14, 0, "", 0); }

  std::atomic<bool> loggedIn{false};
  std::atomic<bool> joined{false};
  std::atomic<int> listed{-1};  // members in onChannelUserList
  std::atomic<bool> sawPeerJoin{false};
  std::atomic<bool> received{false};
  std::atomic<bool> sent{false};
  std::atomic<bool> failed{false};

  void onLoginSuccess(uint32_t uid, int fd) override { loggedIn = true; }
  void onLoginFailed(int ecode) override {
    fprintf(stderr, "%s: login failed (%d)\n", name_.c_str(), ecode);
    failed = true;
  }
  void onChannelJoined(char const* channelID, size_t channelID_size) override {
    printf("%s joined %.*s\n", name_.c_str(), (int)channelID_size, channelID);
    joined = true;
  }
  void onChannelJoinFailed(char const* channelID, size_t channelID_size, int ecode) override {
    fprintf(stderr, "%s: join of %.*s failed (%d)\n", name_.c_str(), (int)channelID_size,
            channelID, ecode);
    failed = true;
  }
  void onChannelUserList(int n, char** accounts, uint32_t* uids) override {
    std::string names;
    for (int i = 0; i < n; ++i) names += std::string(i ? ", " : "") + accounts[i];
    printf("%s sees %d member(s): %s\n", name_.c_str(), n, names.c_str());
    listed = n;
  }
  void onChannelUserJoined(char const* account, size_t account_size, uint32_t uid) override {
    printf("%s sees %.*s (uid %u) join\n", name_.c_str(), (int)account_size, account, uid);
    sawPeerJoin = true;
  }
  void onMessageChannelReceive(char const* channelID, size_t channelID_size, char const* account,
                               size_t account_size, uint32_t uid, char const* msg,
                               size_t msg_size) override {
    printf("%s got \"%.*s\" from %.*s in %.*s\n", name_.c_str(), (int)msg_size, msg,
           (int)account_size, account, (int)channelID_size, channelID);
    received = true;
  }
  void onMessageSendSuccess(char const* messageID, size_t messageID_size) override { sent = true; }
  void onMessageSendError(char const* messageID, size_t messageID_size, int ecode) override {
    fprintf(stderr, "%s: channel message not sent (%d)\n", name_.c_str(), ecode);
    failed = true;
  }
  void onError(char const* name, size_t name_size, int ecode, char const* desc,
               size_t desc_size) override {
    fprintf(stderr, "%s: %.*s failed (%d): %.*s\n", name_.c_str(), (int)name_size, name, ecode,
            (int)desc_size, desc);
  }

 private:
  std::string name_;
  IAgoraAPI* api_;
};

int main(int argc, char** argv) {
  const char* appId = argc > 1 ? argv[1] : "demo-app";
  std::string channel = argc > 2 ? argv[2] : "lobby";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  ChannelUser alice("alice", appId);
  ChannelUser bob("bob", appId);
  alice.login();
  bob.login();
  if (!waitUntil(deadline, [&] { return alice.loggedIn && bob.loggedIn; }, alice, bob)) {
    fprintf(stderr, "login did not complete\n");
    return 1;
  }
  alice.api()->channelJoin(channel.c_str(), channel.size());
  if (!waitUntil(deadline, [&] { return alice.joined && alice.listed == 1; }, alice, bob)) {
    fprintf(stderr, "alice did not join\n");
    return 1;
  }
  bob.api()->channelJoin(channel.c_str(), channel.size());
  if (!waitUntil(deadline, [&] { return bob.joined && bob.listed == 2 && alice.sawPeerJoin; },
                 alice, bob)) {
    fprintf(stderr, "bob did not join, or alice did not see him\n");
    return 1;
  }
  const char* msg = "hello, channel";
  bob.api()->messageChannelSend(channel.c_str(), channel.size(), msg, strlen(msg), "", 0);
  if (!waitUntil(deadline, [&] { return alice.received && bob.received && bob.sent; }, alice,
                 bob)) {
    fprintf(stderr, "the channel message did not reach both members\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
