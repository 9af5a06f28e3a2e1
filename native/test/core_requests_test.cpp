// Requests: argument checks, the not-logged-in answer, messages through the scripted server, and
// an answer for every method (never silence).
#include <gtest/gtest.h>

#include "core_test_support.h"

using namespace coretest;

TEST(CoreRequests, NotLoggedInIs1003WithTheMethodName) {
  FakeServer server;
  Client a(server.address());
  a.send("bob", "hi", "id-1");
  ASSERT_TRUE(a.rec->waitFor("error messageInstantSend 1003"));
  EXPECT_EQ(a.rec->count("messageSendError id-1 1003"), 1);
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("error channelJoin 1003"));
  EXPECT_EQ(a.rec->count("channelJoinFailed room 1003"), 1);
  a.api->queryUserStatus("bob", 3);
  ASSERT_TRUE(a.rec->waitFor("error queryUserStatus 1003"));
  a.api->ping();
  ASSERT_TRUE(a.rec->waitFor("error ping 1003"));
  EXPECT_EQ(server.received(FrameType::Request), 0);
}

TEST(CoreRequests, BadArgumentsAreRejectedBeforeSending) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  std::string big(8193, 'x');
  a.send("bob", big, "big");
  ASSERT_TRUE(a.rec->waitFor("error messageInstantSend 1005"));
  EXPECT_EQ(a.rec->count("messageSendError big 1005"), 1);
  a.send("", "hi", "noone");
  ASSERT_TRUE(a.rec->waitFor("messageSendError noone 1004"));
  a.send("b ob", "hi", "space");
  ASSERT_TRUE(a.rec->waitFor("error messageInstantSend 1004", 2));
  EXPECT_EQ(a.rec->count("messageSendError space 1004"), 1);

  std::string longName(129, 'c');
  a.api->channelJoin("", 0);
  ASSERT_TRUE(a.rec->waitFor("error channelJoin 1004"));
  a.api->channelJoin(longName.data(), longName.size());
  ASSERT_TRUE(a.rec->waitFor("error channelJoin 1005"));
  std::string value(8097, 'v');
  a.api->setAttr("color", 5, value.data(), value.size());
  ASSERT_TRUE(a.rec->waitFor("error setAttr 1005"));
  a.api->setAttr("", 0, "v", 1);
  ASSERT_TRUE(a.rec->waitFor("error setAttr 1004"));
  std::string extra(8193, 'e');
  a.api->channelInviteUser2("room", 4, "bob", 3, extra.data(), extra.size());
  ASSERT_TRUE(a.rec->waitFor("error channelInviteUser2 1005"));
  a.api->messageChannelSend("room", 4, big.data(), big.size(), "chan", 4);
  ASSERT_TRUE(a.rec->waitFor("error messageChannelSend 1005"));
  EXPECT_EQ(a.rec->count("messageSendError chan 1005"), 1);
  // Limits are inclusive.
  std::string max(8192, 'x');
  a.send("alice", max, "max");
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess max"));
  EXPECT_EQ(server.received(FrameType::Request), 1);
}

TEST(CoreRequests, InstantMessageRoundTrip) {
  FakeServer server;
  Client a(server.address());
  Client b(server.address());
  ASSERT_TRUE(a.login("alice"));
  ASSERT_TRUE(b.login("bob"));
  std::string withNul("hi\0there", 8);
  a.send("bob", withNul, "m-1");
  ASSERT_TRUE(b.rec->waitFor("instant alice "));
  EXPECT_EQ(b.rec->matching("instant")[0], "instant alice " + withNul);
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess m-1"));
  b.send("alice", "back", "");
  ASSERT_TRUE(a.rec->waitFor("instant bob back"));
  ASSERT_TRUE(b.rec->waitFor("messageSendSuccess "));
  // An empty msgID gets a generated one.
  EXPECT_NE(b.rec->matching("messageSendSuccess")[0], "messageSendSuccess ");
  // The wire carries [account, uid, msg, options].
  auto args = server.requestArgs();
  ASSERT_EQ(args.size(), 2u);
  EXPECT_EQ(args[0], (std::vector<std::string>{"bob", "0", withNul, ""}));
}

TEST(CoreRequests, OfflinePeerIsASendError) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.send("nobody", "hi", "m-2");
  ASSERT_TRUE(a.rec->waitFor("error messageInstantSend 400"));
  EXPECT_EQ(a.rec->count("messageSendError m-2 400"), 1);
  a.api->queryUserStatus("alice", 5);
  ASSERT_TRUE(a.rec->waitFor("userStatus alice 1"));
  a.api->queryUserStatus("nobody", 6);
  ASSERT_TRUE(a.rec->waitFor("userStatus nobody 0"));
}

TEST(CoreRequests, UnsupportedOpsAnswerThroughTheirCallbacks) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->invoke("io.agora.signal.user_get_attr", 29, "{}", 2, "call-1", 6);
  ASSERT_TRUE(a.rec->waitFor("invokeRet call-1 "));
  EXPECT_NE(a.rec->matching("invokeRet call-1")[0].find("not supported"), std::string::npos);
  EXPECT_EQ(a.rec->count("error invoke"), 0);
  a.api->bc_call("f", 1, "{}", 2, "call-2", 6);
  ASSERT_TRUE(a.rec->waitFor("bcCall call-2 "));
  EXPECT_NE(a.rec->matching("bcCall call-2")[0].find("not supported"), std::string::npos);
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("error channelJoin 1000"));
  EXPECT_EQ(a.rec->count("channelJoinFailed room 1000"), 1);
  a.api->messagePushSend("bob", 3, 0, "x", 1, "push-1", 6);
  ASSERT_TRUE(a.rec->waitFor("messageSendError push-1 1000"));
  a.api->getAttr("color", 5);
  ASSERT_TRUE(a.rec->waitFor("error getAttr 1000"));
  // getAttr names the logged-in account first.
  auto args = server.requestArgs();
  EXPECT_EQ(args.back(), (std::vector<std::string>{"alice", "color"}));
  // dbg("server") stays local; other keys go to the server.
  a.api->dbg("level", 5, "3", 1);
  ASSERT_TRUE(a.rec->waitFor("error dbg 1000"));
}

// Every method that talks to the server answers something, once, naming itself.
TEST(CoreRequests, EveryMethodAnswers) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  auto* api = a.api;
  api->channelJoin("c", 1);
  api->channelLeave("c", 1);
  api->channelQueryUserNum("c", 1);
  api->channelQueryUserIsIn("c", 1, "bob", 3);
  api->channelSetAttr("c", 1, "n", 1, "v", 1);
  api->channelDelAttr("c", 1, "n", 1);
  api->channelClearAttr("c", 1);
  api->channelInviteUser("c", 1, "bob", 3, 0);
  api->channelInviteUser2("c", 1, "bob", 3, "{}", 2);
  api->channelInvitePhone("c", 1, "123", 3, 0);
  api->channelInvitePhone2("c", 1, "123", 3, "456", 3);
  api->channelInvitePhone3("c", 1, "123", 3, "456", 3, "{}", 2);
  api->channelInviteDTMF("c", 1, "123", 3, "1#", 2);
  api->channelInviteAccept("c", 1, "bob", 3, 0);
  api->channelInviteAccept("c", 1, "bob", 3, 0, "{}", 2);
  api->channelInviteRefuse("c", 1, "bob", 3, 0, "{}", 2);
  api->channelInviteEnd("c", 1, "bob", 3, 0);
  api->messageAppSend("m", 1, "app", 3);
  api->messageInstantSend2("bob", 3, 0, "m", 1, "i2", 2, "{}", 2);
  api->messageChannelSend("c", 1, "m", 1, "ch", 2);
  api->messageChannelSendForce("c", 1, "m", 1, "chf", 3);
  api->messagePushSend("bob", 3, 0, "m", 1, "push", 4);
  api->messageChatSend("bob", 3, 0, "m", 1, "chat", 4);
  api->messageDTMFSend(0, "1", 1, "dtmf", 4);
  api->setAttr("n", 1, "v", 1);
  api->getAttr("n", 1);
  api->getAttrAll();
  api->getUserAttr("bob", 3, "n", 1);
  api->getUserAttrAll("bob", 3);
  api->queryUserStatus("bob", 3);
  api->invoke("f", 1, "{}", 2, "inv", 3);
  api->bc_call("f", 1, "{}", 2, "bc", 2);
  api->dbg("k", 1, "v", 1);
  const char* named[] = {"channelJoin", "channelLeave", "channelQueryUserNum",
                         "channelQueryUserIsIn", "channelSetAttr", "channelDelAttr",
                         "channelClearAttr", "channelInviteUser", "channelInviteUser2",
                         "channelInvitePhone", "channelInvitePhone2", "channelInvitePhone3",
                         "channelInviteDTMF", "channelInviteRefuse", "channelInviteEnd",
                         "messageAppSend", "messageChannelSend",
                         "messageChannelSendForce", "messagePushSend",
                         "messageDTMFSend", "setAttr", "getAttr", "getAttrAll", "getUserAttr",
                         "getUserAttrAll", "dbg"};
  ASSERT_TRUE(a.rec->waitFor("bcCall bc"));
  ASSERT_TRUE(a.rec->waitFor("invokeRet inv"));
  ASSERT_TRUE(a.rec->waitFor("userStatus bob 0"));
  for (const char* name : named) {
    EXPECT_TRUE(a.rec->waitFor(std::string("error ") + name + " 1000", 1, 2000)) << name;
  }
  EXPECT_EQ(a.rec->count("error channelInviteAccept 1000"), 2);
  EXPECT_TRUE(a.rec->waitFor("error messageChatSend 400"));  // bob is offline
  EXPECT_TRUE(a.rec->waitFor("error messageInstantSend2 400"));
  EXPECT_EQ(a.rec->count("messageSendError chat 400"), 1);
  EXPECT_EQ(a.rec->count("messageSendError i2 400"), 1);
  // Request ids went out strictly increasing from 1.
  EXPECT_EQ(server.processedRequests().size(), 33u);
  EXPECT_EQ(server.duplicateRequests(), 0);
}

TEST(CoreRequests, LocalSettingsAndPing) {
  FakeServer server;
  Client a(server.address());
  a.api->setBackground(1);
  a.api->setNetworkStatus(0);
  ASSERT_TRUE(a.rec->waitFor("log agora_sig: setBackground(1)"));
  ASSERT_TRUE(a.rec->waitFor("log agora_sig: setNetworkStatus(0)"));
  ASSERT_TRUE(a.login("alice"));
  int before = server.received(FrameType::Ping);
  a.api->ping();
  EXPECT_TRUE(eventually([&] { return server.received(FrameType::Ping) == before + 1; }));
}
