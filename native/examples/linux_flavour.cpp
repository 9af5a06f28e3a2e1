// The Linux/macOS flavour: agora_sdk_cpp names and getAgoraSDKInstanceCPP(), with the App ID
// given to login. Logs in once and reports what happened; exits 0 if the login succeeded.
//
// Usage: linux_flavour [appId] [account]   (server from AGORA_SIG_SERVER, else 127.0.0.1:9720)
#include <stdio.h>
#include <string.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

#include "agora_sig.h"

using namespace agora_sdk_cpp;

class Handler : public ICallBack {
 public:
  void onLoginSuccess(uint32_t uid, int fd) override { finish(0, "logged in, uid " + std::to_string(uid)); }
  void onLoginFailed(int ecode) override { finish(1, "login failed: " + std::to_string(ecode)); }
  void onLog(char const* txt, size_t txt_size) override {
    printf("log: %.*s\n", (int)txt_size, txt);
  }

  int wait(std::chrono::seconds timeout) {
    std::unique_lock<std::mutex> lock(mutex_);
    if (!done_.wait_for(lock, timeout, [this] { return result_ >= 0; })) {
      printf("no answer in time\n");
      return 1;
    }
    printf("%s\n", text_.c_str());
    return result_;
  }

 private:
  void finish(int result, const std::string& text) {
    std::lock_guard<std::mutex> lock(mutex_);
    result_ = result;
    text_ = text;
    done_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable done_;
  int result_ = -1;
  std::string text_;
};

int main(int argc, char** argv) {
  const char* appId = argc > 1 ? argv[1] : "demo-app";
  const char* account = argc > 2 ? argv[2] : "linux-user";
  Handler handler;
  IAgoraAPI* api = getAgoraSDKInstanceCPP();
  api->callbackSet(&handler);
  printf("SDK version %d\n", api->getSdkVersion());
  // One try and no retries: this is a quick check.
  api->login2(appId, strlen(appId), account, strlen(account), "_no_need_token", 14, 0, "", 0, 5, 0);
  int rc = handler.wait(std::chrono::seconds(10));
  if (rc == 0) {
    api->logout();
  }
  api->destroy();
  return rc;
}
