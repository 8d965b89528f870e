// Helpers shared by the tokenizer tests.
#pragma once

#include <QString>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace enclave::testing {

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline QString IdsToString(const std::vector<int32_t>& ids) {
  QString out;
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? " " : "") + QString::number(ids[i]);
  return out;
}

}  // namespace enclave::testing
