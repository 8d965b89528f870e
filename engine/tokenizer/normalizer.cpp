#include "tokenizer/normalizer.h"

#include "tokenizer/unicode.h"

namespace enclave {
namespace {

bool IsBertChineseChar(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

// Applies `fn(cp, out)` to every code point; invalid bytes are copied through unchanged.
template <typename Fn>
std::string MapCodepoints(std::string_view text, Fn fn) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    const uint32_t cp = unicode::DecodeUtf8(text, pos);
    if (cp == unicode::kInvalidCodepoint) out.push_back(text[start]);
    else fn(cp, out);
  }
  return out;
}

}  // namespace

std::string Normalizer::Apply(std::string_view input) const {
  std::string text(input);
  for (Step step : steps_) {
    switch (step) {
      case Step::kNfc: text = unicode::Nfc(text); break;
      case Step::kNfd: text = unicode::Nfd(text); break;
      case Step::kLowercase:
        text = MapCodepoints(text, [](uint32_t cp, std::string& out) { unicode::AppendLowercase(out, cp); });
        break;
      case Step::kStripAccents:
        text = MapCodepoints(unicode::Nfd(text), [](uint32_t cp, std::string& out) {
          if (!(unicode::Flags(cp) & unicode::kFlagNonspacingMark)) unicode::AppendUtf8(out, cp);
        });
        break;
      case Step::kBertCleanText:
        text = MapCodepoints(text, [](uint32_t cp, std::string& out) {
          const bool tab_or_newline = cp == '\t' || cp == '\n' || cp == '\r';
          if (cp == 0 || cp == 0xFFFD || (!tab_or_newline && unicode::MajorCategory(cp) == unicode::kOther))
            return;
          if (tab_or_newline || unicode::IsWhiteSpace(cp)) out.push_back(' ');
          else unicode::AppendUtf8(out, cp);
        });
        break;
      case Step::kBertChineseChars:
        text = MapCodepoints(text, [](uint32_t cp, std::string& out) {
          if (!IsBertChineseChar(cp)) return unicode::AppendUtf8(out, cp);
          out.push_back(' ');
          unicode::AppendUtf8(out, cp);
          out.push_back(' ');
        });
        break;
    }
  }
  return text;
}

}  // namespace enclave
