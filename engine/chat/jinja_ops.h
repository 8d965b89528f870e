// Python's string methods and container operations, shared by filters, methods and the
// interpreter. Case mapping is ASCII-only (other letters are left as they are).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chat/jinja_value.h"

namespace enclave::jinja {

// Items of a for loop or filter input: list items, dict keys, string code points; nothing for
// undefined. Fails for other types.
List Iterate(const Value& v, int line);
// Python's `item in container`.
bool Contains(const Value& container, const Value& item, int line);

std::string AsciiLower(std::string_view s);
std::string AsciiUpper(std::string_view s);
std::string TitleCase(std::string_view s);
std::string Capitalize(std::string_view s);

// str.strip/lstrip/rstrip: whitespace when `chars` is none/undefined, else any of its code points.
std::string StripChars(std::string_view s, const Value& chars, bool left, bool right);
// str.split() without a separator: runs of whitespace, at most maxsplit splits (-1: all).
std::vector<std::string> SplitWhitespace(std::string_view s, int64_t maxsplit);
// str.split(sep, maxsplit) / str.rsplit(sep, maxsplit).
std::vector<std::string> SplitOn(std::string_view s, std::string_view sep, int64_t maxsplit, bool from_right,
                                 int line);
std::vector<std::string> SplitLines(std::string_view s);  // str.splitlines() (\n, \r\n, \r)
// str.replace(old, new, count); fails when the result would exceed max_bytes.
std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to, int64_t count,
                       size_t max_bytes, int line);

}  // namespace enclave::jinja
