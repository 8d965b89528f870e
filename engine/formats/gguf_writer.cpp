// GGUF v3 writer. The header (metadata and tensor infos) is built in memory; tensor bytes are
// streamed to a temporary file one tensor at a time, which is renamed over `path` only when
// everything has been written and flushed.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>

#include <unistd.h>

#include "formats/gguf.h"

namespace enclave {
namespace {

constexpr uint64_t kDefaultAlignment = 32;
constexpr uint32_t kVersion = 3;
constexpr size_t kMaxTensorNameBytes = 63;  // ggml's GGML_MAX_NAME (64) includes the NUL
constexpr int kMaxArrayNesting = 16;        // the reader's limit

uint64_t AlignUp(uint64_t n, uint64_t alignment) { return (n + alignment - 1) / alignment * alignment; }

// Little-endian encoding into the in-memory header.
class HeaderBuffer {
 public:
  template <typename T>
  void Put(T v) {
    const size_t at = bytes_.size();
    bytes_.resize(at + sizeof(T));
    std::memcpy(bytes_.data() + at, &v, sizeof(T));
  }
  void PutString(const std::string& s) {
    Put<uint64_t>(s.size());
    bytes_.append(s);
  }
  void PadTo(uint64_t alignment) { bytes_.resize(AlignUp(bytes_.size(), alignment), '\0'); }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Checks that the value's storage matches its declared type and fits it, then encodes it.
// `what` names the metadata key for messages.
Status EncodeValue(const GgufValue& value, const std::string& what, int depth, HeaderBuffer* out) {
  const std::string type_name(GgufTypeName(value.type()));
  auto out_of_range = [&] {
    return InvalidArgument(what + ": value " + value.ToString() + " does not fit in " + type_name);
  };
  auto wrong_kind = [&] {
    return InvalidArgument(what + ": a " + type_name + " value holds data of another kind");
  };
  auto put_unsigned = [&](auto zero) -> Status {
    using T = decltype(zero);
    const std::optional<uint64_t> u = value.AsUint();
    if (!u) return value.AsInt() ? out_of_range() : wrong_kind();
    if (*u > std::numeric_limits<T>::max()) return out_of_range();
    out->Put<T>(static_cast<T>(*u));
    return Status::Ok();
  };
  auto put_signed = [&](auto zero) -> Status {
    using T = decltype(zero);
    const std::optional<int64_t> i = value.AsInt();
    if (!i) return value.AsUint() ? out_of_range() : wrong_kind();
    if (*i < std::numeric_limits<T>::min() || *i > std::numeric_limits<T>::max())
      return out_of_range();
    out->Put<T>(static_cast<T>(*i));
    return Status::Ok();
  };
  switch (value.type()) {
    case GgufType::kUint8: return put_unsigned(uint8_t{});
    case GgufType::kUint16: return put_unsigned(uint16_t{});
    case GgufType::kUint32: return put_unsigned(uint32_t{});
    case GgufType::kUint64: return put_unsigned(uint64_t{});
    case GgufType::kInt8: return put_signed(int8_t{});
    case GgufType::kInt16: return put_signed(int16_t{});
    case GgufType::kInt32: return put_signed(int32_t{});
    case GgufType::kInt64: return put_signed(int64_t{});
    case GgufType::kFloat32:
    case GgufType::kFloat64: {
      const std::optional<double> f = value.AsFloat();
      if (!f) return wrong_kind();
      if (value.type() == GgufType::kFloat32) {
        out->Put<float>(static_cast<float>(*f));
      } else {
        out->Put<double>(*f);
      }
      return Status::Ok();
    }
    case GgufType::kBool: {
      const std::optional<bool> b = value.AsBool();
      if (!b) return wrong_kind();
      out->Put<uint8_t>(*b ? 1 : 0);
      return Status::Ok();
    }
    case GgufType::kString: {
      const std::string* s = value.AsString();
      if (s == nullptr) return wrong_kind();
      out->PutString(*s);
      return Status::Ok();
    }
    case GgufType::kArray: {
      const GgufValue::Array* array = value.AsArray();
      if (array == nullptr) return wrong_kind();
      if (depth >= kMaxArrayNesting)
        return InvalidArgument(what + ": arrays nested more than " +
                               std::to_string(kMaxArrayNesting) + " deep");
      if (GgufTypeName(array->element_type) == "unknown")
        return InvalidArgument(what + ": unknown array element type " +
                               std::to_string(static_cast<uint32_t>(array->element_type)));
      out->Put<uint32_t>(static_cast<uint32_t>(array->element_type));
      out->Put<uint64_t>(array->items.size());
      for (size_t i = 0; i < array->items.size(); ++i) {
        const GgufValue& item = array->items[i];
        const std::string item_what = what + "[" + std::to_string(i) + "]";
        if (item.type() != array->element_type)
          return InvalidArgument(item_what + " is a " + std::string(GgufTypeName(item.type())) +
                                 " in an array of " +
                                 std::string(GgufTypeName(array->element_type)));
        ENCLAVE_RETURN_IF_ERROR(EncodeValue(item, item_what, depth + 1, out));
      }
      return Status::Ok();
    }
  }
  return InvalidArgument(what + ": unknown value type " +
                         std::to_string(static_cast<uint32_t>(value.type())));
}

// The temporary output file; removed unless Commit() renamed it into place.
class TempOutput {
 public:
  explicit TempOutput(const std::string& path)
      : path_(path), temp_path_(path + ".partial-" + std::to_string(::getpid())) {}
  ~TempOutput() {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_) std::remove(temp_path_.c_str());
  }

  Status Open() {
    file_ = std::fopen(temp_path_.c_str(), "wb");
    if (file_ == nullptr) return IoError("cannot create " + temp_path_ + ": " + std::strerror(errno));
    return Status::Ok();
  }

  Status Write(const void* data, size_t n) {
    if (n != 0 && std::fwrite(data, 1, n, file_) != n)
      return IoError("writing " + temp_path_ + ": " + std::strerror(errno));
    written_ += n;
    return Status::Ok();
  }

  Status PadTo(uint64_t alignment) {
    static constexpr char kZeros[256] = {};
    uint64_t padding = AlignUp(written_, alignment) - written_;
    while (padding > 0) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(padding, sizeof kZeros));
      ENCLAVE_RETURN_IF_ERROR(Write(kZeros, n));
      padding -= n;
    }
    return Status::Ok();
  }

  Status Commit() {
    const bool flushed = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    const int flush_errno = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || !closed)
      return IoError("writing " + temp_path_ + ": " + std::strerror(flushed ? errno : flush_errno));
    if (std::rename(temp_path_.c_str(), path_.c_str()) != 0)
      return IoError("cannot rename " + temp_path_ + " to " + path_ + ": " + std::strerror(errno));
    committed_ = true;
    return Status::Ok();
  }

 private:
  std::string path_;
  std::string temp_path_;
  FILE* file_ = nullptr;
  uint64_t written_ = 0;
  bool committed_ = false;
};

}  // namespace

void GgufWriter::SetValue(const std::string& key, GgufValue value) {
  for (auto& [existing_key, existing_value] : metadata_) {
    if (existing_key == key) {
      existing_value = std::move(value);
      return;
    }
  }
  metadata_.emplace_back(key, std::move(value));
}

void GgufWriter::SetString(const std::string& key, const std::string& value) {
  SetValue(key, GgufValue(value));
}
void GgufWriter::SetUint32(const std::string& key, uint32_t value) {
  SetValue(key, GgufValue(GgufType::kUint32, static_cast<uint64_t>(value)));
}
void GgufWriter::SetInt32(const std::string& key, int32_t value) {
  SetValue(key, GgufValue(GgufType::kInt32, static_cast<int64_t>(value)));
}
void GgufWriter::SetUint64(const std::string& key, uint64_t value) {
  SetValue(key, GgufValue(GgufType::kUint64, value));
}
void GgufWriter::SetFloat32(const std::string& key, float value) {
  SetValue(key, GgufValue(GgufType::kFloat32, static_cast<double>(value)));
}
void GgufWriter::SetBool(const std::string& key, bool value) { SetValue(key, GgufValue(value)); }

void GgufWriter::SetStringArray(const std::string& key, const std::vector<std::string>& values) {
  GgufValue::Array array{GgufType::kString, {}};
  array.items.reserve(values.size());
  for (const std::string& s : values) array.items.emplace_back(s);
  SetValue(key, GgufValue(std::move(array)));
}

void GgufWriter::SetInt32Array(const std::string& key, const std::vector<int32_t>& values) {
  GgufValue::Array array{GgufType::kInt32, {}};
  array.items.reserve(values.size());
  for (int32_t v : values) array.items.emplace_back(GgufType::kInt32, static_cast<int64_t>(v));
  SetValue(key, GgufValue(std::move(array)));
}

void GgufWriter::SetFloat32Array(const std::string& key, const std::vector<float>& values) {
  GgufValue::Array array{GgufType::kFloat32, {}};
  array.items.reserve(values.size());
  for (float v : values) array.items.emplace_back(GgufType::kFloat32, static_cast<double>(v));
  SetValue(key, GgufValue(std::move(array)));
}

void GgufWriter::AddTensor(const std::string& name, DType type, Shape ne, int n_dims,
                           const void* data) {
  tensors_.push_back(PendingTensor{name, type, ne, n_dims, data, nullptr});
}

void GgufWriter::AddTensor(const std::string& name, DType type, Shape ne, int n_dims,
                           std::function<Status(uint8_t* dst)> producer) {
  tensors_.push_back(PendingTensor{name, type, ne, n_dims, nullptr, std::move(producer)});
}

Status GgufWriter::Write(const std::string& path, uint64_t alignment) const {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0 ||
      alignment > std::numeric_limits<uint32_t>::max())
    return InvalidArgument("GGUF alignment " + std::to_string(alignment) +
                           " is not a power of two that fits in 32 bits");

  std::vector<std::pair<std::string, GgufValue>> metadata = metadata_;
  bool has_alignment_key = false;
  for (const auto& [key, value] : metadata) {
    if (key != "general.alignment") continue;
    has_alignment_key = true;
    if (value.type() != GgufType::kUint32 || value.AsUint() != alignment)
      return InvalidArgument("metadata general.alignment is " + value.ToString() +
                             " but the file is written with alignment " + std::to_string(alignment));
  }
  if (!has_alignment_key && alignment != kDefaultAlignment)
    metadata.emplace_back("general.alignment", GgufValue(GgufType::kUint32, alignment));

  HeaderBuffer header;
  header.Put<uint32_t>(0x46554747);  // "GGUF" in file byte order
  header.Put<uint32_t>(kVersion);
  header.Put<uint64_t>(tensors_.size());
  header.Put<uint64_t>(metadata.size());
  for (const auto& [key, value] : metadata) {
    if (key.empty()) return InvalidArgument("GGUF metadata key is empty");
    header.PutString(key);
    header.Put<uint32_t>(static_cast<uint32_t>(value.type()));
    ENCLAVE_RETURN_IF_ERROR(EncodeValue(value, "metadata '" + key + "'", 0, &header));
  }

  std::set<std::string_view> names;
  std::vector<size_t> nbytes(tensors_.size());
  uint64_t data_offset = 0;
  size_t max_produced_bytes = 0;
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const PendingTensor& t = tensors_[i];
    const std::string what = "tensor '" + t.name + "'";
    if (t.name.empty()) return InvalidArgument("tensor #" + std::to_string(i) + " has no name");
    if (t.name.size() > kMaxTensorNameBytes)
      return InvalidArgument(what + ": name is " + std::to_string(t.name.size()) +
                             " bytes; ggml allows at most " + std::to_string(kMaxTensorNameBytes));
    if (!names.insert(t.name).second) return InvalidArgument("duplicate " + what);
    const std::optional<DTypeInfo> info = InfoOf(static_cast<uint32_t>(t.type));
    if (!info) return InvalidArgument(what + ": unknown type " + std::to_string(static_cast<uint32_t>(t.type)));
    if (t.n_dims < 1 || t.n_dims > 4)
      return InvalidArgument(what + ": n_dims is " + std::to_string(t.n_dims) + ", must be 1 to 4");
    int64_t elements = 1;
    for (int d = 0; d < 4; ++d) {
      if (d < t.n_dims ? t.ne[d] < 1 : t.ne[d] != 1)
        return InvalidArgument(what + ": ne[" + std::to_string(d) + "] is " +
                               std::to_string(t.ne[d]) + " with n_dims " + std::to_string(t.n_dims));
      if (__builtin_mul_overflow(elements, t.ne[d], &elements))
        return InvalidArgument(what + ": element count overflows");
    }
    if (t.ne[0] % info->block_size != 0)
      return InvalidArgument(what + ": ne[0] " + std::to_string(t.ne[0]) +
                             " is not a multiple of the " + std::string(info->name) +
                             " block size " + std::to_string(info->block_size));
    if (t.data == nullptr && !t.producer) return InvalidArgument(what + " has no data");
    uint64_t bytes = 0;
    if (__builtin_mul_overflow(static_cast<uint64_t>(t.ne[0] / info->block_size),
                               uint64_t{info->block_bytes}, &bytes) ||
        __builtin_mul_overflow(bytes, static_cast<uint64_t>(elements / t.ne[0]), &bytes) ||
        bytes > std::numeric_limits<size_t>::max() / 2)
      return InvalidArgument(what + ": byte size overflows");
    nbytes[i] = static_cast<size_t>(bytes);
    if (t.producer) max_produced_bytes = std::max(max_produced_bytes, nbytes[i]);

    header.PutString(t.name);
    header.Put<uint32_t>(static_cast<uint32_t>(t.n_dims));
    for (int d = 0; d < t.n_dims; ++d) header.Put<uint64_t>(static_cast<uint64_t>(t.ne[d]));
    header.Put<uint32_t>(static_cast<uint32_t>(t.type));
    header.Put<uint64_t>(data_offset);
    data_offset = AlignUp(data_offset + bytes, alignment);
  }
  header.PadTo(alignment);

  TempOutput out(path);
  ENCLAVE_RETURN_IF_ERROR(out.Open());
  ENCLAVE_RETURN_IF_ERROR(out.Write(header.bytes().data(), header.bytes().size()));
  std::vector<uint8_t> produced(max_produced_bytes);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    const PendingTensor& t = tensors_[i];
    const void* bytes = t.data;
    if (t.producer) {
      Status status = t.producer(produced.data());
      if (!status.ok()) return status.WithContext("tensor '" + t.name + "'");
      bytes = produced.data();
    }
    ENCLAVE_RETURN_IF_ERROR(out.Write(bytes, nbytes[i]));
    ENCLAVE_RETURN_IF_ERROR(out.PadTo(alignment));
  }
  return out.Commit();
}

}  // namespace enclave
