// Sample metadata and tensors shared by the GGUF round-trip and interop tests.
#pragma once

#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "formats/gguf.h"

namespace enclave::testing {

inline GgufValue U(GgufType t, uint64_t v) { return GgufValue(t, v); }
inline GgufValue I(GgufType t, int64_t v) { return GgufValue(t, v); }
inline GgufValue F(GgufType t, double v) { return GgufValue(t, v); }
inline GgufValue S(const std::string& s) { return GgufValue(s); }
inline GgufValue A(GgufType element_type, std::vector<GgufValue> items) {
  return GgufValue(GgufValue::Array{element_type, std::move(items)});
}

// One value of every type, arrays of every type, nested and empty arrays.
inline std::vector<std::pair<std::string, GgufValue>> EveryKindOfValue() {
  using T = GgufType;
  std::string long_string(100000, 'x');
  for (size_t i = 0; i < long_string.size(); ++i) long_string[i] = static_cast<char>('a' + i % 26);
  return {
      {"u8.min", U(T::kUint8, 0)},
      {"u8.max", U(T::kUint8, 255)},
      {"i8.min", I(T::kInt8, -128)},
      {"i8.max", I(T::kInt8, 127)},
      {"u16.max", U(T::kUint16, 65535)},
      {"i16.min", I(T::kInt16, -32768)},
      {"u32.max", U(T::kUint32, std::numeric_limits<uint32_t>::max())},
      {"i32.min", I(T::kInt32, std::numeric_limits<int32_t>::min())},
      {"u64.max", U(T::kUint64, std::numeric_limits<uint64_t>::max())},
      {"i64.min", I(T::kInt64, std::numeric_limits<int64_t>::min())},
      {"i64.max", I(T::kInt64, std::numeric_limits<int64_t>::max())},
      {"f32.pi", F(T::kFloat32, static_cast<double>(3.14159265f))},
      {"f32.denormal", F(T::kFloat32, static_cast<double>(std::numeric_limits<float>::denorm_min()))},
      {"f32.max", F(T::kFloat32, static_cast<double>(std::numeric_limits<float>::max()))},
      {"f64.tiny", F(T::kFloat64, 1e-300)},
      {"f64.third", F(T::kFloat64, 1.0 / 3.0)},
      {"bool.true", GgufValue(true)},
      {"bool.false", GgufValue(false)},
      {"string.empty", S("")},
      {"string.utf8", S("h\xc3\xa9llo \xe4\xb8\x96\xe7\x95\x8c")},
      {"string.nul", S(std::string("a\0b", 3))},
      {"string.long", S(long_string)},
      {"array.u8", A(T::kUint8, {U(T::kUint8, 0), U(T::kUint8, 1), U(T::kUint8, 255)})},
      {"array.i8", A(T::kInt8, {I(T::kInt8, -128), I(T::kInt8, 127)})},
      {"array.u16", A(T::kUint16, {U(T::kUint16, 65535), U(T::kUint16, 7)})},
      {"array.i16", A(T::kInt16, {I(T::kInt16, -32768), I(T::kInt16, 32767)})},
      {"array.u32", A(T::kUint32, {U(T::kUint32, 4294967295u), U(T::kUint32, 0)})},
      {"array.i32", A(T::kInt32, {I(T::kInt32, -1), I(T::kInt32, 2147483647)})},
      {"array.u64", A(T::kUint64, {U(T::kUint64, ~uint64_t{0}), U(T::kUint64, 1)})},
      {"array.i64", A(T::kInt64, {I(T::kInt64, std::numeric_limits<int64_t>::min()), I(T::kInt64, 5)})},
      {"array.f32", A(T::kFloat32, {F(T::kFloat32, -1.5), F(T::kFloat32, 0.25)})},
      {"array.f64", A(T::kFloat64, {F(T::kFloat64, 1e300), F(T::kFloat64, -2.0)})},
      {"array.bool", A(T::kBool, {GgufValue(true), GgufValue(false), GgufValue(true)})},
      {"array.string", A(T::kString, {S("one"), S(""), S("\xc4\xa0two")})},
      {"array.nested.u32", A(T::kArray, {A(T::kUint32, {U(T::kUint32, 1), U(T::kUint32, 2)}),
                                         A(T::kUint32, {}),
                                         A(T::kUint32, {U(T::kUint32, 3)})})},
      {"array.nested.string", A(T::kArray, {A(T::kString, {S("a"), S("b")}), A(T::kString, {S("c")})})},
      {"array.nested.mixed_types", A(T::kArray, {A(T::kInt8, {I(T::kInt8, -1)}),
                                                 A(T::kString, {S("z")})})},
      {"array.nested.depth3", A(T::kArray, {A(T::kArray, {A(T::kFloat32, {F(T::kFloat32, 0.5)})})})},
      {"array.empty.u8", A(T::kUint8, {})},
      {"array.empty.string", A(T::kString, {})},
      {"array.empty.array", A(T::kArray, {})},
  };
}

struct SourceTensor {
  std::string name;
  DType type;
  Shape ne;
  int n_dims;
  std::vector<uint8_t> bytes;
};

inline std::vector<SourceTensor> SeveralTensors() {
  std::vector<SourceTensor> tensors = {
      {"f32.1d", DType::F32, {7, 1, 1, 1}, 1, {}},
      {"f16.2d", DType::F16, {3, 5, 1, 1}, 2, {}},
      {"bf16.3d", DType::BF16, {2, 3, 4, 1}, 3, {}},
      {"q8_0.2d", DType::Q8_0, {64, 3, 1, 1}, 2, {}},
      {"q4_0.4d", DType::Q4_0, {32, 1, 2, 2}, 4, {}},
      {"q4_k.2d", DType::Q4_K, {256, 2, 1, 1}, 2, {}},
      {"q6_k.1d", DType::Q6_K, {512, 1, 1, 1}, 1, {}},
      {"i32.trailing_one", DType::I32, {5, 1, 1, 1}, 2, {}},
      {"f64.scalar", DType::F64, {1, 1, 1, 1}, 1, {}},
  };
  std::mt19937 rng(42);
  for (SourceTensor& t : tensors) {
    t.bytes.resize(TensorBytes(t.type, t.ne));
    for (uint8_t& b : t.bytes) b = static_cast<uint8_t>(rng());
  }
  return tensors;
}

}  // namespace enclave::testing
