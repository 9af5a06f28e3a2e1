#include "arg_reader.h"

#include <cmath>

namespace agora_sig_addon {

namespace {

const char* TypeName(const Napi::Value& v) {
  switch (v.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "a number";
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    default: return "an object";
  }
}

}  // namespace

Napi::Value ArgReader::Next() {
  Napi::Value v = index_ < info_.Length() ? info_[index_] : info_.Env().Undefined();
  ++index_;
  return v;
}

bool ArgReader::HasNext() const {
  return index_ < info_.Length() && !info_[index_].IsUndefined();
}

void ArgReader::ThrowType(const char* name, const char* expected, const Napi::Value& got) {
  std::string msg = std::string(method_) + "(): argument " + std::to_string(index_) + " (" +
                    name + ") must be " + expected + ", got " + TypeName(got);
  throw Napi::TypeError::New(info_.Env(), msg);
}

ByteArg ArgReader::Bytes(const char* name) {
  Napi::Value v = Next();
  if (v.IsString()) return ByteArg(v.As<Napi::String>().Utf8Value());
  if (v.IsTypedArray()) {
    auto array = v.As<Napi::TypedArray>();
    if (array.TypedArrayType() == napi_uint8_array) {
      auto bytes = v.As<Napi::Uint8Array>();
      return ByteArg(reinterpret_cast<const char*>(bytes.Data()), bytes.ByteLength());
    }
  }
  ThrowType(name, "a string or a Buffer", v);
}

ByteArg ArgReader::OptionalBytes(const char* name) {
  if (!HasNext()) {
    ++index_;
    return ByteArg(std::string());
  }
  return Bytes(name);
}

double ArgReader::Integer(const char* name, double min, double max) {
  Napi::Value v = Next();
  if (!v.IsNumber()) ThrowType(name, "an integer", v);
  double d = v.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || std::trunc(d) != d || d < min || d > max) {
    std::string msg = std::string(method_) + "(): argument " + std::to_string(index_) + " (" +
                      name + ") must be an integer from " + std::to_string(int64_t(min)) +
                      " to " + std::to_string(int64_t(max));
    throw Napi::RangeError::New(info_.Env(), msg);
  }
  return d;
}

uint32_t ArgReader::Uint32(const char* name) {
  return static_cast<uint32_t>(Integer(name, 0, 4294967295.0));
}

uint32_t ArgReader::OptionalUint32(const char* name, uint32_t fallback) {
  if (!HasNext()) {
    ++index_;
    return fallback;
  }
  return Uint32(name);
}

int32_t ArgReader::OptionalInt32(const char* name, int32_t fallback) {
  if (!HasNext()) {
    ++index_;
    return fallback;
  }
  return static_cast<int32_t>(Integer(name, -2147483648.0, 2147483647.0));
}

bool ArgReader::Boolean(const char* name) {
  Napi::Value v = Next();
  if (!v.IsBoolean()) ThrowType(name, "a boolean", v);
  return v.As<Napi::Boolean>().Value();
}

}  // namespace agora_sig_addon
