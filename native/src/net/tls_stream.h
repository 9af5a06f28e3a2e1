// The client side of TLS over one of the core's non-blocking sockets (OpenSSL; Linux builds with
// AGORA_SIG_WITH_TLS). OpenSSL never touches the socket: it reads and writes memory buffers and
// this class moves the ciphertext with sendSome / receiveSome, so the socket keeps the core's
// flags (MSG_NOSIGNAL: a server that goes away cannot raise SIGPIPE in the application) and the
// poller stays the only thing that waits.
//
// Not thread-safe: the session lock serializes every use, as it does for the socket.
#ifndef AGORA_SIG_NET_TLS_STREAM_H_
#define AGORA_SIG_NET_TLS_STREAM_H_

#include <stddef.h>

#include <memory>
#include <string>

#include "net/socket.h"

namespace agora_sig {
namespace net {

// Whether this build can speak TLS at all (false: built without AGORA_SIG_WITH_TLS, as the
// Windows build is).
bool tlsAvailable();

enum class TlsStep {
  Done,        // the handshake is over; send and receive may be used
  InProgress,  // wait for the socket (readable; writable too when wantsWrite())
  Failed,      // the connection failed (a network or protocol error): worth another try
  Untrusted,   // the server's certificate chain or name did not verify: another try cannot help
};

class TlsStream {
 public:
  // host is what the certificate must name (a DNS name or a numeric address); caFile a PEM file
  // of trusted certificates, or empty for the system's trust store. Returns null and sets error
  // (the CA file cannot be read, no TLS in this build) when no connection can be set up.
  static std::unique_ptr<TlsStream> create(const std::string& host, const std::string& caFile,
                                           std::string& error);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  // Drives the handshake as far as the socket allows (call it again at the next socket event).
  TlsStep handshake(SocketHandle socket, std::string& error);
  // Like sendSome: transferred is the count of plaintext bytes taken. Ciphertext the socket did
  // not take waits in this object: see wantsWrite().
  IoStatus send(SocketHandle socket, const char* data, size_t size, size_t& transferred,
                std::string& error);
  // Like receiveSome. Plaintext already decrypted is returned before the socket is read.
  IoStatus receive(SocketHandle socket, char* buffer, size_t size, size_t& transferred,
                   std::string& error);
  // Hands the socket the ciphertext waiting in this object (WouldBlock: some still waits).
  IoStatus flush(SocketHandle socket, std::string& error);
  // Ciphertext is waiting for the socket to take it.
  bool wantsWrite() const;
  // Input read from the socket but not returned yet: the poller will not report it, so the
  // caller must come back for it itself.
  bool hasBufferedInput() const;

 private:
  struct State;
  explicit TlsStream(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace net
}  // namespace agora_sig

#endif  // AGORA_SIG_NET_TLS_STREAM_H_
