#include "formats/quantize_model.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <memory>
#include <vector>

#include "core/quantize.h"
#include "core/thread_pool.h"
#include "formats/gguf.h"

namespace enclave {
namespace {

struct FileTypeEntry {
  FileType type;
  std::string_view name;
  std::string_view display;
  DType base;  // the type of most matrices
};
constexpr FileTypeEntry kFileTypes[] = {
    {FileType::kF32, "f32", "F32", DType::F32},       {FileType::kF16, "f16", "F16", DType::F16},
    {FileType::kBF16, "bf16", "BF16", DType::BF16},   {FileType::kQ8_0, "q8_0", "Q8_0", DType::Q8_0},
    {FileType::kQ4_0, "q4_0", "Q4_0", DType::Q4_0},   {FileType::kQ4_K_M, "q4_k_m", "Q4_K_M", DType::Q4_K},
};

const FileTypeEntry& Entry(FileType t) {
  for (const FileTypeEntry& e : kFileTypes)
    if (e.type == t) return e;
  return kFileTypes[0];
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The layer index of "blk.N.*", -1 otherwise.
int64_t LayerOf(std::string_view name) {
  if (name.rfind("blk.", 0) != 0) return -1;
  int64_t n = 0;
  size_t i = 4;
  if (i >= name.size() || !std::isdigit(static_cast<unsigned char>(name[i]))) return -1;
  for (; i < name.size() && std::isdigit(static_cast<unsigned char>(name[i])); ++i) n = n * 10 + (name[i] - '0');
  return n;
}

// llama.cpp: more bits for the first and last eighth of the layers and every third in between.
bool UseMoreBits(int64_t i, int64_t n) { return i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2; }

}  // namespace

Expected<FileType> ParseFileType(std::string_view name) {
  std::string lower(name);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (const FileTypeEntry& e : kFileTypes)
    if (e.name == lower) return e.type;
  return InvalidArgument("unknown type '" + std::string(name) + "': expected f32, f16, bf16, q8_0, q4_0 or q4_k_m");
}

std::string_view FileTypeName(FileType type) { return Entry(type).name; }

std::string_view FileTypeDisplayName(uint32_t ftype) {
  for (const FileTypeEntry& e : kFileTypes)
    if (static_cast<uint32_t>(e.type) == ftype) return e.display;
  switch (ftype) {  // other llama.cpp file types a downloaded model may carry
    case 3: return "Q4_1";
    case 8: return "Q5_0";
    case 9: return "Q5_1";
    case 10: return "Q2_K";
    case 11: return "Q3_K_S";
    case 12: return "Q3_K_M";
    case 13: return "Q3_K_L";
    case 14: return "Q4_K_S";
    case 16: return "Q5_K_S";
    case 17: return "Q5_K_M";
    case 18: return "Q6_K";
    default: return "";
  }
}

DType FallbackForRowLength(DType type, int64_t ne0) {
  const int64_t block = Info(type).block_size;
  if (ne0 % block == 0) return type;
  if (type == DType::Q4_K || type == DType::Q6_K) return FallbackForRowLength(DType::Q8_0, ne0);
  return DType::F16;
}

DType ChooseTensorType(FileType ftype, std::string_view name, const Shape& ne, int n_dims, int64_t n_layers,
                       bool has_output) {
  if (n_dims < 2) return DType::F32;
  DType type = Entry(ftype).base;
  const bool is_output = name == "output.weight" || (!has_output && name == "token_embd.weight");
  if (ftype == FileType::kQ4_0 || ftype == FileType::kQ4_K_M) {
    if (is_output) {
      type = DType::Q6_K;
    } else if (ftype == FileType::kQ4_K_M && (EndsWith(name, ".attn_v.weight") || EndsWith(name, ".ffn_down.weight"))) {
      const int64_t layer = LayerOf(name);
      if (layer >= 0 && UseMoreBits(layer, n_layers)) type = DType::Q6_K;
    }
  }
  return FallbackForRowLength(type, ne[0]);
}

Status ConvertRows(DType src_type, const void* src, DType dst_type, void* dst, int64_t n_rows, int64_t ne0) {
  if (src_type == dst_type) {
    std::memcpy(dst, src, RowBytes(src_type, ne0) * static_cast<size_t>(n_rows));
    return Status::Ok();
  }
  if (src_type == DType::F32) return QuantizeRows(dst_type, static_cast<const float*>(src), dst, n_rows, ne0);
  if (!CanDequantize(src_type))
    return Unsupported("cannot convert tensors of type " + std::string(Name(src_type)));
  // Through F32 in slabs of rows, so a large tensor never needs a full F32 copy.
  const int64_t slab = std::max<int64_t>(1, (int64_t{1} << 22) / std::max<int64_t>(ne0, 1));
  std::vector<float> rows(static_cast<size_t>(std::min(slab, n_rows) * ne0));
  const auto* in = static_cast<const uint8_t*>(src);
  auto* out = static_cast<uint8_t*>(dst);
  const size_t in_row = RowBytes(src_type, ne0), out_row = RowBytes(dst_type, ne0);
  for (int64_t r0 = 0; r0 < n_rows; r0 += slab) {
    const int64_t n = std::min(slab, n_rows - r0);
    ThreadPool::Global().ParallelFor(n, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r)
        DequantizeRow(src_type, in + static_cast<size_t>(r0 + r) * in_row, rows.data() + r * ne0, ne0);
    });
    ENCLAVE_RETURN_IF_ERROR(QuantizeRows(dst_type, rows.data(), out + static_cast<size_t>(r0) * out_row, n, ne0));
  }
  return Status::Ok();
}

Status QuantizeGguf(const std::string& in_path, const std::string& out_path, FileType ftype,
                    const std::function<bool(float)>& progress) {
  ENCLAVE_ASSIGN_OR_RETURN(std::unique_ptr<GgufFile> in, GgufFile::Open(in_path));
  const std::string arch = in->architecture();
  const int64_t n_layers = in->GetInt(arch + ".block_count").value_or(0);
  const bool has_output = in->FindTensor("output.weight") != nullptr;

  GgufWriter writer;
  for (const auto& [key, value] : in->metadata()) {
    if (key == "general.file_type" || key == "general.quantization_version" || key == "general.alignment") continue;
    writer.SetValue(key, value);
  }
  writer.SetUint32("general.file_type", static_cast<uint32_t>(ftype));
  if (ftype != FileType::kF32 && ftype != FileType::kF16 && ftype != FileType::kBF16)
    writer.SetUint32("general.quantization_version", 2);

  int64_t total = 0;
  for (const GgufTensorInfo& t : in->tensors()) total += static_cast<int64_t>(t.nbytes);
  auto done = std::make_shared<int64_t>(0);
  const GgufFile* file = in.get();
  for (const GgufTensorInfo& t : in->tensors()) {
    DType type = ChooseTensorType(ftype, t.name, t.ne, t.n_dims, n_layers, has_output);
    if (!CanDequantize(t.type) && t.type != type)
      return Unsupported(t.name + ": cannot convert from type " + std::string(Name(t.type)));
    writer.AddTensor(t.name, type, t.ne, t.n_dims, [file, &t, type, done, total, &progress](uint8_t* dst) {
      const TensorView view = file->View(t);
      ENCLAVE_RETURN_IF_ERROR(ConvertRows(t.type, view.data, type, dst, t.ne[1] * t.ne[2] * t.ne[3], t.ne[0]));
      *done += static_cast<int64_t>(t.nbytes);
      if (progress && !progress(static_cast<float>(*done) / static_cast<float>(std::max<int64_t>(total, 1))))
        return Cancelled("quantization cancelled");
      return Status::Ok();
    });
  }
  return writer.Write(out_path);
}

}  // namespace enclave
