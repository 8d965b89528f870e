#include "chat/jinja_parser.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <initializer_list>

#include "chat/jinja_builtins.h"

namespace enclave::jinja {
namespace {

bool IsCompareOp(const std::string& op) {
  return op == "==" || op == "!=" || op == "<" || op == ">" || op == "<=" || op == ">=";
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, size_t max_depth) : tokens_(std::move(tokens)), max_depth_(max_depth) {}

  Body ParseAll() {
    std::string terminator;
    Body body = ParseBody({}, &terminator, 0, "");
    return body;
  }

 private:
  // ---- token helpers ----
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ < tokens_.size() - 1) ++pos_;
    return t;
  }
  bool IsOp(std::string_view op, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kOperator && Peek(ahead).text == op;
  }
  bool IsName(std::string_view name, size_t ahead = 0) const {
    return Peek(ahead).kind == TokenKind::kName && Peek(ahead).text == name;
  }
  bool SkipOp(std::string_view op) {
    if (!IsOp(op)) return false;
    Next();
    return true;
  }
  bool SkipName(std::string_view name) {
    if (!IsName(name)) return false;
    Next();
    return true;
  }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kEnd: return "end of template";
      case TokenKind::kPrintEnd: return "'}}'";
      case TokenKind::kBlockEnd: return "'%}'";
      case TokenKind::kText: return "template text";
      case TokenKind::kString: return "string literal";
      default: return "'" + t.text + "'";
    }
  }
  [[noreturn]] void Unexpected(const std::string& expected) const {
    Fail(ErrorCode::kBadInput, Peek().line, "expected " + expected + ", got " + Describe(Peek()));
  }
  void ExpectOp(std::string_view op) {
    if (!SkipOp(op)) Unexpected("'" + std::string(op) + "'");
  }
  std::string ExpectName() {
    if (Peek().kind != TokenKind::kName) Unexpected("a name");
    return Next().text;
  }
  void ExpectBlockEnd() {
    if (Peek().kind != TokenKind::kBlockEnd) Unexpected("'%}'");
    Next();
  }

  // Bounds recursion on hostile input (e.g. thousands of nested parentheses or ifs).
  struct DepthGuard {
    explicit DepthGuard(Parser& p) : parser(p) {
      if (++parser.depth_ > parser.max_depth_)
        Fail(ErrorCode::kBadInput, parser.Peek().line,
             "template nests deeper than " + std::to_string(parser.max_depth_) + " levels");
    }
    ~DepthGuard() { --parser.depth_; }
    Parser& parser;
  };

  // Operator chains build left-deep trees without recursing here, but evaluating and destroying
  // them recurses: each link counts as one level of nesting while the chain is parsed.
  struct ChainBudget {
    explicit ChainBudget(Parser& p) : parser(p) {}
    ~ChainBudget() { parser.depth_ -= links; }
    void AddLink() {
      ++links;
      if (++parser.depth_ > parser.max_depth_)
        Fail(ErrorCode::kBadInput, parser.Peek().line,
             "template nests deeper than " + std::to_string(parser.max_depth_) + " levels");
    }
    Parser& parser;
    size_t links = 0;
  };

  static ExprPtr Make(Expr::Kind kind, int line) {
    auto e = std::make_unique<Expr>();
    e->kind = kind;
    e->line = line;
    return e;
  }

  // ---- statements ----

  // Parses nodes until a block tag named in `terminators`; consumes that tag's name and stores it.
  Body ParseBody(std::initializer_list<std::string_view> terminators, std::string* terminator, int open_line,
                 std::string_view open_tag) {
    DepthGuard guard(*this);
    Body body;
    while (true) {
      const Token& t = Peek();
      switch (t.kind) {
        case TokenKind::kEnd:
          if (terminators.size() == 0) return body;
          Fail(ErrorCode::kBadInput, open_line,
               "'{% " + std::string(open_tag) + " %}' is never closed (expected '{% " +
                   std::string(*(terminators.end() - 1)) + " %}')");
        case TokenKind::kText: {
          auto node = std::make_unique<Node>();
          node->kind = Node::Kind::kText;
          node->line = t.line;
          node->text = Next().text;
          body.push_back(std::move(node));
          break;
        }
        case TokenKind::kPrintBegin: {
          auto node = std::make_unique<Node>();
          node->kind = Node::Kind::kPrint;
          node->line = Next().line;
          node->expr = ParseExpression();
          if (Peek().kind != TokenKind::kPrintEnd) Unexpected("'}}'");
          Next();
          body.push_back(std::move(node));
          break;
        }
        case TokenKind::kBlockBegin: {
          Next();
          if (Peek().kind != TokenKind::kName) Unexpected("a statement name after '{%'");
          const std::string& name = Peek().text;
          if (std::find(terminators.begin(), terminators.end(), name) != terminators.end()) {
            *terminator = Next().text;
            return body;
          }
          body.push_back(ParseStatement());
          break;
        }
        default: Unexpected("template text or a tag");
      }
    }
  }

  NodePtr ParseStatement() {
    const Token& t = Next();
    auto node = std::make_unique<Node>();
    node->line = t.line;
    const std::string& tag = t.text;
    if (tag == "if") return ParseIf(std::move(node));
    if (tag == "for") return ParseFor(std::move(node));
    if (tag == "set") return ParseSet(std::move(node));
    if (tag == "macro") return ParseMacro(std::move(node));
    if (tag == "filter") return ParseFilterBlock(std::move(node));
    if (tag == "generation") {  // transformers' AssistantTracker extension: marks assistant text
      node->kind = Node::Kind::kScope;
      ExpectBlockEnd();
      std::string end;
      node->body = ParseBody({"endgeneration"}, &end, node->line, "generation");
      ExpectBlockEnd();
      return node;
    }
    if (tag == "break" || tag == "continue") {
      if (loop_depth_ == 0)
        Fail(ErrorCode::kBadInput, node->line, "'{% " + tag + " %}' outside of a for loop");
      node->kind = tag == "break" ? Node::Kind::kBreak : Node::Kind::kContinue;
      ExpectBlockEnd();
      return node;
    }
    if (tag == "include" || tag == "import" || tag == "from" || tag == "extends" || tag == "block")
      Fail(ErrorCode::kUnsupported, node->line,
           "'{% " + tag + " %}' is not supported: chat templates are sandboxed and cannot load other templates");
    if (tag == "call" || tag == "do" || tag == "with" || tag == "autoescape" || tag == "trans")
      Fail(ErrorCode::kUnsupported, node->line, "'{% " + tag + " %}' is not supported");
    if (tag.rfind("end", 0) == 0 || tag == "elif" || tag == "else")
      Fail(ErrorCode::kBadInput, node->line, "unexpected '{% " + tag + " %}'");
    Fail(ErrorCode::kUnsupported, node->line, "unknown statement '{% " + tag + " %}'");
  }

  NodePtr ParseIf(NodePtr node) {
    node->kind = Node::Kind::kIf;
    ExprPtr condition = ParseExpression();
    ExpectBlockEnd();
    while (true) {
      std::string end;
      Body body = ParseBody({"elif", "else", "endif"}, &end, node->line, "if");
      node->branches.emplace_back(std::move(condition), std::move(body));
      if (end == "endif") break;
      if (end == "elif") {
        condition = ParseExpression();
        ExpectBlockEnd();
        continue;
      }
      ExpectBlockEnd();  // else
      Body else_body = ParseBody({"endif"}, &end, node->line, "if");
      node->branches.emplace_back(nullptr, std::move(else_body));
      break;
    }
    ExpectBlockEnd();
    return node;
  }

  std::vector<std::string> ParseTargets() {
    std::vector<std::string> names;
    const bool parenthesized = SkipOp("(");
    do {
      names.push_back(ExpectName());
    } while (SkipOp(","));
    if (parenthesized) ExpectOp(")");
    return names;
  }

  NodePtr ParseFor(NodePtr node) {
    node->kind = Node::Kind::kFor;
    node->targets = ParseTargets();
    if (!SkipName("in")) Unexpected("'in'");
    node->expr = ParseTupleOr(/*with_conditional=*/false);
    if (SkipName("if")) node->condition = ParseExpression();
    if (IsName("recursive"))
      Fail(ErrorCode::kUnsupported, node->line, "recursive for loops are not supported");
    ExpectBlockEnd();
    ++loop_depth_;
    std::string end;
    node->body = ParseBody({"else", "endfor"}, &end, node->line, "for");
    --loop_depth_;
    if (end == "else") {
      ExpectBlockEnd();
      node->else_body = ParseBody({"endfor"}, &end, node->line, "for");
    }
    ExpectBlockEnd();
    return node;
  }

  NodePtr ParseSet(NodePtr node) {
    node->kind = Node::Kind::kSet;
    const std::string first = ExpectName();
    if (SkipOp(".")) {  // namespace attribute: {% set ns.attr = value %}
      node->targets = {first};
      node->text = ExpectName();
    } else {
      node->targets = {first};
      while (SkipOp(",")) node->targets.push_back(ExpectName());
    }
    if (SkipOp("=")) {
      node->expr = ParseTupleOr(/*with_conditional=*/true);
      ExpectBlockEnd();
      return node;
    }
    if (IsOp("|"))
      Fail(ErrorCode::kUnsupported, node->line, "filtered block assignment '{% set x | filter %}' is not supported");
    if (node->targets.size() != 1 || !node->text.empty()) Unexpected("'='");
    ExpectBlockEnd();
    node->kind = Node::Kind::kSetBlock;
    std::string end;
    node->body = ParseBody({"endset"}, &end, node->line, "set");
    ExpectBlockEnd();
    return node;
  }

  NodePtr ParseMacro(NodePtr node) {
    node->kind = Node::Kind::kMacro;
    node->text = ExpectName();
    ExpectOp("(");
    while (!IsOp(")")) {
      if (!node->params.empty()) ExpectOp(",");
      if (IsOp(")")) break;
      MacroParam param;
      param.name = ExpectName();
      if (SkipOp("=")) param.default_value = ParseExpression();
      node->params.push_back(std::move(param));
    }
    ExpectOp(")");
    ExpectBlockEnd();
    const int saved_loop_depth = loop_depth_;
    loop_depth_ = 0;
    std::string end;
    node->body = ParseBody({"endmacro"}, &end, node->line, "macro " + node->text);
    loop_depth_ = saved_loop_depth;
    ExpectBlockEnd();
    return node;
  }

  NodePtr ParseFilterBlock(NodePtr node) {
    node->kind = Node::Kind::kFilterBlock;
    ExprPtr input = Make(Expr::Kind::kName, node->line);
    input->name = kFilterBlockInput;
    node->expr = ParseFilter(std::move(input));
    while (IsOp("|")) node->expr = ParseFilter(std::move(node->expr));
    ExpectBlockEnd();
    std::string end;
    node->body = ParseBody({"endfilter"}, &end, node->line, "filter");
    ExpectBlockEnd();
    return node;
  }

  // ---- expressions ----

  ExprPtr ParseExpression() { return ParseConditional(); }

  // An expression, or a bare tuple "a, b" (a list value), as Jinja allows after "in" and "=".
  ExprPtr ParseTupleOr(bool with_conditional) {
    const int line = Peek().line;
    ExprPtr first = with_conditional ? ParseConditional() : ParseOr();
    if (!IsOp(",")) return first;
    auto tuple = Make(Expr::Kind::kTuple, line);
    tuple->operands.push_back(std::move(first));
    while (SkipOp(",")) {
      if (Peek().kind == TokenKind::kBlockEnd || Peek().kind == TokenKind::kPrintEnd) break;
      tuple->operands.push_back(with_conditional ? ParseConditional() : ParseOr());
    }
    return tuple;
  }

  ExprPtr ParseConditional() {
    DepthGuard guard(*this);
    ExprPtr expr = ParseOr();
    ChainBudget chain(*this);
    while (IsName("if")) {
      chain.AddLink();
      const int line = Next().line;
      auto cond = Make(Expr::Kind::kConditional, line);
      ExprPtr test = ParseOr();
      ExprPtr otherwise = SkipName("else") ? ParseConditional() : nullptr;
      cond->operands.push_back(std::move(expr));
      cond->operands.push_back(std::move(test));
      cond->operands.push_back(std::move(otherwise));
      expr = std::move(cond);
    }
    return expr;
  }

  ExprPtr Binary(std::string op, ExprPtr left, ExprPtr right, int line) {
    auto e = Make(Expr::Kind::kBinary, line);
    e->name = std::move(op);
    e->operands.push_back(std::move(left));
    e->operands.push_back(std::move(right));
    return e;
  }

  ExprPtr ParseOr() {
    ExprPtr left = ParseAnd();
    ChainBudget chain(*this);
    while (IsName("or")) {
      chain.AddLink();
      const int line = Next().line;
      left = Binary("or", std::move(left), ParseAnd(), line);
    }
    return left;
  }

  ExprPtr ParseAnd() {
    ExprPtr left = ParseNot();
    ChainBudget chain(*this);
    while (IsName("and")) {
      chain.AddLink();
      const int line = Next().line;
      left = Binary("and", std::move(left), ParseNot(), line);
    }
    return left;
  }

  ExprPtr ParseNot() {
    if (IsName("not")) {
      DepthGuard guard(*this);
      auto e = Make(Expr::Kind::kUnary, Next().line);
      e->name = "not";
      e->operands.push_back(ParseNot());
      return e;
    }
    return ParseCompare();
  }

  ExprPtr ParseCompare() {
    const int line = Peek().line;
    ExprPtr first = ParseMath1();
    ExprPtr compare;
    while (true) {
      std::string op;
      if (Peek().kind == TokenKind::kOperator && IsCompareOp(Peek().text)) {
        op = Next().text;
      } else if (IsName("in")) {
        Next();
        op = "in";
      } else if (IsName("not") && IsName("in", 1)) {
        Next();
        Next();
        op = "not in";
      } else {
        break;
      }
      if (!compare) {
        compare = Make(Expr::Kind::kCompare, line);
        compare->operands.push_back(std::move(first));
      }
      compare->ops.push_back(op);
      compare->operands.push_back(ParseMath1());
    }
    return compare ? std::move(compare) : std::move(first);
  }

  ExprPtr ParseMath1() {
    ExprPtr left = ParseConcat();
    ChainBudget chain(*this);
    while (IsOp("+") || IsOp("-")) {
      chain.AddLink();
      const Token& op = Next();
      left = Binary(op.text, std::move(left), ParseConcat(), op.line);
    }
    return left;
  }

  ExprPtr ParseConcat() {
    ExprPtr left = ParseMath2();
    ChainBudget chain(*this);
    while (IsOp("~")) {
      chain.AddLink();
      const int line = Next().line;
      left = Binary("~", std::move(left), ParseMath2(), line);
    }
    return left;
  }

  ExprPtr ParseMath2() {
    ExprPtr left = ParsePow();
    ChainBudget chain(*this);
    while (IsOp("*") || IsOp("/") || IsOp("//") || IsOp("%")) {
      chain.AddLink();
      const Token& op = Next();
      left = Binary(op.text, std::move(left), ParsePow(), op.line);
    }
    return left;
  }

  ExprPtr ParsePow() {
    ExprPtr left = ParseUnary(true);
    ChainBudget chain(*this);
    while (IsOp("**")) {
      chain.AddLink();
      const int line = Next().line;
      left = Binary("**", std::move(left), ParseUnary(true), line);
    }
    return left;
  }

  ExprPtr ParseUnary(bool with_filter) {
    DepthGuard guard(*this);
    ExprPtr node;
    if (IsOp("-") || IsOp("+")) {
      const Token& op = Next();
      node = Make(Expr::Kind::kUnary, op.line);
      node->name = op.text;
      node->operands.push_back(ParseUnary(false));
    } else {
      node = ParsePrimary();
    }
    node = ParsePostfix(std::move(node));
    if (with_filter) node = ParseFilterTail(std::move(node));
    return node;
  }

  ExprPtr ParsePrimary() {
    const Token& t = Peek();
    const int line = t.line;
    switch (t.kind) {
      case TokenKind::kName: {
        const std::string name = Next().text;
        auto e = Make(Expr::Kind::kLiteral, line);
        if (name == "true" || name == "True") e->value = Value(true);
        else if (name == "false" || name == "False") e->value = Value(false);
        else if (name == "none" || name == "None") e->value = Value::None();
        else {
          e->kind = Expr::Kind::kName;
          e->name = name;
        }
        return e;
      }
      case TokenKind::kString: {
        std::string s = Next().text;
        while (Peek().kind == TokenKind::kString) s += Next().text;  // adjacent literals join
        auto e = Make(Expr::Kind::kLiteral, line);
        e->value = Value(std::move(s));
        return e;
      }
      case TokenKind::kInteger: {
        auto e = Make(Expr::Kind::kLiteral, line);
        const std::string& digits = Next().text;
        errno = 0;
        const long long v = std::strtoll(digits.c_str(), nullptr, 10);
        if (errno == ERANGE) Fail(ErrorCode::kBadInput, line, "integer literal " + digits + " is too large");
        e->value = Value(int64_t(v));
        return e;
      }
      case TokenKind::kFloat: {
        auto e = Make(Expr::Kind::kLiteral, line);
        e->value = Value(std::strtod(Next().text.c_str(), nullptr));
        return e;
      }
      case TokenKind::kOperator: {
        if (t.text == "(") {
          Next();
          if (SkipOp(")")) return Make(Expr::Kind::kTuple, line);  // ()
          ExprPtr inner = ParseTupleOr(true);
          ExpectOp(")");
          return inner;
        }
        if (t.text == "[") {
          Next();
          auto list = Make(Expr::Kind::kList, line);
          while (!IsOp("]")) {
            if (!list->operands.empty()) ExpectOp(",");
            if (IsOp("]")) break;
            list->operands.push_back(ParseExpression());
          }
          ExpectOp("]");
          return list;
        }
        if (t.text == "{") {
          Next();
          auto dict = Make(Expr::Kind::kDict, line);
          while (!IsOp("}")) {
            if (!dict->operands.empty()) ExpectOp(",");
            if (IsOp("}")) break;
            dict->operands.push_back(ParseExpression());
            ExpectOp(":");
            dict->operands.push_back(ParseExpression());
          }
          ExpectOp("}");
          return dict;
        }
        break;
      }
      default: break;
    }
    Unexpected("an expression");
  }

  ExprPtr ParsePostfix(ExprPtr node) {
    ChainBudget chain(*this);
    while (true) {
      chain.AddLink();
      if (IsOp(".")) {
        const int line = Next().line;
        auto e = Make(Expr::Kind::kGetAttr, line);
        if (Peek().kind == TokenKind::kInteger) {  // x.0 is x[0]
          e->kind = Expr::Kind::kGetItem;
          e->operands.push_back(std::move(node));
          auto index = Make(Expr::Kind::kLiteral, line);
          index->value = Value(int64_t(std::stoll(Next().text)));
          e->operands.push_back(std::move(index));
        } else {
          e->name = ExpectName();
          e->operands.push_back(std::move(node));
        }
        node = std::move(e);
      } else if (IsOp("[")) {
        node = ParseSubscript(std::move(node));
      } else if (IsOp("(")) {
        node = ParseCall(std::move(node));
      } else {
        return node;
      }
    }
  }

  ExprPtr ParseSubscript(ExprPtr object) {
    DepthGuard guard(*this);
    const int line = Next().line;  // [
    ExprPtr parts[3];
    bool is_slice = false;
    for (int part = 0; part < 3; ++part) {
      if (!IsOp(":") && !IsOp("]")) parts[part] = ParseExpression();
      if (part == 0 && !IsOp(":")) break;
      if (!SkipOp(":")) break;
      is_slice = true;
    }
    if (IsOp(","))
      Fail(ErrorCode::kUnsupported, line, "subscripts with several indices are not supported");
    ExpectOp("]");
    auto e = Make(is_slice ? Expr::Kind::kSlice : Expr::Kind::kGetItem, line);
    e->operands.push_back(std::move(object));
    if (is_slice) {
      for (auto& p : parts) e->operands.push_back(std::move(p));
    } else {
      if (!parts[0]) Unexpected("an index");
      e->operands.push_back(std::move(parts[0]));
    }
    return e;
  }

  // Arguments after "(": positional and name=value; appends to e (which already has its callee).
  void ParseCallArgs(Expr& e) {
    ExpectOp("(");
    bool first = true;
    while (!IsOp(")")) {
      if (!first) ExpectOp(",");
      first = false;
      if (IsOp(")")) break;
      if (IsOp("*") || IsOp("**"))
        Fail(ErrorCode::kUnsupported, Peek().line, "'*args' / '**kwargs' in calls are not supported");
      if (Peek().kind == TokenKind::kName && IsOp("=", 1)) {
        std::string name = Next().text;
        Next();
        e.keyword_args.emplace_back(std::move(name), ParseExpression());
      } else {
        if (!e.keyword_args.empty())
          Fail(ErrorCode::kBadInput, Peek().line, "positional argument after a keyword argument");
        e.operands.push_back(ParseExpression());
      }
    }
    ExpectOp(")");
  }

  ExprPtr ParseCall(ExprPtr callee) {
    DepthGuard guard(*this);
    auto e = Make(Expr::Kind::kCall, Peek().line);
    e->operands.push_back(std::move(callee));
    ParseCallArgs(*e);
    return e;
  }

  ExprPtr ParseFilter(ExprPtr input) {
    const int line = Peek().line;
    SkipOp("|");  // absent before the first filter of {% filter name %}
    std::string name = ExpectName();
    while (IsOp(".") && Peek(1).kind == TokenKind::kName) {
      Next();
      name += "." + Next().text;
    }
    if (!IsSupportedFilter(name))
      Fail(ErrorCode::kUnsupported, line, "filter '" + name + "' is not supported");
    auto e = Make(Expr::Kind::kFilter, line);
    e->name = name;
    e->operands.push_back(std::move(input));
    if (IsOp("(")) ParseCallArgs(*e);
    return e;
  }

  ExprPtr ParseTest(ExprPtr input) {
    const int line = Next().line;  // is
    auto e = Make(Expr::Kind::kTest, line);
    e->negated = SkipName("not");
    e->name = ExpectName();
    if (!IsSupportedTest(e->name))
      Fail(ErrorCode::kUnsupported, line, "test 'is " + e->name + "' is not supported");
    e->operands.push_back(std::move(input));
    const Token& t = Peek();
    if (IsOp("(")) {
      ParseCallArgs(*e);
    } else if ((t.kind == TokenKind::kName || t.kind == TokenKind::kString || t.kind == TokenKind::kInteger ||
                t.kind == TokenKind::kFloat || IsOp("[") || IsOp("{")) &&
               !IsName("else") && !IsName("or") && !IsName("and") && !IsName("if") && !IsName("in") &&
               !IsName("not")) {
      if (IsName("is")) Fail(ErrorCode::kBadInput, t.line, "tests cannot be chained with 'is'");
      e->operands.push_back(ParsePostfix(ParsePrimary()));
    }
    return e;
  }

  ExprPtr ParseFilterTail(ExprPtr node) {
    ChainBudget chain(*this);
    while (true) {
      chain.AddLink();
      if (IsOp("|")) {
        node = ParseFilter(std::move(node));
      } else if (IsName("is")) {
        node = ParseTest(std::move(node));
      } else if (IsOp("(")) {
        node = ParseCall(std::move(node));
      } else {
        return node;
      }
    }
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  size_t max_depth_;
  size_t depth_ = 0;
  int loop_depth_ = 0;
};

}  // namespace

Body ParseTemplate(std::vector<Token> tokens, size_t max_depth) {
  return Parser(std::move(tokens), max_depth).ParseAll();
}

}  // namespace enclave::jinja
