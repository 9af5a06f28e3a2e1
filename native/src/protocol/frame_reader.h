// Splits a TCP byte stream into frame bodies (4-byte big-endian length, then the body).
#ifndef AGORA_SIG_PROTOCOL_FRAME_READER_H_
#define AGORA_SIG_PROTOCOL_FRAME_READER_H_

#include <stddef.h>

#include <string>

#include "protocol/frame_types.h"

namespace agora_sig {
namespace protocol {

class FrameReader {
 public:
  explicit FrameReader(size_t maxFrameBytes = kMaxFrameBytes);

  // Appends received bytes. Ignored once the reader has failed.
  void feed(const char* data, size_t n);

  // Moves the next complete body into `body` and returns true; returns false when no complete frame
  // is buffered or the stream is bad. A zero length ("empty frame") or one above the maximum
  // ("frame too large: N bytes") makes the reader fail for good.
  bool next(std::string& body);

  bool failed() const { return !error_.empty(); }
  // The failure is a frame over the maximum (well-formed, just too large to take).
  bool tooLarge() const { return tooLarge_; }
  const std::string& error() const { return error_; }

  // Bytes received that do not yet form a complete frame (or that were not yet taken by next()).
  size_t pendingBytes() const { return buffer_.size() - start_; }

 private:
  size_t maxFrameBytes_;
  // Unconsumed data is buffer_[start_, size): consuming advances start_, and the consumed front is
  // dropped only once it is at least half the buffer, so every byte is moved O(1) times.
  std::string buffer_;
  size_t start_ = 0;
  std::string error_;
  bool tooLarge_ = false;
};

}  // namespace protocol
}  // namespace agora_sig

#endif  // AGORA_SIG_PROTOCOL_FRAME_READER_H_
