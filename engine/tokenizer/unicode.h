// UTF-8 coding and the Unicode properties tokenizers use: general category, White_Space,
// canonical normalisation (NFC/NFD) and lowercase. Tables: unicode_tables.cpp (generated).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace enclave::unicode {

// A byte that does not start a valid UTF-8 sequence decodes to this (1 byte long), so text
// that is not valid UTF-8 still tokenizes byte for byte.
inline constexpr uint32_t kInvalidCodepoint = 0x110000;

// Decodes the code point at s[pos] and advances pos past it.
uint32_t DecodeUtf8(std::string_view s, size_t& pos);
void AppendUtf8(std::string& out, uint32_t cp);
// Length of the longest prefix that does not end inside an incomplete (but so far valid)
// UTF-8 sequence: what a streaming decoder may emit now.
size_t CompleteUtf8Prefix(std::string_view bytes);
// Replaces invalid UTF-8 with U+FFFD, one per maximal invalid subpart (as Rust's
// String::from_utf8_lossy does).
std::string SanitizeUtf8(std::string_view bytes);

enum Category : uint8_t {
  kUnassigned = 0, kLetter = 1, kNumber = 2, kPunctuation = 3, kSymbol = 4, kMark = 5,
  kSeparator = 6, kOther = 7,
};
inline constexpr uint8_t kFlagWhiteSpace = 0x08;
inline constexpr uint8_t kFlagNonspacingMark = 0x10;
inline constexpr uint8_t kFlagNfcUnstable = 0x20;

// Category in bits 0-2 plus the kFlag* bits; kInvalidCodepoint is kOther.
uint8_t Flags(uint32_t cp);
inline Category MajorCategory(uint32_t cp) { return static_cast<Category>(Flags(cp) & 7); }
inline bool IsWhiteSpace(uint32_t cp) { return (Flags(cp) & kFlagWhiteSpace) != 0; }

std::string Nfc(std::string_view text);
std::string Nfd(std::string_view text);
// Full lowercase mapping of one code point (may be several code points: U+0130).
void AppendLowercase(std::string& out, uint32_t cp);

}  // namespace enclave::unicode
