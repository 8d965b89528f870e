// The CUDA backend's class. One backend = one device, one stream, one cuBLAS handle; ops enqueue
// kernels (kernels/kernels.h) on the stream and record the first failure (sticky).
//
// Decode steps and CUDA graphs. Between BeginStep(key) and EndStep() the backend runs the ops of
// one forward step. The first time a key is seen the step runs eagerly and the backend notes
// whether it was "pure" (only ops: no Upload/Download/Alloc/Free/Synchronize inside). The second
// time a pure key is seen its ops are captured into a graph; from then on BeginStep arms the
// graph, ops return at once, and EndStep launches it. Per-step values come from tensors (ids,
// positions), so one graph serves every position. Anything that could move a pointer the graph
// holds (allocations, frees, scratch growth) drops all graphs; they are re-captured on demand.
// ENCLAVE_CUDA_GRAPHS=0 turns graphs off.
#pragma once

#include <cublas_v2.h>
#include <cuda_runtime_api.h>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "backend/backend.h"

namespace enclave::cuda {

class CudaBackend final : public Backend {
 public:
  static Expected<std::unique_ptr<Backend>> Create(int device_index);
  ~CudaBackend() override;

  std::string name() const override { return "cuda:" + std::to_string(device_); }
  bool is_host() const override { return false; }

  Expected<Tensor> Alloc(DType type, Shape ne, const char* name) override;
  Expected<Tensor> UploadWeight(const TensorView& view) override;
  void Free(Tensor& t) override;
  Status Upload(Tensor& dst, const void* src, size_t bytes, size_t offset) override;
  Status Download(const Tensor& src, void* dst, size_t bytes, size_t offset) override;
  Status Synchronize() override;
  Status status() const override { return status_; }
  BackendMemory Memory() const override;

  void Embed(Tensor& out, const Tensor& table, const Tensor& ids) override;
  void MatMul(Tensor& out, const Tensor& w, const Tensor& x, const Tensor* bias) override;
  void RmsNorm(Tensor& out, const Tensor& x, const Tensor& w, float eps) override;
  void LayerNorm(Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b, float eps) override;
  void Rope(Tensor& x, int head_dim, int n_rot, const Tensor& positions, const Tensor& inv_freq,
            RopeStyle style, float mscale) override;
  void StoreKV(Tensor& cache, const Tensor& src, const Tensor& positions) override;
  void Attention(Tensor& out, const Tensor& q, const Tensor& k_cache, const Tensor& v_cache,
                 const Tensor& positions, const AttentionParams& p) override;
  void SwiGlu(Tensor& out, const Tensor& gate, const Tensor& up) override;
  void GeGlu(Tensor& out, const Tensor& gate, const Tensor& up) override;
  void Gelu(Tensor& x) override;
  void Add(Tensor& out, const Tensor& a, const Tensor& b) override;
  void Mul(Tensor& out, const Tensor& a, const Tensor& b) override;
  void Scale(Tensor& x, float s) override;
  void Copy(Tensor& dst, const Tensor& src) override;
  void ArgMax(Tensor& ids, const Tensor& logits) override;

  void BeginStep(int64_t step_key) override;
  void EndStep() override;

 private:
  CudaBackend() = default;
  Status Init(int device_index);

  // Records the first error; later ones are dropped (the first explains the rest).
  void Fail(Status s);
  // After a launch: picks up launch errors under the op's name.
  void CheckLaunch(const char* op);
  // False (and nothing to do) while an armed graph replays the step, or after an error.
  // Every op starts here. An op that may fuse with a deferred one passes keeps_pending;
  // any other first launches what was deferred.
  bool Runs(bool keeps_pending = false) {
    ++op_count_;
    if (!keeps_pending) FlushPending();
    return mode_ != StepMode::kReplay && status_.ok();
  }
  // Launches whatever op was deferred (Add, Rope, StoreKV) on its own.
  void FlushPending();
  // The int8 activations of x [n][k] in xq8_, written by this op (see MatMul).
  Expected<int8_t*> Q8Buffer(int64_t n, int64_t k);
  void NoteQ8(const void* x, int64_t n, int64_t k, const int8_t* buf) {
    q8_op_ = op_count_, q8_x_ = x, q8_n_ = n, q8_k_ = k, q8_buf_ = buf;
  }
  // A call that a graph cannot hold happened inside a step.
  void NoteImpure(const char* what);

  // Device memory: the stream-ordered pool; refuses with InsufficientMemory when it cannot fit.
  Expected<void*> DeviceAlloc(size_t bytes, const char* what);
  void DeviceFree(void* p);
  // Grow-only scratch buffer (drops graphs when it moves).
  Expected<void*> Scratch(void*& buffer, size_t& capacity, size_t bytes, const char* what);
  void DropGraphs();

  Status MatMulGemm(Tensor& out, const Tensor& w, const Tensor& x, const Tensor* bias);

  int device_ = 0;
  int sm_count_ = 0;
  cudaStream_t stream_ = nullptr;
  cublasHandle_t cublas_ = nullptr;
  cudaMemPool_t pool_ = nullptr;
  Status status_;

  void* pinned_ = nullptr;            // host staging for uploads/downloads [kPinnedBytes]
  cudaEvent_t pinned_free_[2] = {};   // the two halves of pinned_ may be reused after these
  int upload_half_ = 0;               // the half the next Upload stages through
  std::unordered_map<void*, size_t> sizes_;  // live allocations (scratch included)
  std::deque<std::string> names_;            // names of uploaded weights (Tensor::name points here)
  int64_t allocated_ = 0;

  // Scratch shared by ops (device): dequantised weight tiles, converted activations,
  // attention partial results, the cuBLAS workspace.
  void* wtile_ = nullptr;   size_t wtile_bytes_ = 0;    // half/bf16 [rows][K]
  void* xhalf_ = nullptr;   size_t xhalf_bytes_ = 0;    // half/bf16 [n][K]
  void* attn_ = nullptr;    size_t attn_bytes_ = 0;     // f32 partials of split attention
  void* xq8_ = nullptr;     size_t xq8_bytes_ = 0;      // int8 [n][K] activations + float2 [n][K/32]
  // The int8 activations in xq8_ are those of x = q8_x_ ([q8_n_][q8_k_]), quantised or reused
  // by op number q8_op_; the next op may reuse them only if it is the next MatMul.
  int64_t op_count_ = 0, q8_op_ = -2, q8_n_ = 0, q8_k_ = 0;
  const void* q8_x_ = nullptr;
  const int8_t* q8_buf_ = nullptr;
  // A residual Add(out = a + b, out aliasing a) waits here: when the next op is the RmsNorm of
  // out, one kernel does both (and the int8 activations of the norm for the next MatMul).
  struct PendingAdd {
    bool active = false;
    Tensor out, a, b;
  } pending_add_;
  // Likewise Rope(q) waits for Rope(k) and StoreKV(k) for StoreKV(v): one launch per pair.
  struct PendingRope {
    bool active = false;
    Tensor x, positions, inv_freq;
    int head_dim = 0, n_rot = 0;
    RopeStyle style = RopeStyle::kNeox;
    float mscale = 1.f;
  } pending_rope_;
  struct PendingStore {
    bool active = false;
    Tensor cache, src, positions;
  } pending_store_;
  void LaunchRope(const PendingRope& a, const PendingRope* b);    // b: fused second tensor
  void LaunchStore(const PendingStore& a, const PendingStore* b);
  void* cublas_ws_ = nullptr;
  static constexpr int64_t kArgMaxRows = 4096;  // rows per ArgMax launch
  void* argmax_scratch_ = nullptr;              // zeroed keys and counters for kArgMaxRows rows

  enum class StepMode { kNone, kEager, kCapture, kReplay };
  struct StepGraph {
    int eager_runs = 0;
    bool pure = true;
    cudaGraphExec_t exec = nullptr;
  };
  bool graphs_enabled_ = true;
  StepMode mode_ = StepMode::kNone;
  int64_t step_key_ = 0;
  std::unordered_map<int64_t, StepGraph> graphs_;
};

}  // namespace enclave::cuda
