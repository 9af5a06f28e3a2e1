#include "core/result_dispatch.h"

#include <stdlib.h>

#include <algorithm>

#include <map>

namespace agora_sig {
namespace core {

namespace {

using agora_sdk_win::ICallBack;
using protocol::EventKind;
using protocol::Op;

const std::string& emptyString() {
  static const std::string* empty = new std::string;
  return *empty;
}

struct Outcome {
  CallbackSink& sink;
  ClientState* state;  // null for a local rejection: nothing reached the server
  const PendingRequest& request;
  int code;
  const std::string& text;
  const std::vector<std::string>& values;

  const std::string& value(size_t i) const { return i < values.size() ? values[i] : emptyString(); }
};

using Handler = void (*)(const Outcome&);

// How one op answers. onSuccess runs for code 0. onFailure runs for any other code, whether the
// server or the local checks refused; reportsError says whether a server refusal also raises
// onError (invoke and bc_call carry their error in their own callback instead).
struct OpHandlers {
  Handler onSuccess;
  Handler onFailure;
  bool reportsError;
};

uint32_t parseNumber(const std::string& text) {
  return static_cast<uint32_t>(strtoul(text.c_str(), nullptr, 10));
}

// A JSON string literal of text (the core carries JSON as opaque bytes; only failures that the
// core itself describes need building).
std::string jsonString(const std::string& text) {
  static const char* hex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += "\\u00";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// The answer of a failed RPC in the server's form: {"result":"failed","reason":"..."}.
std::string failedAnswer(const std::string& reason) {
  return "{\"result\":\"failed\",\"reason\":" + jsonString(reason) + "}";
}

void logDone(const Outcome& o) { o.sink.log(o.request.method + " done"); }
void nothing(const Outcome&) {}

void messageSent(const Outcome& o) {
  const std::string& id = o.request.msgID;
  o.sink.fire([&](ICallBack& cb) { cb.onMessageSendSuccess(id.c_str(), id.size()); });
}
void messageFailed(const Outcome& o) {
  const std::string& id = o.request.msgID;
  o.sink.fire([&](ICallBack& cb) { cb.onMessageSendError(id.c_str(), id.size(), o.code); });
}

// MSG_INSTANT and MSG_PUSH answer [serverMsgId] when delivered, or [serverMsgId, "held", ttl]
// when the server keeps the message for an offline peer: then the outcome comes later.
void peerMessageSent(const Outcome& o) {
  if (o.value(1) != "held") {
    messageSent(o);
    return;
  }
  const std::string& serverMsgId = o.value(0);
  o.state->held[serverMsgId] = HeldMessage{o.request.msgID, o.request.method};
  const std::string& account = o.request.subject;
  const std::string& id = o.request.msgID;
  // info: the time to live in seconds, as protocol.md's mapping says.
  std::string info = std::to_string(parseNumber(o.value(2)));
  o.sink.fire([&](ICallBack& cb) {
    cb.onMessageSendProgress(account.c_str(), account.size(), id.c_str(), id.size(), "held", 4,
                             info.c_str(), info.size());
  });
}

void userStatus(const Outcome& o) {
  const std::string& account = o.request.subject;
  const std::string& status = o.value(0);
  o.sink.fire([&](ICallBack& cb) {
    cb.onQueryUserStatusResult(account.c_str(), account.size(), status.c_str(), status.size());
  });
}

void channelJoinFailed(const Outcome& o) {
  const std::string& ch = o.request.subject;
  o.sink.fire([&](ICallBack& cb) { cb.onChannelJoinFailed(ch.c_str(), ch.size(), o.code); });
}
// CHANNEL_QUERY_NUM answers [channel, num]; a failure reports its code and 0 members.
void channelUserNum(const Outcome& o) {
  const std::string& ch = o.request.subject;
  int num = o.code == 0 ? static_cast<int>(parseNumber(o.value(1))) : 0;
  int code = o.code;
  o.sink.fire([&](ICallBack& cb) { cb.onChannelQueryUserNumResult(ch.c_str(), ch.size(), code, num); });
}
// CHANNEL_QUERY_ISIN answers [channel, account, "1" | "0"].
void channelUserIsIn(const Outcome& o) {
  const std::string& ch = o.request.subject;
  const std::string& account = o.request.subject2;
  int isIn = o.value(2) == "1" ? 1 : 0;
  o.sink.fire([&](ICallBack& cb) {
    cb.onChannelQueryUserIsIn(ch.c_str(), ch.size(), account.c_str(), account.size(), isIn);
  });
}

// USER_GET_ATTR answers [account, name, value] (an empty value for a missing attribute).
void userAttr(const Outcome& o) {
  const std::string& account = o.values.size() > 0 ? o.value(0) : o.request.subject;
  const std::string& name = o.values.size() > 1 ? o.value(1) : o.request.subject2;
  const std::string& value = o.value(2);
  o.sink.fire([&](ICallBack& cb) {
    cb.onUserAttrResult(account.c_str(), account.size(), name.c_str(), name.size(), value.c_str(),
                        value.size());
  });
}
// USER_GET_ATTR_ALL answers [account, json].
void userAttrAll(const Outcome& o) {
  const std::string& account = o.values.size() > 0 ? o.value(0) : o.request.subject;
  const std::string& json = o.value(1);
  o.sink.fire([&](ICallBack& cb) {
    cb.onUserAttrAllResult(account.c_str(), account.size(), json.c_str(), json.size());
  });
}

// INVOKE answers [err, resp]: err empty on success, else the error code as text.
void invokeAnswered(const Outcome& o) {
  const std::string& id = o.request.callID;
  const std::string& err = o.value(0);
  const std::string& resp = o.value(1);
  o.sink.fire([&](ICallBack& cb) {
    cb.onInvokeRet(id.c_str(), id.size(), err.c_str(), err.size(), resp.c_str(), resp.size());
  });
}
void invokeFailed(const Outcome& o) {
  const std::string& id = o.request.callID;
  std::string err = std::to_string(o.code);
  std::string resp = failedAnswer(o.text);
  o.sink.fire([&](ICallBack& cb) {
    cb.onInvokeRet(id.c_str(), id.size(), err.c_str(), err.size(), resp.c_str(), resp.size());
  });
}

// BC_CALL answers [reason, json]: reason empty on success.
void bcCallAnswered(const Outcome& o) {
  const std::string& id = o.request.callID;
  const std::string& reason = o.value(0);
  const std::string& ret = o.value(1);
  o.sink.fire([&](ICallBack& cb) {
    cb.onBCCall_result(reason.c_str(), reason.size(), ret.c_str(), ret.size(), id.c_str(), id.size());
  });
}
void bcCallFailed(const Outcome& o) {
  const std::string& id = o.request.callID;
  std::string ret = failedAnswer(o.text);
  o.sink.fire([&](ICallBack& cb) {
    cb.onBCCall_result(o.text.c_str(), o.text.size(), ret.c_str(), ret.size(), id.c_str(), id.size());
  });
}

// DBG answers [a, b] for onDbg.
void dbgAnswered(const Outcome& o) {
  const std::string& a = o.values.size() > 0 ? o.value(0) : o.request.subject;
  const std::string& b = o.value(1);
  o.sink.fire([&](ICallBack& cb) { cb.onDbg(a.c_str(), a.size(), b.c_str(), b.size()); });
}

const std::map<Op, OpHandlers>& handlerTable() {
  static const std::map<Op, OpHandlers>* table = new std::map<Op, OpHandlers>{
      {Op::MsgInstant, {peerMessageSent, messageFailed, true}},
      {Op::MsgPush, {peerMessageSent, messageFailed, true}},
      {Op::MsgApp, {messageSent, messageFailed, true}},
      {Op::MsgChannel, {messageSent, messageFailed, true}},
      {Op::MsgChannelForce, {messageSent, messageFailed, true}},
      {Op::MsgDtmf, {messageSent, messageFailed, true}},
      {Op::QueryUserStatus, {userStatus, nothing, true}},
      // Joining and leaving are told by the EVENTs CHANNEL_JOINED and CHANNEL_LEFT, which come
      // before the RESULT; the RESULT only matters when it refuses.
      {Op::ChannelJoin, {nothing, channelJoinFailed, true}},
      {Op::ChannelLeave, {nothing, nothing, true}},
      {Op::ChannelQueryNum, {channelUserNum, channelUserNum, true}},
      {Op::ChannelQueryIsIn, {channelUserIsIn, nothing, true}},
      {Op::UserGetAttr, {userAttr, nothing, true}},
      {Op::UserGetAttrAll, {userAttrAll, nothing, true}},
      {Op::Invoke, {invokeAnswered, invokeFailed, false}},
      {Op::BcCall, {bcCallAnswered, bcCallFailed, false}},
      {Op::Dbg, {dbgAnswered, nothing, true}},
  };
  return *table;
}

OpHandlers handlersFor(Op op) {
  auto it = handlerTable().find(op);
  if (it != handlerTable().end()) return it->second;
  return OpHandlers{logDone, nothing, true};
}

// ---- events ----

struct Event {
  CallbackSink& sink;
  ClientState& state;
  const std::vector<std::string>& fields;
  const std::string& field(size_t i) const { return i < fields.size() ? fields[i] : emptyString(); }
};

using EventHandler = void (*)(const Event&);

struct EventHandlers {
  const char* name;
  size_t minFields;
  EventHandler handle;
};

// INSTANT_MSG: account, uid, msg, serverMsgId.
void instantMessage(const Event& e) {
  const std::string& account = e.field(0);
  uint32_t uid = parseNumber(e.field(1));
  const std::string& msg = e.field(2);
  e.sink.fire([&](ICallBack& cb) {
    cb.onMessageInstantReceive(account.c_str(), account.size(), uid, msg.c_str(), msg.size());
  });
}

// CHANNEL_JOINED: channel.
void channelJoined(const Event& e) {
  const std::string& ch = e.field(0);
  e.state.inChannel = true;
  e.state.channel = ch;
  e.sink.fire([&](ICallBack& cb) { cb.onChannelJoined(ch.c_str(), ch.size()); });
}

// CHANNEL_LEFT: channel, code (602 by request or by joining another channel).
void channelLeft(const Event& e) {
  const std::string& ch = e.field(0);
  int code = static_cast<int>(parseNumber(e.field(1)));
  if (e.state.inChannel && e.state.channel == ch) {
    e.state.inChannel = false;
    e.state.channel.clear();
  }
  e.sink.fire([&](ICallBack& cb) { cb.onChannelLeaved(ch.c_str(), ch.size(), code); });
}

// CHANNEL_USER_LIST: channel, n, then n pairs of account and uid.
void channelUserList(const Event& e) {
  size_t pairs = (e.fields.size() - 2) / 2;
  size_t n = std::min<size_t>(parseNumber(e.field(1)), pairs);
  // Copies, so that the char* the SDK's signature hands out point to memory the call owns.
  std::vector<std::string> accounts;
  std::vector<char*> accountPointers;
  std::vector<uint32_t> uids;
  accounts.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    accounts.push_back(e.fields[2 + 2 * i]);
    uids.push_back(parseNumber(e.fields[3 + 2 * i]));
  }
  for (std::string& a : accounts) accountPointers.push_back(&a[0]);
  accountPointers.push_back(nullptr);
  uids.push_back(0);
  int count = static_cast<int>(n);
  e.sink.fire([&](ICallBack& cb) { cb.onChannelUserList(count, accountPointers.data(), uids.data()); });
}

// CHANNEL_USER_JOINED / CHANNEL_USER_LEFT: channel, account, uid.
void channelUserJoined(const Event& e) {
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  e.sink.fire([&](ICallBack& cb) { cb.onChannelUserJoined(account.c_str(), account.size(), uid); });
}
void channelUserLeft(const Event& e) {
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  e.sink.fire([&](ICallBack& cb) { cb.onChannelUserLeaved(account.c_str(), account.size(), uid); });
}

// CHANNEL_MSG: channel, account, uid, msg, serverMsgId.
void channelMessage(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  const std::string& msg = e.field(3);
  e.sink.fire([&](ICallBack& cb) {
    cb.onMessageChannelReceive(ch.c_str(), ch.size(), account.c_str(), account.size(), uid,
                               msg.c_str(), msg.size());
  });
}

// CHANNEL_ATTR: channel, name, value, type ("update", "del" or "clear").
void channelAttr(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& name = e.field(1);
  const std::string& value = e.field(2);
  const std::string& type = e.field(3);
  e.sink.fire([&](ICallBack& cb) {
    cb.onChannelAttrUpdated(ch.c_str(), ch.size(), name.c_str(), name.size(), value.c_str(),
                            value.size(), type.c_str(), type.size());
  });
}

// APP_MSG: msg.
void appMessage(const Event& e) {
  const std::string& msg = e.field(0);
  e.sink.fire([&](ICallBack& cb) { cb.onMessageAppReceived(msg.c_str(), msg.size()); });
}

// MSG_DELIVERED: serverMsgId of a held message.
void heldMessageDelivered(const Event& e) {
  auto it = e.state.held.find(e.field(0));
  if (it == e.state.held.end()) {
    e.sink.log("delivery of unknown held message " + e.field(0) + " ignored");
    return;
  }
  HeldMessage message = std::move(it->second);
  e.state.held.erase(it);
  const std::string& id = message.msgID;
  e.sink.fire([&](ICallBack& cb) { cb.onMessageSendSuccess(id.c_str(), id.size()); });
}

// MSG_EXPIRED: serverMsgId, code, text.
void heldMessageExpired(const Event& e) {
  auto it = e.state.held.find(e.field(0));
  if (it == e.state.held.end()) {
    e.sink.log("expiry of unknown held message " + e.field(0) + " ignored");
    return;
  }
  HeldMessage message = std::move(it->second);
  e.state.held.erase(it);
  int code = static_cast<int>(parseNumber(e.field(1)));
  if (code == 0) code = agora_sdk_win::SENDMESSAGE_E_TIMEOUT;
  const std::string& id = message.msgID;
  e.sink.fire([&](ICallBack& cb) { cb.onMessageSendError(id.c_str(), id.size(), code); });
  e.sink.error(message.method, code, message.method + ": " + e.field(2));
}

// ---- invitations ----
// Every invitation event starts with channel, account (the other party), uid (its uid).

// INVITE_RECEIVED: channel, caller, callerUid, extra.
void inviteReceived(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  const std::string& extra = e.field(3);
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteReceived(ch.c_str(), ch.size(), account.c_str(), account.size(), uid, extra.c_str(),
                        extra.size());
  });
}

// INVITE_RECEIVED_BY_PEER: channel, callee, calleeUid.
void inviteReceivedByPeer(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteReceivedByPeer(ch.c_str(), ch.size(), account.c_str(), account.size(), uid);
  });
}

// INVITE_ACCEPTED_BY_PEER: channel, callee, calleeUid, extra.
void inviteAcceptedByPeer(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  const std::string& extra = e.field(3);
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteAcceptedByPeer(ch.c_str(), ch.size(), account.c_str(), account.size(), uid,
                              extra.c_str(), extra.size());
  });
}

// INVITE_REFUSED_BY_PEER: channel, callee, calleeUid, extra.
void inviteRefusedByPeer(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  const std::string& extra = e.field(3);
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteRefusedByPeer(ch.c_str(), ch.size(), account.c_str(), account.size(), uid,
                             extra.c_str(), extra.size());
  });
}

// INVITE_FAILED: channel, callee, calleeUid, code (701-704), extra.
void inviteFailed(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  int code = static_cast<int>(parseNumber(e.field(3)));
  if (code == 0) code = agora_sdk_win::INVITE_E_OTHER;
  const std::string& extra = e.field(4);
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteFailed(ch.c_str(), ch.size(), account.c_str(), account.size(), uid, code,
                      extra.c_str(), extra.size());
  });
}

// INVITE_END_BY_PEER: channel, other party, its uid, extra.
void inviteEndByPeer(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  const std::string& extra = e.field(3);
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteEndByPeer(ch.c_str(), ch.size(), account.c_str(), account.size(), uid,
                         extra.c_str(), extra.size());
  });
}

// INVITE_END_BY_MYSELF: channel, other party, its uid.
void inviteEndByMyself(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteEndByMyself(ch.c_str(), ch.size(), account.c_str(), account.size(), uid);
  });
}

// INVITE_MSG: channel, sender, senderUid, msgType ("DTMF"), msgData, extra.
void inviteMessage(const Event& e) {
  const std::string& ch = e.field(0);
  const std::string& account = e.field(1);
  uint32_t uid = parseNumber(e.field(2));
  const std::string& type = e.field(3);
  const std::string& data = e.field(4);
  const std::string& extra = e.field(5);
  e.sink.fire([&](ICallBack& cb) {
    cb.onInviteMsg(ch.c_str(), ch.size(), account.c_str(), account.size(), uid, type.c_str(),
                   type.size(), data.c_str(), data.size(), extra.c_str(), extra.size());
  });
}

const std::map<uint64_t, EventHandlers>& eventTable() {
  static const std::map<uint64_t, EventHandlers>* table = new std::map<uint64_t, EventHandlers>{
      {static_cast<uint64_t>(EventKind::InstantMsg), {"instant message", 3, instantMessage}},
      {static_cast<uint64_t>(EventKind::ChannelJoined), {"channel joined", 1, channelJoined}},
      {static_cast<uint64_t>(EventKind::ChannelLeft), {"channel left", 2, channelLeft}},
      {static_cast<uint64_t>(EventKind::ChannelUserList), {"channel user list", 2, channelUserList}},
      {static_cast<uint64_t>(EventKind::ChannelUserJoined), {"channel user joined", 3, channelUserJoined}},
      {static_cast<uint64_t>(EventKind::ChannelUserLeft), {"channel user left", 3, channelUserLeft}},
      {static_cast<uint64_t>(EventKind::ChannelMsg), {"channel message", 4, channelMessage}},
      {static_cast<uint64_t>(EventKind::ChannelAttr), {"channel attribute", 4, channelAttr}},
      {static_cast<uint64_t>(EventKind::InviteReceived), {"invitation received", 3, inviteReceived}},
      {static_cast<uint64_t>(EventKind::InviteReceivedByPeer), {"invitation received by peer", 3, inviteReceivedByPeer}},
      {static_cast<uint64_t>(EventKind::InviteAcceptedByPeer), {"invitation accepted by peer", 3, inviteAcceptedByPeer}},
      {static_cast<uint64_t>(EventKind::InviteRefusedByPeer), {"invitation refused by peer", 3, inviteRefusedByPeer}},
      {static_cast<uint64_t>(EventKind::InviteFailed), {"invitation failed", 4, inviteFailed}},
      {static_cast<uint64_t>(EventKind::InviteEndByPeer), {"invitation ended by peer", 3, inviteEndByPeer}},
      {static_cast<uint64_t>(EventKind::InviteEndByMyself), {"invitation ended by myself", 3, inviteEndByMyself}},
      {static_cast<uint64_t>(EventKind::InviteMsg), {"invitation message", 5, inviteMessage}},
      {static_cast<uint64_t>(EventKind::AppMsg), {"app message", 1, appMessage}},
      {static_cast<uint64_t>(EventKind::MsgDelivered), {"message delivered", 1, heldMessageDelivered}},
      {static_cast<uint64_t>(EventKind::MsgExpired), {"message expired", 2, heldMessageExpired}},
  };
  return *table;
}

}  // namespace

void dispatchResult(CallbackSink& sink, ClientState& state, const PendingRequest& request,
                    uint64_t code, const std::string& text, const std::vector<std::string>& values) {
  Outcome outcome{sink, &state, request, static_cast<int>(code), text, values};
  OpHandlers handlers = handlersFor(request.op);
  if (code == 0) {
    handlers.onSuccess(outcome);
    return;
  }
  handlers.onFailure(outcome);
  if (handlers.reportsError) sink.error(request.method, static_cast<int>(code), text);
}

void dispatchRejection(CallbackSink& sink, const PendingRequest& request, int code,
                       const std::string& text) {
  static const std::vector<std::string>* noValues = new std::vector<std::string>;
  Outcome outcome{sink, nullptr, request, code, text, *noValues};
  handlersFor(request.op).onFailure(outcome);
  sink.error(request.method, code, text);
}

void prepareDispatchTables() {
  handlerTable();
  eventTable();
  emptyString();
}

void dispatchEvent(CallbackSink& sink, ClientState& state, uint64_t kind,
                   const std::vector<std::string>& fields) {
  auto it = eventTable().find(kind);
  if (it == eventTable().end()) {
    sink.log("event of unknown kind " + std::to_string(kind) + " ignored");
    return;
  }
  const EventHandlers& handlers = it->second;
  if (fields.size() < handlers.minFields) {
    sink.log(std::string(handlers.name) + " event with " + std::to_string(fields.size()) +
             " fields ignored");
    return;
  }
  handlers.handle(Event{sink, state, fields});
}

}  // namespace core
}  // namespace agora_sig
