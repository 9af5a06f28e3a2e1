// A request of the application on its way to the server, kept until its RESULT arrives.
#ifndef AGORA_SIG_CORE_PENDING_REQUEST_H_
#define AGORA_SIG_CORE_PENDING_REQUEST_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "protocol/frame_types.h"

namespace agora_sig {
namespace core {

struct PendingRequest {
  uint64_t reqId = 0;  // assigned when submitted to the session
  protocol::Op op = protocol::Op::MsgInstant;
  std::vector<std::string> args;
  bool prependOwnAccount = false;  // args start with the logged-in account (getAttr, getAttrAll)
  // Its bytes went to a connection's output (the socket or the buffer in front of it). A session
  // lost while a written request is unanswered leaves its outcome unknown: the server may have
  // processed it and lost only the RESULT.
  bool written = false;

  // What the answer needs and the wire does not carry.
  std::string method;    // the API method's name, for onError
  std::string msgID;     // message methods
  std::string callID;    // invoke, bc_call
  std::string subject;   // the channel or account the answer names
  std::string subject2;  // a second name (attribute name, queried account, dbg key)
};

// A message must never be delivered twice: one of unknown outcome is not sent again.
inline bool isMessageOp(protocol::Op op) {
  return op == protocol::Op::MsgInstant || op == protocol::Op::MsgPush ||
         op == protocol::Op::MsgChannel || op == protocol::Op::MsgChannelForce ||
         op == protocol::Op::MsgApp;
}

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_PENDING_REQUEST_H_
