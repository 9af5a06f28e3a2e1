#include "protocol/frame_types.h"

namespace agora_sig {
namespace protocol {

const char* frameTypeName(uint8_t type) {
  switch (static_cast<FrameType>(type)) {
    case FrameType::Hello: return "HELLO";
    case FrameType::Welcome: return "WELCOME";
    case FrameType::Ping: return "PING";
    case FrameType::Pong: return "PONG";
    case FrameType::Bye: return "BYE";
    case FrameType::Ack: return "ACK";
    case FrameType::Login: return "LOGIN";
    case FrameType::LoginOk: return "LOGIN_OK";
    case FrameType::LoginFail: return "LOGIN_FAIL";
    case FrameType::Resume: return "RESUME";
    case FrameType::ResumeOk: return "RESUME_OK";
    case FrameType::ResumeFail: return "RESUME_FAIL";
    case FrameType::Logout: return "LOGOUT";
    case FrameType::LoggedOut: return "LOGGED_OUT";
    case FrameType::Request: return "REQUEST";
    case FrameType::Result: return "RESULT";
    case FrameType::Event: return "EVENT";
  }
  return nullptr;
}

const char* opName(uint64_t op) {
  if (op > UINT32_MAX) return nullptr;
  switch (static_cast<Op>(op)) {
    case Op::MsgInstant: return "MSG_INSTANT";
    case Op::MsgPush: return "MSG_PUSH";
    case Op::MsgApp: return "MSG_APP";
    case Op::MsgChannel: return "MSG_CHANNEL";
    case Op::MsgChannelForce: return "MSG_CHANNEL_FORCE";
    case Op::MsgDtmf: return "MSG_DTMF";
    case Op::QueryUserStatus: return "QUERY_USER_STATUS";
    case Op::ChannelJoin: return "CHANNEL_JOIN";
    case Op::ChannelLeave: return "CHANNEL_LEAVE";
    case Op::ChannelQueryNum: return "CHANNEL_QUERY_NUM";
    case Op::ChannelQueryIsIn: return "CHANNEL_QUERY_ISIN";
    case Op::ChannelSetAttr: return "CHANNEL_SET_ATTR";
    case Op::ChannelDelAttr: return "CHANNEL_DEL_ATTR";
    case Op::ChannelClearAttr: return "CHANNEL_CLEAR_ATTR";
    case Op::InviteUser: return "INVITE_USER";
    case Op::InvitePhone: return "INVITE_PHONE";
    case Op::InviteDtmf: return "INVITE_DTMF";
    case Op::InviteAccept: return "INVITE_ACCEPT";
    case Op::InviteRefuse: return "INVITE_REFUSE";
    case Op::InviteEnd: return "INVITE_END";
    case Op::UserSetAttr: return "USER_SET_ATTR";
    case Op::UserGetAttr: return "USER_GET_ATTR";
    case Op::UserGetAttrAll: return "USER_GET_ATTR_ALL";
    case Op::Invoke: return "INVOKE";
    case Op::BcCall: return "BC_CALL";
    case Op::Dbg: return "DBG";
  }
  return nullptr;
}

}  // namespace protocol
}  // namespace agora_sig
