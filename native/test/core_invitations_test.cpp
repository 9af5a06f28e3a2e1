// Invitations: what the core sends for each invitation method, what it refuses before sending
// (extra that is not JSON or too large, bad DTMF), and how every invitation EVENT and a refused
// answer reach the application.
#include <gtest/gtest.h>

#include "core_test_support.h"

using namespace coretest;

namespace {

using Fields = std::vector<std::string>;

// INVITE_USER answered like the real server for an online callee: INVITE_RECEIVED_BY_PEER first.
void scriptInviteOnline(FakeServer& server, const std::string& calleeUid) {
  server.script(Op::InviteUser, [=](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.eventsFirst.push_back({EventKind::InviteReceivedByPeer, {args[0], args[1], calleeUid}});
    return a;
  });
}

}  // namespace

TEST(CoreInvitations, InviteSendsItsArgumentsAndReportsReceivedByPeerOnly) {
  FakeServer server;
  scriptInviteOnline(server, "1002");
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  std::string extra = "{\"destMediaUid\":42,\"srcNum\":\"+100\"}";
  a.api->channelInviteUser2("call-1", 6, "bob", 3, extra.data(), extra.size());
  ASSERT_TRUE(a.rec->waitFor("inviteReceivedByPeer call-1 bob 1002"));
  a.api->channelInviteUser("call-2", 6, "bob", 3, 77);
  ASSERT_TRUE(a.rec->waitFor("inviteReceivedByPeer call-2 bob 1002"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(server.requestArgs()[0], (Fields{"call-1", "bob", "0", extra}));
  EXPECT_EQ(server.requestArgs()[1], (Fields{"call-2", "bob", "77", ""}));
  EXPECT_EQ(a.rec->count("error"), 0);
  EXPECT_EQ(a.rec->count("invite"), 2);
}

TEST(CoreInvitations, AnswerAndEndRequestsCarryTheirExtra) {
  FakeServer server;
  for (Op op : {Op::InviteAccept, Op::InviteRefuse, Op::InviteEnd, Op::InvitePhone, Op::InviteDtmf}) {
    server.script(op, [](const std::string&, const Fields&) { return ScriptedAnswer(); });
  }
  Client a(server.address());
  ASSERT_TRUE(a.login("bob"));
  a.api->channelInviteAccept("c", 1, "alice", 5, 1001);
  a.api->channelInviteAccept("c", 1, "alice", 5, 1001, "{\"a\":1}", 7);
  a.api->channelInviteRefuse("c", 1, "alice", 5, 1001, "[]", 2);
  a.api->channelInviteEnd("c", 1, "alice", 5, 1001);
  a.api->channelInvitePhone("c", 1, "+8613800000000", 14, 0);
  a.api->channelInvitePhone2("c", 1, "555", 3, "666", 3);
  a.api->channelInvitePhone3("c", 1, "555", 3, "", 0, "{\"k\":\"v\"}", 9);
  a.api->channelInviteDTMF("c", 1, "555", 3, "0123456789*#", 12);
  ASSERT_TRUE(eventually([&] { return server.requestArgs().size() == 8; }));
  auto args = server.requestArgs();
  EXPECT_EQ(args[0], (Fields{"c", "alice", "1001", ""}));
  EXPECT_EQ(args[1], (Fields{"c", "alice", "1001", "{\"a\":1}"}));
  EXPECT_EQ(args[2], (Fields{"c", "alice", "1001", "[]"}));
  EXPECT_EQ(args[3], (Fields{"c", "alice", "1001", ""}));
  EXPECT_EQ(args[4], (Fields{"c", "+8613800000000", "", ""}));
  EXPECT_EQ(args[5], (Fields{"c", "555", "666", ""}));
  EXPECT_EQ(args[6], (Fields{"c", "555", "", "{\"k\":\"v\"}"}));
  EXPECT_EQ(args[7], (Fields{"c", "555", "0123456789*#"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(a.rec->count("error"), 0);
  EXPECT_EQ(a.rec->count("invite"), 0);  // code 0: the events say it all
}

TEST(CoreInvitations, ExtraMustBeJsonOfAtMost8KiB) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelInviteUser2("c", 1, "bob", 3, "not json", 8);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteUser2 1004 channelInviteUser2: extra is not JSON"));
  a.api->channelInviteUser2("c", 1, "bob", 3, "{\"a\":1,}", 8);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteUser2 1004", 2));
  a.api->channelInviteAccept("c", 1, "bob", 3, 0, "{", 1);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteAccept 1004"));
  a.api->channelInviteRefuse("c", 1, "bob", 3, 0, "'x'", 3);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteRefuse 1004"));
  a.api->channelInvitePhone3("c", 1, "555", 3, "", 0, "{]", 2);
  ASSERT_TRUE(a.rec->waitFor("error channelInvitePhone3 1004"));
  // 8,192 bytes of JSON pass; one more is too large, JSON or not.
  std::string atLimit = "\"" + std::string(8190, 'x') + "\"";
  std::string over = "\"" + std::string(8191, 'x') + "\"";
  a.api->channelInviteUser2("c", 1, "bob", 3, over.data(), over.size());
  ASSERT_TRUE(a.rec->waitFor("error channelInviteUser2 1005"));
  a.api->channelInviteUser2("c", 1, "bob", 3, atLimit.data(), atLimit.size());
  ASSERT_TRUE(a.rec->waitFor("error channelInviteUser2 1000"));  // reached the server
  EXPECT_EQ(server.received(FrameType::Request), 1);
  EXPECT_EQ(server.requestArgs()[0][3], atLimit);
}

TEST(CoreInvitations, DtmfIsDigitsStarAndHashOnly) {
  FakeServer server;
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelInviteDTMF("c", 1, "555", 3, "12a", 3);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteDTMF 1004 channelInviteDTMF: dtmf may contain only"));
  a.api->channelInviteDTMF("c", 1, "555", 3, "", 0);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteDTMF 1004", 2));
  std::string tooMany(129, '5');
  a.api->channelInviteDTMF("c", 1, "555", 3, tooMany.data(), tooMany.size());
  ASSERT_TRUE(a.rec->waitFor("error channelInviteDTMF 1005"));
  a.api->messageDTMFSend(0, "1 2", 3, "d1", 2);
  ASSERT_TRUE(a.rec->waitFor("error messageDTMFSend 1004"));
  EXPECT_EQ(a.rec->count("messageSendError d1 1004"), 1);
  a.api->channelInvitePhone("c", 1, "55 5", 4, 0);
  ASSERT_TRUE(a.rec->waitFor("error channelInvitePhone 1004"));
  a.api->channelInvitePhone2("c", 1, "555", 3, "6\t6", 3);
  ASSERT_TRUE(a.rec->waitFor("error channelInvitePhone2 1004"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(server.received(FrameType::Request), 0);
}

TEST(CoreInvitations, EveryInvitationEventMapsToItsCallback) {
  FakeServer server;
  Client b(server.address());
  ASSERT_TRUE(b.login("bob"));
  std::string extra = "{\"destMediaUid\":7,\"srcNum\":\"100\"}";
  server.pushEvent("bob", EventKind::InviteReceived, {"call-1", "alice", "1001", extra});
  server.pushEvent("bob", EventKind::InviteReceivedByPeer, {"call-2", "carol", "1003"});
  server.pushEvent("bob", EventKind::InviteAcceptedByPeer, {"call-2", "carol", "1003", "{\"ok\":1}"});
  server.pushEvent("bob", EventKind::InviteRefusedByPeer, {"call-3", "dave", "1004", "{\"busy\":1}"});
  server.pushEvent("bob", EventKind::InviteFailed, {"call-4", "erin", "0", "703", "{\"_require_peer_online\":1}"});
  server.pushEvent("bob", EventKind::InviteEndByPeer, {"call-1", "alice", "1001", "{\"_reason\":\"timeout\"}"});
  server.pushEvent("bob", EventKind::InviteEndByMyself, {"call-2", "carol", "1003"});
  server.pushEvent("bob", EventKind::InviteMsg, {"call-5", "555", "0", "DTMF", "12#", ""});
  ASSERT_TRUE(b.rec->waitFor("inviteMsg"));
  EXPECT_EQ(b.rec->matching("invite"),
            (Fields{"inviteReceived call-1 alice 1001 " + extra,
                    "inviteReceivedByPeer call-2 carol 1003",
                    "inviteAcceptedByPeer call-2 carol 1003 {\"ok\":1}",
                    "inviteRefusedByPeer call-3 dave 1004 {\"busy\":1}",
                    "inviteFailed call-4 erin 0 703 {\"_require_peer_online\":1}",
                    "inviteEndByPeer call-1 alice 1001 {\"_reason\":\"timeout\"}",
                    "inviteEndByMyself call-2 carol 1003",
                    "inviteMsg call-5 555 0 DTMF 12# []"}));
  // Events with too few fields are logged, not delivered.
  server.pushEvent("bob", EventKind::InviteFailed, {"call-4", "erin", "0"});
  ASSERT_TRUE(b.rec->waitFor("log agora_sig: invitation failed event with 3 fields ignored"));
  EXPECT_EQ(b.rec->count("inviteFailed"), 1);
  EXPECT_EQ(b.rec->count("error"), 0);
}

TEST(CoreInvitations, EndComesBeforeItsResultAndAnswersToAGoneInvitationAreErrors) {
  FakeServer server;
  server.script(Op::InviteEnd, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.eventsFirst.push_back({EventKind::InviteEndByMyself, {args[0], args[1], "1002"}});
    return a;
  });
  server.script(Op::InviteAccept, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    a.code = 700;
    a.text = "no invitation to channel \"" + args[0] + "\" from " + args[1];
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->channelInviteEnd("call-1", 6, "bob", 3, 0);
  ASSERT_TRUE(a.rec->waitFor("inviteEndByMyself call-1 bob 1002"));
  a.api->channelInviteAccept("call-9", 6, "carol", 5, 0);
  ASSERT_TRUE(a.rec->waitFor("error channelInviteAccept 700 no invitation to channel \"call-9\" from carol"));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(a.rec->count("invite"), 1);
  EXPECT_EQ(a.rec->count("error"), 1);
}

TEST(CoreInvitations, DtmfMessageResultIsASendResult) {
  FakeServer server;
  server.script(Op::MsgDtmf, [](const std::string&, const Fields& args) {
    ScriptedAnswer a;
    if (args[0] == "9") {
      a.code = 700;
      a.text = "no call with uid 9";
    } else {
      a.values = {"m7"};
    }
    return a;
  });
  Client a(server.address());
  ASSERT_TRUE(a.login("alice"));
  a.api->messageDTMFSend(0, "*1#", 3, "d1", 2);
  ASSERT_TRUE(a.rec->waitFor("messageSendSuccess d1"));
  a.api->messageDTMFSend(9, "5", 1, "d2", 2);
  ASSERT_TRUE(a.rec->waitFor("error messageDTMFSend 700 no call with uid 9"));
  EXPECT_EQ(a.rec->count("messageSendError d2 700"), 1);
  EXPECT_EQ(server.requestArgs()[0], (Fields{"0", "*1#"}));
}
