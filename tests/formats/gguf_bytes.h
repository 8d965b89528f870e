// Builds GGUF files byte by byte, independently of GgufWriter, so that reader tests can start
// from a valid file and change exactly one field to make it invalid.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace enclave::testing {

// Little-endian encoders.
inline std::string U8(uint8_t v) { return std::string(1, static_cast<char>(v)); }
inline std::string U32(uint32_t v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
inline std::string U64(uint64_t v) { return std::string(reinterpret_cast<const char*>(&v), 8); }
inline std::string F32(float v) { return std::string(reinterpret_cast<const char*>(&v), 4); }
inline std::string Str(const std::string& s) { return U64(s.size()) + s; }

// GGUF value type ids (the spec's numbering).
enum : uint32_t {
  kTU8 = 0, kTI8 = 1, kTU16 = 2, kTI16 = 3, kTU32 = 4, kTI32 = 5, kTF32 = 6, kTBool = 7,
  kTString = 8, kTArray = 9, kTU64 = 10, kTI64 = 11, kTF64 = 12,
};

struct RawTensor {
  std::string name;
  std::vector<uint64_t> ne;  // ggml order; its size is written as n_dims
  uint32_t type = 0;         // ggml type id
  uint64_t offset = 0;       // within the data section
};

struct RawGguf {
  std::string magic = "GGUF";
  uint32_t version = 3;
  std::optional<uint64_t> tensor_count;    // default: tensors.size()
  std::optional<uint64_t> metadata_count;  // default: metadata.size()
  std::vector<std::pair<std::string, std::string>> metadata;  // key, encoded type + value
  std::vector<RawTensor> tensors;
  uint64_t alignment = 32;  // used to pad the header; write general.alignment yourself
  uint64_t data_bytes = 0;  // size of the data section (filled with a byte pattern)

  std::vector<uint8_t> Build() const {
    std::string out = magic + U32(version) + U64(tensor_count.value_or(tensors.size())) +
                      U64(metadata_count.value_or(metadata.size()));
    for (const auto& [key, value] : metadata) out += Str(key) + value;
    for (const RawTensor& t : tensors) {
      out += Str(t.name) + U32(static_cast<uint32_t>(t.ne.size()));
      for (uint64_t n : t.ne) out += U64(n);
      out += U32(t.type) + U64(t.offset);
    }
    out.resize((out.size() + alignment - 1) / alignment * alignment, '\0');
    for (uint64_t i = 0; i < data_bytes; ++i) out += static_cast<char>(i * 7 + 1);
    return std::vector<uint8_t>(out.begin(), out.end());
  }
};

// A small valid file: three metadata entries (one an array of strings) and three tensors of
// different types, packed at 32-byte alignment:
//   "a" f32  [8, 2]  at   0, 64 bytes
//   "b" f16  [16]    at  64, 32 bytes
//   "c" q8_0 [32, 2] at  96, 68 bytes (data section 164 bytes)
inline RawGguf ValidRawGguf() {
  RawGguf g;
  g.metadata = {
      {"general.architecture", U32(kTString) + Str("test")},
      {"test.block_count", U32(kTU32) + U32(2)},
      {"tokenizer.ggml.tokens", U32(kTArray) + U32(kTString) + U64(3) + Str("a") + Str("bc") + Str("")},
  };
  g.tensors = {
      {"a", {8, 2}, 0, 0},
      {"b", {16}, 1, 64},
      {"c", {32, 2}, 8, 96},
  };
  g.data_bytes = 164;
  return g;
}

}  // namespace enclave::testing
