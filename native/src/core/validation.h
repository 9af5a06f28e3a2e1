// Argument checks made before anything is sent, with the limits the SDK documents.
#ifndef AGORA_SIG_CORE_VALIDATION_H_
#define AGORA_SIG_CORE_VALIDATION_H_

#include <stddef.h>

#include <initializer_list>
#include <string>

namespace agora_sig {
namespace core {

constexpr size_t kMaxAccountBytes = 128;
constexpr size_t kMaxChannelBytes = 128;
constexpr size_t kMaxAttrNameBytes = 128;
constexpr size_t kMaxAttrValueBytes = 8096;
constexpr size_t kMaxMessageBytes = 8192;
constexpr size_t kMaxExtraBytes = 8192;
constexpr size_t kMaxNameBytes = 128;       // phone numbers, RPC and function names
constexpr size_t kMaxPayloadBytes = 65536;  // RPC arguments and other opaque JSON

// code 0 means the argument is fine; otherwise 1004 (wrong) or 1005 (too large) and a text.
struct Rejection {
  int code = 0;
  std::string text;
  explicit operator bool() const { return code != 0; }
};

// 1..128 bytes, each visible ASCII (0x21-0x7E) or part of a UTF-8 sequence (>= 0x80).
Rejection checkAccount(const std::string& value, const char* what = "account");
// Non-empty and at most max bytes (1004 empty, 1005 too long).
Rejection checkRequired(const std::string& value, const char* what, size_t max);
// At most max bytes, may be empty (1005 too long).
Rejection checkOptional(const std::string& value, const char* what, size_t max);

// The first failed check of a list, or an empty rejection.
Rejection firstRejection(std::initializer_list<Rejection> checks);

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_VALIDATION_H_
