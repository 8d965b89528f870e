#include "hw/quant_mix.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace enclave::hw {
namespace {

struct FileTypeEntry {
  FileType type;
  std::string_view name;
  DType base;  // the type of every tensor no rule singles out
};

constexpr std::array kFileTypes = {
    FileTypeEntry{FileType::kF32, "f32", DType::F32},
    FileTypeEntry{FileType::kF16, "f16", DType::F16},
    FileTypeEntry{FileType::kBF16, "bf16", DType::BF16},
    FileTypeEntry{FileType::kQ8_0, "q8_0", DType::Q8_0},
    FileTypeEntry{FileType::kQ4_0, "q4_0", DType::Q4_0},
    FileTypeEntry{FileType::kQ2_K, "q2_k", DType::Q2_K},
    FileTypeEntry{FileType::kQ3_K_M, "q3_k_m", DType::Q3_K},
    FileTypeEntry{FileType::kQ4_K_S, "q4_k_s", DType::Q4_K},
    FileTypeEntry{FileType::kQ4_K_M, "q4_k_m", DType::Q4_K},
    FileTypeEntry{FileType::kQ5_K_S, "q5_k_s", DType::Q5_K},
    FileTypeEntry{FileType::kQ5_K_M, "q5_k_m", DType::Q5_K},
    FileTypeEntry{FileType::kQ6_K, "q6_k", DType::Q6_K},
};

const FileTypeEntry& EntryOf(FileType t) {
  for (const FileTypeEntry& e : kFileTypes)
    if (e.type == t) return e;
  return kFileTypes[0];
}

bool Contains(std::string_view s, std::string_view part) { return s.find(part) != std::string_view::npos; }
bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// llama.cpp's use_more_bits: the first and last eighth of the layers, and every third between.
bool UseMoreBits(int64_t i_layer, int64_t n_layers) {
  return i_layer < n_layers / 8 || i_layer >= 7 * n_layers / 8 || (i_layer - n_layers / 8) % 3 == 2;
}

int64_t LayerOf(std::string_view name) {
  int layer = -1;
  if (std::sscanf(std::string(name).c_str(), "blk.%d.", &layer) != 1) return -1;
  return layer;
}

// What llama.cpp quantizes at all: 2-D and 3-D "*.weight" tensors except norms and the router.
bool IsQuantizable(std::string_view name, int n_dims) {
  return EndsWith(name, "weight") && n_dims >= 2 && !Contains(name, "_norm.weight") &&
         !Contains(name, "ffn_gate_inp.weight");
}

// The rule table: llama_tensor_get_type() restricted to the file types above.
DType ChooseType(FileType ft, DType type, std::string_view name, int64_t layer, const QuantContext& c) {
  const int64_t gqa = c.n_kv_heads > 0 ? c.n_heads / c.n_kv_heads : 1;
  const bool is_output = name == "output.weight" || (!c.has_output && name == "token_embd.weight");
  if (is_output) {
    return type == DType::Q8_0 ? DType::Q8_0 : DType::Q6_K;
  }
  if (name == "token_embd.weight") return type;
  if (Contains(name, "attn_v.weight")) {
    if (ft == FileType::kQ2_K) type = gqa >= 4 ? DType::Q4_K : DType::Q3_K;
    else if (ft == FileType::kQ3_K_M) type = layer < 2 ? DType::Q5_K : DType::Q4_K;
    else if ((ft == FileType::kQ4_K_M || ft == FileType::kQ5_K_M) && UseMoreBits(layer, c.n_layers))
      type = DType::Q6_K;
    else if (ft == FileType::kQ4_K_S && layer < 4) type = DType::Q5_K;
    if (c.is_70b_class && (type == DType::Q3_K || type == DType::Q4_K)) type = DType::Q5_K;
    if (c.n_experts == 8) type = DType::Q8_0;
    return type;
  }
  if (Contains(name, "attn_k.weight")) {
    if (c.n_experts == 8) type = DType::Q8_0;
    return type;
  }
  if (Contains(name, "ffn_down")) {
    const int64_t n = c.n_layers;
    if (ft == FileType::kQ2_K) type = DType::Q3_K;
    else if (ft == FileType::kQ3_K_M) type = layer < n / 16 ? DType::Q5_K : DType::Q4_K;
    else if (ft == FileType::kQ4_K_M) { if (UseMoreBits(layer, n)) type = DType::Q6_K; }
    else if (ft == FileType::kQ5_K_M && UseMoreBits(layer, n)) type = DType::Q6_K;
    else if (ft == FileType::kQ4_K_S && layer < n / 8) type = DType::Q5_K;
    return type;
  }
  if (Contains(name, "attn_output.weight")) {
    if (c.n_experts == 8) {
      if (ft == FileType::kQ2_K || ft == FileType::kQ3_K_M || ft == FileType::kQ4_K_S || ft == FileType::kQ4_K_M)
        type = DType::Q5_K;
    } else {
      if (ft == FileType::kQ2_K) type = DType::Q3_K;
      else if (ft == FileType::kQ3_K_M) type = DType::Q4_K;
    }
    return type;
  }
  if (Contains(name, "attn_qkv.weight")) {
    if (ft == FileType::kQ3_K_M) type = DType::Q4_K;
    else if (ft == FileType::kQ4_K_M) type = DType::Q5_K;
    else if (ft == FileType::kQ5_K_M) type = DType::Q6_K;
    return type;
  }
  return type;
}

// A row that is not a whole number of blocks falls back to a type whose block fits.
DType Fallback(DType type, int64_t row) {
  if (row % Info(type).block_size == 0) return type;
  DType next = DType::F16;
  switch (type) {
    case DType::Q2_K:
    case DType::Q3_K: next = DType::Q4_0; break;  // llama.cpp: IQ4_NL (same 4.5 bpw as Q4_0)
    case DType::Q4_K: next = DType::Q5_0; break;
    case DType::Q5_K: next = DType::Q5_1; break;
    case DType::Q6_K: next = DType::Q8_0; break;
    default: next = DType::F16; break;
  }
  return row % Info(next).block_size == 0 ? next : DType::F16;
}

}  // namespace

std::string_view FileTypeName(FileType type) { return EntryOf(type).name; }

const std::vector<FileType>& AllFileTypes() {
  static const std::vector<FileType> kAll = [] {
    std::vector<FileType> v;
    for (const FileTypeEntry& e : kFileTypes) v.push_back(e.type);
    return v;
  }();
  return kAll;
}

Expected<FileType> FileTypeFromName(std::string_view name) {
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const FileTypeEntry& e : kFileTypes)
    if (e.name == lower) return e.type;
  std::string known;
  for (const FileTypeEntry& e : kFileTypes) known += (known.empty() ? "" : ", ") + std::string(e.name);
  return InvalidArgument("unknown quantisation '" + std::string(name) + "' (known: " + known + ")");
}

DType TensorTypeFor(FileType file_type, std::string_view name, const Shape& ne, int n_dims,
                    const QuantContext& context) {
  if (!IsQuantizable(name, n_dims)) return DType::F32;
  const DType base = EntryOf(file_type).base;
  const bool quantized = Info(base).quantized;
  if (!quantized) return base;  // f32 / f16 / bf16: every weight matrix in that type
  const DType chosen = ChooseType(file_type, base, name, LayerOf(name), context);
  // Only the quantized types need a whole number of blocks per row.
  return Info(chosen).quantized ? Fallback(chosen, ne[0]) : chosen;
}

}  // namespace enclave::hw
