// Text normalisation applied before pre-tokenization (Hugging Face "normalizer").
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enclave {

class Normalizer {
 public:
  enum class Step {
    kNfc,
    kNfd,
    kLowercase,
    kStripAccents,      // NFD, then drop nonspacing marks (Mn)
    kBertCleanText,     // drop NUL, U+FFFD and control characters; whitespace -> ' '
    kBertChineseChars,  // surround CJK ideographs with spaces
  };

  void Add(Step step) { steps_.push_back(step); }
  bool empty() const { return steps_.empty(); }
  std::string Apply(std::string_view text) const;

 private:
  std::vector<Step> steps_;
};

}  // namespace enclave
