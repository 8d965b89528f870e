// Recursive-descent parser for the Jinja subset chat templates use, with Jinja's operator
// precedence. Anything outside the subset (include/import/extends, call blocks, unknown filters or
// tests, *args) fails with kUnsupported naming the construct and its line; syntax errors with
// kBadInput. Nesting deeper than max_depth fails instead of exhausting the stack.
#pragma once

#include <cstddef>
#include <vector>

#include "chat/jinja_ast.h"
#include "chat/jinja_lexer.h"

namespace enclave::jinja {

// Throws TemplateError.
Body ParseTemplate(std::vector<Token> tokens, size_t max_depth);

}  // namespace enclave::jinja
