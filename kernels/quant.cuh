// Dequantisation of weight rows in the device layout (kernels.h), in registers.
//
// Unit<T> reads one "unit" of a row: kElems consecutive elements starting at element u * kElems,
// with wide loads; it needs rows aligned to kAlign bytes (FastPathOk). DequantAt reads any single
// element with byte loads, for rows that are not aligned (small or odd shapes).
#pragma once

#include <cstdint>

#include "common.cuh"
#include "core/dtype.h"

namespace enclave::kernels {

template <typename V>
__device__ __forceinline__ V LoadNc(const void* p) {
  return __ldg(reinterpret_cast<const V*>(p));
}

__device__ __forceinline__ void Nibbles8(uint32_t word, float scale, float offset, float* lo,
                                         float* hi) {
  // 4 bytes -> 4 low-nibble values (lo) and 4 high-nibble values (hi): scale * q - offset.
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const uint32_t b = (word >> (8 * i)) & 0xff;
    lo[i] = scale * static_cast<float>(b & 0xf) - offset;
    hi[i] = scale * static_cast<float>(b >> 4) - offset;
  }
}

template <DType T>
struct Unit;

template <>
struct Unit<DType::F32> {
  static constexpr int kElems = 4, kAlign = 16;
  __device__ static void Load(const uint8_t* row, int64_t, int64_t u, float* w) {
    const float4 v = LoadNc<float4>(row + u * 16);
    w[0] = v.x, w[1] = v.y, w[2] = v.z, w[3] = v.w;
  }
};

template <>
struct Unit<DType::F16> {
  static constexpr int kElems = 8, kAlign = 16;
  __device__ static void Load(const uint8_t* row, int64_t, int64_t u, float* w) {
    const uint4 v = LoadNc<uint4>(row + u * 16);
    const uint32_t words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float2 f = __half22float2(*reinterpret_cast<const __half2*>(&words[i]));
      w[2 * i] = f.x, w[2 * i + 1] = f.y;
    }
  }
};

template <>
struct Unit<DType::BF16> {
  static constexpr int kElems = 8, kAlign = 16;
  __device__ static void Load(const uint8_t* row, int64_t, int64_t u, float* w) {
    const uint4 v = LoadNc<uint4>(row + u * 16);
    const uint32_t words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      w[2 * i] = __uint_as_float(words[i] << 16);
      w[2 * i + 1] = __uint_as_float(words[i] & 0xffff0000u);
    }
  }
};

// Q8_0 repacked: [k int8][k/32 f16]. A unit is half a block.
template <>
struct Unit<DType::Q8_0> {
  static constexpr int kElems = 16, kAlign = 16;
  __device__ static void Load(const uint8_t* row, int64_t k, int64_t u, float* w) {
    const uint4 v = LoadNc<uint4>(row + u * 16);
    const float d = HalfBits(LoadNc<uint16_t>(row + k + (u / 2) * 2));
    const uint32_t words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const char4 c = *reinterpret_cast<const char4*>(&words[i]);
      w[4 * i] = d * c.x, w[4 * i + 1] = d * c.y, w[4 * i + 2] = d * c.z, w[4 * i + 3] = d * c.w;
    }
  }
};

// Q4_0 repacked: [k/32 x 16 nibble bytes][k/32 f16]. A unit is one block.
template <>
struct Unit<DType::Q4_0> {
  static constexpr int kElems = 32, kAlign = 16;
  __device__ static void Load(const uint8_t* row, int64_t k, int64_t u, float* w) {
    const uint4 v = LoadNc<uint4>(row + u * 16);
    const float d = HalfBits(LoadNc<uint16_t>(row + k / 2 + u * 2));
    const uint32_t words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) Nibbles8(words[i], d, 8.f * d, w + 4 * i, w + 16 + 4 * i);
  }
};

// Q4_K as in GGUF (144-byte blocks). A unit is 64 elements: sub-blocks 2j and 2j+1 of a block.
__device__ __forceinline__ void ScaleMinK4(int j, const uint8_t* q, int* sc, int* mn) {
  if (j < 4) {
    *sc = q[j] & 63;
    *mn = q[j + 4] & 63;
  } else {
    *sc = (q[j + 4] & 0xf) | ((q[j - 4] >> 6) << 4);
    *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// The same from the 12 scale bytes held as three words (no indexed register arrays).
__device__ __forceinline__ int ByteOf(uint32_t w, int b) { return (w >> (8 * b)) & 0xff; }
__device__ __forceinline__ void ScaleMinK4Words(int j, uint32_t s0, uint32_t s1, uint32_t s2,
                                                int* sc, int* mn) {
  if (j < 4) {
    *sc = ByteOf(s0, j) & 63;
    *mn = ByteOf(s1, j) & 63;
  } else {
    *sc = (ByteOf(s2, j - 4) & 0xf) | ((ByteOf(s0, j - 4) >> 6) << 4);
    *mn = (ByteOf(s2, j - 4) >> 4) | ((ByteOf(s1, j - 4) >> 6) << 4);
  }
}

template <>
struct Unit<DType::Q4_K> {
  static constexpr int kElems = 64, kAlign = 16;
  __device__ static void Load(const uint8_t* row, int64_t, int64_t u, float* w) {
    const uint8_t* blk = row + (u / 4) * 144;
    const int j = static_cast<int>(u % 4);
    const uint4 head = LoadNc<uint4>(blk);  // d, dmin, scales[12]
    const uint4 q0 = LoadNc<uint4>(blk + 16 + 32 * j);
    const uint4 q1 = LoadNc<uint4>(blk + 32 + 32 * j);
    const float d = HalfBits(static_cast<uint16_t>(head.x & 0xffff));
    const float dmin = HalfBits(static_cast<uint16_t>(head.x >> 16));
    int sc0, m0, sc1, m1;
    ScaleMinK4Words(2 * j, head.y, head.z, head.w, &sc0, &m0);
    ScaleMinK4Words(2 * j + 1, head.y, head.z, head.w, &sc1, &m1);
    const float d0 = d * sc0, o0 = dmin * m0, d1 = d * sc1, o1 = dmin * m1;
    const uint32_t words[8] = {q0.x, q0.y, q0.z, q0.w, q1.x, q1.y, q1.z, q1.w};
#pragma unroll
    for (int i = 0; i < 8; ++i) {
#pragma unroll
      for (int b = 0; b < 4; ++b) {
        const uint32_t byte = (words[i] >> (8 * b)) & 0xff;
        w[4 * i + b] = d0 * static_cast<float>(byte & 0xf) - o0;
        w[32 + 4 * i + b] = d1 * static_cast<float>(byte >> 4) - o1;
      }
    }
  }
};

// Q6_K repacked, per unit of 32 elements: 16 low-nibble bytes (byte i: element i low, element
// 16+i high), 8 high-bit bytes (word w covers elements 16w..16w+15, byte b bits 2j: element
// 16w+4j+b), then all the row's int8 scales and f16 super-scales.
__device__ __forceinline__ int Q6Low(const uint8_t* row, int64_t u, int r) {
  const uint8_t b = row[16 * u + (r % 16)];
  return r < 16 ? (b & 0xf) : (b >> 4);
}
__device__ __forceinline__ int Q6High(const uint8_t* row, int64_t k, int64_t u, int r) {
  const int w = r / 16, rr = r % 16;
  return (row[k / 2 + 8 * u + 4 * w + rr % 4] >> (2 * (rr / 4))) & 3;
}

template <>
struct Unit<DType::Q6_K> {
  static constexpr int kElems = 32, kAlign = 2;
  __device__ static void Load(const uint8_t* row, int64_t k, int64_t u, float* w) {
    const int8_t* sc = reinterpret_cast<const int8_t*>(row + k / 2 + k / 4 + 2 * u);
    const float d = HalfBits(U16(row + k / 2 + k / 4 + k / 16 + (u / 8) * 2));
    const float ds[2] = {d * sc[0], d * sc[1]};
#pragma unroll
    for (int r = 0; r < 32; ++r)
      w[r] = ds[r / 16] * static_cast<float>((Q6Low(row, u, r) | (Q6High(row, k, u, r) << 4)) - 32);
  }
  __device__ static uint16_t U16(const uint8_t* p) { return LoadNc<uint16_t>(p); }
};

// Whether Unit<T> may be used on rows starting at `w` with `row_bytes` bytes each.
template <DType T>
__host__ __device__ inline bool FastPathOk(const void* w, size_t row_bytes, int64_t k) {
  return reinterpret_cast<uintptr_t>(w) % Unit<T>::kAlign == 0 && row_bytes % Unit<T>::kAlign == 0 &&
         k % Unit<T>::kElems == 0;
}

__device__ __forceinline__ uint16_t U16At(const uint8_t* p) {
  return static_cast<uint16_t>(p[0] | (p[1] << 8));
}

// Element e of a row of k elements (device layout), byte loads only.
template <DType T>
__device__ inline float DequantAt(const uint8_t* row, int64_t k, int64_t e) {
  if constexpr (T == DType::F32) {
    float f;
    memcpy(&f, row + 4 * e, 4);
    return f;
  } else if constexpr (T == DType::F16) {
    return HalfBits(U16At(row + 2 * e));
  } else if constexpr (T == DType::BF16) {
    return Bf16Bits(U16At(row + 2 * e));
  } else if constexpr (T == DType::Q8_0) {
    return HalfBits(U16At(row + k + (e / 32) * 2)) * static_cast<int8_t>(row[e]);
  } else if constexpr (T == DType::Q4_0) {
    const int64_t b = e / 32, i = e % 32;
    const uint8_t byte = row[b * 16 + (i % 16)];
    const int q = i < 16 ? (byte & 0xf) : (byte >> 4);
    return HalfBits(U16At(row + k / 2 + b * 2)) * static_cast<float>(q - 8);
  } else if constexpr (T == DType::Q4_K) {
    const uint8_t* blk = row + (e / 256) * 144;
    const int i = static_cast<int>(e % 256), j = i / 64, l = i % 64;
    int sc, mn;
    ScaleMinK4(2 * j + (l >= 32), blk + 4, &sc, &mn);
    const uint8_t byte = blk[16 + 32 * j + (l % 32)];
    const int q = l < 32 ? (byte & 0xf) : (byte >> 4);
    return HalfBits(U16At(blk)) * sc * q - HalfBits(U16At(blk + 2)) * mn;
  } else {  // Q6_K
    const int64_t u = e / 32;
    const int r = static_cast<int>(e % 32);
    const int q = Q6Low(row, u, r) | (Q6High(row, k, u, r) << 4);
    const float d = HalfBits(U16At(row + k / 2 + k / 4 + k / 16 + (e / 256) * 2));
    const int8_t sc = static_cast<int8_t>(row[k / 2 + k / 4 + e / 16]);
    return d * sc * static_cast<float>(q - 32);
  }
}

// Elements e0 .. e0+7 of a row (e0 a multiple of 8) for the quantised types, reading each
// quant byte once; the scales come from L1. Used to write dequantised tiles with 16-byte stores.
template <DType T>
__device__ inline void Dequant8(const uint8_t* row, int64_t k, int64_t e0, float* v) {
  if constexpr (T == DType::Q8_0) {
    const float d = HalfBits(U16At(row + k + (e0 / 32) * 2));
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i] = d * static_cast<int8_t>(row[e0 + i]);
  } else if constexpr (T == DType::Q4_0) {
    const int64_t b = e0 / 32;
    const int r0 = static_cast<int>(e0 % 32), shift = r0 < 16 ? 0 : 4;
    const float d = HalfBits(U16At(row + k / 2 + b * 2));
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i] = d * static_cast<float>(((row[16 * b + r0 % 16 + i] >> shift) & 0xf) - 8);
  } else if constexpr (T == DType::Q4_K) {
    const uint8_t* blk = row + (e0 / 256) * 144;
    const int i0 = static_cast<int>(e0 % 256), j = i0 / 64, l = i0 % 64, shift = l < 32 ? 0 : 4;
    int sc, mn;
    ScaleMinK4(2 * j + (l >= 32), blk + 4, &sc, &mn);
    const float d = HalfBits(U16At(blk)) * sc, m = HalfBits(U16At(blk + 2)) * mn;
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i] = d * static_cast<float>((blk[16 + 32 * j + l % 32 + i] >> shift) & 0xf) - m;
  } else if constexpr (T == DType::Q6_K) {
    const int64_t u = e0 / 32;
    const int r0 = static_cast<int>(e0 % 32), shift = r0 < 16 ? 0 : 4, w = r0 / 16, rr = r0 % 16;
    const float d = HalfBits(U16At(row + k / 2 + k / 4 + k / 16 + (e0 / 256) * 2)) *
                    static_cast<int8_t>(row[k / 2 + k / 4 + e0 / 16]);
    const uint8_t* hi = row + k / 2 + 8 * u + 4 * w;
#pragma unroll
    for (int i = 0; i < 8; ++i) {
      const int r = rr + i;
      const int q = ((row[16 * u + rr + i] >> shift) & 0xf) | (((hi[r % 4] >> (2 * (r / 4))) & 3) << 4);
      v[i] = d * static_cast<float>(q - 32);
    }
  } else {
#pragma unroll
    for (int i = 0; i < 8; ++i) v[i] = DequantAt<T>(row, k, e0 + i);
  }
}

// Calls fn.template operator()<T>() for the runtime type; returns false for other types.
template <typename Fn>
inline bool DispatchMatrixType(DType t, Fn&& fn) {
  switch (t) {
    case DType::F32: fn.template operator()<DType::F32>(); return true;
    case DType::F16: fn.template operator()<DType::F16>(); return true;
    case DType::BF16: fn.template operator()<DType::BF16>(); return true;
    case DType::Q8_0: fn.template operator()<DType::Q8_0>(); return true;
    case DType::Q4_0: fn.template operator()<DType::Q4_0>(); return true;
    case DType::Q4_K: fn.template operator()<DType::Q4_K>(); return true;
    case DType::Q6_K: fn.template operator()<DType::Q6_K>(); return true;
    default: return false;
  }
}

}  // namespace enclave::kernels
