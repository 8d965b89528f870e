// The two ceilings of this GPU, measured (METHOD.md): device-to-device copy bandwidth (bytes read
// + bytes written) and dense bf16 tensor-core throughput through a cuBLAS GEMM on random data.
// Prints one JSON line: {"device":..., "copy_gb_s":..., "bf16_tflops":...}.
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

namespace {

#define TRY(expr)                                                                      \
  do {                                                                                 \
    auto _e = (expr);                                                                  \
    if (_e != 0) {                                                                     \
      std::printf("{\"error\":\"%s failed (%d)\"}\n", #expr, static_cast<int>(_e));    \
      return 1;                                                                        \
    }                                                                                  \
  } while (0)

float Median(std::vector<float> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::printf("SKIP: no CUDA device\n");
    return 77;
  }
  cudaDeviceProp prop{};
  TRY(cudaGetDeviceProperties(&prop, 0));
  cudaStream_t s;
  TRY(cudaStreamCreate(&s));
  cudaEvent_t e0, e1;
  TRY(cudaEventCreate(&e0));
  TRY(cudaEventCreate(&e1));

  // Copy bandwidth: 2 GiB buffers, far beyond the 50 MB L2.
  const size_t bytes = 2ull << 30;
  void *a = nullptr, *b = nullptr;
  TRY(cudaMalloc(&a, bytes));
  TRY(cudaMalloc(&b, bytes));
  TRY(cudaMemsetAsync(a, 0x5a, bytes, s));
  std::vector<float> copy_ms;
  for (int i = 0; i < 12; ++i) {
    TRY(cudaEventRecord(e0, s));
    TRY(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, s));
    TRY(cudaEventRecord(e1, s));
    TRY(cudaEventSynchronize(e1));
    float ms = 0;
    TRY(cudaEventElapsedTime(&ms, e0, e1));
    if (i >= 2) copy_ms.push_back(ms);
  }
  const double copy_gb_s = 2.0 * bytes / (Median(copy_ms) * 1e-3) / 1e9;
  TRY(cudaFree(a));
  TRY(cudaFree(b));

  // bf16 GEMM 8192^3, random inputs (not zeros: they run faster than real data).
  const int n = 8192;
  std::vector<__nv_bfloat16> host(static_cast<size_t>(n) * n);
  std::mt19937 rng(1);
  std::normal_distribution<float> dist(0.f, 1.f);
  for (auto& x : host) x = __float2bfloat16(dist(rng));
  void *A, *B, *C;
  TRY(cudaMalloc(&A, host.size() * 2));
  TRY(cudaMalloc(&B, host.size() * 2));
  TRY(cudaMalloc(&C, host.size() * 2));
  TRY(cudaMemcpy(A, host.data(), host.size() * 2, cudaMemcpyHostToDevice));
  TRY(cudaMemcpy(B, host.data(), host.size() * 2, cudaMemcpyHostToDevice));
  cublasHandle_t h;
  TRY(cublasCreate(&h));
  TRY(cublasSetStream(h, s));
  const float one = 1.f, zero = 0.f;
  std::vector<float> gemm_ms;
  for (int i = 0; i < 12; ++i) {
    TRY(cudaEventRecord(e0, s));
    TRY(cublasGemmEx(h, CUBLAS_OP_T, CUBLAS_OP_N, n, n, n, &one, A, CUDA_R_16BF, n, B, CUDA_R_16BF, n, &zero, C,
                     CUDA_R_16BF, n, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    TRY(cudaEventRecord(e1, s));
    TRY(cudaEventSynchronize(e1));
    float ms = 0;
    TRY(cudaEventElapsedTime(&ms, e0, e1));
    if (i >= 2) gemm_ms.push_back(ms);
  }
  const double tflops = 2.0 * n * n * static_cast<double>(n) / (Median(gemm_ms) * 1e-3) / 1e12;
  std::printf("{\"device\":\"%s\",\"sm_count\":%d,\"copy_gb_s\":%.1f,\"bf16_tflops\":%.1f}\n", prop.name,
              prop.multiProcessorCount, copy_gb_s, tflops);
  cublasDestroy(h);
  cudaFree(A);
  cudaFree(B);
  cudaFree(C);
  return 0;
}
