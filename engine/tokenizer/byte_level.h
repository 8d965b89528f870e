// GPT-2's byte <-> character map: byte-level BPE vocabularies spell every byte as a printable
// character ("Ġ" is the space byte 0x20, "Ċ" is '\n').
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace enclave::byte_level {

// The character (code point) that stands for `byte`.
uint32_t CharOfByte(uint8_t byte);
// The byte a character stands for, or -1 when it is not one of the 256.
int ByteOfChar(uint32_t cp);
// Raw bytes -> their byte-level spelling (UTF-8).
std::string Encode(std::string_view bytes);
// Byte-level spelling -> raw bytes; false (out unchanged) if a character is not in the map.
bool Decode(std::string_view text, std::string& out);

}  // namespace enclave::byte_level
