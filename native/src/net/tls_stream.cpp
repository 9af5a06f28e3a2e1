#include "net/tls_stream.h"

#if defined(AGORA_SIG_WITH_TLS)

#include <limits.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

namespace agora_sig {
namespace net {

namespace {

// What one SSL_write takes: a few records, so ciphertext waiting for the socket stays bounded.
constexpr size_t kMaxPlaintextPerWrite = 64 * 1024;

// The reasons OpenSSL queued for this thread, oldest first, then cleared.
std::string openSslErrors(const std::string& fallback) {
  std::string text;
  unsigned long code;
  while ((code = ERR_get_error()) != 0) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? fallback : text;
}

}  // namespace

bool tlsAvailable() { return true; }

struct TlsStream::State {
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  BIO* network = nullptr;   // ciphertext from the socket, read by OpenSSL
  BIO* outgoing = nullptr;  // ciphertext written by OpenSSL, for the socket
  std::string pending;      // ciphertext taken from `outgoing` that the socket has not taken yet

  ~State() {
    if (ssl) SSL_free(ssl);  // frees both BIOs
    if (context) SSL_CTX_free(context);
  }

  // Hands the socket what OpenSSL wrote; WouldBlock when some is left over.
  IoStatus flush(SocketHandle socket, std::string& error) {
    char chunk[16384];
    for (;;) {
      if (pending.empty()) {
        int n = BIO_read(outgoing, chunk, sizeof chunk);
        if (n <= 0) return IoStatus::Ok;
        pending.assign(chunk, static_cast<size_t>(n));
      }
      size_t sent = 0;
      IoStatus status = sendSome(socket, pending.data(), pending.size(), sent, error);
      if (status != IoStatus::Ok) return status;
      pending.erase(0, sent);
    }
  }

  // Moves what the socket has into `network`; Ok when something came.
  IoStatus fill(SocketHandle socket, std::string& error) {
    char chunk[16384];
    size_t got = 0;
    IoStatus status = receiveSome(socket, chunk, sizeof chunk, got, error);
    if (status == IoStatus::Ok) BIO_write(network, chunk, static_cast<int>(got));
    return status;
  }
};

std::unique_ptr<TlsStream> TlsStream::create(const std::string& host, const std::string& caFile,
                                             std::string& error) {
  ERR_clear_error();
  std::unique_ptr<State> s(new State);
  s->context = SSL_CTX_new(TLS_client_method());
  if (!s->context) {
    error = "cannot set up TLS: " + openSslErrors("SSL_CTX_new failed");
    return nullptr;
  }
  SSL_CTX_set_min_proto_version(s->context, TLS1_2_VERSION);
  SSL_CTX_set_verify(s->context, SSL_VERIFY_PEER, nullptr);
  int loaded = caFile.empty() ? SSL_CTX_set_default_verify_paths(s->context)
                              : SSL_CTX_load_verify_locations(s->context, caFile.c_str(), nullptr);
  if (loaded != 1) {
    error = caFile.empty() ? "cannot load the system's trusted certificates: " +
                                 openSslErrors("SSL_CTX_set_default_verify_paths failed")
                           : "cannot read the TLS CA file " + caFile + ": " +
                                 openSslErrors("no certificate in it");
    return nullptr;
  }
  s->ssl = SSL_new(s->context);
  s->network = BIO_new(BIO_s_mem());
  s->outgoing = BIO_new(BIO_s_mem());
  if (!s->ssl || !s->network || !s->outgoing) {
    if (s->network) BIO_free(s->network);
    if (s->outgoing) BIO_free(s->outgoing);
    s->network = s->outgoing = nullptr;
    error = "cannot set up TLS: " + openSslErrors("out of memory");
    return nullptr;
  }
  BIO_set_mem_eof_return(s->network, -1);  // empty means "wait for more", not end of stream
  SSL_set_bio(s->ssl, s->network, s->outgoing);
  SSL_set_connect_state(s->ssl);
  // The name the certificate must carry: an IP address entry for a numeric host, else a DNS name
  // (also sent as SNI, which must not be an address).
  X509_VERIFY_PARAM* param = SSL_get0_param(s->ssl);
  bool named = isNumericAddress(host) ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1
                                      : SSL_set1_host(s->ssl, host.c_str()) == 1 &&
                                            SSL_set_tlsext_host_name(s->ssl, host.c_str()) == 1;
  if (!named) {
    error = "cannot set up TLS for host " + host + ": " + openSslErrors("invalid host name");
    return nullptr;
  }
  return std::unique_ptr<TlsStream>(new TlsStream(std::move(s)));
}

TlsStream::TlsStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsStream::~TlsStream() = default;

TlsStep TlsStream::handshake(SocketHandle socket, std::string& error) {
  State& s = *state_;
  for (;;) {
    ERR_clear_error();
    int result = SSL_do_handshake(s.ssl);
    int reason = result == 1 ? SSL_ERROR_NONE : SSL_get_error(s.ssl, result);
    // The ClientHello, the Finished message or an alert: out before anything else happens.
    if (s.flush(socket, error) == IoStatus::Error) return TlsStep::Failed;
    if (result == 1) return TlsStep::Done;
    if (reason == SSL_ERROR_WANT_READ) {
      IoStatus status = s.fill(socket, error);
      if (status == IoStatus::Ok) continue;
      if (status == IoStatus::WouldBlock) return TlsStep::InProgress;
      if (status == IoStatus::Closed) error = "the server closed the connection during the TLS handshake";
      return TlsStep::Failed;
    }
    if (reason == SSL_ERROR_WANT_WRITE) return TlsStep::InProgress;
    long verified = SSL_get_verify_result(s.ssl);
    if (verified != X509_V_OK) {
      ERR_clear_error();
      error = std::string("the server's TLS certificate is not trusted: ") +
              X509_verify_cert_error_string(verified);
      return TlsStep::Untrusted;
    }
    error = "TLS handshake failed: " + openSslErrors("error " + std::to_string(reason));
    return TlsStep::Failed;
  }
}

IoStatus TlsStream::send(SocketHandle socket, const char* data, size_t size, size_t& transferred,
                         std::string& error) {
  State& s = *state_;
  transferred = 0;
  // Earlier ciphertext first: plaintext is taken only while the socket keeps up.
  IoStatus status = s.flush(socket, error);
  if (status != IoStatus::Ok) return status;
  ERR_clear_error();
  int n = SSL_write(s.ssl, data, static_cast<int>(size < kMaxPlaintextPerWrite ? size : kMaxPlaintextPerWrite));
  if (n <= 0) {
    error = "TLS write failed: " + openSslErrors("error " + std::to_string(SSL_get_error(s.ssl, n)));
    return IoStatus::Error;
  }
  transferred = static_cast<size_t>(n);
  // What the socket does not take now waits in `pending` (wantsWrite()).
  return s.flush(socket, error) == IoStatus::Error ? IoStatus::Error : IoStatus::Ok;
}

IoStatus TlsStream::receive(SocketHandle socket, char* buffer, size_t size, size_t& transferred,
                            std::string& error) {
  State& s = *state_;
  transferred = 0;
  for (;;) {
    ERR_clear_error();
    int n = SSL_read(s.ssl, buffer, static_cast<int>(size < INT_MAX ? size : INT_MAX));
    if (n > 0) {
      transferred = static_cast<size_t>(n);
      return IoStatus::Ok;
    }
    int reason = SSL_get_error(s.ssl, n);
    if (reason == SSL_ERROR_ZERO_RETURN) return IoStatus::Closed;  // the server's close_notify
    if (reason != SSL_ERROR_WANT_READ) {
      error = "TLS read failed: " + openSslErrors("error " + std::to_string(reason));
      return IoStatus::Error;
    }
    // A record may have made OpenSSL answer (a key update): best effort, the next send
    // finishes it.
    if (s.flush(socket, error) == IoStatus::Error) return IoStatus::Error;
    IoStatus status = s.fill(socket, error);
    if (status != IoStatus::Ok) return status;
  }
}

IoStatus TlsStream::flush(SocketHandle socket, std::string& error) {
  return state_->flush(socket, error);
}

bool TlsStream::wantsWrite() const {
  return !state_->pending.empty() || BIO_ctrl_pending(state_->outgoing) > 0;
}

bool TlsStream::hasBufferedInput() const {
  return SSL_pending(state_->ssl) > 0 || BIO_ctrl_pending(state_->network) > 0;
}

}  // namespace net
}  // namespace agora_sig

#else  // no TLS in this build

namespace agora_sig {
namespace net {

bool tlsAvailable() { return false; }

struct TlsStream::State {};

std::unique_ptr<TlsStream> TlsStream::create(const std::string&, const std::string&,
                                             std::string& error) {
  error = "this build of the core has no TLS (built without AGORA_SIG_WITH_TLS)";
  return nullptr;
}

TlsStream::TlsStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
TlsStream::~TlsStream() = default;
TlsStep TlsStream::handshake(SocketHandle, std::string&) { return TlsStep::Failed; }
IoStatus TlsStream::send(SocketHandle, const char*, size_t, size_t&, std::string&) {
  return IoStatus::Error;
}
IoStatus TlsStream::receive(SocketHandle, char*, size_t, size_t&, std::string&) {
  return IoStatus::Error;
}
IoStatus TlsStream::flush(SocketHandle, std::string&) { return IoStatus::Error; }
bool TlsStream::wantsWrite() const { return false; }
bool TlsStream::hasBufferedInput() const { return false; }

}  // namespace net
}  // namespace agora_sig

#endif
