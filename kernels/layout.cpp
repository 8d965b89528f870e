// Host-side conversion of GGUF rows to the device layout described in kernels.h.
#include <cstring>

#include "core/quant_blocks.h"
#include "kernels.h"

namespace enclave::kernels {

bool IsRepacked(DType type) {
  return type == DType::Q8_0 || type == DType::Q4_0 || type == DType::Q6_K;
}

bool IsMatrixType(DType type) {
  switch (type) {
    case DType::F32: case DType::F16: case DType::BF16: case DType::Q8_0:
    case DType::Q4_0: case DType::Q4_K: case DType::Q6_K:
      return true;
    default:
      return false;
  }
}

void RepackRowForDevice(DType type, const void* src, void* dst, int64_t k) {
  auto* out = static_cast<uint8_t*>(dst);
  if (type == DType::Q8_0) {
    const auto* blocks = static_cast<const BlockQ8_0*>(src);
    const int64_t nb = k / kQK8_0;
    for (int64_t b = 0; b < nb; ++b) {
      std::memcpy(out + b * kQK8_0, blocks[b].qs, kQK8_0);
      std::memcpy(out + k + b * 2, &blocks[b].d, 2);
    }
  } else if (type == DType::Q4_0) {
    const auto* blocks = static_cast<const BlockQ4_0*>(src);
    const int64_t nb = k / kQK4_0;
    for (int64_t b = 0; b < nb; ++b) {
      std::memcpy(out + b * (kQK4_0 / 2), blocks[b].qs, kQK4_0 / 2);
      std::memcpy(out + k / 2 + b * 2, &blocks[b].d, 2);
    }
  } else if (type == DType::Q6_K) {
    // See kernels.h: per 32 elements, 16 low-nibble bytes then 8 high-bit bytes, so that one
    // 32-bit word of each gives four consecutive elements with a mask and a shift.
    const auto* blocks = static_cast<const BlockQ6_K*>(src);
    const int64_t nb = k / kQK_K;
    uint8_t* lo = out;
    uint8_t* hi = out + k / 2;
    auto* scales = reinterpret_cast<int8_t*>(out + k / 2 + k / 4);
    uint8_t* supers = out + k / 2 + k / 4 + k / 16;
    std::memset(out, 0, static_cast<size_t>(k / 2 + k / 4));
    for (int64_t b = 0; b < nb; ++b) {
      const BlockQ6_K& blk = blocks[b];
      for (int i = 0; i < kQK_K; ++i) {
        const int half = i / 128, quadrant = (i % 128) / 32, l = i % 32;
        const uint8_t ql = blk.ql[half * 64 + l + (quadrant & 1) * 32];
        const uint8_t low = quadrant < 2 ? (ql & 0xf) : (ql >> 4);
        const uint8_t high = (blk.qh[half * 32 + l] >> (2 * quadrant)) & 3;
        const int64_t e = b * kQK_K + i, u = e / 32;
        const int r = static_cast<int>(e % 32), w = r / 16, rr = r % 16;
        lo[16 * u + r % 16] |= static_cast<uint8_t>(r < 16 ? low : low << 4);
        hi[8 * u + 4 * w + rr % 4] |= static_cast<uint8_t>(high << (2 * (rr / 4)));
      }
      std::memcpy(scales + b * 16, blk.scales, 16);  // already in element order
      std::memcpy(supers + b * 2, &blk.d, 2);
    }
  } else {
    std::memcpy(dst, src, RowBytes(type, k));
  }
}

}  // namespace enclave::kernels
