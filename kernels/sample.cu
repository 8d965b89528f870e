// Sampling on the device: only the chosen token id crosses PCIe.
//
// ArgMax spreads a row over many blocks: each finds its best (value, index), folds it into a
// 64-bit key (order-preserving value bits, then the complement of the index so that ties go
// to the lowest index) with atomicMax, and the last block of the row writes the id and clears
// the key and counter for the next call.
#include "common.cuh"
#include "kernels.h"

namespace enclave::kernels {
namespace {

constexpr int kThreads = 256;
constexpr int kElemsPerBlock = 4096;

__device__ __forceinline__ unsigned long long ArgKey(float v, uint32_t index) {
  const uint32_t bits = __float_as_uint(v);
  const uint32_t ordered = (bits & 0x80000000u) ? ~bits : (bits | 0x80000000u);
  return (static_cast<unsigned long long>(ordered) << 32) | (0xffffffffu - index);
}

__global__ void __launch_bounds__(kThreads)
    ArgMaxKernel(const float* __restrict__ logits, int64_t width, int32_t* __restrict__ ids,
                 unsigned long long* __restrict__ best, unsigned* __restrict__ done) {
  WaitForInputs();
  __shared__ unsigned long long warp_best[kThreads / kWarp];
  __shared__ bool last;
  const int64_t row = blockIdx.y;
  const float* r = logits + row * width;
  const int64_t begin = static_cast<int64_t>(blockIdx.x) * kElemsPerBlock;
  const int64_t end = min(begin + kElemsPerBlock, width);
  unsigned long long key = 0;
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) key = max(key, ArgKey(r[i], static_cast<uint32_t>(i)));
  for (int o = 16; o > 0; o >>= 1) key = max(key, __shfl_xor_sync(0xffffffffu, key, o));
  if (threadIdx.x % kWarp == 0) warp_best[threadIdx.x / kWarp] = key;
  __syncthreads();
  if (threadIdx.x == 0) {
    for (int w = 1; w < kThreads / kWarp; ++w) key = max(key, warp_best[w]);
    atomicMax(best + row, key);
    __threadfence();
    last = atomicAdd(done + row, 1u) == gridDim.x - 1;
  }
  __syncthreads();
  if (last && threadIdx.x == 0) {
    const unsigned long long k = atomicExch(best + row, 0ull);  // read the final key and clear it
    ids[row] = static_cast<int32_t>(0xffffffffu - static_cast<uint32_t>(k & 0xffffffffu));
    done[row] = 0;
  }
}

}  // namespace

size_t ArgMaxScratchBytes(int64_t rows) { return static_cast<size_t>(rows) * (8 + 4); }

void ArgMax(const float* logits, int64_t rows, int64_t width, int32_t* ids, void* scratch, cudaStream_t stream) {
  if (rows <= 0) return;
  auto* best = static_cast<unsigned long long*>(scratch);
  auto* done = reinterpret_cast<unsigned*>(best + rows);
  const dim3 grid(static_cast<unsigned>((width + kElemsPerBlock - 1) / kElemsPerBlock), static_cast<unsigned>(rows));
  Launch(ArgMaxKernel, dim3(grid), dim3(kThreads), 0, stream, logits, width, ids, best, done);
}

}  // namespace enclave::kernels
