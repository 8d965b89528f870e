// Tensors: a typed, shaped block of memory. Shapes are in ggml order: ne[0] is the contiguous
// (innermost) dimension. A weight W applied as y = W x, with x of length K and y of length M,
// has ne = {K, M}: M rows of K elements, as GGUF stores it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/dtype.h"

namespace enclave {

using Shape = std::array<int64_t, 4>;

// Bytes of a tensor of this type and shape (ne[0] must be a multiple of the block size).
inline size_t TensorBytes(DType type, const Shape& ne) {
  return RowBytes(type, ne[0]) * static_cast<size_t>(ne[1] * ne[2] * ne[3]);
}

// Host bytes described by a file (GGUF or safetensors), usually inside a memory map.
struct TensorView {
  std::string name;
  DType type = DType::F32;
  Shape ne{1, 1, 1, 1};
  int n_dims = 1;
  const void* data = nullptr;
  size_t nbytes = 0;

  int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
  int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
};

// Memory owned by a backend (host memory for the CPU backend, device memory for CUDA).
// A Tensor is a non-owning handle: copying it copies the handle, not the data. Backend::Free
// releases what Backend::Alloc or UploadWeight returned.
struct Tensor {
  DType type = DType::F32;
  Shape ne{1, 1, 1, 1};
  void* data = nullptr;
  const char* name = "";  // static or owned by the model's weight table

  int64_t elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
  int64_t rows() const { return ne[1] * ne[2] * ne[3]; }
  size_t row_bytes() const { return RowBytes(type, ne[0]); }
  size_t nbytes() const { return TensorBytes(type, ne); }
  bool empty() const { return data == nullptr; }

  // The rows [first, first + count) of a 2-D view (rows = ne[1]*ne[2]*ne[3]).
  Tensor Rows(int64_t first, int64_t count) const {
    Tensor t = *this;
    t.ne = {ne[0], count, 1, 1};
    t.data = static_cast<uint8_t*>(data) + static_cast<size_t>(first) * row_bytes();
    return t;
  }
  // The same bytes seen with another shape (element count must match).
  Tensor Reshaped(Shape shape) const {
    Tensor t = *this;
    t.ne = shape;
    return t;
  }
};

}  // namespace enclave
