// The bytes of a connection waiting for the socket. Frames are appended at the back and the
// socket takes what it can from the front; taking from the front moves an offset, and the sent
// bytes are dropped only once they are the larger part of the buffer. Erasing them at every write
// instead (what it did before) moved the whole backlog each time: quadratic in the backlog, and
// seconds of the shared network thread for a backlog of a few megabytes taken in small pieces.
#ifndef AGORA_SIG_CORE_OUTPUT_BUFFER_H_
#define AGORA_SIG_CORE_OUTPUT_BUFFER_H_

#include <stddef.h>

#include <string>

namespace agora_sig {
namespace core {

class OutputBuffer {
 public:
  // Where to append (the codec encodes into a std::string).
  std::string& appendable() { return buffer_; }
  const char* data() const { return buffer_.data() + offset_; }
  size_t size() const { return buffer_.size() - offset_; }
  bool empty() const { return offset_ == buffer_.size(); }

  // Drops the first n bytes (n <= size()).
  void consume(size_t n) {
    offset_ += n;
    if (offset_ == buffer_.size()) {
      buffer_.clear();
      offset_ = 0;
    } else if (offset_ >= kCompactAbove && offset_ >= buffer_.size() / 2) {
      // Each byte moves at most once per halving: linear overall.
      bytesMoved_ += buffer_.size() - offset_;
      buffer_.erase(0, offset_);
      offset_ = 0;
    }
  }

  // Bytes moved by compaction so far (for tests: stays within the bytes appended).
  size_t bytesMoved() const { return bytesMoved_; }

 private:
  static constexpr size_t kCompactAbove = 64 * 1024;
  std::string buffer_;
  size_t offset_ = 0;
  size_t bytesMoved_ = 0;
};

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_OUTPUT_BUFFER_H_
