// The server address forms of AGORA_SIG_SERVER and dbg("server", ...): host:port, [v6]:port,
// and the same after tls:// (TLS) or tcp:// (plain).
#include <gtest/gtest.h>

#include "core/server_address.h"
#include "net/tls_stream.h"

using agora_sig::core::parseServerAddress;
using agora_sig::core::ServerAddress;

TEST(ServerAddress, PlainForms) {
  ServerAddress a;
  std::string error;
  ASSERT_TRUE(parseServerAddress("example.org:9720", a, error)) << error;
  EXPECT_EQ(a.host, "example.org");
  EXPECT_EQ(a.port, 9720);
  EXPECT_FALSE(a.tls);
  EXPECT_EQ(a.toString(), "example.org:9720");
  ASSERT_TRUE(parseServerAddress("tcp://[::1]:80", a, error)) << error;
  EXPECT_EQ(a.host, "::1");
  EXPECT_FALSE(a.tls);
  EXPECT_EQ(a.toString(), "[::1]:80");
}

TEST(ServerAddress, TlsForms) {
  ServerAddress a;
  std::string error;
  ASSERT_TRUE(parseServerAddress("tls://sig.example.org:443", a, error)) << error;
  EXPECT_EQ(a.host, "sig.example.org");
  EXPECT_EQ(a.port, 443);
  EXPECT_TRUE(a.tls);
  EXPECT_EQ(a.toString(), "tls://sig.example.org:443");
  ASSERT_TRUE(parseServerAddress("tls://[::1]:9720", a, error)) << error;
  EXPECT_EQ(a.host, "::1");
  EXPECT_TRUE(a.tls);
  EXPECT_EQ(a.toString(), "tls://[::1]:9720");
  // A plain address after a TLS one is plain again.
  ASSERT_TRUE(parseServerAddress("127.0.0.1:1", a, error)) << error;
  EXPECT_FALSE(a.tls);
}

TEST(ServerAddress, RejectsBadForms) {
  ServerAddress a;
  std::string error;
  EXPECT_FALSE(parseServerAddress("tls://", a, error));
  EXPECT_FALSE(parseServerAddress("tls://host", a, error));
  EXPECT_NE(error.find("tls://host:port"), std::string::npos) << error;
  EXPECT_FALSE(parseServerAddress("https://host:443", a, error));
  EXPECT_FALSE(parseServerAddress("tls://host:0", a, error));
}

// Linux builds (with OpenSSL, the default there) speak TLS; the Windows build says it cannot.
TEST(TlsStream, AvailabilityMatchesTheBuild) {
#if defined(_WIN32)
  const bool expected = false;
#else
  const bool expected = true;
#endif
  EXPECT_EQ(agora_sig::net::tlsAvailable(), expected);
  std::string error;
  auto stream = agora_sig::net::TlsStream::create("localhost", "/nonexistent/ca.pem", error);
  EXPECT_EQ(stream, nullptr);
  EXPECT_NE(error.find(expected ? "/nonexistent/ca.pem" : "no TLS"), std::string::npos) << error;
}
