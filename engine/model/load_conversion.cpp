#include "model/load_conversion.h"

#include <vector>

#include "core/quantize.h"
#include "core/thread_pool.h"

namespace enclave {
namespace {

// ggml block layouts (ggml-common.h); values are d * q (+ m for the _1 types).
struct BlockQ4_1 {
  uint16_t d, m;
  uint8_t qs[16];
};
struct BlockQ5_0 {
  uint16_t d;
  uint8_t qh[4];
  uint8_t qs[16];
};
struct BlockQ5_1 {
  uint16_t d, m;
  uint8_t qh[4];
  uint8_t qs[16];
};
static_assert(sizeof(BlockQ4_1) == 20 && sizeof(BlockQ5_0) == 22 && sizeof(BlockQ5_1) == 24);

uint32_t HighBits(const uint8_t qh[4]) {
  return static_cast<uint32_t>(qh[0]) | static_cast<uint32_t>(qh[1]) << 8 | static_cast<uint32_t>(qh[2]) << 16 |
         static_cast<uint32_t>(qh[3]) << 24;
}

// Element j (0..15) takes the low nibble of qs[j], element j + 16 the high nibble.
void DequantizeBlock(DType type, const uint8_t* block, float* out) {
  if (type == DType::Q4_1) {
    const auto* b = reinterpret_cast<const BlockQ4_1*>(block);
    const float d = HalfToFloat(b->d), m = HalfToFloat(b->m);
    for (int j = 0; j < 16; ++j) {
      out[j] = d * static_cast<float>(b->qs[j] & 0x0F) + m;
      out[j + 16] = d * static_cast<float>(b->qs[j] >> 4) + m;
    }
  } else if (type == DType::Q5_0) {
    const auto* b = reinterpret_cast<const BlockQ5_0*>(block);
    const float d = HalfToFloat(b->d);
    const uint32_t qh = HighBits(b->qh);
    for (int j = 0; j < 16; ++j) {
      const int lo = (b->qs[j] & 0x0F) | static_cast<int>(((qh >> j) & 1u) << 4);
      const int hi = (b->qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1u) << 4);
      out[j] = d * static_cast<float>(lo - 16);
      out[j + 16] = d * static_cast<float>(hi - 16);
    }
  } else {  // Q5_1
    const auto* b = reinterpret_cast<const BlockQ5_1*>(block);
    const float d = HalfToFloat(b->d), m = HalfToFloat(b->m);
    const uint32_t qh = HighBits(b->qh);
    for (int j = 0; j < 16; ++j) {
      const int lo = (b->qs[j] & 0x0F) | static_cast<int>(((qh >> j) & 1u) << 4);
      const int hi = (b->qs[j] >> 4) | static_cast<int>(((qh >> (j + 16)) & 1u) << 4);
      out[j] = d * static_cast<float>(lo) + m;
      out[j + 16] = d * static_cast<float>(hi) + m;
    }
  }
}

}  // namespace

bool ConvertibleAtLoad(DType type) { return type == DType::Q4_1 || type == DType::Q5_0 || type == DType::Q5_1; }

Status ConvertToQ8_0(DType type, const void* src, void* dst, int64_t n_rows, int64_t ne0) {
  if (!ConvertibleAtLoad(type)) return Unsupported("no load-time conversion from " + std::string(Name(type)));
  if (ne0 % 32 != 0) return BadInput("row length " + std::to_string(ne0) + " is not a multiple of 32");
  const size_t in_row = RowBytes(type, ne0), out_row = RowBytes(DType::Q8_0, ne0);
  const size_t block_bytes = Info(type).block_bytes;
  Status failed;
  ThreadPool::Global().ParallelFor(n_rows, [&](int64_t begin, int64_t end) {
    std::vector<float> row(static_cast<size_t>(ne0));
    for (int64_t r = begin; r < end; ++r) {
      const auto* in = static_cast<const uint8_t*>(src) + static_cast<size_t>(r) * in_row;
      for (int64_t b = 0; b < ne0 / 32; ++b) DequantizeBlock(type, in + static_cast<size_t>(b) * block_bytes, row.data() + b * 32);
      if (!QuantizeRow(DType::Q8_0, row.data(), static_cast<uint8_t*>(dst) + static_cast<size_t>(r) * out_row, ne0).ok())
        failed = InternalError("Q8_0 conversion failed");
    }
  });
  return failed;
}

}  // namespace enclave
