#include "core/version.h"

#ifndef AGORA_SIG_VERSION_STRING
#  define AGORA_SIG_VERSION_STRING "0.0.0"
#endif

namespace agora_sig {
namespace core {

int sdkVersionNumber(const std::string& version) {
  long parts[4] = {0, 0, 0, 0};
  const long limits[4] = {99, 99, 99, 999};
  size_t index = 0;
  for (char c : version) {
    if (c == '.') {
      if (++index >= 4) break;
    } else if (c >= '0' && c <= '9') {
      parts[index] = parts[index] * 10 + (c - '0');
      if (parts[index] > limits[index]) parts[index] = limits[index];
    } else {
      break;  // a pre-release suffix such as "-beta" ends the number
    }
  }
  return static_cast<int>(1000000000L + parts[0] * 10000000L + parts[1] * 100000L +
                          parts[2] * 1000L + parts[3]);
}

const char* sdkVersionString() { return AGORA_SIG_VERSION_STRING; }

int sdkVersion() { return sdkVersionNumber(AGORA_SIG_VERSION_STRING); }

}  // namespace core
}  // namespace agora_sig
