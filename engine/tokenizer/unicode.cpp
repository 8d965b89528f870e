#include "tokenizer/unicode.h"

#include <algorithm>
#include <array>
#include <map>
#include <memory>

#include "tokenizer/unicode_tables.h"

namespace enclave::unicode {
namespace {

using namespace unicode_tables;

// Number of bytes of the longest prefix of s[pos..] that can start a valid sequence (0 when
// s[pos] is no lead byte), and the sequence's full length.
struct SequenceCheck {
  int valid_prefix = 0;
  int length = 0;
};

SequenceCheck CheckSequence(std::string_view s, size_t pos) {
  const auto b0 = static_cast<uint8_t>(s[pos]);
  if (b0 < 0x80) return {1, 1};
  int length = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) length = 2;
  else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return {0, 1};
  }
  int valid = 1;
  for (int i = 1; i < length && pos + i < s.size(); ++i) {
    const auto b = static_cast<uint8_t>(s[pos + i]);
    const bool ok = i == 1 ? (b >= lo && b <= hi) : (b >= 0x80 && b <= 0xBF);
    if (!ok) break;
    ++valid;
  }
  return {valid, length};
}

// Two-stage lookup table (128 code points per block, identical blocks shared), built once
// from the run-length ranges.
class FlagTable {
 public:
  FlagTable() {
    constexpr uint32_t kBlocks = 0x110000 / kBlockSize;
    block_of_.resize(kBlocks);
    std::map<std::array<uint8_t, kBlockSize>, uint16_t> seen;
    size_t r = 0;
    for (uint32_t b = 0; b < kBlocks; ++b) {
      std::array<uint8_t, kBlockSize> block{};
      for (uint32_t i = 0; i < kBlockSize; ++i) {
        const uint32_t cp = b * kBlockSize + i;
        while (r + 1 < kCategoryRangesSize && kCategoryRanges[r + 1].first <= cp) ++r;
        block[i] = kCategoryRanges[r].flags;
      }
      auto [it, inserted] = seen.emplace(block, static_cast<uint16_t>(blocks_.size() / kBlockSize));
      if (inserted) blocks_.insert(blocks_.end(), block.begin(), block.end());
      block_of_[b] = it->second;
    }
  }
  uint8_t Get(uint32_t cp) const {
    if (cp >= 0x110000) return kOther;
    return blocks_[block_of_[cp / kBlockSize] * kBlockSize + cp % kBlockSize];
  }

 private:
  static constexpr uint32_t kBlockSize = 128;
  std::vector<uint16_t> block_of_;  // [0x110000 / 128] block index per code point block
  std::vector<uint8_t> blocks_;     // [unique blocks * 128] flags
};

const FlagTable& Table() {
  static const FlagTable table;
  return table;
}

// Hangul syllables compose and decompose algorithmically.
constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr uint32_t kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount;
constexpr uint32_t kSCount = kLCount * kNCount;

uint8_t CombiningClass(uint32_t cp) {
  const auto* end = kCombiningClasses + kCombiningClassesSize;
  const auto* it = std::upper_bound(kCombiningClasses, end, cp,
                                    [](uint32_t c, const CombiningClassRange& r) { return c < r.first; });
  return it == kCombiningClasses ? 0 : (it - 1)->ccc;
}

void DecomposeInto(uint32_t cp, std::vector<uint32_t>& out) {
  if (cp >= kSBase && cp < kSBase + kSCount) {
    const uint32_t s = cp - kSBase;
    out.push_back(kLBase + s / kNCount);
    out.push_back(kVBase + (s % kNCount) / kTCount);
    if (s % kTCount != 0) out.push_back(kTBase + s % kTCount);
    return;
  }
  const auto* end = kDecompositions + kDecompositionsSize;
  const auto* it = std::lower_bound(kDecompositions, end, cp,
                                    [](const Decomposition& d, uint32_t c) { return d.cp < c; });
  if (it == end || it->cp != cp) {
    out.push_back(cp);
    return;
  }
  DecomposeInto(it->a, out);
  if (it->b != 0) DecomposeInto(it->b, out);
}

uint32_t Compose(uint32_t a, uint32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount)
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase &&
      b < kTBase + kTCount)
    return a + (b - kTBase);
  const auto* end = kCompositions + kCompositionsSize;
  const auto* it = std::lower_bound(kCompositions, end, std::make_pair(a, b),
                                    [](const Composition& c, const std::pair<uint32_t, uint32_t>& k) {
                                      return std::make_pair(c.a, c.b) < k;
                                    });
  return (it != end && it->a == a && it->b == b) ? it->composite : 0;
}

// Full canonical decomposition with canonical ordering of combining marks. Invalid bytes are
// carried through as kInvalidCodepoint + byte so they re-encode unchanged.
std::vector<uint32_t> DecomposeOrdered(std::string_view text) {
  std::vector<uint32_t> cps;
  cps.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const size_t start = pos;
    const uint32_t cp = DecodeUtf8(text, pos);
    if (cp == kInvalidCodepoint) cps.push_back(kInvalidCodepoint + static_cast<uint8_t>(text[start]));
    else DecomposeInto(cp, cps);
  }
  // Stable sort of each run of non-starters by combining class.
  for (size_t i = 0; i < cps.size();) {
    if (cps[i] >= kInvalidCodepoint || CombiningClass(cps[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < cps.size() && cps[j] < kInvalidCodepoint && CombiningClass(cps[j]) != 0) ++j;
    std::stable_sort(cps.begin() + i, cps.begin() + j,
                     [](uint32_t a, uint32_t b) { return CombiningClass(a) < CombiningClass(b); });
    i = j;
  }
  return cps;
}

std::string Encode(const std::vector<uint32_t>& cps) {
  std::string out;
  out.reserve(cps.size() * 2);
  for (uint32_t cp : cps) {
    if (cp >= kInvalidCodepoint) out.push_back(static_cast<char>(cp - kInvalidCodepoint));
    else AppendUtf8(out, cp);
  }
  return out;
}

bool AllNfcStable(std::string_view text) {
  for (size_t pos = 0; pos < text.size();) {
    if (static_cast<uint8_t>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    if (Flags(DecodeUtf8(text, pos)) & kFlagNfcUnstable) return false;
  }
  return true;
}

}  // namespace

uint32_t DecodeUtf8(std::string_view s, size_t& pos) {
  const SequenceCheck c = CheckSequence(s, pos);
  if (c.valid_prefix != c.length) {
    ++pos;
    return kInvalidCodepoint;
  }
  const auto* p = reinterpret_cast<const uint8_t*>(s.data() + pos);
  pos += c.length;
  switch (c.length) {
    case 1: return p[0];
    case 2: return ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    case 3: return ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    default: return ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
  }
}

void AppendUtf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t CompleteUtf8Prefix(std::string_view bytes) {
  // Only the last sequence can be unfinished; it starts at most 3 bytes from the end.
  const size_t n = bytes.size();
  for (size_t back = 1; back <= 3 && back <= n; ++back) {
    const size_t start = n - back;
    const auto b = static_cast<uint8_t>(bytes[start]);
    if (b >= 0x80 && b <= 0xBF) continue;  // continuation byte: keep looking for its lead
    const SequenceCheck c = CheckSequence(bytes, start);
    const bool unfinished = c.length > static_cast<int>(back) && c.valid_prefix == static_cast<int>(back);
    return unfinished ? start : n;
  }
  return n;
}

std::string SanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t pos = 0; pos < bytes.size();) {
    const SequenceCheck c = CheckSequence(bytes, pos);
    if (c.valid_prefix == c.length) {
      out.append(bytes.substr(pos, c.length));
      pos += c.length;
    } else {
      out.append("\xEF\xBF\xBD");
      pos += std::max(c.valid_prefix, 1);
    }
  }
  return out;
}

uint8_t Flags(uint32_t cp) { return Table().Get(cp); }

std::string Nfd(std::string_view text) {
  if (AllNfcStable(text)) return std::string(text);  // nothing decomposes either
  return Encode(DecomposeOrdered(text));
}

std::string Nfc(std::string_view text) {
  if (AllNfcStable(text)) return std::string(text);
  std::vector<uint32_t> cps = DecomposeOrdered(text);
  if (cps.empty()) return {};
  // Canonical composition (UAX #15): each mark composes with the last starter unless blocked.
  std::vector<uint32_t> out;
  out.reserve(cps.size());
  out.push_back(cps[0]);
  size_t starter = 0;
  int last_class = (cps[0] < kInvalidCodepoint && CombiningClass(cps[0]) != 0) ? 256 : 0;
  for (size_t i = 1; i < cps.size(); ++i) {
    const uint32_t cp = cps[i];
    const int cls = cp < kInvalidCodepoint ? CombiningClass(cp) : 0;
    const uint32_t composite =
        (cp < kInvalidCodepoint && out[starter] < kInvalidCodepoint) ? Compose(out[starter], cp) : 0;
    if (composite != 0 && (last_class < cls || last_class == 0)) {
      out[starter] = composite;
      continue;
    }
    if (cls == 0) starter = out.size();
    last_class = cls;
    out.push_back(cp);
  }
  return Encode(out);
}

void AppendLowercase(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp));
    return;
  }
  const auto* end = kLowercase + kLowercaseSize;
  const auto* it = std::lower_bound(kLowercase, end, cp,
                                    [](const LowercaseMapping& m, uint32_t c) { return m.cp < c; });
  if (it == end || it->cp != cp) {
    if (cp < kInvalidCodepoint) AppendUtf8(out, cp);
    return;
  }
  for (uint32_t l : it->lower)
    if (l != 0) AppendUtf8(out, l);
}

}  // namespace enclave::unicode
