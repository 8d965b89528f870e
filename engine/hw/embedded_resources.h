// JSON resources compiled into enclave_hw (generated from resources/*.json by CMake), so the
// engine needs no resource files or Qt at run time.
#pragma once

#include <string_view>

namespace enclave::hw {

std::string_view EmbeddedPresetsJson();  // resources/presets.json
std::string_view EmbeddedGpusJson();     // resources/gpus.json

}  // namespace enclave::hw
