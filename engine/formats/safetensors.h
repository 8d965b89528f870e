// safetensors (Hugging Face's weight format): a memory-mapped, zero-copy reader.
// Layout: u64 little-endian header length N, N bytes of JSON
//   {"name": {"dtype": "F32", "shape": [rows, cols], "data_offsets": [begin, end]}, ...,
//    "__metadata__": {"key": "value", ...}}
// then the data section; offsets are relative to its start (8 + N).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/mapped_file.h"
#include "core/status.h"
#include "core/tensor.h"

namespace enclave {

// One .safetensors file. Every TensorView points into the map, which the object keeps alive.
//
// Shapes: safetensors writes row-major shapes, outermost first ([out_features, in_features] for
// a Linear weight); TensorView::ne is in ggml order, innermost first, so ne = {in, out, 1, 1} and
// n_dims = 2. A rank-0 (scalar) tensor has n_dims = 0 and ne = {1, 1, 1, 1}. Ranks above 4 are
// rejected. Element types accepted: F32, F16, BF16, F64, I8, I16, I32, I64 (DType of the same
// name); any other dtype (U8, BOOL, F8_E4M3, ...) is an error naming the tensor and the dtype.
// `data` is only as aligned as the file makes it (current writers pad the header to 8 bytes;
// older files may leave F32 data at an odd address).
class SafetensorsFile {
 public:
  static Expected<std::unique_ptr<SafetensorsFile>> Open(const std::string& path);
  // Parses an already mapped file / bytes in memory (tests, fuzzing). For ParseBytes, `data`
  // must outlive the returned object.
  static Expected<std::unique_ptr<SafetensorsFile>> Parse(std::shared_ptr<MappedFile> file);
  static Expected<std::unique_ptr<SafetensorsFile>> ParseBytes(const uint8_t* data, size_t size);

  const std::string& path() const { return path_; }
  // Tensors in data order (ascending data offset).
  const std::vector<TensorView>& tensors() const { return tensors_; }
  const TensorView* Find(std::string_view name) const;  // nullptr when absent
  // "__metadata__" (string -> string); empty when the file has none.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  std::shared_ptr<MappedFile> mapped_file() const { return file_; }

 private:
  friend class SafetensorsParser;
  std::string path_;
  std::shared_ptr<MappedFile> file_;  // null for ParseBytes
  std::vector<TensorView> tensors_;
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

// All the weights of a Hugging Face model folder, possibly sharded:
//   <dir>/model.safetensors, or
//   <dir>/model.safetensors.index.json ({"weight_map": {"tensor": "model-00001-of-00002.safetensors"}})
// `path` may also name a single .safetensors file or an index .json directly.
// Tensor names are unique across shards; the index must agree with the shards' contents.
class SafetensorsModel {
 public:
  static Expected<std::unique_ptr<SafetensorsModel>> Open(const std::string& path);

  // Tensors of all shards, shard by shard (shards in file-name order), each in data order.
  const std::vector<TensorView>& tensors() const { return tensors_; }
  const TensorView* Find(std::string_view name) const;  // nullptr when absent
  const std::vector<std::unique_ptr<SafetensorsFile>>& shards() const { return shards_; }
  // "__metadata__" of the index file's "metadata" (e.g. total_size) or of the single file.
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

 private:
  std::vector<std::unique_ptr<SafetensorsFile>> shards_;
  std::vector<TensorView> tensors_;
  std::map<std::string, size_t, std::less<>> index_;
  std::map<std::string, std::string> metadata_;
};

}  // namespace enclave
