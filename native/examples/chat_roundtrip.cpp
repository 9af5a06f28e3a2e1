// Two users of the Windows API exchange a message: alice sends bob "ping", bob answers "pong".
// Prints "ok" and exits 0 when both messages arrived, exits 1 after 10 seconds otherwise.
//
// Usage: chat_roundtrip [appId]   (default "demo-app"; server from AGORA_SIG_SERVER, else
// 127.0.0.1:9720)
#include <stdio.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <string>

#include "agora_sig.h"
#include "wait_until.h"

using namespace agora_sdk_win;

class ChatUser : public ICallBack {
 public:
  ChatUser(const char* name, const char* appId) : name_(name) {
    api_ = createAgoraSDKInstanceWin(appId, strlen(appId));
    api_->callbackSet(this);
  }
  ~ChatUser() { api_->destroy(); }

  void login() {
    api_->login("", 0, name_.c_str(), name_.size(), "_no_need_token", 14, 0, "", 0);
  }
  void send(const std::string& to, const std::string& msg) {
    api_->messageInstantSend(to.c_str(), to.size(), 0, msg.c_str(), msg.size(), "", 0);
  }

  std::atomic<bool> loggedIn{false};
  std::atomic<bool> failed{false};
  std::string peer;
  std::string reply;  // what to answer a message with, if anything
  std::atomic<bool> received{false};

  void onLoginSuccess(uint32_t uid, int fd) override { loggedIn = true; }
  void onLoginFailed(int ecode) override {
    fprintf(stderr, "%s: login failed (%d)\n", name_.c_str(), ecode);
    failed = true;
  }
  void onMessageInstantReceive(char const* account, size_t account_size, uint32_t uid,
                               char const* msg, size_t msg_size) override {
    printf("%s got \"%.*s\" from %.*s\n", name_.c_str(), (int)msg_size, msg, (int)account_size,
           account);
    received = true;
    if (!reply.empty()) send(std::string(account, account_size), reply);
  }
  void onMessageSendError(char const* messageID, size_t messageID_size, int ecode) override {
    fprintf(stderr, "%s: message not delivered (%d)\n", name_.c_str(), ecode);
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
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  ChatUser alice("alice", appId);
  ChatUser bob("bob", appId);
  bob.reply = "pong";
  alice.login();
  bob.login();
  if (!waitUntil(deadline, [&] { return alice.loggedIn && bob.loggedIn; }, alice, bob)) {
    fprintf(stderr, "login did not complete\n");
    return 1;
  }
  alice.send("bob", "ping");
  if (!waitUntil(deadline, [&] { return bob.received && alice.received; }, alice, bob)) {
    fprintf(stderr, "messages did not arrive\n");
    return 1;
  }
  printf("ok\n");
  return 0;
}
