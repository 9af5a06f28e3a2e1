// libFuzzer target over the codec and the frame reader (docs/native-core.md, "Fuzzing and
// sanitizers"). Every input is read two ways:
//
// - as one frame body: decodeFrame either fails with an error that starts with one of the
//   protocol's error words and leaves the frame empty, or succeeds; then encoding the frame gives
//   the input back byte for byte (the wire form is canonical: over-long varints are refused),
//   decoding that again gives the same frame, and decoding into a Frame that held another frame
//   gives the same frame too;
// - as a TCP stream: a FrameReader fed the whole input at once and one fed it in chunks of sizes
//   taken from the input's own bytes return the same bodies and fail (or not) with the same error;
//   each body goes through the checks above.
//
// Crashes, sanitizer reports (AddressSanitizer, UBSan, leaks) and a broken property all abort.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <algorithm>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/frame_reader.h"

namespace {

using agora_sig::protocol::decodeFrame;
using agora_sig::protocol::encodeFrame;
using agora_sig::protocol::encodeFrameWithLength;
using agora_sig::protocol::Field;
using agora_sig::protocol::Frame;
using agora_sig::protocol::FrameReader;

void require(bool ok, const char* what) {
  if (ok) return;
  fprintf(stderr, "protocol_fuzz: property broken: %s\n", what);
  abort();
}

bool startsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

bool startsWithErrorWord(const std::string& error) {
  static const char* const kWords[] = {"truncated",  "trailing bytes", "unknown frame type", "bad varint",
                                       "bad length", "empty frame",    "frame too large"};
  for (const char* word : kWords) {
    if (startsWith(error, word)) return true;
  }
  return false;
}

bool sameFrame(const Frame& a, const Frame& b) {
  if (a.type != b.type || a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    const Field& x = a.fields[i];
    const Field& y = b.fields[i];
    if (x.kind != y.kind) return false;
    switch (x.kind) {
      case Field::Kind::U: if (x.u != y.u) return false; break;
      case Field::Kind::S: if (x.s != y.s) return false; break;
      case Field::Kind::L: if (x.l != y.l) return false; break;
    }
  }
  return true;
}

// A Frame reused across bodies, as the core reuses one for every body it receives.
Frame& reusedFrame() {
  static Frame& frame = *new Frame;
  return frame;
}

void checkBody(const uint8_t* data, size_t size) {
  Frame frame;
  std::string error;
  const bool ok = decodeFrame(data, size, frame, error);

  Frame& reused = reusedFrame();
  std::string reusedError;
  const bool reusedOk = decodeFrame(data, size, reused, reusedError);
  require(ok == reusedOk && error == reusedError, "decoding into a used Frame gives another outcome");

  if (!ok) {
    require(startsWithErrorWord(error), "decode error does not start with an error word");
    require(frame.fields.empty() && reused.fields.empty(), "a failed decode leaves fields behind");
    return;
  }
  require(sameFrame(frame, reused), "decoding into a used Frame gives another frame");

  std::string encoded;
  encodeFrame(frame, encoded);
  require(encoded.size() == size && encoded.compare(0, size, reinterpret_cast<const char*>(data), size) == 0,
          "encode(decode(x)) != x");

  Frame again;
  std::string againError;
  require(decodeFrame(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), again, againError),
          "an encoded frame does not decode");
  require(sameFrame(frame, again), "decode(encode(f)) != f");

  std::string framed = "xy";  // encoding appends
  encodeFrameWithLength(frame, framed);
  require(framed.size() == 2 + 4 + size && framed.compare(6, size, encoded) == 0, "framed body differs");
  const auto* prefix = reinterpret_cast<const uint8_t*>(framed.data() + 2);
  const size_t length = (size_t{prefix[0]} << 24) | (size_t{prefix[1]} << 16) | (size_t{prefix[2]} << 8) | prefix[3];
  require(length == size, "length prefix differs from the body size");
}

struct StreamOutcome {
  std::vector<std::string> bodies;
  bool failed = false;
  std::string error;
  size_t pending = 0;
};

void drain(FrameReader& reader, StreamOutcome& outcome) {
  std::string body;
  while (reader.next(body)) {
    require(!body.empty(), "the reader returned an empty body");
    outcome.bodies.push_back(body);
  }
}

void finish(const FrameReader& reader, StreamOutcome& outcome) {
  outcome.failed = reader.failed();
  outcome.error = reader.error();
  outcome.pending = reader.pendingBytes();
}

void checkStream(const uint8_t* data, size_t size) {
  const char* bytes = reinterpret_cast<const char*>(data);

  StreamOutcome whole;
  FrameReader wholeReader;
  wholeReader.feed(bytes, size);
  drain(wholeReader, whole);
  finish(wholeReader, whole);

  // Chunk sizes 1..16 from the input's bytes, so the fuzzer steers where the cuts fall.
  StreamOutcome chunked;
  FrameReader chunkedReader;
  for (size_t pos = 0, i = 0; pos < size; ++i) {
    const size_t n = std::min<size_t>(size - pos, 1 + (data[i % size] & 0x0f));
    chunkedReader.feed(bytes + pos, n);
    pos += n;
    drain(chunkedReader, chunked);
  }
  finish(chunkedReader, chunked);

  require(whole.bodies == chunked.bodies, "chunked reading gives other bodies");
  require(whole.failed == chunked.failed && whole.error == chunked.error, "chunked reading fails otherwise");
  if (!whole.failed) {
    require(whole.pending == chunked.pending, "chunked reading leaves other pending bytes");
    size_t consumed = 0;
    for (const std::string& body : whole.bodies) consumed += 4 + body.size();
    require(consumed + whole.pending == size, "bodies and pending bytes do not add up to the input");
  } else {
    require(startsWith(whole.error, "empty frame") || startsWith(whole.error, "frame too large"),
            "the reader failed with an unexpected error");
  }

  // A small limit: the same bodies up to the first one above it, then "frame too large".
  constexpr size_t kSmallLimit = 16;
  FrameReader smallReader(kSmallLimit);
  smallReader.feed(bytes, size);
  StreamOutcome small;
  drain(smallReader, small);
  finish(smallReader, small);
  require(small.bodies.size() <= whole.bodies.size(), "a smaller limit gives more bodies");
  for (size_t i = 0; i < small.bodies.size(); ++i) {
    require(small.bodies[i] == whole.bodies[i] && small.bodies[i].size() <= kSmallLimit,
            "a smaller limit gives other bodies");
  }
  if (small.bodies.size() < whole.bodies.size()) {
    require(whole.bodies[small.bodies.size()].size() > kSmallLimit && startsWith(small.error, "frame too large"),
            "a smaller limit stops early without cause");
  }

  for (const std::string& body : whole.bodies) {
    checkBody(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  checkBody(data, size);
  checkStream(data, size);
  return 0;
}
