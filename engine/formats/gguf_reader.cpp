// GGUF reader: validates the whole header of a memory-mapped file and exposes tensor data as
// views into the map. Layout (little-endian):
//   "GGUF" u32:version u64:n_tensors u64:n_kv
//   n_kv x { string:key u32:type value }          string = u64:length + bytes
//   n_tensors x { string:name u32:n_dims u64:ne[n_dims] u32:type u64:offset }
//   padding to general.alignment, then the data section (tensor offsets are relative to it).
// Every count read from the file is checked against the bytes that remain before anything is
// allocated for it, and the header as a whole is bounded (kMaxHeaderBytes, kMaxArrayValues), so
// a corrupt or hostile header can neither read out of bounds nor make the reader allocate more
// than a small multiple of what it actually parsed.
#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <limits>
#include <numeric>

#include "formats/gguf.h"

namespace enclave {
namespace {

constexpr int kMaxDims = 4;
constexpr int kMaxArrayNesting = 16;  // a real file nests at most 1 level; bounds the recursion
constexpr size_t kMinKeyValueBytes = 8 + 1 + 4 + 1;      // key length, 1-byte key, type, value
constexpr size_t kMinTensorInfoBytes = 8 + 1 + 4 + 8 + 4 + 8;  // one-dimensional, 1-byte name
// Limits far above any real model (whose header is tens of MiB, with ~1M array values) that
// bound what a corrupt header inside a multi-gigabyte file can make the reader allocate.
constexpr size_t kMaxHeaderBytes = size_t{512} << 20;
constexpr uint64_t kMaxArrayValues = uint64_t{1} << 23;

// Names of ggml types that dtype.h does not know, so the error says what the file contains.
std::string_view GgmlOnlyTypeName(uint32_t id) {
  switch (id) {
    case 4: return "q4_2 (removed from ggml)";
    case 5: return "q4_3 (removed from ggml)";
    case 16: return "iq2_xxs";
    case 17: return "iq2_xs";
    case 18: return "iq3_xxs";
    case 19: return "iq1_s";
    case 20: return "iq4_nl";
    case 21: return "iq3_s";
    case 22: return "iq2_s";
    case 23: return "iq4_xs";
    case 29: return "iq1_m";
    case 31: return "q4_0_4_4 (removed from ggml)";
    case 32: return "q4_0_4_8 (removed from ggml)";
    case 33: return "q4_0_8_8 (removed from ggml)";
    case 34: return "tq1_0";
    case 35: return "tq2_0";
    case 36: return "iq4_nl_4_4 (removed from ggml)";
    case 37: return "iq4_nl_4_8 (removed from ggml)";
    case 38: return "iq4_nl_8_8 (removed from ggml)";
    case 39: return "mxfp4";
    default: return {};
  }
}

bool IsKnownValueType(uint32_t t) { return t <= static_cast<uint32_t>(GgufType::kFloat64); }

std::string ShapeString(const Shape& ne, int n_dims) {
  std::string s = "[";
  for (int i = 0; i < n_dims; ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
  return s + "]";
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kMax)) + "...'";
}

// Bounds-checked little-endian reads over the header bytes; errors name the byte offset.
class Cursor {
 public:
  Cursor(const uint8_t* data, size_t size)
      : data_(data), size_(size), limit_(std::min(size, kMaxHeaderBytes)) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return limit_ - pos_; }
  // How the readable range ends, for messages.
  std::string end() const {
    return limit_ < size_ ? "the " + std::to_string(kMaxHeaderBytes >> 20) + " MiB header limit"
                          : "the end of the file";
  }

  // `what` + `of_what` names the field in the error (two parts, so that the common path of
  // reading array elements builds no strings).
  template <typename T>
  Status Read(T* out, std::string_view what, std::string_view of_what = {}) {
    if (remaining() < sizeof(T))
      return BadInput("truncated file: " + std::string(what) + std::string(of_what) + " at byte " + std::to_string(pos_) + " needs " +
                      std::to_string(sizeof(T)) + " bytes, only " + std::to_string(remaining()) +
                      " left before " + end());
    std::memcpy(out, data_ + pos_, sizeof(T));
    pos_ += sizeof(T);
    return Status::Ok();
  }

  Status ReadString(std::string* out, const std::string& what) {
    const size_t at = pos_;
    uint64_t length = 0;
    ENCLAVE_RETURN_IF_ERROR(Read(&length, "length of ", what));
    if (length > remaining())
      return BadInput(what + ": string length " + std::to_string(length) + " at byte " +
                      std::to_string(at) + " runs past " + end() + " (" +
                      std::to_string(remaining()) + " bytes left)");
    out->assign(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return Status::Ok();
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t limit_;
  size_t pos_ = 0;
};

}  // namespace

class GgufParser {
 public:
  GgufParser(GgufFile& file, const uint8_t* data, size_t size)
      : file_(file), data_(data), size_(size), cursor_(data, size) {}

  Status Run() {
    ENCLAVE_RETURN_IF_ERROR(ReadPreamble());
    ENCLAVE_RETURN_IF_ERROR(ReadMetadata());
    ENCLAVE_RETURN_IF_ERROR(ReadAlignment());
    ENCLAVE_RETURN_IF_ERROR(ReadTensorInfos());
    return CheckTensorData();
  }

 private:
  Status ReadPreamble() {
    if (size_ < 4)
      return BadInput("not a GGUF file: " + std::to_string(size_) + " bytes, too short for a header");
    if (std::memcmp(data_, "FUGG", 4) == 0)
      return Unsupported("big-endian GGUF files are not supported: use a little-endian file");
    if (std::memcmp(data_, "GGUF", 4) != 0) {
      char magic[32];
      std::snprintf(magic, sizeof magic, "%02x %02x %02x %02x", data_[0], data_[1], data_[2], data_[3]);
      return BadInput(std::string("not a GGUF file: the magic bytes are ") + magic +
                      ", expected 47 47 55 46 (\"GGUF\")");
    }
    uint32_t magic = 0;
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&magic, "magic"));
    uint32_t version = 0;
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&version, "version"));
    if (version == 1)
      return Unsupported(
          "GGUF version 1 is not supported (it predates 64-bit counts): re-convert the model "
          "with a current llama.cpp to get version 3");
    if (version != 2 && version != 3) {
      const uint32_t swapped = __builtin_bswap32(version);
      if (swapped >= 1 && swapped <= 3)
        return Unsupported("big-endian GGUF files are not supported (version field reads " +
                           std::to_string(swapped) + " byte-swapped): use a little-endian file");
      return Unsupported("unsupported GGUF version " + std::to_string(version) +
                         ": this reader reads versions 2 and 3");
    }
    file_.version_ = version;
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&n_tensors_, "tensor count"));
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&n_metadata_, "metadata count"));
    if (n_metadata_ > cursor_.remaining() / kMinKeyValueBytes)
      return BadInput("header claims " + std::to_string(n_metadata_) +
                      " metadata entries, more than the " + std::to_string(cursor_.remaining()) +
                      " remaining bytes can hold (truncated or corrupt file)");
    if (n_tensors_ > cursor_.remaining() / kMinTensorInfoBytes)
      return BadInput("header claims " + std::to_string(n_tensors_) +
                      " tensors, more than the " + std::to_string(cursor_.remaining()) +
                      " remaining bytes can hold (truncated or corrupt file)");
    return Status::Ok();
  }

  Status ReadMetadata() {
    for (uint64_t i = 0; i < n_metadata_; ++i) {
      const size_t at = cursor_.pos();
      std::string key;
      ENCLAVE_RETURN_IF_ERROR(cursor_.ReadString(&key, "metadata key #" + std::to_string(i)));
      if (key.empty())
        return BadInput("metadata key #" + std::to_string(i) + " at byte " + std::to_string(at) +
                        " is empty");
      if (file_.metadata_index_.count(key) != 0)
        return BadInput("duplicate metadata key " + Quoted(key) + " at byte " + std::to_string(at));
      const std::string what = "metadata key " + Quoted(key);
      uint32_t type = 0;
      const size_t type_at = cursor_.pos();
      ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&type, "value type of ", what));
      if (!IsKnownValueType(type))
        return BadInput(what + ": unknown value type " + std::to_string(type) + " at byte " +
                        std::to_string(type_at));
      GgufValue value;
      ENCLAVE_RETURN_IF_ERROR(ReadValue(static_cast<GgufType>(type), what, 0, &value));
      file_.metadata_index_.emplace(key, file_.metadata_.size());
      file_.metadata_.emplace_back(std::move(key), std::move(value));
    }
    return Status::Ok();
  }

  // `type` has been checked to be a known value type.
  Status ReadValue(GgufType type, const std::string& what, int depth, GgufValue* out) {
    switch (type) {
      case GgufType::kUint8: return ReadUnsigned<uint8_t>(type, what, out);
      case GgufType::kUint16: return ReadUnsigned<uint16_t>(type, what, out);
      case GgufType::kUint32: return ReadUnsigned<uint32_t>(type, what, out);
      case GgufType::kUint64: return ReadUnsigned<uint64_t>(type, what, out);
      case GgufType::kInt8: return ReadSigned<int8_t>(type, what, out);
      case GgufType::kInt16: return ReadSigned<int16_t>(type, what, out);
      case GgufType::kInt32: return ReadSigned<int32_t>(type, what, out);
      case GgufType::kInt64: return ReadSigned<int64_t>(type, what, out);
      case GgufType::kFloat32: {
        float f = 0;
        ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&f, what));
        *out = GgufValue(type, static_cast<double>(f));
        return Status::Ok();
      }
      case GgufType::kFloat64: {
        double d = 0;
        ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&d, what));
        *out = GgufValue(type, d);
        return Status::Ok();
      }
      case GgufType::kBool: {
        const size_t at = cursor_.pos();
        uint8_t b = 0;
        ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&b, what));
        if (b > 1)
          return BadInput(what + ": invalid bool value " + std::to_string(b) + " at byte " +
                          std::to_string(at) + " (expected 0 or 1)");
        *out = GgufValue(b == 1);
        return Status::Ok();
      }
      case GgufType::kString: {
        std::string s;
        ENCLAVE_RETURN_IF_ERROR(cursor_.ReadString(&s, what));
        *out = GgufValue(std::move(s));
        return Status::Ok();
      }
      case GgufType::kArray: return ReadArray(what, depth, out);
    }
    return InternalError("unhandled GGUF value type");
  }

  template <typename T>
  Status ReadUnsigned(GgufType type, const std::string& what, GgufValue* out) {
    T v{};
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&v, what));
    *out = GgufValue(type, static_cast<uint64_t>(v));
    return Status::Ok();
  }

  template <typename T>
  Status ReadSigned(GgufType type, const std::string& what, GgufValue* out) {
    T v{};
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&v, what));
    *out = GgufValue(type, static_cast<int64_t>(v));
    return Status::Ok();
  }

  Status ReadArray(const std::string& what, int depth, GgufValue* out) {
    const size_t at = cursor_.pos();
    if (depth >= kMaxArrayNesting)
      return BadInput(what + ": arrays nested more than " + std::to_string(kMaxArrayNesting) +
                      " deep at byte " + std::to_string(at));
    uint32_t element_type = 0;
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&element_type, "array element type of ", what));
    if (!IsKnownValueType(element_type))
      return BadInput(what + ": unknown array element type " + std::to_string(element_type) +
                      " at byte " + std::to_string(at));
    uint64_t count = 0;
    ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&count, "array length of ", what));
    const GgufType type = static_cast<GgufType>(element_type);
    // Smallest encoding of one element: its fixed size, a string's length field, or a nested
    // array's type and length fields.
    size_t min_element_bytes = GgufScalarSize(type);
    if (type == GgufType::kString) min_element_bytes = 8;
    if (type == GgufType::kArray) min_element_bytes = 4 + 8;
    if (count > cursor_.remaining() / min_element_bytes)
      return BadInput(what + ": array of " + std::to_string(count) + " " +
                      std::string(GgufTypeName(type)) + " values at byte " + std::to_string(at) +
                      " runs past " + cursor_.end() + " (" +
                      std::to_string(cursor_.remaining()) + " bytes left)");
    if (count > array_values_left_)
      return BadInput(what + ": array of " + std::to_string(count) + " values at byte " +
                      std::to_string(at) + " exceeds this reader's limit of " +
                      std::to_string(kMaxArrayValues) + " array values per file");
    array_values_left_ -= count;
    GgufValue::Array array;
    array.element_type = type;
    array.items.reserve(static_cast<size_t>(count));
    for (uint64_t i = 0; i < count; ++i) {
      array.items.emplace_back();
      ENCLAVE_RETURN_IF_ERROR(ReadValue(type, what, depth + 1, &array.items.back()));
    }
    *out = GgufValue(std::move(array));
    return Status::Ok();
  }

  Status ReadAlignment() {
    const GgufValue* value = file_.Find("general.alignment");
    if (value == nullptr) return Status::Ok();
    const std::optional<uint64_t> alignment = value->is_integer() ? value->AsUint() : std::nullopt;
    if (!alignment)
      return BadInput("general.alignment must be an unsigned integer, found " +
                      std::string(GgufTypeName(value->type())) + " " + value->ToString());
    if (*alignment == 0 || !std::has_single_bit(*alignment))
      return BadInput("general.alignment is " + std::to_string(*alignment) +
                      ", which is not a power of two");
    file_.alignment_ = *alignment;
    return Status::Ok();
  }

  Status ReadTensorInfos() {
    for (uint64_t i = 0; i < n_tensors_; ++i) {
      const size_t at = cursor_.pos();
      GgufTensorInfo info;
      ENCLAVE_RETURN_IF_ERROR(cursor_.ReadString(&info.name, "name of tensor #" + std::to_string(i)));
      const std::string what = "tensor " + Quoted(info.name);
      if (info.name.empty())
        return BadInput("tensor #" + std::to_string(i) + " at byte " + std::to_string(at) +
                        " has an empty name");
      if (file_.tensor_index_.count(info.name) != 0)
        return BadInput("duplicate tensor name " + Quoted(info.name) + " at byte " +
                        std::to_string(at));
      uint32_t n_dims = 0;
      ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&n_dims, "dimension count of ", what));
      if (n_dims == 0 || n_dims > kMaxDims)
        return BadInput(what + " has " + std::to_string(n_dims) +
                        " dimensions; GGUF tensors have 1 to 4");
      info.n_dims = static_cast<int>(n_dims);
      int64_t elements = 1;
      for (uint32_t d = 0; d < n_dims; ++d) {
        uint64_t raw = 0;
        ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&raw, "dimension " + std::to_string(d) + " of ", what));
        const int64_t dim = static_cast<int64_t>(raw);
        if (dim <= 0)
          return BadInput(what + ": dimension " + std::to_string(d) + " is " +
                          std::to_string(dim) + " (must be positive)");
        info.ne[d] = dim;
        if (__builtin_mul_overflow(elements, dim, &elements))
          return BadInput(what + ": element count of shape " + ShapeString(info.ne, info.n_dims) +
                          " overflows");
      }
      uint32_t type_id = 0;
      const size_t type_at = cursor_.pos();
      ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&type_id, "type of ", what));
      const std::optional<DTypeInfo> type = InfoOf(type_id);
      if (!type) {
        const std::string_view ggml_name = GgmlOnlyTypeName(type_id);
        if (!ggml_name.empty())
          return Unsupported(what + " has type " + std::string(ggml_name) + " (" +
                             std::to_string(type_id) + "), which this engine does not read");
        return BadInput(what + ": unknown tensor type " + std::to_string(type_id) + " at byte " +
                        std::to_string(type_at));
      }
      info.type = static_cast<DType>(type_id);
      if (info.ne[0] % type->block_size != 0)
        return BadInput(what + ": first dimension " + std::to_string(info.ne[0]) +
                        " is not a multiple of the " + std::string(type->name) + " block size " +
                        std::to_string(type->block_size));
      const uint64_t blocks_per_row = static_cast<uint64_t>(info.ne[0] / type->block_size);
      const uint64_t rows = static_cast<uint64_t>(elements / info.ne[0]);
      uint64_t nbytes = 0;
      if (__builtin_mul_overflow(blocks_per_row, uint64_t{type->block_bytes}, &nbytes) ||
          __builtin_mul_overflow(nbytes, rows, &nbytes) ||
          nbytes > std::numeric_limits<size_t>::max())
        return BadInput(what + ": byte size of shape " + ShapeString(info.ne, info.n_dims) +
                        " overflows");
      info.nbytes = static_cast<size_t>(nbytes);
      const size_t offset_at = cursor_.pos();
      ENCLAVE_RETURN_IF_ERROR(cursor_.Read(&info.offset, "data offset of ", what));
      if (info.offset % file_.alignment_ != 0)
        return BadInput(what + ": data offset " + std::to_string(info.offset) + " (at byte " +
                        std::to_string(offset_at) + ") is not a multiple of the alignment " +
                        std::to_string(file_.alignment_));
      file_.tensor_index_.emplace(info.name, file_.tensors_.size());
      file_.tensors_.push_back(std::move(info));
    }
    return Status::Ok();
  }

  Status CheckTensorData() {
    const uint64_t end_of_infos = cursor_.pos();
    const uint64_t padding = (file_.alignment_ - end_of_infos % file_.alignment_) % file_.alignment_;
    file_.data_offset_ = end_of_infos + padding;
    // A file without tensors may end before the padding; one with tensors needs its data.
    const uint64_t data_size = size_ > file_.data_offset_ ? size_ - file_.data_offset_ : 0;
    for (const GgufTensorInfo& t : file_.tensors_) {
      if (t.offset > data_size || t.nbytes > data_size - t.offset)
        return BadInput("tensor " + Quoted(t.name) + ": " + std::to_string(t.nbytes) +
                        " bytes at data offset " + std::to_string(t.offset) + " (file byte " +
                        std::to_string(file_.data_offset_ + t.offset) +
                        ") run past the end of the file (" + std::to_string(size_) + " bytes)");
    }
    std::vector<size_t> order(file_.tensors_.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return file_.tensors_[a].offset < file_.tensors_[b].offset;
    });
    for (size_t i = 1; i < order.size(); ++i) {
      const GgufTensorInfo& prev = file_.tensors_[order[i - 1]];
      const GgufTensorInfo& next = file_.tensors_[order[i]];
      if (prev.offset + prev.nbytes > next.offset)
        return BadInput("tensors " + Quoted(prev.name) + " (data bytes " +
                        std::to_string(prev.offset) + " to " +
                        std::to_string(prev.offset + prev.nbytes) + ") and " + Quoted(next.name) +
                        " (from data byte " + std::to_string(next.offset) + ") overlap");
    }
    return Status::Ok();
  }

  GgufFile& file_;
  const uint8_t* data_;
  size_t size_;
  Cursor cursor_;
  uint64_t n_tensors_ = 0;
  uint64_t n_metadata_ = 0;
  uint64_t array_values_left_ = kMaxArrayValues;
};

Expected<std::unique_ptr<GgufFile>> GgufFile::Open(const std::string& path) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  return Parse(std::move(mapped.value()));
}

Expected<std::unique_ptr<GgufFile>> GgufFile::Parse(std::shared_ptr<MappedFile> mapped) {
  if (!mapped) return InvalidArgument("GgufFile::Parse: no file");
  std::unique_ptr<GgufFile> file(new GgufFile());
  file->path_ = mapped->path();
  file->base_ = mapped->data();
  file->size_ = mapped->size();
  file->file_ = std::move(mapped);
  Status status = GgufParser(*file, file->base_, file->size_).Run();
  if (!status.ok()) return status.WithContext(file->path_);
  return file;
}

Expected<std::unique_ptr<GgufFile>> GgufFile::ParseBytes(const uint8_t* data, size_t size) {
  std::unique_ptr<GgufFile> file(new GgufFile());
  file->base_ = data;
  file->size_ = size;
  Status status = GgufParser(*file, data, size).Run();
  if (!status.ok()) return status;
  return file;
}

const GgufValue* GgufFile::Find(std::string_view key) const {
  auto it = metadata_index_.find(key);
  return it == metadata_index_.end() ? nullptr : &metadata_[it->second].second;
}

std::optional<std::string> GgufFile::GetString(std::string_view key) const {
  const GgufValue* v = Find(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return *v->AsString();
}

std::optional<int64_t> GgufFile::GetInt(std::string_view key) const {
  const GgufValue* v = Find(key);
  return v == nullptr ? std::nullopt : v->AsInt();
}

std::optional<double> GgufFile::GetFloat(std::string_view key) const {
  const GgufValue* v = Find(key);
  return v == nullptr ? std::nullopt : v->AsFloat();
}

std::optional<bool> GgufFile::GetBool(std::string_view key) const {
  const GgufValue* v = Find(key);
  return v == nullptr ? std::nullopt : v->AsBool();
}

std::optional<std::vector<std::string>> GgufFile::GetStringArray(std::string_view key) const {
  const GgufValue* v = Find(key);
  const GgufValue::Array* array = v == nullptr ? nullptr : v->AsArray();
  if (array == nullptr || array->element_type != GgufType::kString) return std::nullopt;
  std::vector<std::string> out;
  out.reserve(array->items.size());
  for (const GgufValue& item : array->items) out.push_back(*item.AsString());
  return out;
}

std::optional<std::vector<int64_t>> GgufFile::GetIntArray(std::string_view key) const {
  const GgufValue* v = Find(key);
  const GgufValue::Array* array = v == nullptr ? nullptr : v->AsArray();
  if (array == nullptr) return std::nullopt;
  std::vector<int64_t> out;
  out.reserve(array->items.size());
  for (const GgufValue& item : array->items) {
    std::optional<int64_t> i = item.AsInt();
    if (!i) return std::nullopt;
    out.push_back(*i);
  }
  return out;
}

std::optional<std::vector<float>> GgufFile::GetFloatArray(std::string_view key) const {
  const GgufValue* v = Find(key);
  const GgufValue::Array* array = v == nullptr ? nullptr : v->AsArray();
  if (array == nullptr) return std::nullopt;
  std::vector<float> out;
  out.reserve(array->items.size());
  for (const GgufValue& item : array->items) {
    std::optional<double> f = item.AsFloat();
    if (!f) return std::nullopt;
    out.push_back(static_cast<float>(*f));
  }
  return out;
}

std::string GgufFile::architecture() const {
  return GetString("general.architecture").value_or("");
}

const GgufTensorInfo* GgufFile::FindTensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

TensorView GgufFile::View(const GgufTensorInfo& info) const {
  TensorView view;
  view.name = info.name;
  view.type = info.type;
  view.ne = info.ne;
  view.n_dims = info.n_dims;
  view.data = base_ + data_offset_ + info.offset;
  view.nbytes = info.nbytes;
  return view;
}

}  // namespace enclave
