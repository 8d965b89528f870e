// libFuzzer harness for the safetensors reader: any input must parse or fail with a message,
// and the views of a parsed file must stay inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "formats/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = enclave::SafetensorsFile::ParseBytes(data, size);
  if (!file.ok()) {
    if (file.status().message().empty()) std::abort();
    return 0;
  }
  for (const enclave::TensorView& view : file.value()->tensors()) {
    const auto* begin = static_cast<const uint8_t*>(view.data);
    if (begin < data || begin + view.nbytes > data + size) std::abort();
  }
  return 0;
}
