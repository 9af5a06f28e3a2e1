// Frame types, request operations, event kinds and limits of wire protocol version 1
// (docs/protocol.md).
#ifndef AGORA_SIG_PROTOCOL_FRAME_TYPES_H_
#define AGORA_SIG_PROTOCOL_FRAME_TYPES_H_

#include <stddef.h>
#include <stdint.h>

namespace agora_sig {
namespace protocol {

enum class FrameType : uint8_t {
  Hello = 0x01,
  Welcome = 0x02,
  Ping = 0x03,
  Pong = 0x04,
  Bye = 0x05,
  Ack = 0x06,
  Login = 0x10,
  LoginOk = 0x11,
  LoginFail = 0x12,
  Resume = 0x13,
  ResumeOk = 0x14,
  ResumeFail = 0x15,
  Logout = 0x16,
  LoggedOut = 0x17,
  Request = 0x20,
  Result = 0x21,
  Event = 0x22,
};

enum class Op : uint32_t {
  MsgInstant = 1,
  MsgPush = 2,
  MsgApp = 3,
  MsgChannel = 4,
  MsgChannelForce = 5,
  MsgDtmf = 6,
  QueryUserStatus = 7,
  ChannelJoin = 10,
  ChannelLeave = 11,
  ChannelQueryNum = 12,
  ChannelQueryIsIn = 13,
  ChannelSetAttr = 14,
  ChannelDelAttr = 15,
  ChannelClearAttr = 16,
  InviteUser = 20,
  InvitePhone = 21,
  InviteDtmf = 22,
  InviteAccept = 23,
  InviteRefuse = 24,
  InviteEnd = 25,
  UserSetAttr = 30,
  UserGetAttr = 31,
  UserGetAttrAll = 32,
  Invoke = 40,
  BcCall = 41,
  Dbg = 42,
};

enum class EventKind : uint32_t {
  InstantMsg = 1,
  ChannelJoined = 10,
  ChannelLeft = 11,
  ChannelUserList = 12,
  ChannelUserJoined = 13,
  ChannelUserLeft = 14,
  ChannelMsg = 15,
  ChannelAttr = 16,
  InviteReceived = 20,
  InviteReceivedByPeer = 21,
  InviteAcceptedByPeer = 22,
  InviteRefusedByPeer = 23,
  InviteFailed = 24,
  InviteEndByPeer = 25,
  InviteEndByMyself = 26,
  InviteMsg = 27,
  AppMsg = 30,
  MsgDelivered = 31,
  MsgExpired = 32,
};

constexpr uint64_t kProtocolVersion = 1;
constexpr size_t kMaxFrameBytes = 1048576;
constexpr size_t kMaxMessageBytes = 8192;
// Largest value of a `u` field: 2^53-1, so that JavaScript peers hold every value exactly.
constexpr uint64_t kMaxVarintValue = (uint64_t{1} << 53) - 1;
constexpr size_t kMaxVarintBytes = 8;

// The document's name of a frame type ("LOGIN_OK"), or nullptr for an unknown type.
const char* frameTypeName(uint8_t type);
// The document's name of an op ("MSG_INSTANT"), or nullptr for an unknown op.
const char* opName(uint64_t op);

}  // namespace protocol
}  // namespace agora_sig

#endif  // AGORA_SIG_PROTOCOL_FRAME_TYPES_H_
