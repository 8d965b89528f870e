// CUDA backend ops: argument checks, then one or two kernel launches each (kernels/kernels.h).
#include <algorithm>
#include <string>

#include "backend/cuda/cuda_backend_impl.h"
#include "backend/cuda/cuda_check.h"
#include "kernels.h"

namespace enclave::cuda {
namespace {

// Up to this many tokens a matrix product reads the weights through the matvec kernels (each
// weight byte once per 4 tokens); beyond it, dequantised tiles go through cuBLAS.
constexpr int64_t kMatVecMaxTokens = 8;
constexpr size_t kWeightTileBytes = 160ull << 20;

Status ShapeError(const char* op, const std::string& what) {
  return InvalidArgument(std::string(op) + ": " + what);
}

std::string Dims(const Tensor& t) {
  return std::string(t.name) + " {" + std::to_string(t.ne[0]) + ", " + std::to_string(t.ne[1]) + ", " +
         std::to_string(t.ne[2]) + ", " + std::to_string(t.ne[3]) + "} " + std::string(Name(t.type));
}

const float* F(const Tensor& t) { return static_cast<const float*>(t.data); }
float* F(Tensor& t) { return static_cast<float*>(t.data); }
const int32_t* I(const Tensor& t) { return static_cast<const int32_t*>(t.data); }

}  // namespace

void CudaBackend::Embed(Tensor& out, const Tensor& table, const Tensor& ids) {
  if (!Runs()) return;
  const int64_t n = out.rows();
  if (out.type != DType::F32 || out.ne[0] != table.ne[0] || ids.type != DType::I32 || ids.elements() < n)
    return Fail(ShapeError("Embed", Dims(out) + " from " + Dims(table) + " with ids " + Dims(ids)));
  if (!kernels::IsMatrixType(table.type))
    return Fail(Unsupported(std::string("Embed: table type ") + std::string(Name(table.type))));
  kernels::Embed(table.type, table.data, table.ne[0], table.rows(), I(ids), n, F(out), stream_);
  CheckLaunch("Embed");
}

void CudaBackend::MatMul(Tensor& out, const Tensor& w, const Tensor& x, const Tensor* bias) {
  if (!Runs()) return;
  const int64_t k = w.ne[0], m = w.rows(), n = x.rows();
  if (x.type != DType::F32 || out.type != DType::F32 || x.ne[0] != k || out.ne[0] != m || out.rows() < n ||
      (bias && (bias->type != DType::F32 || bias->elements() != m)))
    return Fail(ShapeError("MatMul", Dims(out) + " = " + Dims(w) + " x " + Dims(x)));
  if (!kernels::IsMatrixType(w.type))
    return Fail(Unsupported(std::string("MatMul: weight type ") + std::string(Name(w.type))));
  if (n <= kMatVecMaxTokens && kernels::MatVecQ8Supports(w.type, w.data, k)) {
    // int8 activations, shared by consecutive MatMuls of the same input (q/k/v, gate/up) and
    // written directly by a preceding RmsNorm or SwiGlu.
    auto buf = Q8Buffer(n, k);
    if (!buf.ok()) return Fail(buf.status());
    int8_t* xq = *buf;
    const size_t q_bytes = (static_cast<size_t>(n * k) + 15) / 16 * 16;
    const bool reuse = q8_op_ + 1 == op_count_ && q8_x_ == x.data && q8_n_ == n && q8_k_ == k && q8_buf_ == xq;
    if (!reuse) kernels::QuantizeActivations(F(x), n * k, xq, xq + q_bytes, stream_);
    kernels::MatVecQ8(w.type, w.data, k, m, xq, xq + q_bytes, static_cast<int>(n), bias ? F(*bias) : nullptr,
                      F(out), stream_);
    const bool out_overlaps_x = out.data < static_cast<const uint8_t*>(x.data) + x.nbytes() &&
                                x.data < static_cast<const uint8_t*>(out.data) + out.nbytes();
    NoteQ8(out_overlaps_x ? nullptr : x.data, n, k, xq);
    CheckLaunch("MatMul");
    return;
  }
  if (n <= kMatVecMaxTokens) {
    kernels::MatVec(w.type, w.data, k, m, F(x), static_cast<int>(n), bias ? F(*bias) : nullptr, F(out), stream_);
    CheckLaunch("MatMul");
    return;
  }
  Fail(MatMulGemm(out, w, x, bias));
}

Status CudaBackend::MatMulGemm(Tensor& out, const Tensor& w, const Tensor& x, const Tensor* bias) {
  const int k = static_cast<int>(w.ne[0]), m = static_cast<int>(w.rows()), n = static_cast<int>(x.rows());
  const float one = 1.f, zero = 0.f;
  if (w.type == DType::F32) {
    CUBLAS_RETURN_IF_ERROR(cublasSgemm(cublas_, CUBLAS_OP_T, CUBLAS_OP_N, m, n, k, &one, F(w), k, F(x), k, &zero,
                                       F(out), m));
  } else {
    const bool bf16 = w.type == DType::BF16;
    const cudaDataType_t ht = bf16 ? CUDA_R_16BF : CUDA_R_16F;
    ENCLAVE_ASSIGN_OR_RETURN(void* xh, Scratch(xhalf_, xhalf_bytes_, static_cast<size_t>(n) * k * 2, "activations"));
    kernels::ConvertF32ToHalf(F(x), xh, static_cast<int64_t>(n) * k, bf16, stream_);
    CUDA_RETURN_IF_ERROR(cudaGetLastError());
    if (w.type == DType::F16 || w.type == DType::BF16) {
      CUBLAS_RETURN_IF_ERROR(cublasGemmEx(cublas_, CUBLAS_OP_T, CUBLAS_OP_N, m, n, k, &one, w.data, ht, k, xh, ht, k,
                                          &zero, F(out), CUDA_R_32F, m, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
    } else {
      const size_t row_half_bytes = static_cast<size_t>(k) * 2;
      const int rows_per_tile = static_cast<int>(std::clamp<size_t>(kWeightTileBytes / row_half_bytes, 1, m));
      ENCLAVE_ASSIGN_OR_RETURN(void* tile,
                               Scratch(wtile_, wtile_bytes_, rows_per_tile * row_half_bytes, "weight tiles"));
      for (int r0 = 0; r0 < m; r0 += rows_per_tile) {
        const int rows = std::min(rows_per_tile, m - r0);
        kernels::DequantizeRows(w.type, w.data, k, r0, rows, tile, false, stream_);
        CUDA_RETURN_IF_ERROR(cudaGetLastError());
        CUBLAS_RETURN_IF_ERROR(cublasGemmEx(cublas_, CUBLAS_OP_T, CUBLAS_OP_N, rows, n, k, &one, tile, ht, k, xh, ht,
                                            k, &zero, F(out) + r0, CUDA_R_32F, m, CUBLAS_COMPUTE_32F,
                                            CUBLAS_GEMM_DEFAULT));
      }
    }
  }
  if (bias) kernels::AddBiasRows(F(out), F(*bias), m, n, stream_);
  return CudaStatus(cudaGetLastError(), "MatMul");
}

void CudaBackend::RmsNorm(Tensor& out, const Tensor& x, const Tensor& w, float eps) {
  if (!Runs(/*keeps_pending=*/true)) return;
  const int64_t width = w.ne[0];
  if (x.type != DType::F32 || w.type != DType::F32 || width <= 0 || x.ne[0] % width != 0 ||
      out.elements() < x.elements()) {
    FlushPending();
    return Fail(ShapeError("RmsNorm", Dims(out) + " from " + Dims(x) + " with " + Dims(w)));
  }
  const int64_t rows = x.elements() / width;
  const bool whole_rows = width == x.ne[0] && kernels::AddRmsNormSupports(F(x), F(w), F(out), width);
  const bool fuse_add = whole_rows && pending_add_.active && pending_add_.out.data == x.data &&
                        pending_add_.out.elements() == x.elements();
  if (!fuse_add) FlushPending();
  if (!whole_rows) {
    kernels::RmsNorm(F(x), F(w), F(out), rows, width, eps, stream_);
    CheckLaunch("RmsNorm");
    return;
  }
  // x += pending residual; out = norm(x); int8 copy of out when a matvec is likely next.
  int8_t* xq = nullptr;
  if (rows <= kMatVecMaxTokens) {
    auto buf = Q8Buffer(rows, width);
    if (!buf.ok()) return Fail(buf.status());
    xq = *buf;
  }
  const size_t q_bytes = (static_cast<size_t>(rows * width) + 15) / 16 * 16;
  float* xs = const_cast<float*>(F(x));
  kernels::AddRmsNorm(xs, fuse_add ? F(pending_add_.b) : nullptr, F(w), F(out), rows, width, eps, xq,
                      xq ? xq + q_bytes : nullptr, stream_);
  pending_add_.active = false;
  if (xq) NoteQ8(out.data, rows, width, xq);
  CheckLaunch("RmsNorm");
}

void CudaBackend::LayerNorm(Tensor& out, const Tensor& x, const Tensor& w, const Tensor& b, float eps) {
  if (!Runs()) return;
  const int64_t width = x.ne[0];
  if (x.type != DType::F32 || w.type != DType::F32 || b.type != DType::F32 || w.elements() != width ||
      b.elements() != width || out.elements() < x.elements())
    return Fail(ShapeError("LayerNorm", Dims(out) + " from " + Dims(x)));
  kernels::LayerNorm(F(x), F(w), F(b), F(out), x.rows(), width, eps, stream_);
  CheckLaunch("LayerNorm");
}

void CudaBackend::Rope(Tensor& x, int head_dim, int n_rot, const Tensor& positions, const Tensor& inv_freq,
                       RopeStyle style, float mscale) {
  if (!Runs(/*keeps_pending=*/true)) return;
  const int64_t n = x.rows();
  if (x.type != DType::F32 || head_dim <= 0 || x.ne[0] % head_dim != 0 || n_rot > head_dim || n_rot % 2 != 0 ||
      positions.type != DType::I32 || positions.elements() < n || inv_freq.elements() < n_rot / 2) {
    FlushPending();
    return Fail(ShapeError("Rope", Dims(x) + " head_dim " + std::to_string(head_dim) + " n_rot " +
                                       std::to_string(n_rot)));
  }
  const PendingRope op{true, x, positions, inv_freq, head_dim, n_rot, style, mscale};
  const PendingRope& p = pending_rope_;
  const bool pair = p.active && p.positions.data == positions.data && p.inv_freq.data == inv_freq.data &&
                    p.head_dim == head_dim && p.n_rot == n_rot && p.style == style && p.mscale == mscale &&
                    p.x.rows() == n && p.x.data != x.data;
  if (pair) {
    LaunchRope(p, &op);
    pending_rope_.active = false;
    return;
  }
  FlushPending();
  pending_rope_ = op;  // q waits for k
}

void CudaBackend::LaunchRope(const PendingRope& a, const PendingRope* b) {
  kernels::Rope(static_cast<float*>(a.x.data), a.x.rows(), a.x.ne[0] / a.head_dim, a.head_dim, a.n_rot, I(a.positions),
                F(a.inv_freq), a.style == RopeStyle::kInterleaved, a.mscale, stream_,
                b ? static_cast<float*>(b->x.data) : nullptr, b ? b->x.ne[0] / b->head_dim : 0);
  CheckLaunch("Rope");
}

void CudaBackend::StoreKV(Tensor& cache, const Tensor& src, const Tensor& positions) {
  if (!Runs(/*keeps_pending=*/true)) return;
  const int64_t n = src.rows();
  if ((cache.type != DType::F32 && cache.type != DType::F16) || src.type != DType::F32 ||
      src.ne[0] != cache.ne[0] || positions.type != DType::I32 || positions.elements() < n) {
    FlushPending();
    return Fail(ShapeError("StoreKV", Dims(cache) + " <- " + Dims(src)));
  }
  const PendingStore op{true, cache, src, positions};
  const PendingStore& p = pending_store_;
  const bool pair = p.active && p.positions.data == positions.data && p.cache.type == cache.type &&
                    p.cache.rows() == cache.rows() && p.src.rows() == n && p.cache.data != cache.data;
  if (pair) {
    LaunchStore(p, &op);
    pending_store_.active = false;
    return;
  }
  FlushPending();
  pending_store_ = op;  // k waits for v
}

void CudaBackend::LaunchStore(const PendingStore& a, const PendingStore* b) {
  kernels::StoreKV(a.cache.data, a.cache.type == DType::F16, F(a.src), I(a.positions), a.src.rows(), a.src.ne[0],
                   a.cache.rows(), stream_, b ? b->cache.data : nullptr, b ? F(b->src) : nullptr,
                   b ? b->src.ne[0] : 0);
  CheckLaunch("StoreKV");
}

void CudaBackend::Attention(Tensor& out, const Tensor& q, const Tensor& k_cache, const Tensor& v_cache,
                            const Tensor& positions, const AttentionParams& p) {
  if (!Runs()) return;
  kernels::AttentionShape s;
  s.n_tokens = static_cast<int>(q.rows());
  s.n_heads = p.n_heads;
  s.n_kv_heads = p.n_kv_heads;
  s.head_dim = p.head_dim;
  s.v_head_dim = p.v_head_dim > 0 ? p.v_head_dim : p.head_dim;
  s.ctx = static_cast<int>(k_cache.rows());
  s.scale = p.scale;
  s.window = p.window;
  s.softcap = p.softcap;
  s.cache_is_half = k_cache.type == DType::F16;
  if (q.type != DType::F32 || out.type != DType::F32 || k_cache.type != v_cache.type ||
      (k_cache.type != DType::F16 && k_cache.type != DType::F32) || !kernels::AttentionSupports(s) ||
      q.ne[0] != static_cast<int64_t>(s.n_heads) * s.head_dim ||
      k_cache.ne[0] != static_cast<int64_t>(s.n_kv_heads) * s.head_dim ||
      v_cache.ne[0] != static_cast<int64_t>(s.n_kv_heads) * s.v_head_dim || v_cache.rows() < s.ctx ||
      out.ne[0] != static_cast<int64_t>(s.n_heads) * s.v_head_dim || out.rows() < s.n_tokens ||
      positions.type != DType::I32 || positions.elements() < s.n_tokens)
    return Fail(ShapeError("Attention", "q " + Dims(q) + ", k " + Dims(k_cache) + ", v " + Dims(v_cache) +
                                            ", heads " + std::to_string(p.n_heads) + "/" +
                                            std::to_string(p.n_kv_heads) + " of " + std::to_string(p.head_dim)));
  const int splits = kernels::AttentionSplits(s, sm_count_);
  float* scratch = nullptr;
  if (const size_t floats = kernels::AttentionScratchFloats(s, splits)) {
    auto buf = Scratch(attn_, attn_bytes_, floats * sizeof(float), "attention");
    if (!buf.ok()) return Fail(buf.status());
    scratch = static_cast<float*>(*buf);
  }
  kernels::Attention(s, F(q), k_cache.data, v_cache.data, I(positions), F(out), scratch, splits, stream_);
  CheckLaunch("Attention");
}

void CudaBackend::SwiGlu(Tensor& out, const Tensor& gate, const Tensor& up) {
  if (!Runs()) return;
  if (gate.elements() != up.elements() || out.elements() < gate.elements())
    return Fail(ShapeError("SwiGlu", Dims(out) + " from " + Dims(gate) + ", " + Dims(up)));
  const int64_t rows = gate.rows(), width = gate.ne[0];
  if (rows <= kMatVecMaxTokens && width % 32 == 0 && out.ne[0] == width) {
    // The down projection's int8 activations come out of the same kernel.
    auto buf = Q8Buffer(rows, width);
    if (!buf.ok()) return Fail(buf.status());
    const size_t q_bytes = (static_cast<size_t>(rows * width) + 15) / 16 * 16;
    kernels::SwiGluQ8(F(gate), F(up), F(out), gate.elements(), *buf, *buf + q_bytes, stream_);
    NoteQ8(out.data, rows, width, *buf);
  } else {
    kernels::SwiGlu(F(gate), F(up), F(out), gate.elements(), stream_);
  }
  CheckLaunch("SwiGlu");
}

void CudaBackend::GeGlu(Tensor& out, const Tensor& gate, const Tensor& up) {
  if (!Runs()) return;
  if (gate.elements() != up.elements() || out.elements() < gate.elements())
    return Fail(ShapeError("GeGlu", Dims(out) + " from " + Dims(gate) + ", " + Dims(up)));
  kernels::GeGlu(F(gate), F(up), F(out), gate.elements(), stream_);
  CheckLaunch("GeGlu");
}

void CudaBackend::Gelu(Tensor& x) {
  if (!Runs()) return;
  kernels::Gelu(F(x), x.elements(), stream_);
  CheckLaunch("Gelu");
}

void CudaBackend::Add(Tensor& out, const Tensor& a, const Tensor& b) {
  if (!Runs()) return;
  if (a.elements() != b.elements() || out.elements() < a.elements())
    return Fail(ShapeError("Add", Dims(out) + " = " + Dims(a) + " + " + Dims(b)));
  if (out.data == a.data && out.type == DType::F32 && a.type == DType::F32 && b.type == DType::F32) {
    pending_add_ = {true, out.Reshaped(a.ne), a, b};  // the residual: fused into the next RmsNorm if it reads out
    return;
  }
  kernels::Add(F(a), F(b), F(out), a.elements(), stream_);
  CheckLaunch("Add");
}

void CudaBackend::FlushPending() {
  const bool ok = status_.ok();
  if (pending_add_.active) {
    pending_add_.active = false;
    if (ok) {
      kernels::Add(F(pending_add_.a), F(pending_add_.b), F(pending_add_.out), pending_add_.a.elements(), stream_);
      CheckLaunch("Add");
    }
  }
  if (pending_rope_.active) {
    pending_rope_.active = false;
    if (ok) LaunchRope(pending_rope_, nullptr);
  }
  if (pending_store_.active) {
    pending_store_.active = false;
    if (ok) LaunchStore(pending_store_, nullptr);
  }
}

Expected<int8_t*> CudaBackend::Q8Buffer(int64_t n, int64_t k) {
  const size_t q_bytes = (static_cast<size_t>(n * k) + 15) / 16 * 16;
  ENCLAVE_ASSIGN_OR_RETURN(void* buf, Scratch(xq8_, xq8_bytes_, q_bytes + static_cast<size_t>(n * (k / 32)) * 8,
                                              "int8 activations"));
  return static_cast<int8_t*>(buf);
}

void CudaBackend::Mul(Tensor& out, const Tensor& a, const Tensor& b) {
  if (!Runs()) return;
  if (b.elements() <= 0 || a.elements() % b.elements() != 0 || out.elements() < a.elements())
    return Fail(ShapeError("Mul", Dims(out) + " = " + Dims(a) + " * " + Dims(b)));
  kernels::Mul(F(a), F(b), F(out), a.elements(), b.elements(), stream_);
  CheckLaunch("Mul");
}

void CudaBackend::Scale(Tensor& x, float s) {
  if (!Runs()) return;
  kernels::Scale(F(x), s, x.elements(), stream_);
  CheckLaunch("Scale");
}

void CudaBackend::Copy(Tensor& dst, const Tensor& src) {
  if (!Runs()) return;
  if (dst.elements() != src.elements())
    return Fail(ShapeError("Copy", Dims(dst) + " <- " + Dims(src)));
  if (dst.type == src.type) {
    const cudaError_t err = cudaMemcpyAsync(dst.data, src.data, src.nbytes(), cudaMemcpyDeviceToDevice, stream_);
    if (err != cudaSuccess) Fail(CudaStatus(err, "Copy"));
    return;
  }
  if (src.type == DType::F32 && dst.type == DType::F16)
    kernels::F32ToF16(F(src), static_cast<uint16_t*>(dst.data), src.elements(), stream_);
  else if (src.type == DType::F16 && dst.type == DType::F32)
    kernels::F16ToF32(static_cast<const uint16_t*>(src.data), F(dst), src.elements(), stream_);
  else
    return Fail(Unsupported("Copy: " + Dims(src) + " to " + Dims(dst)));
  CheckLaunch("Copy");
}

void CudaBackend::ArgMax(Tensor& ids, const Tensor& logits) {
  if (!Runs()) return;
  const int64_t rows = std::min<int64_t>(logits.rows(), ids.elements());
  if (ids.type != DType::I32 || logits.type != DType::F32)
    return Fail(ShapeError("ArgMax", Dims(ids) + " of " + Dims(logits)));
  for (int64_t r = 0; r < rows; r += kArgMaxRows)
    kernels::ArgMax(F(logits) + r * logits.ne[0], std::min(kArgMaxRows, rows - r), logits.ne[0],
                    static_cast<int32_t*>(ids.data) + r, argmax_scratch_, stream_);
  CheckLaunch("ArgMax");
}

}  // namespace enclave::cuda
