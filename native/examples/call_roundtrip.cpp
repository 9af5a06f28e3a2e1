// One accepted call between two users of the Windows API: alice invites bob to a channel, bob is
// told and accepts, alice sees the acceptance, then alice hangs up and both hear the call end.
// Prints "ok" and exits 0 when every step happened, exits 1 after 10 seconds otherwise.
//
// Usage: call_roundtrip [appId] [channel]   (defaults "demo-app" and "call-1"; server from
// AGORA_SIG_SERVER, else 127.0.0.1:9720)
#include <stdio.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>

#include "agora_sig.h"
#include "wait_until.h"

using namespace agora_sdk_win;

class CallUser : public ICallBack {
 public:
  CallUser(const char* name, const char* appId) : name_(name) {
    api_ = createAgoraSDKInstanceWin(appId, strlen(appId));
    api_->callbackSet(this);
  }
  ~CallUser() { api_->destroy(); }

  IAgoraAPI* api() { return api_; }
  void login() { api_->login("", 0, name_.c_str(), name_.size(), "_no_need_token", 14, 0, "", 0); }

  std::atomic<bool> loggedIn{false};
  std::atomic<bool> ringing{false};     // callee: onInviteReceived
  std::atomic<bool> delivered{false};   // caller: onInviteReceivedByPeer
  std::atomic<bool> accepted{false};    // caller: onInviteAcceptedByPeer
  std::atomic<bool> endedHere{false};   // onInviteEndByMyself
  std::atomic<bool> endedThere{false};  // onInviteEndByPeer
  std::atomic<bool> failed{false};

  // What the callee needs to answer: the caller and the uid the invitation named.
  std::string callerOf() {
    std::lock_guard<std::mutex> lock(mutex_);
    return caller_;
  }
  uint32_t callerUid() { return callerUid_; }

  void onLoginSuccess(uint32_t uid, int fd) override { loggedIn = true; }
  void onLoginFailed(int ecode) override {
    fprintf(stderr, "%s: login failed (%d)\n", name_.c_str(), ecode);
    failed = true;
  }
  void onInviteReceived(char const* channelID, size_t channelID_size, char const* account,
                        size_t account_size, uint32_t uid, char const* extra,
                        size_t extra_size) override {
    printf("%s is invited to %.*s by %.*s (uid %u), extra %.*s\n", name_.c_str(),
           (int)channelID_size, channelID, (int)account_size, account, uid, (int)extra_size, extra);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      caller_.assign(account, account_size);
    }
    callerUid_ = uid;
    ringing = true;
  }
  void onInviteReceivedByPeer(char const* channelID, size_t channelID_size, char const* account,
                              size_t account_size, uint32_t uid) override {
    printf("%s's invitation reached %.*s\n", name_.c_str(), (int)account_size, account);
    delivered = true;
  }
  void onInviteAcceptedByPeer(char const* channelID, size_t channelID_size, char const* account,
                              size_t account_size, uint32_t uid, char const* extra,
                              size_t extra_size) override {
    printf("%.*s accepted %s's call in %.*s, extra %.*s\n", (int)account_size, account,
           name_.c_str(), (int)channelID_size, channelID, (int)extra_size, extra);
    accepted = true;
  }
  void onInviteRefusedByPeer(char const* channelID, size_t channelID_size, char const* account,
                             size_t account_size, uint32_t uid, char const* extra,
                             size_t extra_size) override {
    fprintf(stderr, "%s: %.*s refused the call\n", name_.c_str(), (int)account_size, account);
    failed = true;
  }
  void onInviteFailed(char const* channelID, size_t channelID_size, char const* account,
                      size_t account_size, uint32_t uid, int ecode, char const* extra,
                      size_t extra_size) override {
    fprintf(stderr, "%s: the invitation of %.*s failed (%d)\n", name_.c_str(), (int)account_size,
            account, ecode);
    failed = true;
  }
  void onInviteEndByMyself(char const* channelID, size_t channelID_size, char const* account,
                           size_t account_size, uint32_t uid) override {
    printf("%s ended the call with %.*s\n", name_.c_str(), (int)account_size, account);
    endedHere = true;
  }
  void onInviteEndByPeer(char const* channelID, size_t channelID_size, char const* account,
                         size_t account_size, uint32_t uid, char const* extra,
                         size_t extra_size) override {
    printf("%s hears %.*s end the call\n", name_.c_str(), (int)account_size, account);
    endedThere = true;
  }
  void onError(char const* name, size_t name_size, int ecode, char const* desc,
               size_t desc_size) override {
    fprintf(stderr, "%s: %.*s failed (%d): %.*s\n", name_.c_str(), (int)name_size, name, ecode,
            (int)desc_size, desc);
    failed = true;
  }

 private:
  std::string name_;
  IAgoraAPI* api_;
  std::mutex mutex_;
  std::string caller_;
  std::atomic<uint32_t> callerUid_{0};
};

int main(int argc, char** argv) {
  const char* appId = argc > 1 ? argv[1] : "demo-app";
  std::string channel = argc > 2 ? argv[2] : "call-1";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  CallUser alice("alice", appId);
  CallUser bob("bob", appId);
  alice.login();
  bob.login();
  if (!waitUntil(deadline, [&] { return alice.loggedIn && bob.loggedIn; }, alice, bob)) {
    fprintf(stderr, "login did not complete\n");
    return 1;
  }
  const char* extra = "{\"destMediaUid\":1234}";
  alice.api()->channelInviteUser2(channel.c_str(), channel.size(), "bob", 3, extra, strlen(extra));
  if (!waitUntil(deadline, [&] { return bob.ringing && alice.delivered; }, alice, bob)) {
    fprintf(stderr, "the invitation did not reach bob\n");
    return 1;
  }
  std::string caller = bob.callerOf();
  const char* answer = "{\"answer\":\"on my way\"}";
  bob.api()->channelInviteAccept(channel.c_str(), channel.size(), caller.c_str(), caller.size(),
                                 bob.callerUid(), answer, strlen(answer));
  if (!waitUntil(deadline, [&] { return alice.accepted.load(); }, alice, bob)) {
    fprintf(stderr, "alice did not see bob accept\n");
    return 1;
  }
  alice.api()->channelInviteEnd(channel.c_str(), channel.size(), "bob", 3, 0);
  if (!waitUntil(deadline, [&] { return alice.endedHere && bob.endedThere; }, alice, bob)) {
    fprintf(stderr, "the call did not end on both sides\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
