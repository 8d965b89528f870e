// Locating test data: ../shared/testdata (ENCLAVE_TESTDATA), the source tree, and the
// git-ignored model cache (.models/) where the set-up script installs real models.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

namespace enclave::testing {

inline std::filesystem::path TestDataDir() {
  if (const char* env = std::getenv("ENCLAVE_TESTDATA")) return env;
  return std::filesystem::path(ENCLAVE_TESTDATA_FALLBACK);
}

inline std::filesystem::path SourceDir() {
  if (const char* env = std::getenv("ENCLAVE_SOURCE_DIR")) return env;
  return std::filesystem::current_path();
}

inline std::filesystem::path BinaryDir() {
  if (const char* env = std::getenv("ENCLAVE_BINARY_DIR")) return env;
  return std::filesystem::current_path();
}

// Where installer/setup.sh caches registry model packages (ENCLAVE_MODELS overrides).
inline std::filesystem::path ModelCacheDir() {
  if (const char* env = std::getenv("ENCLAVE_MODELS")) return env;
  return SourceDir() / ".models";
}

}  // namespace enclave::testing
