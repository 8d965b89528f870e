// The parsed form of a template: statements (Node) holding expressions (Expr).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "chat/jinja_value.h"

namespace enclave::jinja {

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  enum class Kind {
    kLiteral,      // value
    kName,         // name
    kList,         // [operands...]
    kTuple,        // (operands...) or a bare "a, b"
    kDict,         // {operands[2i]: operands[2i+1], ...}
    kGetAttr,      // operands[0].name
    kGetItem,      // operands[0][operands[1]]
    kSlice,        // operands[0][operands[1]:operands[2]:operands[3]] (null parts omitted)
    kCall,         // operands[0](operands[1..], keyword_args)
    kFilter,       // operands[0] | name(operands[1..], keyword_args)
    kTest,         // operands[0] is [not] name(operands[1..]); negated
    kUnary,        // name in {"-", "+", "not"} applied to operands[0]
    kBinary,       // operands[0] name operands[1]: + - * / // % ** ~ and or
    kCompare,      // operands[0] ops[0] operands[1] ops[1] operands[2] ... (chained)
    kConditional,  // operands[0] if operands[1] else operands[2] (else may be absent)
  };

  Kind kind;
  int line = 0;
  Value value;                    // kLiteral
  std::string name;               // variable, attribute, filter, test or operator
  std::vector<std::string> ops;   // kCompare: "==", "!=", "<", "<=", ">", ">=", "in", "not in"
  bool negated = false;           // kTest: "is not"
  std::vector<ExprPtr> operands;  // null entries stand for omitted slice parts / else branches
  std::vector<std::pair<std::string, ExprPtr>> keyword_args;
};

struct Node;
using NodePtr = std::unique_ptr<Node>;
using Body = std::vector<NodePtr>;

// The variable a {% filter %} block's filter chain reads its rendered body from (no template can
// name it: it has a space).
inline constexpr const char* kFilterBlockInput = "filter body";

struct MacroParam {
  std::string name;
  ExprPtr default_value;  // may be null
};

struct Node {
  enum class Kind {
    kText,         // text
    kPrint,        // {{ expr }}
    kIf,           // branches: (condition, body); the else branch has a null condition
    kFor,          // for targets in expr [if condition]: body [else: else_body]
    kSet,          // set targets = expr, or set name.attribute = expr
    kSetBlock,     // set targets[0] %}body{% endset (rendered text)
    kMacro,        // macro name(params): body
    kFilterBlock,  // filter chain `expr` applied to the rendered body, bound as kFilterBlockInput
    kBreak,
    kContinue,
    kScope,        // generation / endgeneration: body rendered as is
  };

  Kind kind;
  int line = 0;
  std::string text;                  // kText; kMacro: name; kSet with attribute: the attribute
  ExprPtr expr;                      // kPrint, kFor iterable, kSet value, kFilterBlock filter chain
  ExprPtr condition;                 // kFor filter
  std::vector<std::string> targets;  // kFor / kSet variable names
  std::vector<std::pair<ExprPtr, Body>> branches;  // kIf
  Body body;
  Body else_body;                    // kFor
  std::vector<MacroParam> params;    // kMacro
};

}  // namespace enclave::jinja
