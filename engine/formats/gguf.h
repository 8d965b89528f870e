// GGUF v3 (ggml's model file format): a memory-mapped reader and a writer.
// Spec: github.com/ggml-org/ggml/blob/master/docs/gguf.md. Little-endian only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"
#include "core/tensor.h"

namespace enclave {

enum class GgufType : uint32_t {
  kUint8 = 0, kInt8 = 1, kUint16 = 2, kInt16 = 3, kUint32 = 4, kInt32 = 5, kFloat32 = 6,
  kBool = 7, kString = 8, kArray = 9, kUint64 = 10, kInt64 = 11, kFloat64 = 12,
};

// "uint8", "string", "array", ...; "unknown" for ids outside the enum.
std::string_view GgufTypeName(GgufType type);
// Bytes of one value of a fixed-size type; 0 for kString, kArray and unknown ids.
size_t GgufScalarSize(GgufType type);

// One metadata value. Arrays keep their element type (also when empty) and may nest.
class GgufValue {
 public:
  struct Array {
    GgufType element_type = GgufType::kUint8;
    std::vector<GgufValue> items;
    bool operator==(const Array&) const = default;
  };

  GgufValue() = default;
  GgufValue(GgufType type, uint64_t u) : type_(type), v_(u) {}
  GgufValue(GgufType type, int64_t i) : type_(type), v_(i) {}
  GgufValue(GgufType type, double f) : type_(type), v_(f) {}
  explicit GgufValue(bool b) : type_(GgufType::kBool), v_(b) {}
  explicit GgufValue(std::string s) : type_(GgufType::kString), v_(std::move(s)) {}
  explicit GgufValue(Array a) : type_(GgufType::kArray), v_(std::move(a)) {}

  GgufType type() const { return type_; }
  bool is_string() const { return type_ == GgufType::kString; }
  bool is_array() const { return type_ == GgufType::kArray; }
  bool is_integer() const;
  bool is_float() const { return type_ == GgufType::kFloat32 || type_ == GgufType::kFloat64; }

  // Conversions; nullopt when the value is of another kind.
  std::optional<int64_t> AsInt() const;      // any integer type or bool
  std::optional<double> AsFloat() const;     // any float or integer type
  std::optional<bool> AsBool() const;
  std::optional<uint64_t> AsUint() const;    // any non-negative integer type or bool
  const std::string* AsString() const;
  const Array* AsArray() const;

  // Same type and stored value (arrays: element type and items, recursively).
  bool operator==(const GgufValue&) const = default;
  // A short human-readable rendering, e.g. `"qwen2"`, `32`, `[uint32 x 3: 1, 2, 3]` (long arrays
  // are elided), for diagnostics and `inspect`-style listings.
  std::string ToString(size_t max_items = 8) const;

 private:
  GgufType type_ = GgufType::kUint8;
  std::variant<uint64_t, int64_t, double, bool, std::string, Array> v_;
};

struct GgufTensorInfo {
  std::string name;
  DType type = DType::F32;
  Shape ne{1, 1, 1, 1};
  int n_dims = 1;
  uint64_t offset = 0;  // from the start of the data section
  size_t nbytes = 0;
};

class GgufFile {
 public:
  // Opens and validates the whole header: every bad length, offset, dimension, type or duplicate
  // name is reported by name; nothing is allocated in proportion to a claimed count before it
  // is checked against the file size.
  static Expected<std::unique_ptr<GgufFile>> Open(const std::string& path);
  // Parses an already mapped file (kept alive by the result), or bytes already in memory
  // (fuzzing, tests), which must then outlive the file object.
  static Expected<std::unique_ptr<GgufFile>> Parse(std::shared_ptr<MappedFile> file);
  static Expected<std::unique_ptr<GgufFile>> ParseBytes(const uint8_t* data, size_t size);

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }
  const std::string& path() const { return path_; }

  // Metadata in file order.
  const std::vector<std::pair<std::string, GgufValue>>& metadata() const { return metadata_; }
  const GgufValue* Find(std::string_view key) const;
  std::optional<std::string> GetString(std::string_view key) const;
  std::optional<int64_t> GetInt(std::string_view key) const;
  std::optional<double> GetFloat(std::string_view key) const;
  std::optional<bool> GetBool(std::string_view key) const;
  // Arrays of strings / numbers (tokenizer.ggml.tokens, .merges, .token_type, .scores).
  std::optional<std::vector<std::string>> GetStringArray(std::string_view key) const;
  std::optional<std::vector<int64_t>> GetIntArray(std::string_view key) const;
  std::optional<std::vector<float>> GetFloatArray(std::string_view key) const;
  std::string architecture() const;  // general.architecture, "" when missing

  const std::vector<GgufTensorInfo>& tensors() const { return tensors_; }
  const GgufTensorInfo* FindTensor(std::string_view name) const;
  // A view of the tensor's bytes inside the mapped file (no copy).
  TensorView View(const GgufTensorInfo& info) const;
  std::shared_ptr<MappedFile> mapped_file() const { return file_; }

 private:
  friend class GgufParser;
  std::string path_;
  std::shared_ptr<MappedFile> file_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::map<std::string, size_t, std::less<>> metadata_index_;
  std::vector<GgufTensorInfo> tensors_;
  std::map<std::string, size_t, std::less<>> tensor_index_;
};

// Writes a GGUF v3 file: metadata in insertion order, then tensor infos, then aligned data.
// Tensor bytes are streamed to disk at Write() (from memory or a producer callback), so a
// multi-gigabyte conversion does not hold the whole model in RAM.
class GgufWriter {
 public:
  void SetString(const std::string& key, const std::string& value);
  void SetUint32(const std::string& key, uint32_t value);
  void SetInt32(const std::string& key, int32_t value);
  void SetUint64(const std::string& key, uint64_t value);
  void SetFloat32(const std::string& key, float value);
  void SetBool(const std::string& key, bool value);
  void SetValue(const std::string& key, GgufValue value);  // any type, arrays included
  void SetStringArray(const std::string& key, const std::vector<std::string>& values);
  void SetInt32Array(const std::string& key, const std::vector<int32_t>& values);
  void SetFloat32Array(const std::string& key, const std::vector<float>& values);

  // Bytes must stay valid until Write(); `producer` fills exactly TensorBytes(type, ne) bytes.
  void AddTensor(const std::string& name, DType type, Shape ne, int n_dims, const void* data);
  void AddTensor(const std::string& name, DType type, Shape ne, int n_dims,
                 std::function<Status(uint8_t* dst)> producer);

  // Writes to `path` through a temporary file renamed at the end (no half-written model).
  Status Write(const std::string& path, uint64_t alignment = 32) const;

 private:
  struct PendingTensor {
    std::string name;
    DType type;
    Shape ne;
    int n_dims;
    const void* data = nullptr;
    std::function<Status(uint8_t*)> producer;
  };
  std::vector<std::pair<std::string, GgufValue>> metadata_;
  std::vector<PendingTensor> tensors_;
};

}  // namespace enclave
