#include "tokenizer/byte_level.h"

#include <array>

#include "tokenizer/unicode.h"

namespace enclave::byte_level {
namespace {

struct Maps {
  std::array<uint32_t, 256> char_of_byte{};
  std::array<int16_t, 512> byte_of_char{};  // every mapped character is below U+0200

  Maps() {
    byte_of_char.fill(-1);
    // Printable Latin-1 bytes stand for themselves; the others take U+0100 onwards in order.
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE;
      char_of_byte[b] = printable ? b : next++;
      byte_of_char[char_of_byte[b]] = static_cast<int16_t>(b);
    }
  }
};

const Maps& Get() {
  static const Maps maps;
  return maps;
}

}  // namespace

uint32_t CharOfByte(uint8_t byte) { return Get().char_of_byte[byte]; }

int ByteOfChar(uint32_t cp) { return cp < 512 ? Get().byte_of_char[cp] : -1; }

std::string Encode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) unicode::AppendUtf8(out, CharOfByte(static_cast<uint8_t>(c)));
  return out;
}

bool Decode(std::string_view text, std::string& out) {
  std::string bytes;
  bytes.reserve(text.size());
  for (size_t pos = 0; pos < text.size();) {
    const int b = ByteOfChar(unicode::DecodeUtf8(text, pos));
    if (b < 0) return false;
    bytes.push_back(static_cast<char>(b));
  }
  out = std::move(bytes);
  return true;
}

}  // namespace enclave::byte_level
