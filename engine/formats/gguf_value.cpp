// GgufValue: typed access to one GGUF metadata value.
#include <cstdio>
#include <limits>

#include "formats/gguf.h"

namespace enclave {

std::string_view GgufTypeName(GgufType type) {
  switch (type) {
    case GgufType::kUint8: return "uint8";
    case GgufType::kInt8: return "int8";
    case GgufType::kUint16: return "uint16";
    case GgufType::kInt16: return "int16";
    case GgufType::kUint32: return "uint32";
    case GgufType::kInt32: return "int32";
    case GgufType::kFloat32: return "float32";
    case GgufType::kBool: return "bool";
    case GgufType::kString: return "string";
    case GgufType::kArray: return "array";
    case GgufType::kUint64: return "uint64";
    case GgufType::kInt64: return "int64";
    case GgufType::kFloat64: return "float64";
  }
  return "unknown";
}

size_t GgufScalarSize(GgufType type) {
  switch (type) {
    case GgufType::kUint8:
    case GgufType::kInt8:
    case GgufType::kBool: return 1;
    case GgufType::kUint16:
    case GgufType::kInt16: return 2;
    case GgufType::kUint32:
    case GgufType::kInt32:
    case GgufType::kFloat32: return 4;
    case GgufType::kUint64:
    case GgufType::kInt64:
    case GgufType::kFloat64: return 8;
    case GgufType::kString:
    case GgufType::kArray: return 0;
  }
  return 0;
}

bool GgufValue::is_integer() const {
  switch (type_) {
    case GgufType::kUint8:
    case GgufType::kInt8:
    case GgufType::kUint16:
    case GgufType::kInt16:
    case GgufType::kUint32:
    case GgufType::kInt32:
    case GgufType::kUint64:
    case GgufType::kInt64: return true;
    default: return false;
  }
}

std::optional<int64_t> GgufValue::AsInt() const {
  if (!is_integer() && type_ != GgufType::kBool) return std::nullopt;
  if (const auto* u = std::get_if<uint64_t>(&v_)) {
    if (*u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(*u);
  }
  if (const auto* i = std::get_if<int64_t>(&v_)) return *i;
  if (const auto* b = std::get_if<bool>(&v_)) return *b ? 1 : 0;
  return std::nullopt;
}

std::optional<uint64_t> GgufValue::AsUint() const {
  if (!is_integer() && type_ != GgufType::kBool) return std::nullopt;
  if (const auto* u = std::get_if<uint64_t>(&v_)) return *u;
  if (const auto* i = std::get_if<int64_t>(&v_)) {
    if (*i < 0) return std::nullopt;
    return static_cast<uint64_t>(*i);
  }
  if (const auto* b = std::get_if<bool>(&v_)) return *b ? 1 : 0;
  return std::nullopt;
}

std::optional<double> GgufValue::AsFloat() const {
  if (is_float()) {
    if (const auto* d = std::get_if<double>(&v_)) return *d;
  }
  if (!is_integer()) return std::nullopt;
  if (const auto* u = std::get_if<uint64_t>(&v_)) return static_cast<double>(*u);
  if (const auto* i = std::get_if<int64_t>(&v_)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<bool> GgufValue::AsBool() const {
  if (type_ != GgufType::kBool) return std::nullopt;
  if (const auto* b = std::get_if<bool>(&v_)) return *b;
  return std::nullopt;
}

const std::string* GgufValue::AsString() const {
  return type_ == GgufType::kString ? std::get_if<std::string>(&v_) : nullptr;
}

const GgufValue::Array* GgufValue::AsArray() const {
  return type_ == GgufType::kArray ? std::get_if<Array>(&v_) : nullptr;
}

std::string GgufValue::ToString(size_t max_items) const {
  if (const std::string* s = AsString()) {
    constexpr size_t kMaxChars = 64;
    if (s->size() <= kMaxChars) return "\"" + *s + "\"";
    return "\"" + s->substr(0, kMaxChars) + "...\" (" + std::to_string(s->size()) + " bytes)";
  }
  if (const Array* a = AsArray()) {
    std::string out = "[" + std::string(GgufTypeName(a->element_type)) + " x " +
                      std::to_string(a->items.size());
    for (size_t i = 0; i < a->items.size() && i < max_items; ++i)
      out += (i == 0 ? ": " : ", ") + a->items[i].ToString(max_items);
    if (a->items.size() > max_items) out += ", ...";
    return out + "]";
  }
  if (auto b = AsBool()) return *b ? "true" : "false";
  if (is_float()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", AsFloat().value_or(0.0));
    return buf;
  }
  if (auto i = AsInt()) return std::to_string(*i);
  if (auto u = AsUint()) return std::to_string(*u);
  return "<invalid " + std::string(GgufTypeName(type_)) + ">";
}

}  // namespace enclave
