// CpuBackend: memory management and argument checking; the arithmetic is in cpu_ops.h.
// Every op validates its arguments first and, on a mismatch, records a sticky error naming the
// op and the tensors (name, type, shape) and does nothing. Once an error is recorded, later ops
// are skipped: their inputs may be garbage.
#include "backend/cpu/cpu_backend.h"

#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <vector>

#include "backend/cpu/cpu_deepseek_ops.h"
#include "backend/cpu/cpu_kernels.h"
#include "backend/cpu/cpu_ops.h"
#include "core/quantize.h"
#include "core/thread_pool.h"

namespace enclave {
namespace {

using cpu::CpuContext;

constexpr size_t kAlignment = 64;

std::string Describe(const Tensor& t) {
  std::ostringstream s;
  s << (t.name && *t.name ? t.name : "(unnamed)") << " " << Name(t.type) << " [" << t.ne[0];
  int dims = 4;
  while (dims > 2 && t.ne[dims - 1] == 1) --dims;
  for (int i = 1; i < dims; ++i) s << ", " << t.ne[i];
  s << "]";
  return s.str();
}

bool IsFloatType(DType t) { return t == DType::F32 || t == DType::F16 || t == DType::BF16; }

// Reads "Key:   123 kB" from /proc/meminfo; 0 when unavailable.
int64_t MemInfoBytes(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string name;
  int64_t kib = 0;
  std::string unit;
  while (in >> name >> kib) {
    std::getline(in, unit);
    if (name == key + ":") return kib * 1024;
  }
  return 0;
}

class CpuBackend final : public Backend {
 public:
  CpuBackend(int n_threads, const cpu::CpuKernels& kernels) : pool_(n_threads), kernels_(kernels) {}

  ~CpuBackend() override {
    for (auto& [ptr, bytes] : owned_) std::free(ptr);
  }

  std::string name() const override { return "cpu"; }
  bool is_host() const override { return true; }
  const char* kernel_name() const { return kernels_.name; }

  // ---- memory ----------------------------------------------------------------------------------

  Expected<Tensor> Alloc(DType type, Shape ne, const char* name) override {
    const DTypeInfo& info = Info(type);
    for (int64_t d : ne)
      if (d <= 0) return InvalidArgument(std::string("Alloc ") + name + ": every dimension must be positive");
    if (info.block_bytes == 0 || ne[0] % info.block_size != 0)
      return InvalidArgument(std::string("Alloc ") + name + ": " + std::string(info.name) +
                             " rows need a multiple of " + std::to_string(info.block_size) + " elements");
    const size_t bytes = TensorBytes(type, ne);
    const size_t rounded = (bytes + kAlignment - 1) / kAlignment * kAlignment;
    void* data = std::aligned_alloc(kAlignment, rounded);
    if (!data)
      return InsufficientMemory("cannot allocate " + std::to_string(bytes >> 20) + " MiB of host memory for " +
                                name + ": close other programs or use a smaller context");
    std::memset(data, 0, rounded);
    owned_[data] = bytes;
    allocated_ += static_cast<int64_t>(bytes);
    return Tensor{type, ne, data, name};
  }

  Expected<Tensor> UploadWeight(const TensorView& view) override {
    const DTypeInfo& info = Info(view.type);
    if (!info.supported || view.type == DType::I32)
      return Unsupported(view.name + ": tensor type " + std::string(info.name) + " is not supported by the CPU backend");
    if (view.ne[0] % info.block_size != 0)
      return BadInput(view.name + ": row length " + std::to_string(view.ne[0]) + " is not a multiple of the " +
                      std::string(info.name) + " block size " + std::to_string(info.block_size));
    if (!view.data || view.nbytes != TensorBytes(view.type, view.ne))
      return BadInput(view.name + ": holds " + std::to_string(view.nbytes) + " bytes, its shape needs " +
                      std::to_string(TensorBytes(view.type, view.ne)));
    weight_names_.push_back(view.name);  // a deque: the c_str() stays valid
    return Tensor{view.type, view.ne, const_cast<void*>(view.data), weight_names_.back().c_str()};
  }

  void Free(Tensor& t) override {
    auto it = owned_.find(t.data);
    if (it != owned_.end()) {
      allocated_ -= static_cast<int64_t>(it->second);
      std::free(it->first);
      owned_.erase(it);
    }
    t.data = nullptr;
  }

  Status Upload(Tensor& dst, const void* src, size_t bytes, size_t offset) override {
    if (!dst.data) return Fail(InvalidArgument("Upload to " + Describe(dst) + ": the tensor has no memory"));
    if (offset + bytes > dst.nbytes())
      return Fail(InvalidArgument("Upload to " + Describe(dst) + ": " + std::to_string(bytes) + " bytes at offset " +
                                  std::to_string(offset) + " overrun its " + std::to_string(dst.nbytes())));
    std::memcpy(static_cast<uint8_t*>(dst.data) + offset, src, bytes);
    return Status::Ok();
  }

  Status Download(const Tensor& src, void* dst, size_t bytes, size_t offset) override {
    if (!src.data) return Fail(InvalidArgument("Download from " + Describe(src) + ": the tensor has no memory"));
    if (offset + bytes > src.nbytes())
      return Fail(InvalidArgument("Download from " + Describe(src) + ": " + std::to_string(bytes) +
                                  " bytes at offset " + std::to_string(offset) + " overrun its " +
                                  std::to_string(src.nbytes())));
    std::memcpy(dst, static_cast<const uint8_t*>(src.data) + offset, bytes);
    return status_;  // the first failure of any op so far (sticky), as the interface promises
  }

  Status Synchronize() override { return status_; }
  Status status() const override { return status_; }

  BackendMemory Memory() const override {
    return {MemInfoBytes("MemTotal"), MemInfoBytes("MemAvailable"), allocated_};
  }

  // ---- operations ------------------------------------------------------------------------------

  void Embed(Tensor& out, const Tensor& table, const Tensor& ids) override {
    const char* op = "Embed";
    if (!Usable(op, {&out, &table, &ids}) || !Type(op, ids, DType::I32) || !Type(op, out, DType::F32)) return;
    if (!CanDequantize(table.type)) return Error(op, "cannot read table " + Describe(table));
    const int64_t n = ids.elements();
    if (out.ne[0] != table.ne[0] || out.rows() != n)
      return Error(op, "out " + Describe(out) + " must be [" + std::to_string(table.ne[0]) + ", " +
                           std::to_string(n) + "] for table " + Describe(table) + " and " + std::to_string(n) + " ids");
    const auto* id = static_cast<const int32_t*>(ids.data);
    for (int64_t i = 0; i < n; ++i)
      if (id[i] < 0 || id[i] >= table.rows())
        return Error(op, "token id " + std::to_string(id[i]) + " is outside the vocabulary of " + Describe(table));
    cpu::Embed(Ctx(), static_cast<float*>(out.data), table, id, n);
  }

  void MatMul(Tensor& out, const Tensor& w, const Tensor& x, const Tensor* bias) override {
    const char* op = "MatMul";
    if (!Usable(op, {&out, &w, &x}) || !Type(op, x, DType::F32) || !Type(op, out, DType::F32)) return;
    if (!cpu::Dot(kernels_, w.type)) return Error(op, "unsupported weight type in " + Describe(w));
    const int64_t K = w.ne[0], M = w.rows(), n = x.rows();
    if (x.ne[0] != K)
      return Error(op, "x " + Describe(x) + " has " + std::to_string(x.ne[0]) + " columns, W " + Describe(w) +
                           " expects " + std::to_string(K));
    if (out.ne[0] != M || out.rows() != n)
      return Error(op, "out " + Describe(out) + " must be [" + std::to_string(M) + ", " + std::to_string(n) + "]");
    if (Overlap(out, x)) return Error(op, "out " + Describe(out) + " must not overlap x " + Describe(x));
    const float* bias_f32 = nullptr;
    if (bias) {
      if (!Usable(op, {bias})) return;
      if (!IsFloatType(bias->type) || bias->elements() != M)
        return Error(op, "bias " + Describe(*bias) + " must be a float vector of " + std::to_string(M));
      bias_f32 = AsF32(*bias, bias_scratch_);
    }
    cpu::MatMul(Ctx(), static_cast<float*>(out.data), w, static_cast<const float*>(x.data), n, bias_f32);
  }

  void RmsNorm(Tensor& out, const Tensor& x, const Tensor& w, float eps) override {
    const char* op = "RmsNorm";
    if (!Usable(op, {&out, &x, &w}) || !Type(op, x, DType::F32) || !Type(op, out, DType::F32)) return;
    const int64_t width = w.elements();
    if (!IsFloatType(w.type) || width <= 0 || x.ne[0] % width != 0)
      return Error(op, "weight " + Describe(w) + " must be a float vector dividing the rows of " + Describe(x));
    if (out.elements() != x.elements() || out.ne[0] != x.ne[0])
      return Error(op, "out " + Describe(out) + " must have the shape of x " + Describe(x));
    cpu::RmsNorm(Ctx(), static_cast<float*>(out.data), static_cast<const float*>(x.data), x.elements() / width,
                 width, AsF32(w, weight_scratch_), eps);
  }

  void LayerNorm(Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b, float eps) override {
    const char* op = "LayerNorm";
    if (!Usable(op, {&out, &x, &w, &b}) || !Type(op, x, DType::F32) || !Type(op, out, DType::F32)) return;
    const int64_t width = x.ne[0];
    if (!IsFloatType(w.type) || !IsFloatType(b.type) || w.elements() != width || b.elements() != width)
      return Error(op, "weight " + Describe(w) + " and bias " + Describe(b) + " must be float vectors of " +
                           std::to_string(width) + " for x " + Describe(x));
    if (out.elements() != x.elements() || out.ne[0] != width)
      return Error(op, "out " + Describe(out) + " must have the shape of x " + Describe(x));
    const float* w32 = AsF32(w, weight_scratch_);
    const float* b32 = AsF32(b, bias_scratch_);
    cpu::LayerNorm(Ctx(), static_cast<float*>(out.data), static_cast<const float*>(x.data), x.rows(), width,
                   w32, b32, eps);
  }

  void Rope(Tensor& x, int head_dim, int n_rot, const Tensor& positions, const Tensor& inv_freq, RopeStyle style,
            float mscale) override {
    const char* op = "Rope";
    if (!Usable(op, {&x, &positions, &inv_freq}) || !Type(op, x, DType::F32) || !Type(op, positions, DType::I32) ||
        !Type(op, inv_freq, DType::F32))
      return;
    if (head_dim <= 0 || x.ne[0] % head_dim != 0 || n_rot <= 0 || n_rot % 2 != 0 || n_rot > head_dim)
      return Error(op, "head_dim " + std::to_string(head_dim) + " / n_rot " + std::to_string(n_rot) +
                           " do not fit x " + Describe(x) + " (n_rot must be even and at most head_dim)");
    if (positions.elements() != x.rows())
      return Error(op, Describe(positions) + " must have one position per row of " + Describe(x));
    if (inv_freq.elements() != n_rot / 2)
      return Error(op, Describe(inv_freq) + " must have n_rot / 2 = " + std::to_string(n_rot / 2) + " values");
    cpu::Rope(Ctx(), static_cast<float*>(x.data), x.rows(), x.ne[0] / head_dim, head_dim, n_rot,
              static_cast<const int32_t*>(positions.data), static_cast<const float*>(inv_freq.data), style, mscale);
  }

  void StoreKV(Tensor& cache, const Tensor& src, const Tensor& positions) override {
    const char* op = "StoreKV";
    if (!Usable(op, {&cache, &src, &positions}) || !Type(op, src, DType::F32) || !Type(op, positions, DType::I32))
      return;
    if (cache.type != DType::F32 && cache.type != DType::F16)
      return Error(op, "cache " + Describe(cache) + " must be f32 or f16");
    if (src.ne[0] != cache.ne[0] || positions.elements() != src.rows())
      return Error(op, "src " + Describe(src) + " must have the width of cache " + Describe(cache) +
                           " and one row per position of " + Describe(positions));
    const auto* pos = static_cast<const int32_t*>(positions.data);
    if (!PositionsInRange(op, pos, positions.elements(), cache)) return;
    cpu::StoreKV(cache.data, cache.type, cache.ne[0], static_cast<const float*>(src.data), src.rows(), pos);
  }

  void Attention(Tensor& out, const Tensor& q, const Tensor& k_cache, const Tensor& v_cache, const Tensor& positions,
                 const AttentionParams& p) override {
    const char* op = "Attention";
    if (!Usable(op, {&out, &q, &k_cache, &v_cache, &positions}) || !Type(op, q, DType::F32) ||
        !Type(op, out, DType::F32) || !Type(op, positions, DType::I32))
      return;
    if (p.n_heads <= 0 || p.n_kv_heads <= 0 || p.n_heads % p.n_kv_heads != 0 || p.head_dim <= 0 ||
        p.v_head_dim <= 0 || p.window < 0)
      return Error(op, "bad parameters: n_heads " + std::to_string(p.n_heads) + ", n_kv_heads " +
                           std::to_string(p.n_kv_heads) + " (must divide n_heads), head_dim " +
                           std::to_string(p.head_dim) + ", v_head_dim " + std::to_string(p.v_head_dim));
    for (const Tensor* c : {&k_cache, &v_cache})
      if (c->type != DType::F32 && c->type != DType::F16)
        return Error(op, "cache " + Describe(*c) + " must be f32 or f16");
    const int64_t n = q.rows();
    if (q.ne[0] != int64_t{p.n_heads} * p.head_dim || positions.elements() != n)
      return Error(op, "q " + Describe(q) + " must be [n_heads * head_dim = " + std::to_string(p.n_heads * p.head_dim) +
                           ", n] with one position per row in " + Describe(positions));
    if (k_cache.ne[0] != int64_t{p.n_kv_heads} * p.head_dim || v_cache.ne[0] != int64_t{p.n_kv_heads} * p.v_head_dim)
      return Error(op, "caches " + Describe(k_cache) + " / " + Describe(v_cache) + " must have rows of n_kv_heads * " +
                           "head_dim = " + std::to_string(p.n_kv_heads * p.head_dim) + " / n_kv_heads * v_head_dim = " +
                           std::to_string(p.n_kv_heads * p.v_head_dim));
    if (out.ne[0] != int64_t{p.n_heads} * p.v_head_dim || out.rows() != n)
      return Error(op, "out " + Describe(out) + " must be [n_heads * v_head_dim = " +
                           std::to_string(p.n_heads * p.v_head_dim) + ", " + std::to_string(n) + "]");
    if (Overlap(out, q)) return Error(op, "out " + Describe(out) + " must not overlap q " + Describe(q));
    const auto* pos = static_cast<const int32_t*>(positions.data);
    if (!PositionsInRange(op, pos, n, k_cache) || !PositionsInRange(op, pos, n, v_cache)) return;
    cpu::Attention(Ctx(), static_cast<float*>(out.data), static_cast<const float*>(q.data), k_cache, v_cache, pos, n,
                   p);
  }

  void SwiGlu(Tensor& out, const Tensor& gate, const Tensor& up) override {
    if (!Elementwise3("SwiGlu", out, gate, up)) return;
    cpu::SwiGlu(Ctx(), F32(out), F32(gate), F32(up), out.elements());
  }

  void GeGlu(Tensor& out, const Tensor& gate, const Tensor& up) override {
    if (!Elementwise3("GeGlu", out, gate, up)) return;
    cpu::GeGlu(Ctx(), F32(out), F32(gate), F32(up), out.elements());
  }

  void Gelu(Tensor& x) override {
    if (!Usable("Gelu", {&x}) || !Type("Gelu", x, DType::F32)) return;
    cpu::Gelu(Ctx(), F32(x), x.elements());
  }

  void Add(Tensor& out, const Tensor& a, const Tensor& b) override {
    if (!Broadcast("Add", out, a, b)) return;
    cpu::Add(Ctx(), F32(out), F32(a), F32(b), a.rows(), a.ne[0], b.rows());
  }

  void Mul(Tensor& out, const Tensor& a, const Tensor& b) override {
    if (!Broadcast("Mul", out, a, b)) return;
    cpu::Mul(Ctx(), F32(out), F32(a), F32(b), a.rows(), a.ne[0], b.rows());
  }

  void Scale(Tensor& x, float s) override {
    if (!Usable("Scale", {&x}) || !Type("Scale", x, DType::F32)) return;
    cpu::Scale(Ctx(), F32(x), x.elements(), s);
  }

  void Copy(Tensor& dst, const Tensor& src) override {
    const char* op = "Copy";
    if (!Usable(op, {&dst, &src})) return;
    if (!IsFloatType(dst.type) || !IsFloatType(src.type))
      return Error(op, "converts only between f32, f16 and bf16, not " + Describe(src) + " to " + Describe(dst));
    if (dst.ne[0] != src.ne[0] || dst.elements() != src.elements())
      return Error(op, "dst " + Describe(dst) + " and src " + Describe(src) + " must have the same shape");
    cpu::Convert(Ctx(), dst.data, dst.type, src.data, src.type, src.elements());
  }

  void ArgMax(Tensor& ids, const Tensor& logits) override {
    const char* op = "ArgMax";
    if (!Usable(op, {&ids, &logits}) || !Type(op, ids, DType::I32) || !Type(op, logits, DType::F32)) return;
    if (ids.elements() != logits.rows())
      return Error(op, Describe(ids) + " must hold one id per row of " + Describe(logits));
    cpu::ArgMax(static_cast<int32_t*>(ids.data), F32(logits), logits.rows(), logits.ne[0]);
  }

  // DeepSeek MLA / MoE: checked and computed in cpu_mla.cpp / cpu_moe.cpp.
  void MatMulHeads(Tensor& out, const Tensor& w, const Tensor& x) override {
    if (Usable("MatMulHeads", {&out, &w, &x})) Fail(cpu::MatMulHeads(Ctx(), out, w, x));
  }
  void CopyColumns(Tensor& dst, int64_t dst_col, const Tensor& src, int64_t src_col, int64_t count,
                   int64_t groups) override {
    if (Usable("CopyColumns", {&dst, &src})) Fail(cpu::CopyColumns(dst, dst_col, src, src_col, count, groups));
  }
  void LatentAttention(Tensor& out, const Tensor& q, const Tensor& cache, const Tensor& positions,
                       const LatentAttentionParams& p) override {
    if (Usable("LatentAttention", {&out, &q, &cache, &positions}))
      Fail(cpu::LatentAttention(Ctx(), out, q, cache, positions, p));
  }
  void MoeRoute(Tensor& expert_ids, Tensor& expert_weights, const Tensor& logits, const Tensor* selection_bias,
                const MoeRoutingParams& p) override {
    if (Usable("MoeRoute", {&expert_ids, &expert_weights, &logits}) &&
        (!selection_bias || Usable("MoeRoute", {selection_bias})))
      Fail(cpu::MoeRoute(expert_ids, expert_weights, logits, selection_bias, p));
  }
  void MoeFeedForward(Tensor& out, const Tensor& x, const Tensor& gate_exps, const Tensor& up_exps,
                      const Tensor& down_exps, const Tensor& expert_ids, const Tensor& expert_weights) override {
    if (Usable("MoeFeedForward", {&out, &x, &gate_exps, &up_exps, &down_exps, &expert_ids, &expert_weights}))
      Fail(cpu::MoeFeedForward(Ctx(), out, x, gate_exps, up_exps, down_exps, expert_ids, expert_weights));
  }

 private:
  CpuContext Ctx() { return CpuContext{pool_, kernels_, act_scratch_}; }
  static float* F32(const Tensor& t) { return static_cast<float*>(t.data); }

  Status Fail(Status s) {
    if (status_.ok()) status_ = s;
    return status_;
  }
  void Error(const char* op, const std::string& message) { Fail(InvalidArgument(std::string(op) + ": " + message)); }

  // False (without recording anything new) once an error is sticky, or when a tensor is empty.
  bool Usable(const char* op, std::initializer_list<const Tensor*> tensors) {
    if (!status_.ok()) return false;
    for (const Tensor* t : tensors) {
      if (t->data == nullptr) {
        Error(op, "tensor " + Describe(*t) + " has no memory (not allocated, or freed)");
        return false;
      }
    }
    return true;
  }

  bool Type(const char* op, const Tensor& t, DType want) {
    if (t.type == want) return true;
    Error(op, Describe(t) + " must be " + std::string(Name(want)));
    return false;
  }

  bool PositionsInRange(const char* op, const int32_t* pos, int64_t n, const Tensor& cache) {
    for (int64_t i = 0; i < n; ++i) {
      if (pos[i] < 0 || pos[i] >= cache.rows()) {
        Error(op, "position " + std::to_string(pos[i]) + " is outside the cache " + Describe(cache) +
                      ": the context is full (use a larger --ctx)");
        return false;
      }
    }
    return true;
  }

  bool Elementwise3(const char* op, const Tensor& out, const Tensor& a, const Tensor& b) {
    if (!Usable(op, {&out, &a, &b}) || !Type(op, out, DType::F32) || !Type(op, a, DType::F32) ||
        !Type(op, b, DType::F32))
      return false;
    if (a.elements() != b.elements() || out.elements() != a.elements()) {
      Error(op, Describe(out) + ", " + Describe(a) + " and " + Describe(b) + " must have the same size");
      return false;
    }
    return true;
  }

  bool Broadcast(const char* op, const Tensor& out, const Tensor& a, const Tensor& b) {
    if (!Usable(op, {&out, &a, &b}) || !Type(op, out, DType::F32) || !Type(op, a, DType::F32) ||
        !Type(op, b, DType::F32))
      return false;
    if (b.ne[0] != a.ne[0] || (b.rows() != a.rows() && b.rows() != 1) || out.elements() != a.elements()) {
      Error(op, "b " + Describe(b) + " must have the shape of a " + Describe(a) + " or be one row of it; out " +
                    Describe(out) + " the shape of a");
      return false;
    }
    return true;
  }

  static bool Overlap(const Tensor& a, const Tensor& b) {
    const auto* a0 = static_cast<const uint8_t*>(a.data);
    const auto* b0 = static_cast<const uint8_t*>(b.data);
    return a0 < b0 + b.nbytes() && b0 < a0 + a.nbytes();
  }

  // The values of a small float tensor (norm weights, biases) as F32.
  static const float* AsF32(const Tensor& t, std::vector<float>& scratch) {
    if (t.type == DType::F32) return static_cast<const float*>(t.data);
    scratch.resize(static_cast<size_t>(t.elements()));
    DequantizeRow(t.type, t.data, scratch.data(), t.elements());
    return scratch.data();
  }

  ThreadPool pool_;
  const cpu::CpuKernels& kernels_;
  Status status_;
  std::unordered_map<void*, size_t> owned_;  // Alloc'd blocks -> bytes
  std::deque<std::string> weight_names_;     // names of uploaded weights (Tensor::name points here)
  int64_t allocated_ = 0;
  std::vector<uint8_t> act_scratch_;   // [n][K] activations quantised for MatMul
  std::vector<float> weight_scratch_;  // norm weights converted to F32
  std::vector<float> bias_scratch_;    // biases converted to F32
};

int ThreadsFromEnvironment() {
  if (const char* env = std::getenv("ENCLAVE_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace

Expected<std::unique_ptr<Backend>> CreateCpuBackend(const CpuBackendOptions& options) {
  if (options.n_threads < 0) return InvalidArgument("the number of threads must be positive (0: all cores)");
  const int threads = options.n_threads > 0 ? options.n_threads : ThreadsFromEnvironment();
  const cpu::CpuKernels& kernels = options.force_scalar ? cpu::ScalarKernels() : cpu::BestKernels();
  return std::unique_ptr<Backend>(std::make_unique<CpuBackend>(threads, kernels));
}

Expected<std::unique_ptr<Backend>> CreateCpuBackend(int n_threads) {
  CpuBackendOptions options;
  options.n_threads = n_threads;
  return CreateCpuBackend(options);
}

std::string CpuDescription() {
  std::ifstream in("/proc/cpuinfo");
  std::string line, model = "CPU";
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      if (colon != std::string::npos) model = line.substr(line.find_first_not_of(' ', colon + 1));
      break;
    }
  }
  return model + " (" + std::to_string(ThreadsFromEnvironment()) + " threads, " + cpu::BestKernels().name + ")";
}

int64_t HostMemoryBytes() { return MemInfoBytes("MemTotal"); }

}  // namespace enclave
