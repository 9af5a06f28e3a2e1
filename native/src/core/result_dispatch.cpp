#include "core/result_dispatch.h"

#include <stdlib.h>

#include <map>

namespace agora_sig {
namespace core {

namespace {

using agora_sdk_win::ICallBack;
using protocol::Op;

struct Outcome {
  CallbackSink& sink;
  const PendingRequest& request;
  int code;
  const std::string& text;
  const std::vector<std::string>& values;

  const std::string& value(size_t i) const {
    static const std::string* empty = new std::string;
    return i < values.size() ? values[i] : *empty;
  }
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

void userStatus(const Outcome& o) {
  const std::string& account = o.request.subject;
  const std::string& status = o.value(0);
  o.sink.fire([&](ICallBack& cb) {
    cb.onQueryUserStatusResult(account.c_str(), account.size(), status.c_str(), status.size());
  });
}

void channelJoined(const Outcome& o) {
  const std::string& ch = o.request.subject;
  o.sink.fire([&](ICallBack& cb) { cb.onChannelJoined(ch.c_str(), ch.size()); });
}
void channelJoinFailed(const Outcome& o) {
  const std::string& ch = o.request.subject;
  o.sink.fire([&](ICallBack& cb) { cb.onChannelJoinFailed(ch.c_str(), ch.size(), o.code); });
}
void channelLeft(const Outcome& o) {
  const std::string& ch = o.request.subject;
  o.sink.fire([&](ICallBack& cb) {
    cb.onChannelLeaved(ch.c_str(), ch.size(), agora_sdk_win::LEAVECHANNEL_E_BYUSER);
  });
}
void channelUserNum(const Outcome& o) {
  const std::string& ch = o.request.subject;
  int num = static_cast<int>(parseNumber(o.value(0)));
  o.sink.fire([&](ICallBack& cb) { cb.onChannelQueryUserNumResult(ch.c_str(), ch.size(), 0, num); });
}
void channelUserIsIn(const Outcome& o) {
  const std::string& ch = o.request.subject;
  const std::string& account = o.request.subject2;
  int isIn = o.value(0) == "1" ? 1 : 0;
  o.sink.fire([&](ICallBack& cb) {
    cb.onChannelQueryUserIsIn(ch.c_str(), ch.size(), account.c_str(), account.size(), isIn);
  });
}

void userAttr(const Outcome& o) {
  const std::string& account = o.request.subject;
  const std::string& name = o.request.subject2;
  const std::string& value = o.value(0);
  o.sink.fire([&](ICallBack& cb) {
    cb.onUserAttrResult(account.c_str(), account.size(), name.c_str(), name.size(), value.c_str(),
                        value.size());
  });
}
void userAttrAll(const Outcome& o) {
  const std::string& account = o.request.subject;
  const std::string& value = o.value(0);
  o.sink.fire([&](ICallBack& cb) {
    cb.onUserAttrAllResult(account.c_str(), account.size(), value.c_str(), value.size());
  });
}

void invokeAnswered(const Outcome& o) {
  const std::string& id = o.request.callID;
  const std::string& resp = o.value(0);
  o.sink.fire([&](ICallBack& cb) { cb.onInvokeRet(id.c_str(), id.size(), "", 0, resp.c_str(), resp.size()); });
}
void invokeFailed(const Outcome& o) {
  const std::string& id = o.request.callID;
  o.sink.fire([&](ICallBack& cb) {
    cb.onInvokeRet(id.c_str(), id.size(), o.text.c_str(), o.text.size(), "", 0);
  });
}

void bcCallAnswered(const Outcome& o) {
  const std::string& id = o.request.callID;
  const std::string& ret = o.value(0);
  o.sink.fire([&](ICallBack& cb) { cb.onBCCall_result("", 0, ret.c_str(), ret.size(), id.c_str(), id.size()); });
}
void bcCallFailed(const Outcome& o) {
  const std::string& id = o.request.callID;
  o.sink.fire([&](ICallBack& cb) {
    cb.onBCCall_result(o.text.c_str(), o.text.size(), "", 0, id.c_str(), id.size());
  });
}

void dbgAnswered(const Outcome& o) {
  const std::string& key = o.request.subject;
  const std::string& value = o.value(0);
  o.sink.fire([&](ICallBack& cb) { cb.onDbg(key.c_str(), key.size(), value.c_str(), value.size()); });
}

const std::map<Op, OpHandlers>& handlerTable() {
  static const std::map<Op, OpHandlers>* table = new std::map<Op, OpHandlers>{
      {Op::MsgInstant, {messageSent, messageFailed, true}},
      {Op::MsgPush, {messageSent, messageFailed, true}},
      {Op::MsgApp, {messageSent, messageFailed, true}},
      {Op::MsgChannel, {messageSent, messageFailed, true}},
      {Op::MsgChannelForce, {messageSent, messageFailed, true}},
      {Op::MsgDtmf, {messageSent, messageFailed, true}},
      {Op::QueryUserStatus, {userStatus, nothing, true}},
      {Op::ChannelJoin, {channelJoined, channelJoinFailed, true}},
      {Op::ChannelLeave, {channelLeft, nothing, true}},
      {Op::ChannelQueryNum, {channelUserNum, nothing, true}},
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

}  // namespace

void dispatchResult(CallbackSink& sink, const PendingRequest& request, uint64_t code,
                    const std::string& text, const std::vector<std::string>& values) {
  Outcome outcome{sink, request, static_cast<int>(code), text, values};
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
  Outcome outcome{sink, request, code, text, *noValues};
  handlersFor(request.op).onFailure(outcome);
  sink.error(request.method, code, text);
}

void prepareDispatchTables() { handlerTable(); }

void dispatchEvent(CallbackSink& sink, uint64_t kind, const std::vector<std::string>& fields) {
  if (kind == static_cast<uint64_t>(protocol::EventKind::InstantMsg)) {
    if (fields.size() < 3) {
      sink.log("instant message event with " + std::to_string(fields.size()) + " fields ignored");
      return;
    }
    const std::string& account = fields[0];
    uint32_t uid = parseNumber(fields[1]);
    const std::string& msg = fields[2];
    sink.fire([&](ICallBack& cb) {
      cb.onMessageInstantReceive(account.c_str(), account.size(), uid, msg.c_str(), msg.size());
    });
    return;
  }
  sink.log("event of unknown kind " + std::to_string(kind) + " ignored");
}

}  // namespace core
}  // namespace agora_sig
