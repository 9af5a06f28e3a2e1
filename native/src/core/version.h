// The SDK version as getSdkVersion() reports it.
#ifndef AGORA_SIG_CORE_VERSION_H_
#define AGORA_SIG_CORE_VERSION_H_

#include <string>

namespace agora_sig {
namespace core {

// "major.minor.patch[.build]" in the original SDK's integer form: 1 MM mm pp bbb, so 1.1.4.19 is
// 1010104019 and 0.1.0 is 1000100000. Missing or malformed parts count as 0.
int sdkVersionNumber(const std::string& version);

// This library's version string and its integer form.
const char* sdkVersionString();
int sdkVersion();

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_VERSION_H_
