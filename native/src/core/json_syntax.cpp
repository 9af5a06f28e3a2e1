#include "core/json_syntax.h"

namespace agora_sig {
namespace core {

namespace {

// A recursive-descent reader over the bytes; the first fault stops it and is remembered.
class JsonChecker {
 public:
  explicit JsonChecker(const std::string& text) : s_(text) {}

  bool check() {
    skipSpace();
    if (!value(0)) return false;
    skipSpace();
    if (pos_ != s_.size()) return fail("unexpected text after the JSON value");
    return true;
  }
  const std::string& error() const { return error_; }

 private:
  bool fail(const char* what) {
    error_ = std::string(what) + " at byte " + std::to_string(pos_);
    return false;
  }
  bool atEnd() const { return pos_ >= s_.size(); }
  unsigned char peek() const { return static_cast<unsigned char>(s_[pos_]); }

  void skipSpace() {
    while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) ++pos_;
  }

  bool value(size_t depth) {
    if (atEnd()) return fail("unexpected end of text, a value was expected");
    switch (peek()) {
      case '{': return object(depth + 1);
      case '[': return array(depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number();
        return fail("unexpected character, a value was expected");
    }
  }

  bool literal(const char* word) {
    for (const char* p = word; *p; ++p, ++pos_) {
      if (atEnd() || peek() != static_cast<unsigned char>(*p)) return fail("invalid literal");
    }
    return true;
  }

  bool object(size_t depth) {
    if (depth > kMaxJsonDepth) return fail("nesting deeper than 64 levels");
    ++pos_;  // '{'
    skipSpace();
    if (!atEnd() && peek() == '}') {
      ++pos_;
      return true;
    }
    for (;;) {
      if (atEnd() || peek() != '"') return fail("an object key (a string) was expected");
      if (!string()) return false;
      skipSpace();
      if (atEnd() || peek() != ':') return fail("':' was expected after an object key");
      ++pos_;
      skipSpace();
      if (!value(depth)) return false;
      skipSpace();
      if (atEnd()) return fail("unexpected end of text inside an object");
      if (peek() == '}') {
        ++pos_;
        return true;
      }
      if (peek() != ',') return fail("',' or '}' was expected in an object");
      ++pos_;
      skipSpace();
    }
  }

  bool array(size_t depth) {
    if (depth > kMaxJsonDepth) return fail("nesting deeper than 64 levels");
    ++pos_;  // '['
    skipSpace();
    if (!atEnd() && peek() == ']') {
      ++pos_;
      return true;
    }
    for (;;) {
      if (!value(depth)) return false;
      skipSpace();
      if (atEnd()) return fail("unexpected end of text inside an array");
      if (peek() == ']') {
        ++pos_;
        return true;
      }
      if (peek() != ',') return fail("',' or ']' was expected in an array");
      ++pos_;
      skipSpace();
    }
  }

  bool digits() {
    size_t start = pos_;
    while (!atEnd() && peek() >= '0' && peek() <= '9') ++pos_;
    return pos_ > start;
  }

  // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool number() {
    if (peek() == '-') ++pos_;
    if (atEnd()) return fail("a digit was expected in a number");
    if (peek() == '0') {
      ++pos_;
      if (!atEnd() && peek() >= '0' && peek() <= '9') return fail("a number has a leading zero");
    } else if (!digits()) {
      return fail("a digit was expected in a number");
    }
    if (!atEnd() && peek() == '.') {
      ++pos_;
      if (!digits()) return fail("a digit was expected after the decimal point");
    }
    if (!atEnd() && (peek() == 'e' || peek() == 'E')) {
      ++pos_;
      if (!atEnd() && (peek() == '+' || peek() == '-')) ++pos_;
      if (!digits()) return fail("a digit was expected in an exponent");
    }
    return true;
  }

  static int hexValue(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // Reads the four hex digits after "\u"; -1 when they are not four hex digits.
  long hex4() {
    if (s_.size() - pos_ < 4) return -1;
    long v = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hexValue(static_cast<unsigned char>(s_[pos_ + i]));
      if (h < 0) return -1;
      v = v * 16 + h;
    }
    pos_ += 4;
    return v;
  }

  // After a backslash: one of the eight escapes, or \uXXXX with surrogates properly paired.
  bool escape() {
    if (atEnd()) return fail("unexpected end of text in an escape");
    unsigned char c = peek();
    ++pos_;
    switch (c) {
      case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return true;
      case 'u': {
        long unit = hex4();
        if (unit < 0) return fail("\\u must be followed by four hex digits");
        if (unit >= 0xDC00 && unit <= 0xDFFF) return fail("a low surrogate escape without a high one");
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          if (s_.size() - pos_ < 2 || s_[pos_] != '\\' || s_[pos_ + 1] != 'u') {
            return fail("a high surrogate escape without a low one");
          }
          pos_ += 2;
          long low = hex4();
          if (low < 0xDC00 || low > 0xDFFF) return fail("a high surrogate escape without a low one");
        }
        return true;
      }
      default:
        --pos_;
        return fail("invalid escape in a string");
    }
  }

  // One UTF-8 sequence starting at a byte >= 0x80: shortest form, no surrogates, <= U+10FFFF.
  bool utf8() {
    unsigned char lead = peek();
    size_t extra;
    unsigned long cp;
    if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1;
      cp = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2;
      cp = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3;
      cp = lead & 0x07;
    } else {
      return fail("invalid UTF-8");
    }
    if (s_.size() - pos_ <= extra) return fail("invalid UTF-8");
    for (size_t i = 1; i <= extra; ++i) {
      unsigned char c = static_cast<unsigned char>(s_[pos_ + i]);
      if ((c & 0xC0) != 0x80) return fail("invalid UTF-8");
      cp = (cp << 6) | (c & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return fail("invalid UTF-8");
    }
    pos_ += extra + 1;
    return true;
  }

  bool string() {
    ++pos_;  // opening quote
    for (;;) {
      if (atEnd()) return fail("unterminated string");
      unsigned char c = peek();
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return fail("a control character inside a string");
      if (c == '\\') {
        ++pos_;
        if (!escape()) return false;
      } else if (c >= 0x80) {
        if (!utf8()) return false;
      } else {
        ++pos_;
      }
    }
  }

  const std::string& s_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace

bool isValidJson(const std::string& text, std::string* error) {
  JsonChecker checker(text);
  if (checker.check()) return true;
  if (error) *error = checker.error();
  return false;
}

}  // namespace core
}  // namespace agora_sig
