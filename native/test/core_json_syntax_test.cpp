// The core's JSON syntax check: what RFC 8259 accepts passes, everything else is refused with a
// reason, and nothing (deep nesting, broken UTF-8, truncation) makes it crash.
#include <gtest/gtest.h>

#include <string>

#include "core/json_syntax.h"

using agora_sig::core::isValidJson;
using agora_sig::core::kMaxJsonDepth;

namespace {

bool valid(const std::string& text) { return isValidJson(text); }

std::string reason(const std::string& text) {
  std::string error;
  EXPECT_FALSE(isValidJson(text, &error)) << text;
  return error;
}

}  // namespace

TEST(CoreJsonSyntax, AcceptsEveryKindOfValue) {
  for (const char* text :
       {"{}", "[]", "0", "-0", "12", "-3.25", "1e5", "1E+5", "2.5e-10", "true", "false", "null",
        "\"\"", "\"text\"", " \t\r\n{\"a\" : [1, 2, {\"b\": null}] } \n",
        "{\"destMediaUid\":123,\"srcNum\":\"+8612345\",\"_timeout\":5.5}",
        "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00\"",
        "\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"", "[[[[]]]]", "{\"a\":{}}", "[1,[2,[3]]]"}) {
    EXPECT_TRUE(valid(text)) << text;
  }
}

TEST(CoreJsonSyntax, RefusesWhatTheGrammarDoesNot) {
  for (const char* text :
       {"", " ", "{", "}", "[", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\"}", "{\"a\" 1}", "{a:1}",
        "{'a':1}", "'text'", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity",
        "tru", "nul", "True", "[1 2]", "{} {}", "1 2", "\"unterminated", "\"bad \\x escape\"",
        "\"\\u12\"", "\"\\uZZZZ\"", "\"\\uD83D\"", "\"\\uDE00\"", "\"\\uD83D\\u0041\"",
        "{\"a\":1}x", "[\"a\"]]", "not json", "hello"}) {
    EXPECT_FALSE(valid(text)) << text;
  }
}

TEST(CoreJsonSyntax, RefusesControlCharactersAndNulInsideStrings) {
  EXPECT_FALSE(valid("\"a\nb\""));
  EXPECT_FALSE(valid("\"a\tb\""));
  EXPECT_FALSE(valid(std::string("\"a\0b\"", 5)));
  EXPECT_FALSE(valid(std::string("{}\0", 3)));
}

TEST(CoreJsonSyntax, RefusesInvalidUtf8) {
  for (const char* text : {"\"\x80\"", "\"\xc3\"", "\"\xc0\xaf\"", "\"\xc1\xbf\"", "\"\xe0\x80\xaf\"",
                           "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"",
                           "\"\xff\"", "\"\xe4\xb8\"", "\xef\xbb\xbf{}"}) {
    EXPECT_FALSE(valid(text)) << text;
  }
}

TEST(CoreJsonSyntax, LimitsNestingDepthWithoutCrashing) {
  std::string atLimit(kMaxJsonDepth, '[');
  atLimit += std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(valid(atLimit));
  std::string over(kMaxJsonDepth + 1, '[');
  over += std::string(kMaxJsonDepth + 1, ']');
  EXPECT_NE(reason(over).find("nesting"), std::string::npos);
  // Far deeper than any stack would take if it recursed without a limit.
  EXPECT_FALSE(valid(std::string(1000000, '[')));
  EXPECT_FALSE(valid(std::string(500000, '{') ));
}

TEST(CoreJsonSyntax, ReasonNamesTheFaultAndItsOffset) {
  EXPECT_EQ(reason("[1,]"), "unexpected character, a value was expected at byte 3");
  EXPECT_EQ(reason("{\"a\":1} x"), "unexpected text after the JSON value at byte 8");
  EXPECT_EQ(reason("012"), "a number has a leading zero at byte 1");
  EXPECT_NE(reason("\"abc").find("unterminated string"), std::string::npos);
}
