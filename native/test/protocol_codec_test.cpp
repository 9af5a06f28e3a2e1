// Wire codec against docs/protocol-vectors.json, plus the TCP frame reader and a mutation test.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/frame_reader.h"
#include "protocol/frame_types.h"

namespace {

using agora_sig::protocol::decodeFrame;
using agora_sig::protocol::encodeFrame;
using agora_sig::protocol::encodeFrameWithLength;
using agora_sig::protocol::Field;
using agora_sig::protocol::Frame;
using agora_sig::protocol::FrameReader;
using agora_sig::protocol::FrameType;
using agora_sig::protocol::Op;
using agora_sig::protocol::schemaOf;
namespace protocol = agora_sig::protocol;
using json = nlohmann::json;

const json& vectors() {
  static const json doc = [] {
    std::ifstream in(AGORA_SIG_SOURCE_DIR "/docs/protocol-vectors.json");
    if (!in) throw std::runtime_error("cannot open docs/protocol-vectors.json");
    return json::parse(in);
  }();
  return doc;
}

std::string fromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

std::string toHex(const std::string& bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
  }
  return out;
}

bool decode(const std::string& body, Frame& frame, std::string& error) {
  return decodeFrame(reinterpret_cast<const uint8_t*>(body.data()), body.size(), frame, error);
}

std::string encode(const Frame& frame) {
  std::string out;
  encodeFrame(frame, out);
  return out;
}

std::string framed(const Frame& frame) {
  std::string out;
  encodeFrameWithLength(frame, out);
  return out;
}

Frame frameFromVector(const json& v) {
  Frame frame;
  frame.type = static_cast<FrameType>(v.at("type").get<int>());
  const auto* schema = schemaOf(v.at("type").get<uint8_t>());
  for (size_t i = 0; i < schema->size(); ++i) {
    const json& f = v.at("fields").at(i);
    Field field;
    field.kind = (*schema)[i];
    switch (field.kind) {
      case Field::Kind::U: field.u = f.at("u").get<uint64_t>(); break;
      case Field::Kind::S: field.s = fromHex(f.at("s").get<std::string>()); break;
      case Field::Kind::L:
        for (const json& e : f.at("l")) field.l.push_back(fromHex(e.get<std::string>()));
        break;
    }
    frame.fields.push_back(field);
  }
  return frame;
}

const json& validVector(const std::string& namePrefix) {
  for (const json& v : vectors().at("valid")) {
    if (v.at("name").get<std::string>().rfind(namePrefix, 0) == 0) return v;
  }
  throw std::runtime_error("no vector named " + namePrefix);
}

TEST(ProtocolVectors, CoverEveryFrameType) {
  std::set<int> covered;
  for (const json& v : vectors().at("valid")) covered.insert(v.at("type").get<int>());
  int known = 0;
  for (int type = 0; type < 256; ++type) {
    if (schemaOf(static_cast<uint8_t>(type)) == nullptr) continue;
    ++known;
    EXPECT_TRUE(covered.count(type)) << "no vector for type " << type;
  }
  EXPECT_EQ(known, 17);
}

TEST(ProtocolVectors, DecodeValid) {
  for (const json& v : vectors().at("valid")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    Frame frame;
    std::string error;
    ASSERT_TRUE(decode(fromHex(v.at("hex")), frame, error)) << error;
    EXPECT_EQ(static_cast<int>(frame.type), v.at("type").get<int>());
    const json& fields = v.at("fields");
    ASSERT_EQ(frame.fields.size(), fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      const json& f = fields[i];
      if (f.contains("u")) {
        EXPECT_EQ(frame.u(i), f.at("u").get<uint64_t>());
      } else if (f.contains("s")) {
        EXPECT_EQ(toHex(frame.s(i)), f.at("s").get<std::string>());
      } else {
        std::vector<std::string> expected;
        for (const json& e : f.at("l")) expected.push_back(e.get<std::string>());
        std::vector<std::string> actual;
        for (const std::string& e : frame.l(i)) actual.push_back(toHex(e));
        EXPECT_EQ(actual, expected);
      }
    }
  }
}

TEST(ProtocolVectors, EncodeValid) {
  for (const json& v : vectors().at("valid")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    const Frame frame = frameFromVector(v);
    const std::string hex = v.at("hex").get<std::string>();
    EXPECT_EQ(toHex(encode(frame)), hex);
    char length[9];
    snprintf(length, sizeof length, "%08zx", hex.size() / 2);
    EXPECT_EQ(toHex(framed(frame)), length + hex);
  }
}

TEST(ProtocolVectors, RejectInvalid) {
  for (const json& v : vectors().at("invalid")) {
    SCOPED_TRACE(v.at("name").get<std::string>());
    Frame frame = protocol::makePing(1);
    std::string error;
    EXPECT_FALSE(decode(fromHex(v.at("hex")), frame, error));
    EXPECT_NE(error.find(v.at("error").get<std::string>()), std::string::npos) << error;
    EXPECT_TRUE(frame.fields.empty());
  }
}

TEST(ProtocolCodec, ErrorTextsNameTheField) {
  Frame frame;
  std::string error;
  EXPECT_FALSE(decode(fromHex("010105616263"), frame, error));
  EXPECT_EQ(error, "bad length: HELLO.client at offset 2 declares 5 bytes, 3 remain");
  EXPECT_FALSE(decode(fromHex("99"), frame, error));
  EXPECT_EQ(error, "unknown frame type 0x99");
}

TEST(ProtocolCodec, ConstructorsMatchTheVectors) {
  const std::string nul("\0", 1);
  EXPECT_EQ(toHex(encode(protocol::makeRequest(1, Op::MsgInstant, {"bob", "0", "你好" + nul + "world", ""}))),
            validVector("REQUEST MSG_INSTANT").at("hex"));
  EXPECT_EQ(toHex(encode(protocol::makeEvent(4, static_cast<uint64_t>(protocol::EventKind::InstantMsg),
                                              {"alice", "0", "你好" + nul + "!", "17"}))),
            validVector("EVENT INSTANT_MSG").at("hex"));
  EXPECT_EQ(toHex(encode(protocol::makeWelcome(protocol::kProtocolVersion, 10000, 30000, protocol::kMaxFrameBytes))),
            validVector("WELCOME").at("hex"));
  EXPECT_EQ(toHex(encode(protocol::makeLogin("myAppId", "alice", "_no_need_token", 0, ""))),
            validVector("LOGIN with an empty deviceId").at("hex"));
  EXPECT_EQ(toHex(encode(protocol::makeResult(2, 2, 400, "bob is offline", {}))),
            validVector("RESULT error").at("hex"));
  EXPECT_EQ(toHex(encode(protocol::makeLogout())), "16");
  EXPECT_EQ(toHex(encode(protocol::makePong((uint64_t{1} << 53) - 1))), "04ffffffffffffff0f");
}

TEST(ProtocolCodec, EveryConstructorRoundTrips) {
  const std::vector<Frame> frames = {
      protocol::makeHello(1, "c"),          protocol::makeWelcome(1, 2, 3, 4),
      protocol::makePing(5),                protocol::makePong(6),
      protocol::makeBye(104, "bad"),        protocol::makeAck(7),
      protocol::makeLogin("a", "b", "t", 8, "d"),
      protocol::makeLoginOk(9, "sid"),      protocol::makeLoginFail(209, "x"),
      protocol::makeResume("sid", 10),      protocol::makeResumeOk(11),
      protocol::makeResumeFail(102, "y"),   protocol::makeLogout(),
      protocol::makeLoggedOut(101, "z"),    protocol::makeRequest(12, Op::Dbg, {"a", "b"}),
      protocol::makeResult(13, 12, 0, "", {"v"}),
      protocol::makeEvent(14, 1, {"f"}),
  };
  std::set<int> types;
  for (const Frame& frame : frames) {
    types.insert(static_cast<int>(frame.type));
    const std::string body = encode(frame);
    Frame decoded;
    std::string error;
    ASSERT_TRUE(decode(body, decoded, error)) << error;
    EXPECT_EQ(decoded.type, frame.type);
    EXPECT_EQ(encode(decoded), body);
  }
  EXPECT_EQ(types.size(), 17u);
  const Frame login = protocol::makeLogin("a", "b", "t", 8, "d");
  EXPECT_EQ(login.s(1), "b");
  EXPECT_EQ(login.u(3), 8u);
}

TEST(ProtocolCodec, AccessorsRejectMisuse) {
  const Frame frame = protocol::makeRequest(1, Op::MsgInstant, {"x"});
  EXPECT_EQ(frame.u(0), 1u);
  EXPECT_EQ(frame.l(2).size(), 1u);
  EXPECT_THROW(frame.s(0), std::logic_error);
  EXPECT_THROW(frame.u(2), std::logic_error);
  EXPECT_THROW(frame.u(3), std::logic_error);
}

TEST(ProtocolCodec, EncodeRejectsFramesThatBreakTheSchema) {
  EXPECT_THROW(encode(protocol::makePing(uint64_t{1} << 53)), std::invalid_argument);
  Frame wrongKind = protocol::makeBye(1, "x");
  wrongKind.fields[1].kind = Field::Kind::U;
  EXPECT_THROW(encode(wrongKind), std::invalid_argument);
  Frame wrongCount = protocol::makeBye(1, "x");
  wrongCount.fields.pop_back();
  EXPECT_THROW(encode(wrongCount), std::invalid_argument);
  Frame unknown;
  unknown.type = static_cast<FrameType>(0x30);
  EXPECT_THROW(encode(unknown), std::invalid_argument);
  std::string out = "keep";
  EXPECT_THROW(encodeFrameWithLength(wrongKind, out), std::invalid_argument);
  EXPECT_EQ(out, "keep");
}

TEST(ProtocolCodec, EncodeAppends) {
  std::string out = "x";
  encodeFrame(protocol::makeAck(300), out);
  encodeFrameWithLength(protocol::makeAck(1), out);
  EXPECT_EQ(toHex(out), toHex("x") + "06ac02" + "000000020601");
}

TEST(ProtocolCodec, NamesFollowTheDocument) {
  EXPECT_STREQ(protocol::frameTypeName(0x11), "LOGIN_OK");
  EXPECT_EQ(protocol::frameTypeName(0x30), nullptr);
  EXPECT_STREQ(protocol::opName(13), "CHANNEL_QUERY_ISIN");
  EXPECT_EQ(protocol::opName(8), nullptr);
  EXPECT_EQ(protocol::opName(uint64_t{1} << 32 | 1), nullptr);
}

// --- FrameReader ---

std::vector<std::string> vectorBodies() {
  std::vector<std::string> bodies;
  for (const json& v : vectors().at("valid")) bodies.push_back(fromHex(v.at("hex")));
  return bodies;
}

std::string lengthPrefixed(const std::vector<std::string>& bodies) {
  std::string stream;
  for (const std::string& body : bodies) {
    Frame frame;
    std::string error;
    if (!decode(body, frame, error)) throw std::runtime_error(error);
    encodeFrameWithLength(frame, stream);
  }
  return stream;
}

std::vector<std::string> drain(FrameReader& reader) {
  std::vector<std::string> out;
  std::string body;
  while (reader.next(body)) out.push_back(body);
  return out;
}

TEST(FrameReader, ByteByByte) {
  const auto bodies = vectorBodies();
  const std::string stream = lengthPrefixed(bodies);
  FrameReader reader;
  std::vector<std::string> out;
  for (char c : stream) {
    reader.feed(&c, 1);
    for (auto& body : drain(reader)) out.push_back(body);
  }
  EXPECT_EQ(out, bodies);
  EXPECT_FALSE(reader.failed());
  EXPECT_EQ(reader.pendingBytes(), 0u);
}

TEST(FrameReader, SeveralFramesInOneChunk) {
  const auto bodies = vectorBodies();
  const std::string stream = lengthPrefixed(bodies);
  FrameReader reader;
  reader.feed(stream.data(), stream.size());
  EXPECT_EQ(drain(reader), bodies);
}

TEST(FrameReader, RandomCuts) {
  const auto bodies = vectorBodies();
  const std::string stream = lengthPrefixed(bodies);
  std::mt19937 random(7);
  for (int round = 0; round < 50; ++round) {
    FrameReader reader;
    std::vector<std::string> out;
    for (size_t pos = 0; pos < stream.size();) {
      const size_t n = std::min(stream.size() - pos, size_t{1} + random() % 40);
      reader.feed(stream.data() + pos, n);
      pos += n;
      for (auto& body : drain(reader)) out.push_back(body);
    }
    EXPECT_EQ(out, bodies);
  }
}

TEST(FrameReader, LargeFrameInSmallChunks) {
  const std::string text(protocol::kMaxFrameBytes - 16, 'a');
  const std::string stream = framed(protocol::makeBye(1, text));
  FrameReader reader;
  std::string body;
  int frames = 0;
  for (size_t pos = 0; pos < stream.size(); pos += 16) {
    reader.feed(stream.data() + pos, std::min<size_t>(16, stream.size() - pos));
    while (reader.next(body)) ++frames;
  }
  ASSERT_EQ(frames, 1);
  Frame frame;
  std::string error;
  ASSERT_TRUE(decode(body, frame, error)) << error;
  EXPECT_EQ(frame.s(1).size(), text.size());
}

TEST(FrameReader, ManySmallFramesInSmallChunks) {
  std::string stream;
  for (int i = 0; i < 20000; ++i) encodeFrameWithLength(protocol::makePing(5), stream);
  FrameReader reader;
  int frames = 0;
  std::string body;
  for (size_t pos = 0; pos < stream.size(); pos += 5) {
    reader.feed(stream.data() + pos, std::min<size_t>(5, stream.size() - pos));
    while (reader.next(body)) ++frames;
  }
  EXPECT_EQ(frames, 20000);
  EXPECT_EQ(reader.pendingBytes(), 0u);
}

TEST(FrameReader, ZeroLengthFailsForGood) {
  FrameReader reader;
  const std::string stream = fromHex("0000000103") + fromHex("00000000") + fromHex("0000000103");
  reader.feed(stream.data(), stream.size());
  std::string body;
  ASSERT_TRUE(reader.next(body));
  EXPECT_EQ(body, fromHex("03"));
  EXPECT_FALSE(reader.next(body));
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.error(), "empty frame");
  reader.feed(stream.data(), stream.size());
  EXPECT_FALSE(reader.next(body));
  EXPECT_EQ(reader.error(), "empty frame");
}

TEST(FrameReader, OversizeLengthFailsBeforeTheBody) {
  FrameReader reader;
  const std::string header = fromHex("00100001");
  reader.feed(header.data(), header.size());
  std::string body;
  EXPECT_FALSE(reader.next(body));
  EXPECT_TRUE(reader.failed());
  EXPECT_EQ(reader.error(), "frame too large: 1048577 bytes");

  FrameReader atMax;
  const std::string maxHeader = fromHex("00100000");
  atMax.feed(maxHeader.data(), maxHeader.size());
  EXPECT_FALSE(atMax.next(body));
  EXPECT_FALSE(atMax.failed());

  FrameReader huge;
  const std::string hugeHeader = fromHex("ffffffff");
  huge.feed(hugeHeader.data(), hugeHeader.size());
  EXPECT_FALSE(huge.next(body));
  EXPECT_EQ(huge.error(), "frame too large: 4294967295 bytes");
}

TEST(FrameReader, SmallerMaximum) {
  FrameReader reader(3);
  const std::string stream = fromHex("00000003200000") + fromHex("00000004");
  reader.feed(stream.data(), stream.size());
  std::string body;
  ASSERT_TRUE(reader.next(body));
  EXPECT_EQ(toHex(body), "200000");
  EXPECT_FALSE(reader.next(body));
  EXPECT_EQ(reader.error(), "frame too large: 4 bytes");
}

// --- Robustness ---

void checkNeverCrashes(const std::string& body) {
  Frame frame;
  std::string error;
  if (decode(body, frame, error)) {
    // Encodings are canonical, so a body that decodes re-encodes to the same bytes.
    ASSERT_EQ(toHex(encode(frame)), toHex(body));
    ASSERT_TRUE(error.empty());
  } else {
    ASSERT_FALSE(error.empty()) << toHex(body);
  }
}

TEST(ProtocolRobustness, RandomBodies) {
  std::mt19937 random(1);
  std::vector<uint8_t> types;
  for (int t = 0; t < 256; ++t)
    if (schemaOf(static_cast<uint8_t>(t))) types.push_back(static_cast<uint8_t>(t));
  for (int i = 0; i < 20000; ++i) {
    std::string body(random() % 24, '\0');
    for (char& c : body) c = static_cast<char>(random() % 4 == 0 ? random() % 256 : random() % 8);
    if (!body.empty() && random() % 2) body[0] = static_cast<char>(types[random() % types.size()]);
    checkNeverCrashes(body);
  }
}

TEST(ProtocolRobustness, MutatedVectors) {
  std::mt19937 random(2);
  const auto seeds = vectorBodies();
  for (int i = 0; i < 50000; ++i) {
    std::string body = seeds[random() % seeds.size()];
    const int mutations = 1 + random() % 3;
    for (int m = 0; m < mutations; ++m) {
      const size_t at = random() % (body.size() + 1);
      const size_t last = body.empty() ? 0 : std::min(at, body.size() - 1);
      switch (random() % 5) {
        case 0: if (!body.empty()) body[last] = static_cast<char>(random() % 256); break;
        case 1: if (!body.empty()) body[last] = static_cast<char>(body[last] ^ (1 << (random() % 8))); break;
        case 2: body.resize(at); break;
        case 3: body.insert(at, 1, static_cast<char>(random() % 256)); break;
        default: if (at < body.size()) body.erase(at, 1); break;
      }
    }
    checkNeverCrashes(body);
  }
}

TEST(ProtocolRobustness, ReaderOnRandomStreams) {
  std::mt19937 random(3);
  for (int i = 0; i < 2000; ++i) {
    FrameReader reader(64);
    std::string chunk(random() % 64, '\0');
    for (char& c : chunk) c = static_cast<char>(random() % 4 == 0 ? random() % 256 : random() % 3);
    reader.feed(chunk.data(), chunk.size());
    std::string body;
    while (reader.next(body)) checkNeverCrashes(body);
  }
}

}  // namespace
