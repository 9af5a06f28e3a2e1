// Channels, attributes, RPC answers, held messages and app messages: how EVENTs and RESULTs of
// the scripted server turn into callbacks, and what the core reports itself when a session with
// a channel ends.
#include <gtest/gtest.h>

#include <algorithm>

#include "core_test_support.h"

using namespace coretest;

namespace {

using Fields = std::vector<std::string>;

// CHANNEL_JOIN answered like the real server: CHANNEL_JOINED, CHANNEL_USER_LIST, one CHANNEL_ATTR
// per attribute, then RESULT(0).
void scriptJoin(FakeServer& server, const Fields& members, const Fields& attrs = {}) {
  server.script(Op::ChannelJoin, [=](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.eventsFirst.push_back({EventKind::ChannelJoined, {args[0]}});
    Fields list = {args[0], std::to_string(members.size() / 2)};
    list.insert(list.end(), members.begin(), members.end());
    a.eventsFirst.push_back({EventKind::ChannelUserList, list});
    for (size_t i = 0; i + 1 < attrs.size(); i += 2) {
      a.eventsFirst.push_back({EventKind::ChannelAttr, {args[0], attrs[i], attrs[i + 1], "update"}});
    }
    return a;
  });
}

void scriptLeave(FakeServer& server) {
  server.script(Op::ChannelLeave, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.eventsFirst.push_back({EventKind::ChannelLeft, {args[0], "602"}});
    return a;
  });
}

// The index of the first line starting with prefix, or -1.
int indexOf(const std::vector<std::string>& lines, const std::string& prefix) {
  for (size_t i = 0; i < lines.size(); ++i)
    if (lines[i].compare(0, prefix.size(), prefix) == 0) return static_cast<int>(i);
  return -1;
}

}  // namespace

TEST(CoreChannels, JoinGivesJoinedThenUserListThenAttributesOnce) {
  FakeServer server;
  scriptJoin(server, {"carol", "7", "dave", "8", "alice", "1001"}, {"topic", "news", "_member_num", "3"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelAttr room _member_num=3 update"));
  auto lines = a.rec->lines();
  int joined = indexOf(lines, "channelJoined room");
  int list = indexOf(lines, "userList 3 carol:7 dave:8 alice:1001");
  int attr = indexOf(lines, "channelAttr room topic=news update");
  ASSERT_GE(joined, 0);
  EXPECT_GT(list, joined);
  EXPECT_GT(attr, list);
  // The RESULT after the events adds nothing.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(a.rec->count("channelJoined"), 1);
  EXPECT_EQ(a.rec->count("error"), 0);
}

TEST(CoreChannels, EmptyUserListHasTerminatedArrays) {
  FakeServer server;
  scriptJoin(server, {});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("empty", 5);
  ASSERT_TRUE(a.rec->waitFor("userList 0"));
  EXPECT_EQ(a.rec->matching("userList")[0], "userList 0");
}

TEST(CoreChannels, MembersEventsAndAttributeUpdates) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("userList 1"));
  server.pushEvent("alice", EventKind::ChannelUserJoined, {"room", "bob", "1002"});
  std::string withNul("a\0b", 3);
  server.pushEvent("alice", EventKind::ChannelMsg, {"room", "bob", "1002", withNul, "77"});
  server.pushEvent("alice", EventKind::ChannelAttr, {"room", "topic", "", "del"});
  server.pushEvent("alice", EventKind::ChannelAttr, {"room", "", "", "clear"});
  server.pushEvent("alice", EventKind::ChannelUserLeft, {"room", "bob", "1002"});
  ASSERT_TRUE(a.rec->waitFor("userLeaved bob 1002"));
  EXPECT_EQ(a.rec->count("userJoined bob 1002"), 1);
  EXPECT_EQ(a.rec->matching("channelMsg")[0], "channelMsg room bob 1002 " + withNul);
  EXPECT_EQ(a.rec->count("channelAttr room topic= del"), 1);
  EXPECT_EQ(a.rec->count("channelAttr room = clear"), 1);
  // Events with too few fields are logged, not delivered.
  server.pushEvent("alice", EventKind::ChannelUserJoined, {"room"});
  ASSERT_TRUE(a.rec->waitFor("log agora_sig: channel user joined event with 1 fields ignored"));
  EXPECT_EQ(a.rec->count("userJoined"), 1);
}

TEST(CoreChannels, LeaveIs602FromTheServerOnce) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  scriptLeave(server);
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelJoined room"));
  a.api->channelLeave("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelLeaved room 602"));
  // No longer in a channel: logout reports nothing more about it.
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  EXPECT_EQ(a.rec->count("channelLeaved"), 1);
}

TEST(CoreChannels, LeaveRefusedIsAnError) {
  FakeServer server;
  server.script(Op::ChannelLeave, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.code = 600;
    a.text = "not a member of channel " + args[0];
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelLeave("room", 4);
  ASSERT_TRUE(a.rec->waitFor("error channelLeave 600 not a member of channel room"));
  EXPECT_EQ(a.rec->count("channelLeaved"), 0);
}

TEST(CoreChannels, JoinFailureGivesJoinFailedThenError) {
  FakeServer server;
  server.script(Op::ChannelJoin, [](const std::string&, const Fields&) {
    ScriptedAnswer a;
    a.code = 300;
    a.text = "channel name __agora_x is reserved";
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("__agora_x", 9);
  ASSERT_TRUE(a.rec->waitFor("error channelJoin 300 channel name __agora_x is reserved"));
  auto lines = a.rec->lines();
  EXPECT_LT(indexOf(lines, "channelJoinFailed __agora_x 300"), indexOf(lines, "error channelJoin"));
  EXPECT_EQ(a.rec->count("channelJoined"), 0);
}

TEST(CoreChannels, LogoutLeavesWith603BeforeOnLogout) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelJoined room"));
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  auto lines = a.rec->lines();
  int left = indexOf(lines, "channelLeaved room 603");
  ASSERT_GE(left, 0);
  EXPECT_LT(left, indexOf(lines, "logout 101"));
}

TEST(CoreChannels, KickedLeavesWith601) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelJoined room"));
  server.kick("alice");
  ASSERT_TRUE(a.rec->waitFor("logout 103"));
  EXPECT_EQ(a.rec->count("channelLeaved room 601"), 1);
}

TEST(CoreChannels, ResumeKeepsTheChannelSilently) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelJoined room"));
  server.dropConnectionOf("alice");
  ASSERT_TRUE(a.rec->waitFor("reconnected"));
  EXPECT_EQ(a.rec->count("channelLeaved"), 0);
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("channelLeaved room 603"));
}

TEST(CoreChannels, FailedResumeLeavesWith604) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelJoined room"));
  server.forgetSessions();
  server.dropConnectionOf("alice");
  ASSERT_TRUE(a.rec->waitFor("reconnected"));
  auto lines = a.rec->lines();
  int left = indexOf(lines, "channelLeaved room 604");
  ASSERT_GE(left, 0);
  EXPECT_LT(left, indexOf(lines, "reconnected"));
  a.api->logout();
  ASSERT_TRUE(a.rec->waitFor("logout 101"));
  EXPECT_EQ(a.rec->count("channelLeaved"), 1);
}

TEST(CoreChannels, GivingUpLeavesWith604) {
  FakeServer server;
  scriptJoin(server, {"alice", "1001"});
  Client a(server.address());
  ASSERT_TRUE(a.login("alice", 2, 1));
  a.api->channelJoin("room", 4);
  ASSERT_TRUE(a.rec->waitFor("channelJoined room"));
  server.stop();
  ASSERT_TRUE(a.rec->waitFor("logout 102", 1, 10000));
  auto lines = a.rec->lines();
  int left = indexOf(lines, "channelLeaved room 604");
  ASSERT_GE(left, 0);
  EXPECT_LT(left, indexOf(lines, "logout 102"));
}

TEST(CoreChannels, QueriesAnswerWithTheServersValues) {
  FakeServer server;
  server.script(Op::ChannelQueryNum, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.values = {args[0], "250"};
    return a;
  });
  server.script(Op::ChannelQueryIsIn, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.values = {args[0], args[1], args[1] == "bob" ? "1" : "0"};
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelQueryUserNum("room", 4);
  a.api->channelQueryUserIsIn("room", 4, "bob", 3);
  a.api->channelQueryUserIsIn("room", 4, "eve", 3);
  ASSERT_TRUE(a.rec->waitFor("userIsIn room eve 0"));
  EXPECT_EQ(a.rec->count("userNum room 0 250"), 1);
  EXPECT_EQ(a.rec->count("userIsIn room bob 1"), 1);
}

TEST(CoreChannels, ChannelMessageSuccessAndLimitErrorNameTheLimit) {
  FakeServer server;
  int sent = 0;
  server.script(Op::MsgChannel, [&sent](const std::string&, const Fields&) {
    ScriptedAnswer a;
    if (++sent > 1) {
      a.code = 1001;
      a.text = "rate limit: a user sends at most 60 channel messages a second";
    } else {
      a.values = {"5"};
    }
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->messageChannelSend("room", 4, "one", 3, "c1", 2);
  a.api->messageChannelSend("room", 4, "two", 3, "c2", 2);
  ASSERT_TRUE(a.rec->waitFor("error messageChannelSend 1001 rate limit: a user sends at most 60"));
  EXPECT_EQ(a.rec->count("messageSendSuccess c1"), 1);
  EXPECT_EQ(a.rec->count("messageSendError c2 1001"), 1);
}

TEST(CoreChannels, UserAttributesReportTheServersAccountAndName) {
  FakeServer server;
  server.script(Op::UserGetAttr, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.values = {args[0], args[1], args[1] == "color" ? "blue" : ""};
    return a;
  });
  server.script(Op::UserGetAttrAll, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.values = {args[0], "{\"color\":\"blue\"}"};
    return a;
  });
  server.script(Op::UserSetAttr, [](const std::string&, const Fields&) { return ScriptedAnswer(); });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->setAttr("color", 5, "blue", 4);
  a.api->getAttr("color", 5);
  a.api->getUserAttr("bob", 3, "missing", 7);
  a.api->getAttrAll();
  a.api->getUserAttrAll("bob", 3);
  ASSERT_TRUE(a.rec->waitFor("userAttrAll bob {\"color\":\"blue\"}"));
  EXPECT_EQ(a.rec->count("userAttr alice color blue"), 1);
  EXPECT_EQ(a.rec->count("userAttr bob missing "), 1);
  EXPECT_EQ(a.rec->count("userAttrAll alice {\"color\":\"blue\"}"), 1);
  EXPECT_EQ(a.rec->count("error"), 0);
  // getAttr names the logged-in account.
  EXPECT_EQ(server.requestArgs()[1], (Fields{"alice", "color"}));
}

TEST(CoreChannels, InvokeBcCallAndDbgAnswers) {
  FakeServer server;
  server.script(Op::Invoke, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    if (args[0] == "io.agora.signal.channel_query_num") {
      a.values = {"", "{\"result\":\"ok\",\"num\":2}"};
    } else {
      a.values = {"1004", "{\"result\":\"failed\",\"reason\":\"unknown function\"}"};
    }
    return a;
  });
  server.script(Op::BcCall, [](const std::string&, const Fields&) {
    ScriptedAnswer a;
    a.values = {"", "{\"result\":\"ok\"}"};
    return a;
  });
  server.script(Op::Dbg, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.values = {"pong", args[1]};
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->invoke("io.agora.signal.channel_query_num", 33, "{\"name\":\"r\"}", 12, "i1", 2);
  a.api->invoke("io.agora.signal.nope", 20, "{}", 2, "i2", 2);
  a.api->bc_call("io.agora.signal.channel_query_num", 33, "{}", 2, "b1", 2);
  a.api->dbg("ping", 4, "42", 2);
  ASSERT_TRUE(a.rec->waitFor("dbg pong 42"));
  EXPECT_EQ(a.rec->count("invokeRet i1 |{\"result\":\"ok\",\"num\":2}"), 1);
  EXPECT_EQ(a.rec->count("invokeRet i2 1004|{\"result\":\"failed\""), 1);
  EXPECT_EQ(a.rec->count("bcCall b1 |{\"result\":\"ok\"}"), 1);
  EXPECT_EQ(a.rec->count("error"), 0);
  // A local rejection answers in the same form, then onError.
  a.api->invoke("", 0, "{}", 2, "i3", 2);
  ASSERT_TRUE(a.rec->waitFor("error invoke 1004"));
  EXPECT_EQ(a.rec->count("invokeRet i3 1004|{\"result\":\"failed\",\"reason\":\"invoke: function name is empty\"}"), 1);
}

TEST(CoreChannels, HeldMessageProgressThenSuccessOrExpiry) {
  FakeServer server;
  int next = 40;
  Responder hold = [&next](const std::string&, const Fields&) {
    ScriptedAnswer a;
    a.values = {std::to_string(++next), "held", "60"};
    return a;
  };
  server.script(Op::MsgInstant, hold);
  server.script(Op::MsgPush, hold);
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  const char* opts = "{\"ttl\":60}";
  a.api->messageInstantSend2("bob", 3, 0, "hi", 2, "h1", 2, opts, strlen(opts));
  a.api->messagePushSend("bob", 3, 0, "hi", 2, "h2", 2);
  ASSERT_TRUE(a.rec->waitFor("messageSendProgress bob h2 held"));
  EXPECT_EQ(a.rec->count("messageSendProgress bob h1 held 60"), 1);
  EXPECT_EQ(a.rec->count("messageSendSuccess"), 0);
  server.pushEvent("alice", EventKind::MsgDelivered, {"41"});
  server.pushEvent("alice", EventKind::MsgExpired, {"42", "401", "message to bob expired"});
  ASSERT_TRUE(a.rec->waitFor("error messagePushSend 401 messagePushSend: message to bob expired"));
  EXPECT_EQ(a.rec->count("messageSendSuccess h1"), 1);
  EXPECT_EQ(a.rec->count("messageSendError h2 401"), 1);
  // Reported once: a repeated delivery is only logged.
  server.pushEvent("alice", EventKind::MsgDelivered, {"41"});
  ASSERT_TRUE(a.rec->waitFor("log agora_sig: delivery of unknown held message 41 ignored"));
  EXPECT_EQ(a.rec->count("messageSendSuccess"), 1);
}

TEST(CoreChannels, AppMessagesArriveIntact) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  std::string withNul("from\0backend", 12);
  server.pushEvent("alice", EventKind::AppMsg, {withNul});
  ASSERT_TRUE(a.rec->waitFor("appMsg "));
  EXPECT_EQ(a.rec->matching("appMsg")[0], "appMsg " + withNul);
}

TEST(CoreChannels, ArgumentLimits) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  std::string name128(128, 'n'), name129(129, 'n'), value8096(8096, 'v'), value8097(8097, 'v');
  a.api->channelSetAttr("room", 4, name129.data(), name129.size(), "v", 1);
  ASSERT_TRUE(a.rec->waitFor("error channelSetAttr 1005"));
  a.api->channelSetAttr("room", 4, "n", 1, value8097.data(), value8097.size());
  ASSERT_TRUE(a.rec->waitFor("error channelSetAttr 1005", 2));
  a.api->channelSetAttr("room", 4, "", 0, "v", 1);
  ASSERT_TRUE(a.rec->waitFor("error channelSetAttr 1004"));
  a.api->channelDelAttr("room", 4, name129.data(), name129.size());
  ASSERT_TRUE(a.rec->waitFor("error channelDelAttr 1005"));
  a.api->channelQueryUserNum(name129.data(), name129.size());
  ASSERT_TRUE(a.rec->waitFor("error channelQueryUserNum 1005"));
  EXPECT_EQ(a.rec->count("userNum " + name129 + " 1005 0"), 1);
  a.api->channelLeave("", 0);
  ASSERT_TRUE(a.rec->waitFor("error channelLeave 1004"));
  a.api->messageChannelSendForce("", 0, "m", 1, "f", 1);
  ASSERT_TRUE(a.rec->waitFor("messageSendError f 1004"));
  EXPECT_EQ(server.received(FrameType::Request), 0);
  // At the limits, requests go out.
  a.api->channelSetAttr(name128.data(), name128.size(), name128.data(), name128.size(),
                        value8096.data(), value8096.size());
  ASSERT_TRUE(a.rec->waitFor("error channelSetAttr 1000"));
  EXPECT_EQ(server.received(FrameType::Request), 1);
}
