#include "core/validation.h"

#include "agora_sig.h"

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

Rejection firstRejection(std::initializer_list<Rejection> checks) {
  for (const Rejection& r : checks) {
    if (r) return r;
  }
  return Rejection();
}

}  // namespace core
}  // namespace agora_sig
