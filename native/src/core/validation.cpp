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
