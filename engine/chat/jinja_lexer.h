// Splits a Jinja template into text and the tokens inside {{ }} / {% %}, applying whitespace
// control as Jinja's lexer does with trim_blocks=True and lstrip_blocks=True (transformers' chat
// template environment): "-" strips whitespace next to a tag, "+" keeps it, the newline after a
// block tag or comment is dropped, and spaces before a block tag on its own line are dropped.
// Comments vanish; {% raw %} ... {% endraw %} becomes text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace enclave::jinja {

enum class TokenKind {
  kText,        // template data between tags
  kPrintBegin,  // {{
  kPrintEnd,    // }}
  kBlockBegin,  // {%
  kBlockEnd,    // %}
  kName,
  kString,      // value already unescaped
  kInteger,
  kFloat,
  kOperator,    // + - * / // % ** ~ == != < > <= >= = ( ) [ ] { } , . : |
  kEnd,         // end of template
};

struct Token {
  TokenKind kind;
  std::string text;
  int line;
};

// Throws TemplateError (kBadInput) for unterminated tags, comments, strings and raw blocks.
std::vector<Token> Tokenize(std::string_view source);

}  // namespace enclave::jinja
