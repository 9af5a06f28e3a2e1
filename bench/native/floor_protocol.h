// The floor protocol: what the minimal relay and its raw client agree on.
//
// TCP; every frame is a u32 big-endian body length followed by the body.
// - A client's first frame is its 8-byte id (u64 big-endian).
// - Every later body starts with an 8-byte destination:
//   - an id: the relay forwards the frame to that connection with the destination replaced by the
//     sender's id (payload unchanged);
//   - kFloorJoinGroup followed by an 8-byte group id: the sender joins that group (nothing is
//     forwarded);
//   - kFloorFanOut followed by an 8-byte group id and the payload: the relay forwards the frame,
//     its first 8 bytes replaced by the sender's id, to every other member of the group.
// Frames to an unknown id are dropped. There are no acknowledgements.
#ifndef AGORA_SIG_BENCH_FLOOR_PROTOCOL_H_
#define AGORA_SIG_BENCH_FLOOR_PROTOCOL_H_

#include <stddef.h>
#include <stdint.h>

#include <string>

namespace floorproto {

constexpr uint64_t kFanOut = 0xFFFFFFFFFFFFFFFFull;
constexpr uint64_t kJoinGroup = 0xFFFFFFFFFFFFFFFEull;
constexpr size_t kIdBytes = 8;
constexpr size_t kLengthBytes = 4;
// Larger bodies are a protocol error (the connection is closed).
constexpr uint32_t kMaxBody = 1 << 20;

inline void putU64(char* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(v & 0xFF);
    v >>= 8;
  }
}

inline uint64_t getU64(const char* in) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

inline void putU32(char* out, uint32_t v) {
  out[0] = static_cast<char>(v >> 24);
  out[1] = static_cast<char>(v >> 16);
  out[2] = static_cast<char>(v >> 8);
  out[3] = static_cast<char>(v);
}

inline uint32_t getU32(const char* in) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(in[0])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(in[1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(in[2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(in[3]));
}

// Appends one frame: length, the 8-byte head, then the rest.
inline void appendFrame(std::string& out, uint64_t head, const char* rest, size_t restSize) {
  char prefix[kLengthBytes + kIdBytes];
  putU32(prefix, static_cast<uint32_t>(kIdBytes + restSize));
  putU64(prefix + kLengthBytes, head);
  out.append(prefix, sizeof prefix);
  out.append(rest, restSize);
}

}  // namespace floorproto

#endif  // AGORA_SIG_BENCH_FLOOR_PROTOCOL_H_
