// Executes a parsed template against its variables. Bounded: loop iterations, nesting depth
// (blocks, expressions, macro calls) and output size all have limits whose excess fails cleanly.
#pragma once

#include <string>

#include "chat/chat_template.h"
#include "chat/jinja_ast.h"
#include "chat/jinja_value.h"

namespace enclave::jinja {

// Renders `body` with `variables` (plus the built-in globals). Throws TemplateError.
std::string Render(const Body& body, const Dict& variables, const TemplateLimits& limits);

}  // namespace enclave::jinja
