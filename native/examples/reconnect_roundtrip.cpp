// Two users of the Windows API keep their sessions across a lost connection. Both log in and
// print "logged in"; whoever runs the program then cuts their connections (a test does it with a
// TCP relay between the program and the server). Each user must see onReconnecting and then
// onReconnected; a message alice sends while she is reconnecting, and one she sends after, must
// both reach bob, once each and in order. Prints "ok" and exits 0 when they did, exits 1 after
// 30 seconds otherwise.
//
// Usage: reconnect_roundtrip [appId]   (default "demo-app"; server from AGORA_SIG_SERVER, else
// 127.0.0.1:9720; AGORA_SIG_EXAMPLE_LOG=1 prints the SDK's log lines to stderr)
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agora_sig.h"
#include "wait_until.h"

using namespace agora_sdk_win;

class ReconnectingUser : public ICallBack {
 public:
  ReconnectingUser(const char* name, const char* appId) : name_(name) {
    api_ = createAgoraSDKInstanceWin(appId, strlen(appId));
    api_->callbackSet(this);
  }
  ~ReconnectingUser() { api_->destroy(); }

  void login() { api_->login("", 0, name_.c_str(), name_.size(), "_no_need_token", 14, 0, "", 0); }
  void send(const std::string& to, const std::string& msg) {
    api_->messageInstantSend(to.c_str(), to.size(), 0, msg.c_str(), msg.size(), "", 0);
  }
  std::vector<std::string> receivedSoFar() {
    std::lock_guard<std::mutex> lock(mutex_);
    return received_;
  }

  std::atomic<bool> loggedIn{false};
  std::atomic<bool> reconnecting{false};
  std::atomic<bool> reconnected{false};
  std::atomic<bool> failed{false};

  void onLoginSuccess(uint32_t uid, int fd) override { loggedIn = true; }
  void onLoginFailed(int ecode) override {
    fprintf(stderr, "%s: login failed (%d)\n", name_.c_str(), ecode);
    failed = true;
  }
  void onLog(char const* txt, size_t size) override {
    static const bool enabled = getenv("AGORA_SIG_EXAMPLE_LOG") != nullptr;
    if (enabled) fprintf(stderr, "[%s] %.*s\n", name_.c_str(), (int)size, txt);
  }
  void onLogout(int ecode) override {
    fprintf(stderr, "%s: logged out (%d)\n", name_.c_str(), ecode);
    failed = true;
  }
  void onReconnecting(uint32_t nretry) override {
    printf("%s reconnecting (try %u)\n", name_.c_str(), nretry);
    fflush(stdout);
    reconnecting = true;
  }
  void onReconnected(int fd) override {
    printf("%s reconnected\n", name_.c_str());
    fflush(stdout);
    reconnected = true;
  }
  void onMessageInstantReceive(char const* account, size_t account_size, uint32_t uid,
                               char const* msg, size_t msg_size) override {
    printf("%s got \"%.*s\" from %.*s\n", name_.c_str(), (int)msg_size, msg, (int)account_size,
           account);
    fflush(stdout);
    std::lock_guard<std::mutex> lock(mutex_);
    received_.emplace_back(msg, msg_size);
  }
  void onMessageSendError(char const* messageID, size_t messageID_size, int ecode) override {
    fprintf(stderr, "%s: message not delivered (%d)\n", name_.c_str(), ecode);
    failed = true;
  }

 private:
  std::string name_;
  IAgoraAPI* api_;
  std::mutex mutex_;
  std::vector<std::string> received_;
};

int main(int argc, char** argv) {
  const char* appId = argc > 1 ? argv[1] : "demo-app";
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  ReconnectingUser alice("alice", appId);
  ReconnectingUser bob("bob", appId);
  alice.login();
  bob.login();
  if (!waitUntil(deadline, [&] { return alice.loggedIn && bob.loggedIn; }, alice, bob)) {
    fprintf(stderr, "login did not complete\n");
    return 1;
  }
  printf("logged in\n");
  fflush(stdout);

  if (!waitUntil(deadline, [&] { return alice.reconnecting.load(); }, alice, bob)) {
    fprintf(stderr, "alice never lost her connection\n");
    return 1;
  }
  // Sent while the session has no connection: kept by the core, sent after the resume.
  alice.send("bob", "during");
  if (!waitUntil(deadline, [&] { return alice.reconnected && bob.reconnected; }, alice, bob)) {
    fprintf(stderr, "the sessions did not both reconnect\n");
    return 1;
  }
  alice.send("bob", "after");
  std::vector<std::string> expected = {"during", "after"};
  if (!waitUntil(deadline, [&] { return bob.receivedSoFar().size() >= 2; }, alice, bob)) {
    fprintf(stderr, "bob did not get both messages\n");
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // a duplicate would arrive by now
  if (bob.receivedSoFar() != expected) {
    fprintf(stderr, "bob got %zu messages, not \"during\" then \"after\" once each\n",
            bob.receivedSoFar().size());
    return 1;
  }
  printf("ok\n");
  return 0;
}
