#include "chat/jinja_lexer.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "chat/jinja_value.h"

namespace enclave::jinja {
namespace {

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
  } else if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  } else {
    out += char(0xF0 | (cp >> 18));
    out += char(0x80 | ((cp >> 12) & 0x3F));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
  }
}

// Python's "unicode-escape" decoding, which Jinja applies to string literals.
std::string UnescapeStringLiteral(std::string_view body) {
  std::string out;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] != '\\' || i + 1 == body.size()) {
      out += body[i];
      continue;
    }
    const char e = body[++i];
    auto hex = [&](size_t digits) -> bool {
      char32_t cp = 0;
      for (size_t k = 1; k <= digits; ++k) {
        if (i + k >= body.size() || !std::isxdigit(static_cast<unsigned char>(body[i + k]))) return false;
        const char h = char(std::tolower(static_cast<unsigned char>(body[i + k])));
        cp = cp * 16 + char32_t(h <= '9' ? h - '0' : h - 'a' + 10);
      }
      AppendUtf8(out, cp);
      i += digits;
      return true;
    };
    switch (e) {
      case '\n': break;  // line continuation
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'v': out += '\v'; break;
      case 'a': out += '\a'; break;
      case 'x': if (!hex(2)) out += "\\x"; break;
      case 'u': if (!hex(4)) out += "\\u"; break;
      case 'U': if (!hex(8)) out += "\\U"; break;
      default:
        if (e >= '0' && e <= '7') {
          char32_t cp = 0;
          size_t k = 0;
          while (k < 3 && i + k < body.size() && body[i + k] >= '0' && body[i + k] <= '7')
            cp = cp * 8 + char32_t(body[i + k++] - '0');
          AppendUtf8(out, cp);
          i += k - 1;
        } else {
          out += '\\';
          out += e;
        }
    }
  }
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) {
    // Jinja normalises newlines to "\n" and drops one trailing newline (keep_trailing_newline=False).
    src_.reserve(source.size());
    for (size_t i = 0; i < source.size(); ++i) {
      if (source[i] == '\r') {
        src_ += '\n';
        if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
      } else {
        src_ += source[i];
      }
    }
    if (!src_.empty() && src_.back() == '\n') src_.pop_back();
  }

  std::vector<Token> Run() {
    while (pos_ < src_.size()) {
      const size_t tag = FindTagStart(pos_);
      if (tag == std::string::npos) {
        EmitText(src_.substr(pos_), line_);
        break;
      }
      const char type = src_[tag + 1];
      char sign = tag + 2 < src_.size() ? src_[tag + 2] : 0;
      if (sign != '-' && sign != '+') sign = 0;
      std::string text = src_.substr(pos_, tag - pos_);
      const int text_line = line_;
      line_ += int(std::count(text.begin(), text.end(), '\n'));
      ApplyStripBefore(text, type, sign);
      EmitText(std::move(text), text_line);
      const int tag_line = line_;
      pos_ = tag + 2 + (sign ? 1 : 0);
      if (type == '#') {
        LexComment(tag_line);
      } else if (type == '%' && TryLexRaw(tag_line)) {
        // raw block emitted as text
      } else {
        LexTag(type == '{' ? TokenKind::kPrintBegin : TokenKind::kBlockBegin, tag_line);
      }
    }
    tokens_.push_back({TokenKind::kEnd, "", line_});
    return std::move(tokens_);
  }

 private:
  size_t FindTagStart(size_t from) const {
    for (size_t i = from; i + 1 < src_.size(); ++i)
      if (src_[i] == '{' && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) return i;
    return std::string::npos;
  }

  void ApplyStripBefore(std::string& text, char type, char sign) const {
    if (sign == '-') {
      text.resize(StripSpaces(text, false, true).size());
    } else if (sign != '+' && type != '{') {
      // lstrip_blocks: drop the indentation of a block tag or comment that starts its line.
      const size_t line_start = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
      if (line_start > 0 || line_starting_) {
        const std::string_view tail = std::string_view(text).substr(line_start);
        if (!tail.empty() && StripSpaces(tail, true, false).empty()) text.resize(line_start);
      }
    }
  }

  void EmitText(std::string text, int line) {
    if (!text.empty()) tokens_.push_back({TokenKind::kText, std::move(text), line});
  }

  // After a tag's closing delimiter: "-" eats all whitespace; a plain block end (trim_blocks)
  // eats one newline; "+" and print ends keep everything.
  void ApplyStripAfter(char sign, bool is_block) {
    const size_t start = pos_;
    if (sign == '-') {
      const std::string_view rest = std::string_view(src_).substr(pos_);
      pos_ += rest.size() - StripSpaces(rest, true, false).size();
    } else if (sign == 0 && is_block && pos_ < src_.size() && src_[pos_] == '\n') {
      ++pos_;
    }
    line_ += int(std::count(src_.begin() + long(start), src_.begin() + long(pos_), '\n'));
    line_starting_ = pos_ > 0 && src_[pos_ - 1] == '\n';
  }

  void LexComment(int tag_line) {
    const size_t end = src_.find("#}", pos_);
    if (end == std::string::npos)
      Fail(ErrorCode::kBadInput, tag_line, "comment '{#' is never closed with '#}'");
    char sign = end > pos_ ? src_[end - 1] : 0;
    if (sign != '-' && sign != '+') sign = 0;
    line_ += int(std::count(src_.begin() + long(pos_), src_.begin() + long(end), '\n'));
    pos_ = end + 2;
    ApplyStripAfter(sign, true);
  }

  // {% raw %} ... {% endraw %}: the body is text, tags inside are not interpreted.
  bool TryLexRaw(int tag_line) {
    size_t p = pos_;
    while (p < src_.size() && IsAsciiSpace(src_[p])) ++p;
    if (src_.compare(p, 3, "raw") != 0 || (p + 3 < src_.size() && IsNameChar(src_[p + 3]))) return false;
    p += 3;
    while (p < src_.size() && IsAsciiSpace(src_[p])) ++p;
    bool strip_after_open = false;
    if (src_.compare(p, 3, "-%}") == 0) {
      strip_after_open = true;
      p += 3;
    } else if (src_.compare(p, 2, "%}") == 0) {
      p += 2;
    } else {
      return false;
    }
    if (strip_after_open) {
      const std::string_view rest = std::string_view(src_).substr(p);
      p += rest.size() - StripSpaces(rest, true, false).size();
    }
    for (size_t q = src_.find("{%", p); q != std::string::npos; q = src_.find("{%", q + 2)) {
      size_t r = q + 2;
      char sign = r < src_.size() && (src_[r] == '-' || src_[r] == '+') ? src_[r++] : 0;
      while (r < src_.size() && IsAsciiSpace(src_[r])) ++r;
      if (src_.compare(r, 6, "endraw") != 0) continue;
      r += 6;
      while (r < src_.size() && IsAsciiSpace(src_[r])) ++r;
      char end_sign = r < src_.size() && (src_[r] == '-' || src_[r] == '+') ? src_[r++] : 0;
      if (src_.compare(r, 2, "%}") != 0) continue;
      std::string body = src_.substr(p, q - p);
      line_ += int(std::count(src_.begin() + long(pos_), src_.begin() + long(q), '\n'));
      ApplyStripBefore(body, '%', sign);
      EmitText(std::move(body), tag_line);
      line_ += int(std::count(src_.begin() + long(q), src_.begin() + long(r), '\n'));
      pos_ = r + 2;
      ApplyStripAfter(end_sign, true);
      return true;
    }
    Fail(ErrorCode::kBadInput, tag_line, "'{% raw %}' is never closed with '{% endraw %}'");
  }

  void LexTag(TokenKind begin, int tag_line) {
    const bool is_block = begin == TokenKind::kBlockBegin;
    const char closer = is_block ? '%' : '}';
    tokens_.push_back({begin, is_block ? "{%" : "{{", tag_line});
    std::vector<char> brackets;
    while (true) {
      while (pos_ < src_.size() && IsAsciiSpace(src_[pos_])) line_ += src_[pos_++] == '\n';
      if (pos_ >= src_.size())
        Fail(ErrorCode::kBadInput, tag_line,
             std::string("tag '") + (is_block ? "{%" : "{{") + "' is never closed with '" +
                 (is_block ? "%}" : "}}") + "'");
      if (brackets.empty()) {
        char sign = 0;
        size_t p = pos_;
        if (src_[p] == '-' || (is_block && src_[p] == '+')) sign = src_[p++];
        if (p + 1 < src_.size() && src_[p] == closer && src_[p + 1] == '}') {
          tokens_.push_back({is_block ? TokenKind::kBlockEnd : TokenKind::kPrintEnd,
                             is_block ? "%}" : "}}", line_});
          pos_ = p + 2;
          ApplyStripAfter(sign, is_block);
          return;
        }
      }
      LexExpressionToken(brackets, tag_line);
    }
  }

  void LexExpressionToken(std::vector<char>& brackets, int tag_line) {
    const char c = src_[pos_];
    const size_t start = pos_;
    if (IsNameStart(c)) {
      while (pos_ < src_.size() && IsNameChar(src_[pos_])) ++pos_;
      tokens_.push_back({TokenKind::kName, src_.substr(start, pos_ - start), line_});
      return;
    }
    if (std::isdigit(static_cast<unsigned char>(c))) {
      auto digits = [&] {
        while (pos_ < src_.size() && (std::isdigit(static_cast<unsigned char>(src_[pos_])) || src_[pos_] == '_')) ++pos_;
      };
      digits();
      bool is_float = false;
      if (pos_ + 1 < src_.size() && src_[pos_] == '.' && std::isdigit(static_cast<unsigned char>(src_[pos_ + 1]))) {
        ++pos_;
        digits();
        is_float = true;
      }
      if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
        size_t p = pos_ + 1;
        if (p < src_.size() && (src_[p] == '+' || src_[p] == '-')) ++p;
        if (p < src_.size() && std::isdigit(static_cast<unsigned char>(src_[p]))) {
          pos_ = p;
          digits();
          is_float = true;
        }
      }
      std::string text = src_.substr(start, pos_ - start);
      text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
      tokens_.push_back({is_float ? TokenKind::kFloat : TokenKind::kInteger, std::move(text), line_});
      return;
    }
    if (c == '\'' || c == '"') {
      size_t p = pos_ + 1;
      while (p < src_.size() && src_[p] != c) p += src_[p] == '\\' ? 2 : 1;
      if (p >= src_.size())
        Fail(ErrorCode::kBadInput, line_, "string literal is never closed (opened inside the tag on line " +
                                              std::to_string(tag_line) + ")");
      const std::string_view body = std::string_view(src_).substr(pos_ + 1, p - pos_ - 1);
      tokens_.push_back({TokenKind::kString, UnescapeStringLiteral(body), line_});
      line_ += int(std::count(body.begin(), body.end(), '\n'));
      pos_ = p + 1;
      return;
    }
    static constexpr std::array<std::string_view, 6> kTwoChar = {"//", "**", "==", "!=", "<=", ">="};
    for (std::string_view op : kTwoChar) {
      if (src_.compare(pos_, 2, op) == 0) {
        tokens_.push_back({TokenKind::kOperator, std::string(op), line_});
        pos_ += 2;
        return;
      }
    }
    static constexpr std::string_view kOneChar = "+-*/%~<>=()[]{},.:|";
    if (kOneChar.find(c) == std::string_view::npos)
      Fail(ErrorCode::kBadInput, line_, std::string("unexpected character '") + c + "' in a tag");
    if (c == '(' || c == '[' || c == '{') brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    if (c == ')' || c == ']' || c == '}') {
      if (brackets.empty() || brackets.back() != c)
        Fail(ErrorCode::kBadInput, line_, std::string("unexpected '") + c + "'");
      brackets.pop_back();
    }
    tokens_.push_back({TokenKind::kOperator, std::string(1, c), line_});
    ++pos_;
  }

  std::string src_;
  size_t pos_ = 0;
  int line_ = 1;
  bool line_starting_ = true;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> Tokenize(std::string_view source) { return Lexer(source).Run(); }

}  // namespace enclave::jinja
