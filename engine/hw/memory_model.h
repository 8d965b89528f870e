// The engine's memory and speed model: every constant the estimator uses that is not a
// property of the model or the GPU, in one place, so a calibration run (estimate vs measured
// VRAM and tok/s on a real GPU, docs/ESTIMATOR.md) changes numbers here and nowhere else.
//
// Compute/scratch buffers the engine allocates per device (all f32, sized for the largest
// step, allocated once at load):
//   activations   = n_batch * (3 * hidden + q_dim + 2 * kv_dim) * 4
//                   x, residual, attention output (hidden each); q (heads * qk_head_dim);
//                   k and v of the batch (GQA: kv_heads * head_dim; MLA: heads * qk_head_dim and
//                   heads * v_head_dim after decompression of the batch's own rows)
//   mlp           = n_batch * 2 * mlp_width * 4          gate and up outputs
//                   mlp_width = ffn (dense) or max(ffn, experts_per_tok * moe_intermediate
//                   + n_shared * moe_intermediate) (MoE)
//   router        = n_batch * n_routed_experts * 4      (MoE only)
//   scores        = n_batch * heads * ctx * 4           attention probabilities of one layer
//                   (not materialised when flash_attention is true: then
//                   n_batch * heads * flash_tile * 4)
//   logits        = n_batch * vocab * 4                 (only on the device holding output)
//   dequant       = largest quantised 2-D weight slice * 2   f16 copy of one matrix for a
//                   cuBLAS GEMM in prefill (0 when weights are f16/bf16/f32; token_embd excluded)
// KV cache (per sequence, per layer on that device, kv bytes per element of kv type):
//   GQA: 2 * kv_heads * head_dim * ctx                   (K and V)
//   MLA: (kv_lora_rank + qk_rope_head_dim) * ctx        (compressed latent + rotary key)
#pragma once

#include <cstdint>

namespace enclave::hw {

constexpr uint64_t kMiB = 1024ull * 1024ull;
constexpr uint64_t kGiB = 1024ull * kMiB;

struct EngineMemoryModel {
  // Tokens per prefill step: the batch dimension of every scratch buffer above.
  int64_t n_batch = 512;
  // Attention computed tile by tile (no n_batch x ctx score matrix).
  bool flash_attention = false;
  int64_t flash_tile = 256;
  // CUDA context + cuBLAS handle/workspace + kernel images, per GPU. Measured on the H100
  // (driver 580, CUDA 13): 526 MiB after context creation, 594 MiB after cublasCreate and an
  // f32 and an f16 GEMM (cudaMemGetInfo). The engine's own kernel images come on top.
  uint64_t cuda_overhead_bytes = 600 * kMiB;
  // Host memory the process needs besides weights/KV/scratch (tokenizer, code, allocator).
  uint64_t host_overhead_bytes = 256 * kMiB;
  // Share of each GPU's VRAM kept free (display, fragmentation, other processes).
  double vram_headroom_fraction = 0.05;
  // Share of host RAM left to the OS and other programs.
  double host_headroom_fraction = 0.10;
  // The engine keeps token_embd on the first GPU (not in host RAM as llama.cpp does) when all
  // layers are offloaded.
  bool token_embd_on_gpu = true;

  // Achieved share of the roofline (1.0 = the GPU's datasheet bandwidth / TFLOP/s). Defaults
  // until this engine is measured (enclave-cli bench vs estimate).
  double decode_bandwidth_efficiency = 0.80;
  double prefill_flops_efficiency = 0.50;
  // The CPU path (layers not offloaded, or no GPU).
  double host_bandwidth_gbs = 50.0;         // DDR4/DDR5 dual channel is 40-90 GB/s
  double host_tflops = 1.0;                 // AVX2 f32 over a few cores
  double host_bandwidth_efficiency = 0.60;
  double host_flops_efficiency = 0.50;
  // Decode speed is quoted at this many tokens already in the cache (bench: -p 512).
  int64_t decode_reference_tokens = 512;
};

// The model used unless the caller passes another (e.g. after calibration).
inline const EngineMemoryModel& DefaultMemoryModel() {
  static const EngineMemoryModel kDefault;
  return kDefault;
}

}  // namespace enclave::hw
