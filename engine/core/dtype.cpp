#include "core/dtype.h"

#include <array>
#include <cctype>
#include <cstring>
#include <string>

#include "core/quant_blocks.h"

namespace enclave {
namespace {

struct Entry {
  uint32_t id;
  DTypeInfo info;
};

// Sizes of the types ggml defines; "supported" marks the ones this engine computes with.
constexpr std::array kTypes = {
    Entry{0, {"f32", 1, 4, false, true}},
    Entry{1, {"f16", 1, 2, false, true}},
    Entry{2, {"q4_0", 32, 18, true, true}},
    Entry{3, {"q4_1", 32, 20, true, false}},
    Entry{6, {"q5_0", 32, 22, true, false}},
    Entry{7, {"q5_1", 32, 24, true, false}},
    Entry{8, {"q8_0", 32, 34, true, true}},
    Entry{9, {"q8_1", 32, 36, true, false}},
    Entry{10, {"q2_k", 256, 84, true, false}},
    Entry{11, {"q3_k", 256, 110, true, false}},
    Entry{12, {"q4_k", 256, 144, true, true}},
    Entry{13, {"q5_k", 256, 176, true, false}},
    Entry{14, {"q6_k", 256, 210, true, true}},
    Entry{15, {"q8_k", 256, 292, true, false}},
    Entry{24, {"i8", 1, 1, false, false}},
    Entry{25, {"i16", 1, 2, false, false}},
    Entry{26, {"i32", 1, 4, false, true}},
    Entry{27, {"i64", 1, 8, false, false}},
    Entry{28, {"f64", 1, 8, false, false}},
    Entry{30, {"bf16", 1, 2, false, true}},
};

}  // namespace

std::optional<DTypeInfo> InfoOf(uint32_t type_id) {
  for (const Entry& e : kTypes)
    if (e.id == type_id) return e.info;
  return std::nullopt;
}

const DTypeInfo& Info(DType t) {
  for (const Entry& e : kTypes)
    if (e.id == static_cast<uint32_t>(t)) return e.info;
  static const DTypeInfo kUnknown{"unknown", 1, 0, false, false};
  return kUnknown;
}

std::optional<DType> DTypeFromName(std::string_view name) {
  std::string lower(name);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const Entry& e : kTypes)
    if (e.info.name == lower) return static_cast<DType>(e.id);
  return std::nullopt;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ff;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000 | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000;
  const uint32_t abs = x & 0x7fffffff;
  if (abs >= 0x7f800000) return static_cast<uint16_t>(sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
  if (abs >= 0x477ff000) return static_cast<uint16_t>(sign | 0x7c00);  // rounds to inf
  if (abs < 0x38800000) {  // subnormal half or zero
    if (abs < 0x33000000) return static_cast<uint16_t>(sign);
    const uint32_t e = abs >> 23;
    const uint32_t m = (abs & 0x7fffff) | 0x800000;
    const uint32_t shift = 126 - e;  // 14..24
    uint32_t half_m = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t halfway = 1u << (shift - 1);
    if (rem > halfway || (rem == halfway && (half_m & 1))) ++half_m;
    return static_cast<uint16_t>(sign | half_m);
  }
  uint32_t h = ((abs - 0x38000000) >> 13);
  const uint32_t rem = abs & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (h & 1))) ++h;
  return static_cast<uint16_t>(sign | h);
}

uint16_t FloatToBf16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7fffffff) > 0x7f800000) return static_cast<uint16_t>((u >> 16) | 0x40);  // quiet NaN
  u += 0x7fff + ((u >> 16) & 1);
  return static_cast<uint16_t>(u >> 16);
}

}  // namespace enclave
