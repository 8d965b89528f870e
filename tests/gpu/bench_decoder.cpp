// A Qwen2-architecture decoder with random weights of a real model's shapes, run through the
// Backend interface exactly as a forward pass does, to measure prefill (pp) and decode (tg)
// like llama-bench: pp = one batch of P prompt tokens; tg = N tokens generated one at a time
// after the prompt, each step uploading its token id and downloading the argmax (a real
// generation loop), decode steps replayed from a CUDA graph.
//
//   bench_decoder --preset 7b|1.5b --type q4_k_m|q8_0|f16|bf16|q4_0 [-p 512] [-n 128] [-r 3]
//                 [--copy-gb-s X]    (bandwidth for the roofline column, from bench_roofline)
// Prints one JSON line per run.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "backend/backend.h"
#include "core/quant_blocks.h"

using namespace enclave;

namespace {

struct Preset {
  const char* name;
  int64_t d_model, n_layers, n_heads, n_kv_heads, ffn, vocab;
};
constexpr Preset k7B{"deepseek-r1-distill-qwen-7b", 3584, 28, 28, 4, 18944, 152064};
constexpr Preset k1_5B{"deepseek-r1-distill-qwen-1.5b", 1536, 28, 12, 2, 8960, 151936};
constexpr int kHeadDim = 128;

// ---- random weights in GGUF layout, with sane scales (never all zeros) -------------------------

uint64_t Mix(uint64_t x) {
  x ^= x >> 33, x *= 0xff51afd7ed558ccdULL, x ^= x >> 33, x *= 0xc4ceb9fe1a85ec53ULL, x ^= x >> 33;
  return x;
}

void FillRandom(uint8_t* p, size_t n, uint64_t seed) {
  uint64_t s = Mix(seed + 1);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    std::memcpy(p + i, &s, 8);
  }
  for (; i < n; ++i) p[i] = static_cast<uint8_t>(Mix(seed + i));
}

void SetHalf(uint8_t* p, uint16_t h) { std::memcpy(p, &h, 2); }

// Rows [r0, r1) of a [m][k] weight of `type`.
void RandomRows(DType type, int64_t k, int64_t r0, int64_t r1, uint8_t* out, uint64_t seed) {
  const size_t rb = RowBytes(type, k);
  for (int64_t r = r0; r < r1; ++r) {
    uint8_t* row = out + (r - r0) * rb;
    FillRandom(row, rb, seed * 1000003 + r);
    switch (type) {
      case DType::F16:
        for (int64_t i = 0; i < k; ++i) {
          uint16_t h;
          std::memcpy(&h, row + 2 * i, 2);
          SetHalf(row + 2 * i, static_cast<uint16_t>((h & 0x83ff) | 0x2000));  // |x| in [2^-7, 2^-6)
        }
        break;
      case DType::BF16:
        for (int64_t i = 0; i < k; ++i) {
          uint16_t h;
          std::memcpy(&h, row + 2 * i, 2);
          SetHalf(row + 2 * i, static_cast<uint16_t>((h & 0x807f) | 0x3c00));
        }
        break;
      case DType::Q8_0:
        for (int64_t b = 0; b < k / 32; ++b) SetHalf(row + b * 34, 0x1800);  // d = 2^-9
        break;
      case DType::Q4_0:
        for (int64_t b = 0; b < k / 32; ++b) SetHalf(row + b * 18, 0x1c00);
        break;
      case DType::Q4_K:
        for (int64_t b = 0; b < k / 256; ++b) SetHalf(row + b * 144, 0x1400), SetHalf(row + b * 144 + 2, 0x1000);
        break;
      case DType::Q6_K:
        for (int64_t b = 0; b < k / 256; ++b) SetHalf(row + b * 210 + 208, 0x1000);
        break;
      default:  // F32
        for (int64_t i = 0; i < k; ++i) {
          const float f = static_cast<float>(static_cast<int>(Mix(seed + i + r * k) % 2001) - 1000) * 1e-5f + 1.f;
          std::memcpy(row + 4 * i, &f, 4);
        }
    }
  }
}

struct Loader {
  Backend& be;
  std::vector<uint8_t> host;
  int64_t weight_bytes = 0;   // read per token (everything but the embedding table)
  int64_t weight_params = 0;  // elements of the matrices a token multiplies with
  Status error;

  Tensor Make(DType type, int64_t k, int64_t m, uint64_t seed, bool read_per_token = true) {
    const size_t rb = RowBytes(type, k);
    host.resize(rb * m);
    const int threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        const int64_t r0 = m * t / threads, r1 = m * (t + 1) / threads;
        RandomRows(type, k, r0, r1, host.data() + r0 * rb, seed);
      });
    for (auto& th : pool) th.join();
    TensorView v;
    v.name = "w";
    v.type = type;
    v.ne = {k, m, 1, 1};
    v.n_dims = 2;
    v.data = host.data();
    v.nbytes = host.size();
    auto t = be.UploadWeight(v);
    if (!t.ok()) {
      if (error.ok()) error = t.status();
      return {};
    }
    if (read_per_token) weight_bytes += static_cast<int64_t>(host.size());
    if (read_per_token && m > 1) weight_params += k * m;
    return *t;
  }
};

struct Layer {
  Tensor attn_norm, wq, bq, wk, bk, wv, bv, wo, ffn_norm, gate, up, down;
};

// llama.cpp's Q4_K_M: Q6_K for attn_v and ffn_down on some layers and for the output.
bool MoreBits(int64_t i, int64_t n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

struct Decoder {
  Preset p;
  Tensor embd, out_norm, output, inv_freq;
  std::vector<Layer> layers;
  // per-sequence buffers: [rows][width]
  Tensor ids, pos, x, xb, xb2, q, k, v, att, hb, hb2, logits, next;
  std::vector<Tensor> kc, vc;
};

Status Build(Backend& be, const Preset& p, const std::string& type, int64_t ctx, int64_t max_batch, Decoder& d,
             int64_t& weight_bytes, int64_t& weight_params) {
  Loader L{be, {}, 0, 0, {}};
  DType base = DType::F16, more = DType::F16, out_t = DType::F16;
  if (type == "q4_k_m") base = DType::Q4_K, more = DType::Q6_K, out_t = DType::Q6_K;
  else if (type == "q8_0") base = more = out_t = DType::Q8_0;
  else if (type == "bf16") base = more = out_t = DType::BF16;
  else if (type == "q4_0") base = more = DType::Q4_0, out_t = DType::Q8_0;
  else if (type != "f16") return InvalidArgument("unknown --type " + type);
  d.p = p;
  const int64_t D = p.d_model, KV = p.n_kv_heads * kHeadDim;
  uint64_t seed = 1;
  d.embd = L.Make(base, D, p.vocab, seed++, false);
  for (int64_t i = 0; i < p.n_layers; ++i) {
    Layer l;
    const DType vt = (base == DType::Q4_K && MoreBits(i, p.n_layers)) ? more : base;
    l.attn_norm = L.Make(DType::F32, D, 1, seed++);
    l.wq = L.Make(base, D, D, seed++);
    l.bq = L.Make(DType::F32, D, 1, seed++);
    l.wk = L.Make(base, D, KV, seed++);
    l.bk = L.Make(DType::F32, KV, 1, seed++);
    l.wv = L.Make(vt, D, KV, seed++);
    l.bv = L.Make(DType::F32, KV, 1, seed++);
    l.wo = L.Make(base, D, D, seed++);
    l.ffn_norm = L.Make(DType::F32, D, 1, seed++);
    l.gate = L.Make(base, D, p.ffn, seed++);
    l.up = L.Make(base, D, p.ffn, seed++);
    l.down = L.Make(vt, p.ffn, D, seed++);
    d.layers.push_back(l);
  }
  d.out_norm = L.Make(DType::F32, D, 1, seed++);
  d.output = L.Make(out_t, D, p.vocab, seed++);
  ENCLAVE_RETURN_IF_ERROR(L.error);
  weight_bytes = L.weight_bytes;
  weight_params = L.weight_params;

  auto alloc = [&](DType t, int64_t w, int64_t rows, const char* name, Tensor& dst) -> Status {
    auto r = be.Alloc(t, {w, rows, 1, 1}, name);
    if (!r.ok()) return r.status();
    dst = *r;
    return Status::Ok();
  };
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, kHeadDim / 2, 1, "inv_freq", d.inv_freq));
  std::vector<float> inv(kHeadDim / 2);
  for (int i = 0; i < kHeadDim / 2; ++i) inv[i] = std::pow(1e6f, -2.f * i / kHeadDim);
  ENCLAVE_RETURN_IF_ERROR(be.Upload(d.inv_freq, inv.data(), inv.size() * 4));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::I32, max_batch, 1, "ids", d.ids));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::I32, max_batch, 1, "pos", d.pos));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, D, max_batch, "x", d.x));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, D, max_batch, "xb", d.xb));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, D, max_batch, "xb2", d.xb2));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, D, max_batch, "q", d.q));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, KV, max_batch, "k", d.k));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, KV, max_batch, "v", d.v));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, D, max_batch, "att", d.att));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, p.ffn, max_batch, "hb", d.hb));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, p.ffn, max_batch, "hb2", d.hb2));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::F32, p.vocab, 1, "logits", d.logits));
  ENCLAVE_RETURN_IF_ERROR(alloc(DType::I32, 1, 1, "next", d.next));
  for (int64_t i = 0; i < p.n_layers; ++i) {
    Tensor kt, vt;
    ENCLAVE_RETURN_IF_ERROR(alloc(DType::F16, KV, ctx, "k_cache", kt));
    ENCLAVE_RETURN_IF_ERROR(alloc(DType::F16, KV, ctx, "v_cache", vt));
    d.kc.push_back(kt);
    d.vc.push_back(vt);
  }
  return be.status();
}

void Forward(Backend& be, Decoder& d, int64_t n) {
  const Preset& p = d.p;
  Tensor x = d.x.Rows(0, n), xb = d.xb.Rows(0, n), xb2 = d.xb2.Rows(0, n), q = d.q.Rows(0, n),
         k = d.k.Rows(0, n), v = d.v.Rows(0, n), att = d.att.Rows(0, n), hb = d.hb.Rows(0, n),
         hb2 = d.hb2.Rows(0, n), ids = d.ids.Rows(0, 1).Reshaped({n, 1, 1, 1}),
         pos = d.pos.Rows(0, 1).Reshaped({n, 1, 1, 1});
  AttentionParams ap;
  ap.n_heads = static_cast<int>(p.n_heads);
  ap.n_kv_heads = static_cast<int>(p.n_kv_heads);
  ap.head_dim = ap.v_head_dim = kHeadDim;
  ap.scale = 1.f / std::sqrt(static_cast<float>(kHeadDim));
  be.Embed(x, d.embd, ids);
  for (size_t i = 0; i < d.layers.size(); ++i) {
    Layer& l = d.layers[i];
    be.RmsNorm(xb, x, l.attn_norm, 1e-6f);
    be.MatMul(q, l.wq, xb, &l.bq);
    be.MatMul(k, l.wk, xb, &l.bk);
    be.MatMul(v, l.wv, xb, &l.bv);
    be.Rope(q, kHeadDim, kHeadDim, pos, d.inv_freq, RopeStyle::kNeox, 1.f);
    be.Rope(k, kHeadDim, kHeadDim, pos, d.inv_freq, RopeStyle::kNeox, 1.f);
    be.StoreKV(d.kc[i], k, pos);
    be.StoreKV(d.vc[i], v, pos);
    be.Attention(att, q, d.kc[i], d.vc[i], pos, ap);
    be.MatMul(xb2, l.wo, att);
    be.Add(x, x, xb2);
    be.RmsNorm(xb, x, l.ffn_norm, 1e-6f);
    be.MatMul(hb, l.gate, xb);
    be.MatMul(hb2, l.up, xb);
    be.SwiGlu(hb, hb, hb2);
    be.MatMul(xb2, l.down, hb);
    be.Add(x, x, xb2);
  }
  Tensor last = x.Rows(n - 1, 1), last_b = xb.Rows(0, 1);
  be.RmsNorm(last_b, last, d.out_norm, 1e-6f);
  be.MatMul(d.logits, d.output, last_b);
  be.ArgMax(d.next, d.logits);
}

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void MeanSd(const std::vector<double>& v, double& mean, double& sd) {
  mean = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  sd = 0;
  for (double x : v) sd += (x - mean) * (x - mean);
  sd = v.size() > 1 ? std::sqrt(sd / (v.size() - 1)) : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string preset = "7b", type = "q4_k_m";
  int64_t pp = 512, tg = 128, reps = 3;
  double copy_gb_s = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--preset") preset = v;
    else if (a == "--type") type = v;
    else if (a == "-p") pp = std::stoll(v);
    else if (a == "-n") tg = std::stoll(v);
    else if (a == "-r") reps = std::stoll(v);
    else if (a == "--copy-gb-s") copy_gb_s = std::stod(v);
  }
  const Preset& p = preset == "1.5b" ? k1_5B : k7B;
  auto be_or = CreateBackend({.device = "cuda"});
  if (!be_or.ok()) {
    std::printf("SKIP: %s\n", be_or.status().message().c_str());
    return 77;
  }
  Backend& be = **be_or;
  Decoder d;
  int64_t weight_bytes = 0, weight_params = 0;
  const int64_t ctx = pp + tg + 16;
  const double t_load = Now();
  Status st = Build(be, p, type, ctx, std::max<int64_t>(pp, 1), d, weight_bytes, weight_params);
  if (!st.ok()) {
    std::printf("{\"error\":\"%s\"}\n", st.message().c_str());
    return ExitCodeFor(st);
  }
  st = be.Synchronize();
  const double load_s = Now() - t_load;

  std::vector<int32_t> ids(pp), pos(pp);
  for (int64_t i = 0; i < pp; ++i) ids[i] = static_cast<int32_t>(Mix(i) % p.vocab), pos[i] = static_cast<int32_t>(i);
  std::vector<double> pp_rates, tg_rates;
  for (int64_t r = 0; r < reps + 1 && st.ok(); ++r) {  // the first repetition warms up
    // Prefill: one batch of pp tokens from position 0.
    st = be.Upload(d.ids, ids.data(), pp * 4);
    if (st.ok()) st = be.Upload(d.pos, pos.data(), pp * 4);
    if (st.ok()) st = be.Synchronize();
    const double t0 = Now();
    Forward(be, d, pp);
    if (st.ok()) st = be.Synchronize();
    const double t1 = Now();
    // Decode: tg tokens one at a time after the prompt, as a generation loop does.
    int32_t tok = 0;
    if (st.ok()) st = be.Download(d.next, &tok, 4);
    const double t2 = Now();
    for (int64_t i = 0; i < tg && st.ok(); ++i) {
      const int32_t position = static_cast<int32_t>(pp + i);
      st = be.Upload(d.ids, &tok, 4);
      if (st.ok()) st = be.Upload(d.pos, &position, 4);
      be.BeginStep(1);
      Forward(be, d, 1);
      be.EndStep();
      if (st.ok()) st = be.Download(d.next, &tok, 4);
    }
    const double t3 = Now();
    if (r > 0) {
      pp_rates.push_back(pp / (t1 - t0));
      tg_rates.push_back(tg / (t3 - t2));
    }
  }
  if (!st.ok() || !be.status().ok()) {
    std::printf("{\"error\":\"%s\"}\n", (st.ok() ? be.status() : st).message().c_str());
    return 1;
  }
  double pp_mean, pp_sd, tg_mean, tg_sd;
  MeanSd(pp_rates, pp_mean, pp_sd);
  MeanSd(tg_rates, tg_mean, tg_sd);
  // Bytes a decode step must read: every weight but the embedding table, plus the K and V rows
  // of all earlier positions (f16), at the mean position of the tg run.
  const double kv_bytes = 2.0 * p.n_layers * (pp + tg / 2.0) * p.n_kv_heads * kHeadDim * 2;
  const double bytes_per_token = static_cast<double>(weight_bytes) + kv_bytes;
  // Prefill arithmetic: 2 flops per weight per token, plus causal attention (QK and PV).
  const double attn_flops = 2.0 * 2.0 * p.n_layers * p.n_heads * kHeadDim * (pp * (pp + 1) / 2.0);
  const double pp_tflops = (2.0 * static_cast<double>(weight_params) * pp + attn_flops) * pp_mean / pp / 1e12;
  const BackendMemory mem = be.Memory();
  std::printf(
      "{\"model\":\"%s\",\"type\":\"%s\",\"pp\":%lld,\"tg\":%lld,\"reps\":%lld,\"pp_tok_s\":%.1f,\"pp_sd\":%.1f,"
      "\"tg_tok_s\":%.1f,\"tg_sd\":%.1f,\"bytes_per_token\":%.0f,\"roofline_tok_s\":%.1f,\"roofline_pct\":%.1f,"
      "\"pp_tflops\":%.1f,\"vram_gib\":%.2f,\"load_s\":%.1f}\n",
      p.name, type.c_str(), static_cast<long long>(pp), static_cast<long long>(tg), static_cast<long long>(reps),
      pp_mean, pp_sd, tg_mean, tg_sd, bytes_per_token, copy_gb_s > 0 ? copy_gb_s * 1e9 / bytes_per_token : 0.0,
      copy_gb_s > 0 ? 100.0 * tg_mean / (copy_gb_s * 1e9 / bytes_per_token) : 0.0,
      pp_tflops, mem.allocated_by_backend / (1024.0 * 1024 * 1024), load_s);
  return 0;
}
