// What the core remembers about a session beyond the protocol itself: the channel it is in (the
// server switches channels; the core only reports) and the messages the server holds for offline
// peers, whose fate arrives later as an EVENT naming the server's message id.
#ifndef AGORA_SIG_CORE_CLIENT_STATE_H_
#define AGORA_SIG_CORE_CLIENT_STATE_H_

#include <map>
#include <string>

namespace agora_sig {
namespace core {

// A message the server holds for an offline peer: what its later callbacks need.
struct HeldMessage {
  std::string msgID;   // the application's id, reported by onMessageSendSuccess/Error
  std::string method;  // for onError when it expires
};

struct ClientState {
  bool inChannel = false;
  std::string channel;
  std::map<std::string, HeldMessage> held;  // serverMsgId -> message
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_CLIENT_STATE_H_
