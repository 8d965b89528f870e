// safetensors reader: validates the JSON header against the file and exposes the tensors as
// views into the memory map; SafetensorsModel gathers the shards of a Hugging Face folder.
#include "formats/safetensors.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include <nlohmann/json.hpp>

namespace enclave {
namespace {

using json = nlohmann::json;

constexpr int kMaxRank = 4;
constexpr int kMaxJsonNesting = 16;  // a valid header nests 3 deep (object, entry, shape)

struct DTypeName {
  std::string_view name;
  DType type;
};
constexpr DTypeName kDTypes[] = {
    {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"F64", DType::F64},
    {"I8", DType::I8},   {"I16", DType::I16}, {"I32", DType::I32},   {"I64", DType::I64},
};

std::optional<DType> DTypeFromSafetensors(std::string_view name) {
  for (const DTypeName& d : kDTypes)
    if (d.name == name) return d.type;
  return std::nullopt;
}

std::string Quoted(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return "'" + std::string(s) + "'";
  return "'" + std::string(s.substr(0, kMax)) + "...'";
}

// Deepest nesting of [ and { outside strings; the header is scanned before parsing so that a
// hostile "[[[[...]]]]" cannot drive a recursive parser or destructor deep into the stack.
int JsonNestingDepth(std::string_view text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

// An unsigned JSON integer (nlohmann keeps non-negative integers as number_unsigned).
std::optional<uint64_t> JsonUnsigned(const json& v) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  return std::nullopt;
}

}  // namespace

class SafetensorsParser {
 public:
  SafetensorsParser(SafetensorsFile& file, const uint8_t* data, size_t size)
      : file_(file), data_(data), size_(size) {}

  Status Run() {
    if (size_ < 8)
      return BadInput("not a safetensors file: " + std::to_string(size_) +
                      " bytes, too short for the 8-byte header length");
    uint64_t header_length = 0;
    std::memcpy(&header_length, data_, 8);
    if (header_length > size_ - 8)
      return BadInput("header length " + std::to_string(header_length) +
                      " runs past the end of the file (" + std::to_string(size_) +
                      " bytes): truncated file or not a safetensors file");
    const std::string_view text(reinterpret_cast<const char*>(data_ + 8),
                                static_cast<size_t>(header_length));
    data_begin_ = 8 + static_cast<size_t>(header_length);
    data_size_ = size_ - data_begin_;
    if (JsonNestingDepth(text) > kMaxJsonNesting)
      return BadInput("header JSON nests deeper than " + std::to_string(kMaxJsonNesting) +
                      " levels: not a safetensors header");

    // Duplicate names would be silently merged by the JSON parser: catch them while parsing.
    std::set<std::string> keys;
    std::string duplicate;
    auto on_event = [&](int depth, json::parse_event_t event, json& parsed) {
      if (event == json::parse_event_t::key && depth == 1 &&
          !keys.insert(parsed.get<std::string>()).second && duplicate.empty())
        duplicate = parsed.get<std::string>();
      return true;
    };
    const json header = json::parse(text.begin(), text.end(), on_event, /*allow_exceptions=*/false);
    if (header.is_discarded())
      return BadInput("header (" + std::to_string(header_length) + " bytes) is not valid JSON");
    if (!header.is_object()) return BadInput("header is JSON but not an object");
    if (!duplicate.empty()) return BadInput("duplicate tensor name " + Quoted(duplicate) + " in header");

    for (const auto& [name, entry] : header.items()) {
      if (name == "__metadata__") {
        ENCLAVE_RETURN_IF_ERROR(ReadMetadata(entry));
      } else {
        ENCLAVE_RETURN_IF_ERROR(ReadTensor(name, entry));
      }
    }
    return CheckOverlaps();
  }

 private:
  Status ReadMetadata(const json& entry) {
    if (!entry.is_object()) return BadInput("__metadata__ is not an object of strings");
    for (const auto& [key, value] : entry.items()) {
      if (!value.is_string())
        return BadInput("__metadata__ value of " + Quoted(key) + " is not a string");
      file_.metadata_.emplace(key, value.get<std::string>());
    }
    return Status::Ok();
  }

  Status ReadTensor(const std::string& name, const json& entry) {
    const std::string what = "tensor " + Quoted(name);
    if (!entry.is_object()) return BadInput(what + ": entry is not an object");
    for (const char* field : {"dtype", "shape", "data_offsets"})
      if (!entry.contains(field)) return BadInput(what + ": missing \"" + field + "\"");

    const json& dtype_json = entry["dtype"];
    if (!dtype_json.is_string()) return BadInput(what + ": \"dtype\" is not a string");
    const std::string dtype_name = dtype_json.get<std::string>();
    const std::optional<DType> type = DTypeFromSafetensors(dtype_name);
    if (!type)
      return Unsupported(what + " has dtype " + dtype_name +
                         ", which this engine does not read (it reads F32, F16, BF16, F64, I8, "
                         "I16, I32, I64)");

    const json& shape = entry["shape"];
    if (!shape.is_array()) return BadInput(what + ": \"shape\" is not an array");
    if (shape.size() > kMaxRank)
      return Unsupported(what + " has " + std::to_string(shape.size()) +
                         " dimensions; at most 4 are supported");
    TensorView view;
    view.name = name;
    view.type = *type;
    view.n_dims = static_cast<int>(shape.size());
    uint64_t elements = 1;
    std::string shape_text = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
      const std::optional<uint64_t> dim = JsonUnsigned(shape[i]);
      if (!dim || *dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        return BadInput(what + ": shape entry " + std::to_string(i) + " (" + shape[i].dump(-1, ' ', false, json::error_handler_t::replace) +
                        ") is not a non-negative integer");
      // Row-major shape, outermost first -> ggml order, innermost first.
      view.ne[shape.size() - 1 - i] = static_cast<int64_t>(*dim);
      shape_text += (i ? ", " : "") + std::to_string(*dim);
      if (__builtin_mul_overflow(elements, *dim, &elements))
        return BadInput(what + ": element count of its shape overflows");
    }
    shape_text += "]";
    uint64_t nbytes = 0;
    if (__builtin_mul_overflow(elements, Info(*type).block_bytes, &nbytes))
      return BadInput(what + ": byte size of shape " + shape_text + " overflows");

    const json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2 || !JsonUnsigned(offsets[0]) ||
        !JsonUnsigned(offsets[1]))
      return BadInput(what + ": \"data_offsets\" is not a pair of non-negative integers");
    const uint64_t begin = *JsonUnsigned(offsets[0]);
    const uint64_t end = *JsonUnsigned(offsets[1]);
    if (begin > end)
      return BadInput(what + ": data_offsets [" + std::to_string(begin) + ", " +
                      std::to_string(end) + "] end before they begin");
    if (end > data_size_)
      return BadInput(what + ": data_offsets [" + std::to_string(begin) + ", " +
                      std::to_string(end) + "] run past the end of the data section (" +
                      std::to_string(data_size_) + " bytes)");
    if (end - begin != nbytes)
      return BadInput(what + ": data_offsets [" + std::to_string(begin) + ", " +
                      std::to_string(end) + "] hold " + std::to_string(end - begin) +
                      " bytes but shape " + shape_text + " of " + dtype_name + " needs " +
                      std::to_string(nbytes));
    view.data = data_ + data_begin_ + begin;
    view.nbytes = static_cast<size_t>(nbytes);
    file_.tensors_.push_back(std::move(view));
    return Status::Ok();
  }

  // Tensors sorted by position; zero-byte tensors occupy nothing and cannot overlap.
  Status CheckOverlaps() {
    std::vector<TensorView>& tensors = file_.tensors_;
    std::stable_sort(tensors.begin(), tensors.end(), [](const TensorView& a, const TensorView& b) {
      return a.data < b.data;
    });
    const TensorView* prev = nullptr;
    for (const TensorView& t : tensors) {
      if (t.nbytes == 0) continue;
      if (prev != nullptr && static_cast<const uint8_t*>(prev->data) + prev->nbytes >
                                 static_cast<const uint8_t*>(t.data))
        return BadInput("tensors " + Quoted(prev->name) + " and " + Quoted(t.name) +
                        " overlap in the data section (" + Quoted(t.name) + " begins at offset " +
                        std::to_string(Offset(t)) + ", inside [" + std::to_string(Offset(*prev)) +
                        ", " + std::to_string(Offset(*prev) + prev->nbytes) + "))");
      prev = &t;
    }
    for (size_t i = 0; i < tensors.size(); ++i) file_.index_.emplace(tensors[i].name, i);
    return Status::Ok();
  }

  size_t Offset(const TensorView& t) const {
    return static_cast<size_t>(static_cast<const uint8_t*>(t.data) - (data_ + data_begin_));
  }

  SafetensorsFile& file_;
  const uint8_t* data_;
  size_t size_;
  size_t data_begin_ = 0;
  size_t data_size_ = 0;
};

Expected<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Open(const std::string& path) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  return Parse(std::move(mapped.value()));
}

Expected<std::unique_ptr<SafetensorsFile>> SafetensorsFile::Parse(std::shared_ptr<MappedFile> mapped) {
  if (!mapped) return InvalidArgument("SafetensorsFile::Parse: no file");
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  file->path_ = mapped->path();
  file->file_ = std::move(mapped);
  Status status = SafetensorsParser(*file, file->file_->data(), file->file_->size()).Run();
  if (!status.ok()) return status.WithContext(file->path_);
  return file;
}

Expected<std::unique_ptr<SafetensorsFile>> SafetensorsFile::ParseBytes(const uint8_t* data,
                                                                       size_t size) {
  std::unique_ptr<SafetensorsFile> file(new SafetensorsFile());
  Status status = SafetensorsParser(*file, data, size).Run();
  if (!status.ok()) return status;
  return file;
}

const TensorView* SafetensorsFile::Find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

namespace {

namespace fs = std::filesystem;

// Reads model.safetensors.index.json: the shard file names (sorted, unique), which shard each
// tensor is in, and the "metadata" object with values rendered as strings.
struct ShardIndex {
  std::vector<std::string> shard_files;
  std::map<std::string, std::string> shard_of;  // tensor name -> shard file name
  std::map<std::string, std::string> metadata;
};

Expected<ShardIndex> ReadShardIndex(const std::string& index_path) {
  auto mapped = MappedFile::Open(index_path);
  if (!mapped.ok()) return mapped.status();
  const auto* bytes = reinterpret_cast<const char*>(mapped.value()->data());
  const std::string_view text(bytes, mapped.value()->size());
  if (JsonNestingDepth(text) > kMaxJsonNesting)
    return BadInput(index_path + ": JSON nests deeper than " + std::to_string(kMaxJsonNesting) + " levels");
  const json index = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (index.is_discarded()) return BadInput(index_path + ": not valid JSON");
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    return BadInput(index_path + ": no \"weight_map\" object");
  ShardIndex out;
  std::set<std::string> shard_set;
  for (const auto& [tensor, shard] : index["weight_map"].items()) {
    if (!shard.is_string())
      return BadInput(index_path + ": weight_map entry of " + Quoted(tensor) + " is not a file name");
    const std::string file = shard.get<std::string>();
    // Shards live beside the index; a path could reach outside the model folder.
    if (file.empty() || file.find('/') != std::string::npos || file == "." || file == "..")
      return BadInput(index_path + ": weight_map entry of " + Quoted(tensor) + " names " +
                      Quoted(file) + ", not a file name in the model folder");
    out.shard_of.emplace(tensor, file);
    shard_set.insert(file);
  }
  if (shard_set.empty()) return BadInput(index_path + ": weight_map lists no tensors");
  out.shard_files.assign(shard_set.begin(), shard_set.end());
  if (index.contains("metadata") && index["metadata"].is_object()) {
    for (const auto& [key, value] : index["metadata"].items())
      out.metadata.emplace(key, value.is_string() ? value.get<std::string>() : value.dump(-1, ' ', false, json::error_handler_t::replace));
  }
  return out;
}

}  // namespace

Expected<std::unique_ptr<SafetensorsModel>> SafetensorsModel::Open(const std::string& path) {
  std::error_code ec;
  fs::path index_path;
  fs::path single_path;
  if (fs::is_directory(path, ec)) {
    const fs::path dir(path);
    if (fs::exists(dir / "model.safetensors.index.json", ec)) {
      index_path = dir / "model.safetensors.index.json";
    } else if (fs::exists(dir / "model.safetensors", ec)) {
      single_path = dir / "model.safetensors";
    } else if (fs::exists(dir / "pytorch_model.bin", ec)) {
      return Unsupported(path + ": has only PyTorch pytorch_model.bin weights; save the model as "
                         "safetensors (save_pretrained(..., safe_serialization=True))");
    } else {
      return NotFound(path + ": no model.safetensors or model.safetensors.index.json in this folder");
    }
  } else if (fs::path(path).extension() == ".json") {
    index_path = path;
  } else {
    single_path = path;
  }

  std::unique_ptr<SafetensorsModel> model(new SafetensorsModel());
  if (!single_path.empty()) {
    auto file = SafetensorsFile::Open(single_path.string());
    if (!file.ok()) return file.status();
    model->metadata_ = file.value()->metadata();
    model->shards_.push_back(std::move(file.value()));
  } else {
    auto index = ReadShardIndex(index_path.string());
    if (!index.ok()) return index.status();
    model->metadata_ = index.value().metadata;
    const fs::path dir = index_path.parent_path();
    for (const std::string& shard_file : index.value().shard_files) {
      auto file = SafetensorsFile::Open((dir / shard_file).string());
      if (!file.ok()) return file.status();
      model->shards_.push_back(std::move(file.value()));
    }
    for (const auto& entry : index.value().shard_of) {
      const std::string& tensor = entry.first;
      const std::string& shard_file = entry.second;
      const auto shard = std::find_if(model->shards_.begin(), model->shards_.end(), [&](const auto& s) {
        return fs::path(s->path()).filename() == shard_file;
      });
      if ((*shard)->Find(tensor) == nullptr)
        return BadInput(index_path.string() + ": lists tensor " + Quoted(tensor) + " in " +
                        shard_file + ", which does not contain it");
    }
  }

  for (const auto& shard : model->shards_) {
    for (const TensorView& t : shard->tensors()) {
      if (!model->index_.emplace(t.name, model->tensors_.size()).second)
        return BadInput("tensor " + Quoted(t.name) + " appears in more than one shard (again in " +
                        shard->path() + ")");
      model->tensors_.push_back(t);
    }
  }
  return model;
}

const TensorView* SafetensorsModel::Find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &tensors_[it->second];
}

}  // namespace enclave
