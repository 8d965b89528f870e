// The Backend: every operation a forward pass needs, on memory the backend owns. The CPU backend
// is the plain reference; the CUDA backend must give the same results (tests/gpu compares them).
//
// Conventions
// - Activations are F32, row-major [n_tokens][width] (ne = {width, n_tokens}).
// - Weights may be any supported DType (F32, F16, BF16, Q8_0, Q4_0, Q4_K, Q6_K).
// - Ops are asynchronous on the backend's stream. They do not return a Status: the first failure
//   is kept (sticky) and returned by status(), Synchronize() and Download(), so a forward pass
//   checks once per step. A failed op leaves the process running.
// - Per-step values (token ids, positions) are read from tensors, never passed as host values
//   that change every step, so a backend may capture a decode step once and replay it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace enclave {

enum class RopeStyle {
  kNeox,        // rotate pairs (i, i + n_rot/2): HF rotate_half (Qwen2, Llama, Gemma)
  kInterleaved, // rotate pairs (2i, 2i+1): GPT-J style (DeepSeek MLA with rope_interleave)
};

struct AttentionParams {
  int n_heads = 0;
  int n_kv_heads = 0;      // GQA: query head h uses kv head h / (n_heads / n_kv_heads)
  int head_dim = 0;        // q and k head size
  int v_head_dim = 0;      // v head size (== head_dim except MLA)
  float scale = 0.f;       // usually 1/sqrt(head_dim)
  int window = 0;          // sliding window in positions (0 = full causal attention)
  float softcap = 0.f;     // tanh soft-capping of scores (0 = off)
};

struct BackendMemory {
  int64_t total_bytes = 0;  // device memory (host RAM for the CPU backend)
  int64_t free_bytes = 0;
  int64_t allocated_by_backend = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual std::string name() const = 0;  // "cpu", "cuda:0"
  virtual bool is_host() const = 0;      // true when Tensor::data is host memory

  // ---- memory -------------------------------------------------------------------------------
  virtual Expected<Tensor> Alloc(DType type, Shape ne, const char* name) = 0;
  // Makes a weight usable by ops. The CPU backend uses the bytes in place (the view must outlive
  // the tensor: keep the MappedFile alive); CUDA copies them to the device.
  virtual Expected<Tensor> UploadWeight(const TensorView& view) = 0;
  virtual void Free(Tensor& t) = 0;
  virtual Status Upload(Tensor& dst, const void* src, size_t bytes, size_t offset = 0) = 0;
  virtual Status Download(const Tensor& src, void* dst, size_t bytes, size_t offset = 0) = 0;
  virtual Status Synchronize() = 0;
  virtual Status status() const = 0;  // first error since creation (sticky)
  virtual BackendMemory Memory() const = 0;

  // ---- operations ---------------------------------------------------------------------------
  // out[n][d] = table[ids[i]] (any weight type, dequantised to F32). ids: I32 [n].
  virtual void Embed(Tensor& out, const Tensor& table, const Tensor& ids) = 0;
  // out[n][M] = x[n][K] * W^T (+ bias[M]), W: ne = {K, M}.
  virtual void MatMul(Tensor& out, const Tensor& w, const Tensor& x, const Tensor* bias = nullptr) = 0;
  // Row-wise over rows of length w.ne[0]: out = x / rms(x) * w. x may have more columns than w
  // (then each row of x is viewed as x.ne[0] / w.ne[0] rows: per-head norms).
  virtual void RmsNorm(Tensor& out, const Tensor& x, const Tensor& w, float eps) = 0;
  // Row-wise: out = (x - mean) / sqrt(var + eps) * w + b.
  virtual void LayerNorm(Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b, float eps) = 0;
  // In place on x viewed as [n][n_heads][head_dim]: rotates the first n_rot dims of each head by
  // angle positions[t] * inv_freq[i], cos/sin multiplied by mscale (YaRN; 1 otherwise).
  // inv_freq: F32 [n_rot/2], computed once by the model (rope scaling lives there).
  virtual void Rope(Tensor& x, int head_dim, int n_rot, const Tensor& positions,
                    const Tensor& inv_freq, RopeStyle style, float mscale) = 0;
  // Writes src rows (F32 [n][width]) into cache rows positions[i] (cache: F32/F16 [ctx][width]).
  virtual void StoreKV(Tensor& cache, const Tensor& src, const Tensor& positions) = 0;
  // Causal attention for n query tokens at positions[i] over cache rows [0, positions[i]].
  // q: [n][n_heads*head_dim]; k_cache: [ctx][n_kv*head_dim]; v_cache: [ctx][n_kv*v_head_dim];
  // out: [n][n_heads*v_head_dim].
  virtual void Attention(Tensor& out, const Tensor& q, const Tensor& k_cache, const Tensor& v_cache,
                         const Tensor& positions, const AttentionParams& p) = 0;
  virtual void SwiGlu(Tensor& out, const Tensor& gate, const Tensor& up) = 0;  // silu(g) * u
  virtual void GeGlu(Tensor& out, const Tensor& gate, const Tensor& up) = 0;   // gelu_tanh(g) * u
  virtual void Gelu(Tensor& x) = 0;                                            // in place, erf form
  virtual void Add(Tensor& out, const Tensor& a, const Tensor& b) = 0;         // out may alias a
  virtual void Mul(Tensor& out, const Tensor& a, const Tensor& b) = 0;         // b may be one row, broadcast
  virtual void Scale(Tensor& x, float s) = 0;
  virtual void Copy(Tensor& dst, const Tensor& src) = 0;  // same shape; converts F32<->F16
  // ids[0] = argmax of each row of logits (I32 [n]).
  virtual void ArgMax(Tensor& ids, const Tensor& logits) = 0;

  // ---- step capture hooks (CUDA graphs); no-ops elsewhere -------------------------------------
  virtual void BeginStep(int64_t step_key) {}
  virtual void EndStep() {}
};

struct BackendOptions {
  std::string device = "cpu";  // "cpu", "cuda", "cuda:1"
  int n_threads = 0;           // CPU: 0 = all cores
};

// Creates a backend for a device string. An unavailable device is an error, never a silent
// fallback to the CPU.
Expected<std::unique_ptr<Backend>> CreateBackend(const BackendOptions& options);

// Devices this build can use right now ("cpu", "cuda:0", ...), with a display name each.
struct DeviceInfo {
  std::string id;
  std::string name;
  int64_t memory_bytes = 0;
};
std::vector<DeviceInfo> ListDevices();

}  // namespace enclave
