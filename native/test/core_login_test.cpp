// Login, logout, status and the server address, against the scripted server.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "core/version.h"
#include "core_test_support.h"

using namespace coretest;

TEST(CoreLogin, SucceedsThenLogsOut) {
  FakeServer server;
  Client a(server.address());
  EXPECT_EQ(a.api->getStatus(), 0);
  EXPECT_FALSE(a.api->isOnline());
  ASSERT_TRUE(a.login("alice"));
  EXPECT_EQ(a.api->getStatus(), 2);
  EXPECT_TRUE(a.api->isOnline());
  EXPECT_EQ(server.received(FrameType::Hello), 1);
  EXPECT_EQ(server.received(FrameType::Login), 1);

  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  EXPECT_EQ(a.api->getStatus(), 0);
  EXPECT_EQ(server.received(FrameType::Logout), 1);
}

TEST(CoreLogin, ServerRefusalBecomesLoginFailed) {
  FakeServer server;
  server.setLoginFailure(206);
  Client a(server.address());
  a.api->login("test-app", 8, "alice", 5, "bad", 3, 0, "", 0);
  ASSERT_TRUE(a.rec->waitFor("loginFailed 206"));
  EXPECT_EQ(a.api->getStatus(), 0);
  EXPECT_EQ(a.rec->count("reconnecting"), 0);
}

TEST(CoreLogin, LoginWhileLoggedInIsIgnored) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->login("test-app", 8, "alice", 5, "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(a.rec->waitFor("log agora_sig: login ignored"));
  EXPECT_EQ(a.rec->count("loginSuccess"), 1);
  EXPECT_EQ(server.received(FrameType::Login), 1);
}

TEST(CoreLogin, InvalidAccountIsRejectedLocally) {
  FakeServer server;
  Client a(server.address());
  a.api->login("test-app", 8, "", 0, "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(a.rec->waitFor("loginFailed 209"));
  EXPECT_EQ(a.rec->count("error login 1004"), 1);
  std::string tooLong(129, 'a');
  a.api->login("test-app", 8, tooLong.data(), tooLong.size(), "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(a.rec->waitFor("loginFailed 209", 2));
  EXPECT_EQ(a.rec->count("error login 1005"), 1);
  a.api->login("test-app", 8, "has space", 9, "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(a.rec->waitFor("loginFailed 209", 3));
  EXPECT_EQ(a.rec->count("error login 1004"), 2);
  EXPECT_EQ(server.received(FrameType::Login), 0);
}

TEST(CoreLogin, LogoutWhenNotLoggedInAnswersAtOnce) {
  FakeServer server;
  Client a(server.address());
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  EXPECT_EQ(a.api->getStatus(), 0);
}

TEST(CoreLogin, EnvironmentVariableChoosesTheServer) {
  FakeServer server;
  setEnvironment("AGORA_SIG_SERVER", server.address().c_str());
  agora_sdk_win::IAgoraAPI* api = createAgoraSDKInstanceCPP();
  setEnvironment("AGORA_SIG_SERVER", nullptr);
  Recorder rec;
  api->callbackSet(&rec);
  EXPECT_EQ(api->callbackGet(), &rec);
  api->login("test-app", 8, "carol", 5, "_no_need_token", 14, 0, "", 0);
  EXPECT_TRUE(rec.waitFor("loginSuccess"));
  api->destroy();
}

TEST(CoreLogin, BadServerAddressIsAWrongParameter) {
  FakeServer server;
  Client a(server.address());
  a.api->dbg("server", 6, "nonsense", 8);
  ASSERT_TRUE(a.rec->waitFor("error dbg 1004"));
  a.api->dbg("server", 6, "127.0.0.1:0", 11);
  ASSERT_TRUE(a.rec->waitFor("error dbg 1004", 2));
  // The earlier valid address is still in use.
  EXPECT_TRUE(a.login("alice"));
}

TEST(CoreLogin, AppIdComesFromLoginOrTheWindowsFactory) {
  FakeServer server;
  Client a(server.address());  // made by createAgoraSDKInstanceWin("test-app")
  ASSERT_TRUE(a.login("alice"));  // login's own vendor ID is empty
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  a.api->login("other-app", 9, "alice", 5, "_no_need_token", 14, 0, "", 0);
  ASSERT_TRUE(a.rec->waitFor("loginSuccess", 2));
  EXPECT_EQ(server.loginAppIds(), (std::vector<std::string>{"test-app", "other-app"}));
}

TEST(CoreVersion, IntegerFormOfTheVersion) {
  EXPECT_EQ(agora_sig::core::sdkVersionNumber("1.1.4.19"), 1010104019);
  EXPECT_EQ(agora_sig::core::sdkVersionNumber("0.1.0"), 1000100000);
  EXPECT_STRNE(agora_sig::core::sdkVersionString(), "0.0.0");
  agora_sdk_win::IAgoraAPI* api = createAgoraSDKInstanceCPP();
  EXPECT_EQ(api->getSdkVersion(),
            agora_sig::core::sdkVersionNumber(agora_sig::core::sdkVersionString()));
  api->destroy();
}
