#include "protocol/codec.h"

#include <stdexcept>
#include <utility>

namespace agora_sig {
namespace protocol {

namespace {

using Kind = Field::Kind;
using Schema = std::vector<Kind>;

// The schemas and field names of docs/protocol.md, indexed by the type byte.
struct SchemaTable {
  const Schema* schemas[256] = {};
  const char* const* names[256] = {};
};

const SchemaTable& schemaTable() {
  // Built once and never freed: the network thread may still encode while the process exits.
  static const SchemaTable& table = *new SchemaTable([] {
    static const Schema& uS = *new Schema{Kind::U, Kind::S};
    static const Schema& uUUU = *new Schema{Kind::U, Kind::U, Kind::U, Kind::U};
    static const Schema& u = *new Schema{Kind::U};
    static const Schema& sSSUS = *new Schema{Kind::S, Kind::S, Kind::S, Kind::U, Kind::S};
    static const Schema& sU = *new Schema{Kind::S, Kind::U};
    static const Schema& none = *new Schema{};
    static const Schema& uUL = *new Schema{Kind::U, Kind::U, Kind::L};
    static const Schema& uUUSL = *new Schema{Kind::U, Kind::U, Kind::U, Kind::S, Kind::L};

    static const char* const hello[] = {"version", "client"};
    static const char* const welcome[] = {"version", "heartbeatMs", "resumeWindowMs", "maxFrameBytes"};
    static const char* const nonce[] = {"nonce"};
    static const char* const codeText[] = {"code", "text"};
    static const char* const seq[] = {"seq"};
    static const char* const login[] = {"appId", "account", "token", "uid", "deviceId"};
    static const char* const loginOk[] = {"uid", "sessionId"};
    static const char* const resume[] = {"sessionId", "lastSeq"};
    static const char* const resumeOk[] = {"lastReqId"};
    static const char* const request[] = {"reqId", "op", "args"};
    static const char* const result[] = {"seq", "reqId", "code", "text", "values"};
    static const char* const event[] = {"seq", "kind", "fields"};

    SchemaTable t;
    auto set = [&t](FrameType type, const Schema& schema, const char* const* names) {
      t.schemas[static_cast<uint8_t>(type)] = &schema;
      t.names[static_cast<uint8_t>(type)] = names;
    };
    set(FrameType::Hello, uS, hello);
    set(FrameType::Welcome, uUUU, welcome);
    set(FrameType::Ping, u, nonce);
    set(FrameType::Pong, u, nonce);
    set(FrameType::Bye, uS, codeText);
    set(FrameType::Ack, u, seq);
    set(FrameType::Login, sSSUS, login);
    set(FrameType::LoginOk, uS, loginOk);
    set(FrameType::LoginFail, uS, codeText);
    set(FrameType::Resume, sU, resume);
    set(FrameType::ResumeOk, u, resumeOk);
    set(FrameType::ResumeFail, uS, codeText);
    set(FrameType::Logout, none, nullptr);
    set(FrameType::LoggedOut, uS, codeText);
    set(FrameType::Request, uUL, request);
    set(FrameType::Result, uUUSL, result);
    set(FrameType::Event, uUL, event);
    return t;
  }());
  return table;
}

// Walks a body; `field` names the field being read so that errors say where the body is wrong.
class BodyReader {
 public:
  BodyReader(const uint8_t* data, size_t size, const char* typeName, std::string& error)
      : data_(data), size_(size), typeName_(typeName), error_(error) {}

  size_t pos() const { return pos_; }
  void setField(const char* field) { field_ = field; }

  bool readVarint(uint64_t& value) {
    const size_t start = pos_;
    if (start >= size_) return fail("truncated: body ends before ", start);
    uint8_t b = data_[start];
    if (b < 0x80) {
      value = b;
      pos_ = start + 1;
      return true;
    }
    uint64_t v = b & 0x7f;
    for (size_t i = 1;; ++i) {
      const size_t p = start + i;
      if (p >= size_) return fail("truncated: body ends inside the varint of ", start);
      b = data_[p];
      if (i == kMaxVarintBytes - 1) {
        if (b >= 0x80) return fail("bad varint: longer than 8 bytes in ", start);
        // The 8th byte carries bits 49..55; only bits 49..52 fit under 2^53.
        if (b > 0x0f) return fail("bad varint: value above 2^53-1 in ", start);
      }
      v |= uint64_t{b & 0x7fu} << (7 * i);
      if (b < 0x80) {
        if (b == 0) return fail("bad varint: over-long encoding in ", start);
        value = v;
        pos_ = p + 1;
        return true;
      }
    }
  }

  bool readString(std::string& out) {
    const size_t at = pos_;
    uint64_t length = 0;
    if (!readVarint(length)) return false;
    const size_t remaining = size_ - pos_;
    if (length > remaining) {
      fail("bad length: ", at);
      error_ += " declares " + std::to_string(length) + " bytes, " + std::to_string(remaining) + " remain";
      return false;
    }
    out.assign(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return true;
  }

  bool readList(std::vector<std::string>& out) {
    const size_t at = pos_;
    uint64_t count = 0;
    if (!readVarint(count)) return false;
    const size_t remaining = size_ - pos_;
    // Every element takes at least one byte (its length), so this also bounds the allocation.
    if (count > remaining) {
      fail("bad length: ", at);
      error_ += " declares " + std::to_string(count) + " elements, " + std::to_string(remaining) +
                " bytes remain";
      return false;
    }
    out.resize(static_cast<size_t>(count));
    for (std::string& element : out) {
      if (!readString(element)) return false;
    }
    return true;
  }

 private:
  bool fail(const char* what, size_t at) {
    error_ = what;
    error_ += typeName_;
    error_ += '.';
    error_ += field_;
    error_ += " at offset ";
    error_ += std::to_string(at);
    return false;
  }

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 1;
  const char* typeName_;
  const char* field_ = "";
  std::string& error_;
};

const char* kindName(Kind kind) {
  switch (kind) {
    case Kind::U: return "u";
    case Kind::S: return "s";
    case Kind::L: return "l";
  }
  return "?";
}

size_t varintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

char* writeVarint(char* p, uint64_t v) {
  while (v >= 0x80) {
    *p++ = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<char>(v);
  return p;
}

char* writeBytes(char* p, const std::string& s) {
  p = writeVarint(p, s.size());
  s.copy(p, s.size());
  return p + s.size();
}

// Checks `f` against its schema and returns the body size.
size_t measureBody(const Frame& f) {
  const uint8_t type = static_cast<uint8_t>(f.type);
  const Schema* schema = schemaOf(type);
  if (schema == nullptr) {
    throw std::invalid_argument("cannot encode: unknown frame type " + std::to_string(type));
  }
  const char* typeName = frameTypeName(type);
  if (f.fields.size() != schema->size()) {
    throw std::invalid_argument(std::string("cannot encode ") + typeName + ": " +
                                std::to_string(schema->size()) + " fields expected, got " +
                                std::to_string(f.fields.size()));
  }
  size_t size = 1;
  for (size_t i = 0; i < schema->size(); ++i) {
    const Field& field = f.fields[i];
    const Kind kind = (*schema)[i];
    const char* name = schemaTable().names[type][i];
    if (field.kind != kind) {
      throw std::invalid_argument(std::string("cannot encode ") + typeName + "." + name + ": kind " +
                                  kindName(kind) + " expected, got " + kindName(field.kind));
    }
    switch (kind) {
      case Kind::U:
        if (field.u > kMaxVarintValue) {
          throw std::invalid_argument(std::string("cannot encode ") + typeName + "." + name + ": " +
                                      std::to_string(field.u) + " is above 2^53-1");
        }
        size += varintSize(field.u);
        break;
      case Kind::S:
        size += varintSize(field.s.size()) + field.s.size();
        break;
      case Kind::L:
        size += varintSize(field.l.size());
        for (const std::string& element : field.l) size += varintSize(element.size()) + element.size();
        break;
    }
  }
  return size;
}

void writeBody(const Frame& f, char* p) {
  *p++ = static_cast<char>(f.type);
  for (const Field& field : f.fields) {
    switch (field.kind) {
      case Kind::U: p = writeVarint(p, field.u); break;
      case Kind::S: p = writeBytes(p, field.s); break;
      case Kind::L:
        p = writeVarint(p, field.l.size());
        for (const std::string& element : field.l) p = writeBytes(p, element);
        break;
    }
  }
}

Field uField(uint64_t v) {
  Field f;
  f.kind = Kind::U;
  f.u = v;
  return f;
}

Field sField(std::string s) {
  Field f;
  f.kind = Kind::S;
  f.s = std::move(s);
  return f;
}

Field lField(std::vector<std::string> l) {
  Field f;
  f.kind = Kind::L;
  f.l = std::move(l);
  return f;
}

// Fields are moved in, so a message is copied once: from the caller into the Field.
template <typename... Fields>
Frame makeFrame(FrameType type, Fields&&... fields) {
  Frame frame;
  frame.type = type;
  frame.fields.reserve(sizeof...(fields));
  (frame.fields.push_back(std::forward<Fields>(fields)), ...);
  return frame;
}

[[noreturn]] void misuse(const Frame& frame, size_t i, Kind wanted) {
  const char* name = frameTypeName(static_cast<uint8_t>(frame.type));
  throw std::logic_error(std::string("field ") + std::to_string(i) + " of " + (name ? name : "frame") +
                         " is not of kind " + kindName(wanted));
}

}  // namespace

uint64_t Frame::u(size_t i) const {
  if (i >= fields.size() || fields[i].kind != Kind::U) misuse(*this, i, Kind::U);
  return fields[i].u;
}

const std::string& Frame::s(size_t i) const {
  if (i >= fields.size() || fields[i].kind != Kind::S) misuse(*this, i, Kind::S);
  return fields[i].s;
}

const std::vector<std::string>& Frame::l(size_t i) const {
  if (i >= fields.size() || fields[i].kind != Kind::L) misuse(*this, i, Kind::L);
  return fields[i].l;
}

const std::vector<Field::Kind>* schemaOf(uint8_t type) {
  return schemaTable().schemas[type];
}

bool decodeFrame(const uint8_t* data, size_t size, Frame& out, std::string& error) {
  out.type = FrameType{};
  if (size == 0) {
    out.fields.clear();
    error = "empty frame";
    return false;
  }
  const uint8_t type = data[0];
  const SchemaTable& table = schemaTable();
  const Schema* schema = table.schemas[type];
  if (schema == nullptr) {
    static const char kHex[] = "0123456789abcdef";
    out.fields.clear();
    error = "unknown frame type 0x";
    error += kHex[type >> 4];
    error += kHex[type & 0xf];
    return false;
  }

  BodyReader reader(data, size, frameTypeName(type), error);
  // Reusing `out`'s fields keeps their string capacity when one Frame decodes many bodies.
  out.fields.resize(schema->size());
  bool ok = true;
  for (size_t i = 0; ok && i < schema->size(); ++i) {
    Field& field = out.fields[i];
    field.kind = (*schema)[i];
    reader.setField(table.names[type][i]);
    switch (field.kind) {
      case Kind::U:
        field.s.clear();
        field.l.clear();
        ok = reader.readVarint(field.u);
        break;
      case Kind::S:
        field.u = 0;
        field.l.clear();
        ok = reader.readString(field.s);
        break;
      case Kind::L:
        field.u = 0;
        field.s.clear();
        ok = reader.readList(field.l);
        break;
    }
  }
  if (ok && reader.pos() != size) {
    error = "trailing bytes: " + std::to_string(size - reader.pos()) + " after the last field of " +
            frameTypeName(type);
    ok = false;
  }
  if (!ok) {
    out.fields.clear();
    return false;
  }
  out.type = static_cast<FrameType>(type);
  return true;
}

void encodeFrame(const Frame& f, std::string& out) {
  const size_t size = measureBody(f);
  const size_t start = out.size();
  out.resize(start + size);
  writeBody(f, &out[start]);
}

void encodeFrameWithLength(const Frame& f, std::string& out) {
  const size_t size = measureBody(f);
  if (size > UINT32_MAX) throw std::length_error("frame too large: " + std::to_string(size) + " bytes");
  const size_t start = out.size();
  out.resize(start + 4 + size);
  char* p = &out[start];
  p[0] = static_cast<char>(size >> 24);
  p[1] = static_cast<char>(size >> 16);
  p[2] = static_cast<char>(size >> 8);
  p[3] = static_cast<char>(size);
  writeBody(f, p + 4);
}

Frame makeHello(uint64_t version, std::string client) {
  return makeFrame(FrameType::Hello, uField(version), sField(std::move(client)));
}

Frame makeWelcome(uint64_t version, uint64_t heartbeatMs, uint64_t resumeWindowMs, uint64_t maxFrameBytes) {
  return makeFrame(FrameType::Welcome, uField(version), uField(heartbeatMs), uField(resumeWindowMs),
                   uField(maxFrameBytes));
}

Frame makePing(uint64_t nonce) { return makeFrame(FrameType::Ping, uField(nonce)); }

Frame makePong(uint64_t nonce) { return makeFrame(FrameType::Pong, uField(nonce)); }

Frame makeBye(uint64_t code, std::string text) {
  return makeFrame(FrameType::Bye, uField(code), sField(std::move(text)));
}

Frame makeAck(uint64_t seq) { return makeFrame(FrameType::Ack, uField(seq)); }

Frame makeLogin(std::string appId, std::string account, std::string token, uint64_t uid, std::string deviceId) {
  return makeFrame(FrameType::Login, sField(std::move(appId)), sField(std::move(account)),
                                      sField(std::move(token)), uField(uid), sField(std::move(deviceId)));
}

Frame makeLoginOk(uint64_t uid, std::string sessionId) {
  return makeFrame(FrameType::LoginOk, uField(uid), sField(std::move(sessionId)));
}

Frame makeLoginFail(uint64_t code, std::string text) {
  return makeFrame(FrameType::LoginFail, uField(code), sField(std::move(text)));
}

Frame makeResume(std::string sessionId, uint64_t lastSeq) {
  return makeFrame(FrameType::Resume, sField(std::move(sessionId)), uField(lastSeq));
}

Frame makeResumeOk(uint64_t lastReqId) { return makeFrame(FrameType::ResumeOk, uField(lastReqId)); }

Frame makeResumeFail(uint64_t code, std::string text) {
  return makeFrame(FrameType::ResumeFail, uField(code), sField(std::move(text)));
}

Frame makeLogout() { return makeFrame(FrameType::Logout); }

Frame makeLoggedOut(uint64_t code, std::string text) {
  return makeFrame(FrameType::LoggedOut, uField(code), sField(std::move(text)));
}

Frame makeRequest(uint64_t reqId, Op op, std::vector<std::string> args) {
  return makeFrame(FrameType::Request, uField(reqId), uField(static_cast<uint64_t>(op)), lField(std::move(args)));
}

Frame makeResult(uint64_t seq, uint64_t reqId, uint64_t code, std::string text, std::vector<std::string> values) {
  return makeFrame(FrameType::Result, uField(seq), uField(reqId), uField(code), sField(std::move(text)),
                                       lField(std::move(values)));
}

Frame makeEvent(uint64_t seq, uint64_t kind, std::vector<std::string> fields) {
  return makeFrame(FrameType::Event, uField(seq), uField(kind), lField(std::move(fields)));
}

}  // namespace protocol
}  // namespace agora_sig
