// What the C++ core and the TypeScript side both hard-code, checked against the files in docs/
// that both test suites read: the protocol's numbers (docs/protocol-tables.json), the account rule
// (docs/account-vectors.json) and the SDK version (package.json, which the build reads too).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>
#include <string>

#include "agora_sig.h"
#include "core/validation.h"
#include "core/version.h"
#include "protocol/frame_types.h"

using json = nlohmann::json;
using namespace agora_sig;

namespace {

json load(const std::string& relative) {
  std::ifstream in(std::string(AGORA_SIG_SOURCE_DIR) + "/" + relative);
  if (!in) throw std::runtime_error("cannot open " + relative);
  return json::parse(in);
}

std::string fromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

}  // namespace

TEST(SharedTables, FrameTypesMatchTheTable) {
  json table = load("docs/protocol-tables.json")["frameTypes"];
  std::set<int> listed;
  for (auto& [name, value] : table.items()) {
    int v = value.get<int>();
    listed.insert(v);
    const char* cpp = protocol::frameTypeName(static_cast<uint8_t>(v));
    EXPECT_STREQ(cpp, name.c_str()) << "frame type " << v;
  }
  // And none the table lacks.
  for (int v = 0; v < 256; ++v) {
    if (listed.count(v)) continue;
    EXPECT_EQ(protocol::frameTypeName(static_cast<uint8_t>(v)), nullptr) << "frame type " << v;
  }
}

TEST(SharedTables, OpsMatchTheTable) {
  json table = load("docs/protocol-tables.json")["ops"];
  std::set<int> listed;
  for (auto& [name, value] : table.items()) {
    int v = value.get<int>();
    listed.insert(v);
    EXPECT_STREQ(protocol::opName(static_cast<uint64_t>(v)), name.c_str()) << "op " << v;
  }
  for (int v = 0; v < 256; ++v) {
    if (listed.count(v)) continue;
    EXPECT_EQ(protocol::opName(static_cast<uint64_t>(v)), nullptr) << "op " << v;
  }
}

TEST(SharedTables, EventKindsMatchTheTable) {
  using protocol::EventKind;
  // The core has no names for event kinds: this is its list, in docs/protocol.md's spelling.
  const std::map<std::string, EventKind> cpp = {
      {"INSTANT_MSG", EventKind::InstantMsg},
      {"CHANNEL_JOINED", EventKind::ChannelJoined},
      {"CHANNEL_LEFT", EventKind::ChannelLeft},
      {"CHANNEL_USER_LIST", EventKind::ChannelUserList},
      {"CHANNEL_USER_JOINED", EventKind::ChannelUserJoined},
      {"CHANNEL_USER_LEFT", EventKind::ChannelUserLeft},
      {"CHANNEL_MSG", EventKind::ChannelMsg},
      {"CHANNEL_ATTR", EventKind::ChannelAttr},
      {"INVITE_RECEIVED", EventKind::InviteReceived},
      {"INVITE_RECEIVED_BY_PEER", EventKind::InviteReceivedByPeer},
      {"INVITE_ACCEPTED_BY_PEER", EventKind::InviteAcceptedByPeer},
      {"INVITE_REFUSED_BY_PEER", EventKind::InviteRefusedByPeer},
      {"INVITE_FAILED", EventKind::InviteFailed},
      {"INVITE_END_BY_PEER", EventKind::InviteEndByPeer},
      {"INVITE_END_BY_MYSELF", EventKind::InviteEndByMyself},
      {"INVITE_MSG", EventKind::InviteMsg},
      {"APP_MSG", EventKind::AppMsg},
      {"MSG_DELIVERED", EventKind::MsgDelivered},
      {"MSG_EXPIRED", EventKind::MsgExpired},
  };
  json table = load("docs/protocol-tables.json")["eventKinds"];
  EXPECT_EQ(table.size(), cpp.size());
  for (auto& [name, value] : table.items()) {
    auto it = cpp.find(name);
    ASSERT_NE(it, cpp.end()) << name << " is in the table but not in the core";
    EXPECT_EQ(static_cast<uint32_t>(it->second), value.get<uint32_t>()) << name;
  }
}

TEST(SharedTables, LimitsMatchTheTable) {
  json limits = load("docs/protocol-tables.json")["limits"];
  EXPECT_EQ(protocol::kProtocolVersion, limits["protocolVersion"].get<uint64_t>());
  EXPECT_EQ(protocol::kMaxFrameBytes, limits["maxFrameBytes"].get<size_t>());
  EXPECT_EQ(protocol::kMaxMessageBytes, limits["maxMessageBytes"].get<size_t>());
  EXPECT_EQ(core::kMaxMessageBytes, limits["maxMessageBytes"].get<size_t>());
  EXPECT_EQ(protocol::kMaxVarintBytes, limits["maxVarintBytes"].get<size_t>());
}

TEST(SharedTables, AccountRuleMatchesTheVectors) {
  json doc = load("docs/account-vectors.json");
  ASSERT_GT(doc["vectors"].size(), 10u);
  for (const json& v : doc["vectors"]) {
    std::string name = v["name"].get<std::string>();
    core::Rejection r = core::checkAccount(fromHex(v["hex"].get<std::string>()));
    if (v["valid"].get<bool>()) {
      EXPECT_FALSE(r) << name << ": " << r.text;
    } else {
      EXPECT_EQ(r.code, v["code"].get<int>()) << name << ": " << r.text;
    }
  }
}

// package.json is the one place the version is written; CMake reads it for the core.
TEST(SharedTables, SdkVersionIsThePackageVersion) {
  json package = load("package.json");
  EXPECT_EQ(std::string(core::sdkVersionString()), package["version"].get<std::string>());
}
