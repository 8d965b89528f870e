// libFuzzer harness for the GGUF reader: any input must parse or fail with a message, and the
// views of a parsed file must stay inside the input. Build: see tests/formats/CMakeLists.txt.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "formats/gguf.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto file = enclave::GgufFile::ParseBytes(data, size);
  if (!file.ok()) {
    if (file.status().message().empty()) std::abort();
    return 0;
  }
  for (const enclave::GgufTensorInfo& info : file.value()->tensors()) {
    const enclave::TensorView view = file.value()->View(info);
    const auto* begin = static_cast<const uint8_t*>(view.data);
    if (begin < data || begin + view.nbytes > data + size) std::abort();
  }
  for (const auto& [key, value] : file.value()->metadata()) (void)value.ToString();
  return 0;
}
