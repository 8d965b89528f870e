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

// Mixture-of-experts routing (DeepSeek V2/V3). Per token: scores = gating(router logits); the
// experts are chosen on scores + selection_bias (V3's e_score_correction_bias; selection only),
// first keeping the n_groups_used best of n_groups equal groups of experts, then the n_used best
// experts inside them; the weights are the chosen experts' scores (not biased), divided by their
// sum when normalize, then multiplied by scale (routed_scaling_factor).
enum class MoeGating { kSoftmax, kSigmoid };
enum class MoeGroupScore {
  kMax,      // a group's score is its best expert's (V2 group_limited_greedy)
  kTop2Sum,  // the sum of its two best experts' (V3 noaux_tc)
};
struct MoeRoutingParams {
  int n_experts = 0;
  int n_used = 0;         // experts per token (num_experts_per_tok)
  int n_groups = 1;       // n_group (1 = no group limit)
  int n_groups_used = 1;  // topk_group
  MoeGating gating = MoeGating::kSoftmax;
  MoeGroupScore group_score = MoeGroupScore::kMax;
  bool normalize = false;  // norm_topk_prob
  float scale = 1.f;       // routed_scaling_factor
};

// Attention in latent space (DeepSeek MLA, absorbed form): every head attends over one shared
// cache row per position, [kv_lora | rope] wide; the values are the first kv_lora columns of the
// same row. q rows hold, per head, the query already multiplied into latent space (kv_lora
// columns) followed by its roped part (rope columns).
struct LatentAttentionParams {
  int n_heads = 0;
  int kv_lora = 0;    // kv_lora_rank
  int rope_dim = 0;   // qk_rope_head_dim
  float scale = 0.f;  // 1/sqrt(qk_nope + qk_rope) [* yarn mscale^2]
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

  // ---- DeepSeek MLA / MoE operations (added after the first backends; a backend that does not
  // implement one records ErrorCode::kUnsupported naming it, readable from UnsupportedOp()) -------
  // Per-head matrices: x viewed [n][H][K], w ne = {K, M, H} (one {K, M} matrix per head, any
  // weight type), out [n][H][M]: out[t][h] = w[h] x[t][h].
  virtual void MatMulHeads(Tensor& out, const Tensor& w, const Tensor& x);
  // Column blocks between F32 activations viewed as [rows][groups][width / groups]:
  // dst[r][g][dst_col + i] = src[r][g][src_col + i] for i < count. dst must not overlap src.
  virtual void CopyColumns(Tensor& dst, int64_t dst_col, const Tensor& src, int64_t src_col, int64_t count,
                           int64_t groups);
  // Causal latent attention (see LatentAttentionParams). q: [n][n_heads*(kv_lora+rope)],
  // cache: F32/F16 [ctx][kv_lora+rope], out: [n][n_heads*kv_lora]; token t sees cache rows
  // [0, positions[t]].
  virtual void LatentAttention(Tensor& out, const Tensor& q, const Tensor& cache, const Tensor& positions,
                               const LatentAttentionParams& p);
  // Routing (see MoeRoutingParams). logits: F32 [n][n_experts]; selection_bias: F32 [n_experts]
  // or null; expert_ids: I32 [n][n_used]; expert_weights: F32 [n][n_used].
  virtual void MoeRoute(Tensor& expert_ids, Tensor& expert_weights, const Tensor& logits,
                        const Tensor* selection_bias, const MoeRoutingParams& p);
  // Routed SwiGLU experts: out[t] = sum_j weights[t][j] * down_e(silu(gate_e x[t]) * up_e x[t])
  // with e = ids[t][j]. gate/up: ne = {d_model, ffn, n_experts}; down: {ffn, d_model, n_experts}
  // (llama.cpp's ffn_*_exps); x, out: F32 [n][d_model] (out is overwritten, not accumulated).
  virtual void MoeFeedForward(Tensor& out, const Tensor& x, const Tensor& gate_exps, const Tensor& up_exps,
                              const Tensor& down_exps, const Tensor& expert_ids, const Tensor& expert_weights);
  // The first op this backend was asked for and does not implement (OK when none).
  Status UnsupportedOp() const { return unsupported_op_; }

  // ---- step capture hooks (CUDA graphs); no-ops elsewhere -------------------------------------
  virtual void BeginStep(int64_t step_key) {}
  virtual void EndStep() {}

 protected:
  void RecordUnsupportedOp(const char* op);

 private:
  Status unsupported_op_;
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
