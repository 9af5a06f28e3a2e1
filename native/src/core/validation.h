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
constexpr size_t kMaxDtmfBytes = 128;

// code 0 means the argument is fine; otherwise 1004 (wrong) or 1005 (too large) and a text.
struct Rejection {
  int code = 0;
  std::string text;
  explicit operator bool() const { return code != 0; }
};

// 1..128 bytes of visible ASCII (0x21-0x7E) or well-formed UTF-8 multi-byte sequences
// (docs/account-vectors.json: the cases the core and the server both check).
Rejection checkAccount(const std::string& value, const char* what = "account");
// Non-empty and at most max bytes (1004 empty, 1005 too long).
Rejection checkRequired(const std::string& value, const char* what, size_t max);
// At most max bytes, may be empty (1005 too long).
Rejection checkOptional(const std::string& value, const char* what, size_t max);

// Empty, or JSON text of at most max bytes (1005 too long, 1004 not JSON).
Rejection checkOptionalJson(const std::string& value, const char* what, size_t max);
// 1..128 DTMF tones: the characters 0-9, * and # (1004 empty or another character, 1005 longer).
Rejection checkDtmf(const std::string& value, const char* what = "dtmf");
// Empty, or a value that passes checkAccount (phone numbers shown as the source of a call).
Rejection checkOptionalAccount(const std::string& value, const char* what);

// The first failed check of a list, or an empty rejection.
Rejection firstRejection(std::initializer_list<Rejection> checks);

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_VALIDATION_H_
