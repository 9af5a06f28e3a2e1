// Reads the JavaScript arguments of one addon method in order, turning JS strings and byte
// buffers into the (pointer, size) pairs of the C++ API. A wrong argument throws a TypeError (or a
// RangeError for a number out of range) that names the method and the parameter.
#ifndef AGORA_SIG_ADDON_ARG_READER_H_
#define AGORA_SIG_ADDON_ARG_READER_H_

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace agora_sig_addon {

// A byte string borrowed from a Buffer / Uint8Array or owned after UTF-8 encoding a JS string.
// Borrowed bytes stay valid for the duration of the method call, which is all the core needs:
// every API call copies what it keeps.
class ByteArg {
 public:
  ByteArg() = default;
  explicit ByteArg(std::string owned) : owned_(std::move(owned)), borrowed_(false) {}
  ByteArg(const char* data, size_t size) : data_(data), size_(size), borrowed_(true) {}

  ByteArg(ByteArg&& other) noexcept { *this = std::move(other); }
  ByteArg& operator=(ByteArg&& other) noexcept {
    owned_ = std::move(other.owned_);
    data_ = other.data_;
    size_ = other.size_;
    borrowed_ = other.borrowed_;
    return *this;
  }
  ByteArg(const ByteArg&) = delete;
  ByteArg& operator=(const ByteArg&) = delete;

  const char* data() const { return borrowed_ ? data_ : owned_.data(); }
  size_t size() const { return borrowed_ ? size_ : owned_.size(); }

 private:
  std::string owned_;
  const char* data_ = nullptr;
  size_t size_ = 0;
  bool borrowed_ = false;
};

class ArgReader {
 public:
  ArgReader(const Napi::CallbackInfo& info, const char* method) : info_(info), method_(method) {}

  // A required string, Buffer or Uint8Array.
  ByteArg Bytes(const char* name);
  // As Bytes, but undefined (or a missing argument) reads as the empty string.
  ByteArg OptionalBytes(const char* name);
  // A required integer in [0, 2^32-1].
  uint32_t Uint32(const char* name);
  // As Uint32, but undefined (or missing) reads as fallback.
  uint32_t OptionalUint32(const char* name, uint32_t fallback);
  // An integer in the int32 range; undefined (or missing) reads as fallback.
  int32_t OptionalInt32(const char* name, int32_t fallback);
  // A required boolean.
  bool Boolean(const char* name);

  // True when the next argument is present and not undefined.
  bool HasNext() const;

 private:
  Napi::Value Next();
  [[noreturn]] void ThrowType(const char* name, const char* expected, const Napi::Value& got);
  double Integer(const char* name, double min, double max);

  const Napi::CallbackInfo& info_;
  const char* method_;
  size_t index_ = 0;
};

}  // namespace agora_sig_addon

#endif  // AGORA_SIG_ADDON_ARG_READER_H_
