// Where an instance connects: 127.0.0.1:9720 (the server's default TCP port), unless the
// AGORA_SIG_SERVER environment variable ("host:port") says otherwise; dbg("server", "host:port")
// changes it per instance. "tls://host:port" connects with TLS (net/tls_stream.h), verifying the
// server's certificate against the CA file of AGORA_SIG_TLS_CA or dbg("tls_ca", path), else
// against the system's trust store.
#ifndef AGORA_SIG_CORE_SERVER_ADDRESS_H_
#define AGORA_SIG_CORE_SERVER_ADDRESS_H_

#include <stdint.h>

#include <string>

namespace agora_sig {
namespace core {

struct ServerAddress {
  std::string host = "127.0.0.1";
  uint16_t port = 9720;
  bool tls = false;

  std::string toString() const;
};

// Parses "host:port" or "[v6-address]:port", either after "tls://" (TLS) or "tcp://" (plain,
// as without a prefix); error says what is wrong.
bool parseServerAddress(const std::string& text, ServerAddress& out, std::string& error);

// The built-in default overridden by AGORA_SIG_SERVER when that holds a valid address.
ServerAddress defaultServerAddress();

// The CA file of AGORA_SIG_TLS_CA; empty (the system's trust store) when unset.
std::string defaultTlsCaFile();

}  // namespace core
}  // namespace agora_sig

#endif  // AGORA_SIG_CORE_SERVER_ADDRESS_H_
