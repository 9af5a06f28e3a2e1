#include "core/server_address.h"

#include <stdlib.h>

namespace agora_sig {
namespace core {

std::string ServerAddress::toString() const {
  bool v6 = host.find(':') != std::string::npos;
  return (tls ? "tls://" : "") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

bool parseServerAddress(const std::string& fullText, ServerAddress& out, std::string& error) {
  bool tls = fullText.compare(0, 6, "tls://") == 0;
  bool plain = fullText.compare(0, 6, "tcp://") == 0;
  std::string text = tls || plain ? fullText.substr(6) : fullText;
  if (text.find("://") != std::string::npos) {
    error = "server address must be host:port, tls://host:port or tcp://host:port, got \"" + fullText + "\"";
    return false;
  }
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    error = "server address must be host:port or tls://host:port, got \"" + fullText + "\"";
    return false;
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string portText = text.substr(colon + 1);
  unsigned long port = 0;
  for (char c : portText) {
    if (c < '0' || c > '9' || portText.size() > 5) {
      error = "server port must be a number from 1 to 65535, got \"" + portText + "\"";
      return false;
    }
    port = port * 10 + static_cast<unsigned long>(c - '0');
  }
  if (host.empty() || port == 0 || port > 65535) {
    error = "server address must be host:port with a port from 1 to 65535, got \"" + text + "\"";
    return false;
  }
  for (unsigned char c : host) {
    if (c <= 0x20 || c >= 0x7f) {
      error = "server host contains an invalid character";
      return false;
    }
  }
  out.host = host;
  out.port = static_cast<uint16_t>(port);
  out.tls = tls;
  return true;
}

ServerAddress defaultServerAddress() {
  ServerAddress address;
  const char* env = getenv("AGORA_SIG_SERVER");
  if (env && *env) {
    std::string ignored;
    ServerAddress fromEnv;
    if (parseServerAddress(env, fromEnv, ignored)) address = fromEnv;
  }
  return address;
}

std::string defaultTlsCaFile() {
  const char* env = getenv("AGORA_SIG_TLS_CA");
  return env ? env : "";
}

}  // namespace core
}  // namespace agora_sig
