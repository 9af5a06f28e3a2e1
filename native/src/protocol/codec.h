// Encoding and decoding of frame bodies (docs/protocol.md, "Frame body").
#ifndef AGORA_SIG_PROTOCOL_CODEC_H_
#define AGORA_SIG_PROTOCOL_CODEC_H_

#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

#include "protocol/frame_types.h"

namespace agora_sig {
namespace protocol {

// One field of a frame: a number (`u`), a byte string (`s`) or a list of byte strings (`l`).
// Only the member matching `kind` is meaningful.
struct Field {
  enum class Kind : uint8_t { U, S, L };
  Kind kind = Kind::U;
  uint64_t u = 0;
  std::string s;
  std::vector<std::string> l;
};

// A frame: its type and its fields in schema order. Decoded frames always match their schema;
// the accessors throw std::logic_error when position or kind do not.
struct Frame {
  FrameType type{};
  std::vector<Field> fields;

  uint64_t u(size_t i) const;
  const std::string& s(size_t i) const;
  const std::vector<std::string>& l(size_t i) const;
};

// The field kinds of a frame type in wire order, or nullptr for an unknown type.
const std::vector<Field::Kind>* schemaOf(uint8_t type);

// Decodes one frame body (without length prefix). On a malformed body returns false and sets
// `error` to a reason that starts with the protocol's error word ("truncated", "bad varint", ...);
// `out` is then left empty.
bool decodeFrame(const uint8_t* data, size_t size, Frame& out, std::string& error);

// Appends the body of `f` to `out`. Throws std::invalid_argument when the frame does not match its
// schema (unknown type, wrong field count or kinds, a number above 2^53-1).
void encodeFrame(const Frame& f, std::string& out);

// Appends a 4-byte big-endian body length and the body (the TCP framing).
void encodeFrameWithLength(const Frame& f, std::string& out);

// One constructor per frame type, fields in schema order.
Frame makeHello(uint64_t version, std::string client);
Frame makeWelcome(uint64_t version, uint64_t heartbeatMs, uint64_t resumeWindowMs, uint64_t maxFrameBytes);
Frame makePing(uint64_t nonce);
Frame makePong(uint64_t nonce);
Frame makeBye(uint64_t code, std::string text);
Frame makeAck(uint64_t seq);
Frame makeLogin(std::string appId, std::string account, std::string token, uint64_t uid, std::string deviceId);
Frame makeLoginOk(uint64_t uid, std::string sessionId);
Frame makeLoginFail(uint64_t code, std::string text);
Frame makeResume(std::string sessionId, uint64_t lastSeq);
Frame makeResumeOk(uint64_t lastReqId);
Frame makeResumeFail(uint64_t code, std::string text);
Frame makeLogout();
Frame makeLoggedOut(uint64_t code, std::string text);
Frame makeRequest(uint64_t reqId, Op op, std::vector<std::string> args);
Frame makeResult(uint64_t seq, uint64_t reqId, uint64_t code, std::string text, std::vector<std::string> values);
Frame makeEvent(uint64_t seq, uint64_t kind, std::vector<std::string> fields);

}  // namespace protocol
}  // namespace agora_sig

#endif  // AGORA_SIG_PROTOCOL_CODEC_H_
