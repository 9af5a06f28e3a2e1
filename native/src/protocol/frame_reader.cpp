#include "protocol/frame_reader.h"

#include <stdint.h>

namespace agora_sig {
namespace protocol {

namespace {
constexpr size_t kHeaderBytes = 4;
}

FrameReader::FrameReader(size_t maxFrameBytes) : maxFrameBytes_(maxFrameBytes) {}

void FrameReader::feed(const char* data, size_t n) {
  if (failed() || n == 0) return;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  } else if (start_ >= buffer_.size() - start_) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(data, n);
}

bool FrameReader::next(std::string& body) {
  if (failed()) return false;
  const size_t available = buffer_.size() - start_;
  if (available < kHeaderBytes) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(buffer_.data() + start_);
  const size_t length = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | size_t{p[3]};
  if (length == 0) {
    error_ = "empty frame";
    return false;
  }
  if (length > maxFrameBytes_) {
    error_ = "frame too large: " + std::to_string(length) + " bytes";
    tooLarge_ = true;
    return false;
  }
  if (available - kHeaderBytes < length) {
    // Grow once to the whole frame rather than step by step as its chunks arrive.
    buffer_.reserve(start_ + kHeaderBytes + length);
    return false;
  }
  body.assign(buffer_, start_ + kHeaderBytes, length);
  start_ += kHeaderBytes + length;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
  return true;
}

}  // namespace protocol
}  // namespace agora_sig
