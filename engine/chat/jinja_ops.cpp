#include "chat/jinja_ops.h"

#include <algorithm>

namespace enclave::jinja {

List Iterate(const Value& v, int line) {
  switch (v.kind()) {
    case Value::Kind::kUndefined: return {};
    case Value::Kind::kList: return v.list();
    case Value::Kind::kDict: {
      List keys;
      for (const auto& entry : v.dict().entries) keys.push_back(Value(entry.first));
      return keys;
    }
    case Value::Kind::kString: {
      List chars;
      for (std::string_view cp : SplitCodePoints(v.str())) chars.push_back(Value(std::string(cp)));
      return chars;
    }
    default:
      Fail(ErrorCode::kBadInput, line, "'" + std::string(v.TypeName()) + "' object is not iterable");
  }
}

bool Contains(const Value& container, const Value& item, int line) {
  switch (container.kind()) {
    case Value::Kind::kUndefined: return false;
    case Value::Kind::kString:
      if (!item.is_string())
        Fail(ErrorCode::kBadInput, line,
             "'in <string>' requires string as left operand, not " + std::string(item.TypeName()));
      return container.str().find(item.str()) != std::string::npos;
    case Value::Kind::kList:
      return std::any_of(container.list().begin(), container.list().end(),
                         [&](const Value& v) { return Equal(v, item); });
    case Value::Kind::kDict: return item.is_string() && container.dict().Find(item.str()) != nullptr;
    default:
      Fail(ErrorCode::kBadInput, line, "argument of type '" + std::string(container.TypeName()) + "' is not iterable");
  }
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

std::string AsciiUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
  return out;
}

std::string TitleCase(std::string_view s) {
  // Jinja's title(): words start after whitespace, '-', '(', '{', '[' or '<'; the first letter of
  // each word is upper-cased and the rest lower-cased.
  std::string out(s);
  bool word_start = true;
  for (char& c : out) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '-' || c == '(' ||
        c == '{' || c == '[' || c == '<') {
      word_start = true;
      continue;
    }
    if (word_start && c >= 'a' && c <= 'z') c = char(c - 'a' + 'A');
    if (!word_start && c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    word_start = false;
  }
  return out;
}

std::string Capitalize(std::string_view s) {
  std::string out = AsciiLower(s);
  if (!out.empty()) out[0] = AsciiUpper(out.substr(0, 1))[0];
  return out;
}

std::string StripChars(std::string_view s, const Value& chars, bool left, bool right) {
  if (chars.is_none() || chars.is_undefined()) return std::string(StripSpaces(s, left, right));
  const std::string char_set = chars.ToString();
  const std::vector<std::string_view> set = SplitCodePoints(char_set);
  std::vector<std::string_view> cps = SplitCodePoints(s);
  auto in_set = [&](std::string_view cp) { return std::find(set.begin(), set.end(), cp) != set.end(); };
  size_t begin = 0, end = cps.size();
  if (left)
    while (begin < end && in_set(cps[begin])) ++begin;
  if (right)
    while (end > begin && in_set(cps[end - 1])) --end;
  std::string out;
  for (size_t i = begin; i < end; ++i) out += cps[i];
  return out;
}

std::vector<std::string> SplitWhitespace(std::string_view s, int64_t maxsplit) {
  std::vector<std::string> parts;
  std::vector<std::string_view> cps = SplitCodePoints(s);
  auto is_space = [](std::string_view cp) { return StripSpaces(cp, true, false).empty(); };
  size_t i = 0;
  while (i < cps.size()) {
    while (i < cps.size() && is_space(cps[i])) ++i;
    if (i == cps.size()) break;
    std::string word;
    if (maxsplit >= 0 && int64_t(parts.size()) == maxsplit) {
      // The rest, with trailing whitespace removed, is the last part.
      for (size_t k = i; k < cps.size(); ++k) word += cps[k];
      parts.emplace_back(StripSpaces(word, false, true));
      break;
    }
    while (i < cps.size() && !is_space(cps[i])) word += cps[i++];
    parts.push_back(std::move(word));
  }
  return parts;
}

std::vector<std::string> SplitOn(std::string_view s, std::string_view sep, int64_t maxsplit, bool from_right,
                                 int line) {
  if (sep.empty()) Fail(ErrorCode::kBadInput, line, "split: empty separator");
  std::vector<std::string> parts;
  if (!from_right) {
    size_t start = 0;
    while (maxsplit < 0 || int64_t(parts.size()) < maxsplit) {
      const size_t at = s.find(sep, start);
      if (at == std::string_view::npos) break;
      parts.emplace_back(s.substr(start, at - start));
      start = at + sep.size();
    }
    parts.emplace_back(s.substr(start));
    return parts;
  }
  size_t end = s.size();
  while (maxsplit < 0 || int64_t(parts.size()) < maxsplit) {
    if (end < sep.size()) break;
    const size_t at = s.rfind(sep, end - sep.size());
    if (at == std::string_view::npos) break;
    parts.emplace_back(s.substr(at + sep.size(), end - at - sep.size()));
    end = at;
  }
  parts.emplace_back(s.substr(0, end));
  std::reverse(parts.begin(), parts.end());
  return parts;
}

std::vector<std::string> SplitLines(std::string_view s) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n' || s[i] == '\r') {
      lines.emplace_back(s.substr(start, i - start));
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < s.size()) lines.emplace_back(s.substr(start));
  return lines;
}

std::string ReplaceAll(std::string_view s, std::string_view from, std::string_view to, int64_t count,
                       size_t max_bytes, int line) {
  std::string out;
  size_t start = 0;
  int64_t done = 0;
  auto check = [&] {
    if (out.size() > max_bytes) Fail(ErrorCode::kBadInput, line, "replace result exceeds the output limit");
  };
  if (from.empty()) {  // Python inserts `to` between every code point and at both ends
    for (std::string_view cp : SplitCodePoints(s)) {
      if (count < 0 || done < count) {
        out += to;
        ++done;
      }
      out += cp;
      check();
    }
    if (count < 0 || done < count) out += to;
    check();
    return out;
  }
  while (count < 0 || done < count) {
    const size_t at = s.find(from, start);
    if (at == std::string_view::npos) break;
    out.append(s.substr(start, at - start));
    out.append(to);
    check();
    start = at + from.size();
    ++done;
  }
  out.append(s.substr(start));
  check();
  return out;
}

}  // namespace enclave::jinja
