#include "core/validation.h"

#include "agora_sig.h"
#include "core/json_syntax.h"

namespace agora_sig {
namespace core {

namespace {

Rejection reject(int code, std::string text) {
  Rejection r;
  r.code = code;
  r.text = std::move(text);
  return r;
}

// Well-formed UTF-8 as the Unicode standard defines it (table 3-7): no overlong forms, no
// surrogates, nothing above U+10FFFF; what the server's strict decoder accepts.
bool isWellFormedUtf8(const std::string& text) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length;
    unsigned char low = 0x80, high = 0xbf;  // the range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
      length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      length = 3;
      if (c == 0xe0) low = 0xa0;
      if (c == 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      length = 4;
      if (c == 0xf0) low = 0x90;
      if (c == 0xf4) high = 0x8f;
    } else {
      return false;
    }
    if (i + length > n || p[i + 1] < low || p[i + 1] > high) return false;
    for (size_t k = 2; k < length; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xbf) return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

Rejection checkAccount(const std::string& value, const char* what) {
  if (value.empty()) return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM, std::string(what) + " is empty");
  if (value.size() > kMaxAccountBytes) {
    return reject(agora_sdk_win::GENERAL_E_LARGE_PARAM,
                  std::string(what) + " is longer than 128 bytes");
  }
  for (unsigned char c : value) {
    if (c < 0x21 || c == 0x7f) {
      return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM,
                    std::string(what) + " contains a space or a control character");
    }
  }
  // The server refuses a malformed one; refused here, the caller hears why at once.
  if (!isWellFormedUtf8(value)) {
    return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM, std::string(what) + " is not valid UTF-8");
  }
  return Rejection();
}

Rejection checkRequired(const std::string& value, const char* what, size_t max) {
  if (value.empty()) return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM, std::string(what) + " is empty");
  return checkOptional(value, what, max);
}

Rejection checkOptional(const std::string& value, const char* what, size_t max) {
  if (value.size() > max) {
    return reject(agora_sdk_win::GENERAL_E_LARGE_PARAM,
                  std::string(what) + " is longer than " + std::to_string(max) + " bytes");
  }
  return Rejection();
}

Rejection checkOptionalJson(const std::string& value, const char* what, size_t max) {
  if (value.empty()) return Rejection();
  Rejection tooLong = checkOptional(value, what, max);
  if (tooLong) return tooLong;
  std::string error;
  if (!isValidJson(value, &error)) {
    return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM, std::string(what) + " is not JSON: " + error);
  }
  return Rejection();
}

Rejection checkDtmf(const std::string& value, const char* what) {
  if (value.empty()) return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM, std::string(what) + " is empty");
  if (value.size() > kMaxDtmfBytes) {
    return reject(agora_sdk_win::GENERAL_E_LARGE_PARAM,
                  std::string(what) + " is longer than " + std::to_string(kMaxDtmfBytes) + " tones");
  }
  for (char c : value) {
    if (!((c >= '0' && c <= '9') || c == '*' || c == '#')) {
      return reject(agora_sdk_win::GENERAL_E_WRONG_PARAM,
                    std::string(what) + " may contain only the digits 0-9, * and #");
    }
  }
  return Rejection();
}

Rejection checkOptionalAccount(const std::string& value, const char* what) {
  return value.empty() ? Rejection() : checkAccount(value, what);
}

Rejection firstRejection(std::initializer_list<Rejection> checks) {
  for (const Rejection& r : checks) {
    if (r) return r;
  }
  return Rejection();
}

}  // namespace core
}  // namespace agora_sig
