// A strict RFC 8259 syntax check for JSON text the core carries as opaque bytes (invitation
// extras): it only answers whether the text is one JSON value, and why not. No values are built.
#ifndef AGORA_SIG_CORE_JSON_SYNTAX_H_
#define AGORA_SIG_CORE_JSON_SYNTAX_H_

#include <stddef.h>

#include <string>

namespace agora_sig {
namespace core {

// Arrays and objects nest at most this deep; deeper text is refused rather than recursed into.
constexpr size_t kMaxJsonDepth = 64;

// True when text is exactly one JSON value (surrounding whitespace allowed) in valid UTF-8.
// Otherwise false, and error (when given) says what is wrong and at which byte offset.
bool isValidJson(const std::string& text, std::string* error = nullptr);

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_JSON_SYNTAX_H_
