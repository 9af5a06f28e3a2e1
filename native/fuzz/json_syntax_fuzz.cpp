// libFuzzer target over the core's JSON syntax check (core/json_syntax.h), the other parser of the
// core that reads text it is given: for every input, isValidJson agrees with nlohmann/json's
// strict RFC 8259 parser (json::accept), except on text nested deeper than kMaxJsonDepth, which
// isValidJson refuses by design, on text with a NUL byte, which is never valid JSON but which
// nlohmann/json reads as the end of the text, and on a number beyond a double's range, which is
// valid JSON but which nlohmann/json refuses (error 406). A refusal always comes with a reason and
// a byte offset.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "core/json_syntax.h"

namespace {

// Accepts every value and remembers the id of the error that stopped the parser, if any.
struct SyntaxOnly : nlohmann::json_sax<nlohmann::json> {
  int errorId = 0;
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(size_t, const std::string&, const nlohmann::detail::exception& e) override {
    errorId = e.id;
    return false;
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::string error;
  const bool ours = agora_sig::core::isValidJson(text, &error);
  if (!ours && error.find(" at byte ") == std::string::npos) {
    fprintf(stderr, "json_syntax_fuzz: a refusal without an offset: \"%s\"\n", error.c_str());
    abort();
  }
  if (!ours && error.rfind("nesting deeper than", 0) == 0) return 0;
  if (text.find('\0') != std::string::npos) {
    if (ours) {
      fprintf(stderr, "json_syntax_fuzz: text with a NUL byte taken as valid\n");
      abort();
    }
    return 0;
  }
  SyntaxOnly sax;
  const bool reference = nlohmann::json::sax_parse(text, &sax);
  if (!reference && sax.errorId == 406) return 0;  // number overflow
  if (ours != reference) {
    fprintf(stderr, "json_syntax_fuzz: isValidJson says %s, nlohmann/json says %s (%s)\n", ours ? "valid" : "invalid",
            reference ? "valid" : "invalid", error.c_str());
    abort();
  }
  return 0;
}
