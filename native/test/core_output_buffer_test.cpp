// The connection's output buffer (core/output_buffer.h): bytes leave in order, and draining a large
// backlog in small pieces costs time linear in the backlog.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "core/output_buffer.h"

using agora_sig::core::OutputBuffer;

TEST(CoreOutputBuffer, BytesLeaveInOrderAcrossAppendsAndCompactions) {
  OutputBuffer out;
  std::string expected, taken;
  uint32_t next = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string piece;
    for (int i = 0; i < 97; ++i) piece.push_back(static_cast<char>('a' + (next++ % 26)));
    out.appendable() += piece;
    expected += piece;
    size_t n = std::min<size_t>(out.size(), round % 3 == 0 ? 50 : 120);
    taken.append(out.data(), n);
    out.consume(n);
  }
  while (!out.empty()) {
    size_t n = std::min<size_t>(out.size(), 1000);
    taken.append(out.data(), n);
    out.consume(n);
  }
  EXPECT_EQ(taken, expected);
  EXPECT_EQ(out.size(), 0u);
}

// A 32 MiB backlog taken 4 KiB at a time, as a slow socket takes it. Erasing from the front each
// time moved about 128 GiB (N^2 / 2 / 4 KiB); now each byte moves at most about once.
TEST(CoreOutputBuffer, DrainingABacklogIsLinear) {
  const size_t total = 32u << 20;
  OutputBuffer out;
  out.appendable().assign(total, 'x');
  auto started = std::chrono::steady_clock::now();
  while (!out.empty()) out.consume(std::min<size_t>(out.size(), 4096));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                std::chrono::steady_clock::now() - started).count();
  EXPECT_LE(out.bytesMoved(), total);
  EXPECT_LT(ms, 1000);
}
