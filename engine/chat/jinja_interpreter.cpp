#include "chat/jinja_interpreter.h"

#include <cmath>

#include "chat/jinja_builtins.h"
#include "chat/jinja_ops.h"

namespace enclave::jinja {
namespace {

class Macro final : public Callable {
 public:
  explicit Macro(const Node* node) : node_(node) {}
  const std::string& name() const override { return node_->text; }
  const Node& node() const { return *node_; }

 private:
  const Node* node_;  // owned by the parsed template, which outlives every render
};

class Interpreter final : public BuiltinContext {
 public:
  Interpreter(const Dict& variables, const TemplateLimits& limits)
      : limits_(limits), builtin_limits_{limits.max_loop_iterations, limits.max_output_bytes} {
    Frame globals;
    globals.vars = BuiltinGlobals();
    for (const auto& [k, v] : variables.entries) globals.vars.Set(k, v);
    frames_.push_back(std::move(globals));
  }

  // A template can store a namespace inside itself ({% set ns.me = ns %}); emptying every
  // namespace at the end breaks such reference cycles, which would otherwise leak.
  ~Interpreter() {
    for (const Value& ns : namespaces_) ns.namespace_attributes().entries.clear();
  }

  std::string Run(const Body& body) {
    std::string out;
    out_ = &out;
    Exec(body);
    return out;
  }

  Value CallFilter(std::string_view name, const Value& input, const CallArgs& args, int line) override {
    return ApplyFilter(name, input, args, line, *this);
  }
  const BuiltinLimits& limits() const override { return builtin_limits_; }

 private:
  enum class Flow { kNormal, kBreak, kContinue };

  // Variables of the template (frame 0), of each loop iteration, and of each macro call. A macro's
  // frame is a barrier: code inside sees its own variables and the template's, not its caller's.
  struct Frame {
    Dict vars;
    bool barrier = false;
  };

  struct DepthGuard {
    DepthGuard(Interpreter& in, int line) : interpreter(in) {
      if (++interpreter.depth_ > interpreter.limits_.max_depth)
        Fail(ErrorCode::kBadInput, line,
             "template nests deeper than " + std::to_string(interpreter.limits_.max_depth) + " levels");
    }
    ~DepthGuard() { --interpreter.depth_; }
    Interpreter& interpreter;
  };

  // ---- variables ----
  Value Lookup(const std::string& name) const {
    for (size_t i = frames_.size(); i-- > 0;) {
      if (const Value* v = frames_[i].vars.Find(name)) return *v;
      if (frames_[i].barrier) break;
    }
    if (const Value* v = frames_[0].vars.Find(name)) return *v;
    return Value::Undefined(name);
  }

  void Assign(const std::string& name, Value value) { frames_.back().vars.Set(name, std::move(value)); }

  void AssignTargets(const std::vector<std::string>& targets, const Value& value, int line) {
    if (targets.size() == 1) {
      Assign(targets[0], value);
      return;
    }
    const List items = Iterate(value, line);
    if (items.size() != targets.size())
      Fail(ErrorCode::kBadInput, line,
           "cannot unpack " + std::to_string(items.size()) + " values into " + std::to_string(targets.size()) +
               " variables");
    for (size_t i = 0; i < targets.size(); ++i) Assign(targets[i], items[i]);
  }

  void Write(std::string_view text, int line) {
    if (out_->size() + text.size() > limits_.max_output_bytes)
      Fail(ErrorCode::kBadInput, line,
           "rendered prompt exceeds the limit of " + std::to_string(limits_.max_output_bytes) + " bytes");
    out_->append(text);
  }

  // Renders `body` into a string of its own (set blocks, filter blocks, macro calls).
  std::string Capture(const Body& body) {
    std::string captured;
    std::string* saved = out_;
    out_ = &captured;
    struct Restore {
      std::string*& target;
      std::string* value;
      ~Restore() { target = value; }
    } restore{out_, saved};
    Exec(body);
    return captured;
  }

  // ---- statements ----
  Flow Exec(const Body& body) {
    for (const NodePtr& node : body) {
      const Flow flow = ExecNode(*node);
      if (flow != Flow::kNormal) return flow;
    }
    return Flow::kNormal;
  }

  Flow ExecNode(const Node& node) {
    DepthGuard guard(*this, node.line);
    switch (node.kind) {
      case Node::Kind::kText: Write(node.text, node.line); return Flow::kNormal;
      case Node::Kind::kPrint: Write(Eval(*node.expr).ToString(), node.line); return Flow::kNormal;
      case Node::Kind::kIf:
        for (const auto& [condition, body] : node.branches)
          if (!condition || Eval(*condition).Truthy()) return Exec(body);
        return Flow::kNormal;
      case Node::Kind::kFor: return ExecFor(node);
      case Node::Kind::kSet: {
        Value value = Eval(*node.expr);
        if (!node.text.empty()) {  // ns.attr = value
          const Value target = Lookup(node.targets[0]);
          if (!target.is_namespace())
            Fail(ErrorCode::kBadInput, node.line,
                 "cannot assign attribute '" + node.text + "' of '" + node.targets[0] +
                     "': only namespace() objects take attributes");
          target.namespace_attributes().Set(node.text, std::move(value));
        } else {
          AssignTargets(node.targets, value, node.line);
        }
        return Flow::kNormal;
      }
      case Node::Kind::kSetBlock: Assign(node.targets[0], Value(Capture(node.body))); return Flow::kNormal;
      case Node::Kind::kMacro:
        Assign(node.text, Value(std::shared_ptr<const Callable>(std::make_shared<Macro>(&node))));
        return Flow::kNormal;
      case Node::Kind::kFilterBlock: {
        std::string body = Capture(node.body);
        frames_.push_back(Frame{});
        Assign(kFilterBlockInput, Value(std::move(body)));
        const std::string result = Eval(*node.expr).ToString();
        frames_.pop_back();
        Write(result, node.line);
        return Flow::kNormal;
      }
      case Node::Kind::kScope: return Exec(node.body);
      case Node::Kind::kBreak: return Flow::kBreak;
      case Node::Kind::kContinue: return Flow::kContinue;
    }
    return Flow::kNormal;
  }

  void CountIteration(int line) {
    if (++loop_iterations_ > limits_.max_loop_iterations)
      Fail(ErrorCode::kBadInput, line,
           "loops ran more than " + std::to_string(limits_.max_loop_iterations) + " iterations");
  }

  Flow ExecFor(const Node& node) {
    List items = Iterate(Eval(*node.expr), node.line);
    if (node.condition) {  // {% for x in xs if cond %}: filtered before loop.* is computed
      List kept;
      for (Value& item : items) {
        CountIteration(node.line);
        frames_.push_back(Frame{});
        AssignTargets(node.targets, item, node.line);
        const bool keep = Eval(*node.condition).Truthy();
        frames_.pop_back();
        if (keep) kept.push_back(std::move(item));
      }
      items = std::move(kept);
    }
    if (items.empty()) return Exec(node.else_body) == Flow::kBreak ? Flow::kBreak : Flow::kNormal;
    // One `loop` object per loop, advanced in place each iteration (as Jinja's LoopContext is).
    const int64_t length = int64_t(items.size());
    const char* kFields[] = {"index", "index0", "revindex", "revindex0", "first", "last",
                             "length", "depth", "depth0", "previtem", "nextitem"};
    Dict fields;
    for (const char* name : kFields) fields.Set(name, Value());
    const Value loop(std::move(fields));
    auto& entries = loop.dict_for_update().entries;
    for (int64_t i = 0; i < length; ++i) {
      CountIteration(node.line);
      entries[0].second = Value(i + 1);
      entries[1].second = Value(i);
      entries[2].second = Value(length - i);
      entries[3].second = Value(length - i - 1);
      entries[4].second = Value(i == 0);
      entries[5].second = Value(i == length - 1);
      entries[6].second = Value(length);
      entries[7].second = Value(1);
      entries[8].second = Value(0);
      entries[9].second = i > 0 ? items[size_t(i - 1)] : Value::Undefined("loop.previtem");
      entries[10].second = i + 1 < length ? items[size_t(i + 1)] : Value::Undefined("loop.nextitem");
      Frame frame;
      frame.vars.Set("loop", loop);
      frames_.push_back(std::move(frame));
      AssignTargets(node.targets, items[size_t(i)], node.line);
      const Flow flow = Exec(node.body);
      frames_.pop_back();
      if (flow == Flow::kBreak) break;
    }
    return Flow::kNormal;
  }

  // ---- expressions ----
  CallArgs EvalArgs(const Expr& e, size_t first_operand) {
    CallArgs args;
    for (size_t i = first_operand; i < e.operands.size(); ++i) args.positional.push_back(Eval(*e.operands[i]));
    for (const auto& [name, value] : e.keyword_args) args.keyword.emplace_back(name, Eval(*value));
    return args;
  }

  [[noreturn]] static void FailUndefined(const Value& v, int line) {
    Fail(ErrorCode::kBadInput, line, "'" + v.undefined_name() + "' is undefined");
  }

  static Value GetAttr(const Value& object, const std::string& name, int line) {
    if (object.is_undefined()) FailUndefined(object, line);
    if (object.is_dict() || object.is_namespace()) {
      const Dict& d = object.is_dict() ? object.dict() : object.namespace_attributes();
      if (const Value* v = d.Find(name)) return *v;
    }
    return Value::Undefined(name);
  }

  static Value GetItem(const Value& object, const Value& key, int line) {
    if (object.is_undefined()) FailUndefined(object, line);
    if (key.is_string() && (object.is_dict() || object.is_namespace())) return GetAttr(object, key.str(), line);
    if (key.is_int() && (object.is_list() || object.is_string())) {
      const int64_t n = object.is_list() ? int64_t(object.list().size()) : int64_t(CodePointCount(object.str()));
      int64_t i = key.as_int();
      if (i < 0) i += n;
      if (i < 0 || i >= n) return Value::Undefined("index " + std::to_string(key.as_int()));
      if (object.is_list()) return object.list()[size_t(i)];
      return Value(std::string(SplitCodePoints(object.str())[size_t(i)]));
    }
    return Value::Undefined(key.ToString());
  }

  Value EvalSlice(const Expr& e) {
    const Value object = Eval(*e.operands[0]);
    if (object.is_undefined()) FailUndefined(object, e.line);
    int64_t bounds[3];
    bool given[3];
    for (int k = 0; k < 3; ++k) {
      given[k] = false;
      if (const Expr* part = e.operands[size_t(k) + 1].get()) {
        const Value v = Eval(*part);
        if (!v.is_none()) {
          if (!v.is_int()) Fail(ErrorCode::kBadInput, e.line, "slice indices must be integers or none");
          bounds[k] = v.as_int();
          given[k] = true;
        }
      }
    }
    const int64_t step = given[2] ? bounds[2] : 1;
    if (step == 0) Fail(ErrorCode::kBadInput, e.line, "slice step cannot be zero");
    std::vector<std::string_view> cps;
    if (object.is_string()) cps = SplitCodePoints(object.str());
    else if (!object.is_list()) Fail(ErrorCode::kBadInput, e.line, "'" + std::string(object.TypeName()) + "' object is not subscriptable");
    const int64_t n = object.is_string() ? int64_t(cps.size()) : int64_t(object.list().size());
    // Python's slice.indices().
    auto clamp = [&](int64_t v, bool is_given, int64_t fallback) {
      if (!is_given) return fallback;
      if (v < 0) v += n;
      if (step > 0) return std::clamp<int64_t>(v, 0, n);
      return std::clamp<int64_t>(v, -1, n - 1);
    };
    const int64_t start = clamp(bounds[0], given[0], step > 0 ? 0 : n - 1);
    const int64_t stop = clamp(bounds[1], given[1], step > 0 ? n : -1);
    std::string s;
    List l;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
      if (object.is_string()) s += cps[size_t(i)];
      else l.push_back(object.list()[size_t(i)]);
    }
    return object.is_string() ? Value(std::move(s)) : Value(std::move(l));
  }

  Value CallValue(const Value& callee, const std::string& what, CallArgs args, int line) {
    if (callee.is_undefined())
      Fail(ErrorCode::kUnsupported, line, "function '" + what + "' is not defined (not supported)");
    if (!callee.is_callable()) Fail(ErrorCode::kBadInput, line, "'" + std::string(callee.TypeName()) + "' object is not callable");
    if (IsBuiltinFunction(callee)) {
      Value result = CallBuiltinFunction(callee, args, line, builtin_limits_);
      if (result.is_namespace()) namespaces_.push_back(result);
      return result;
    }
    const Node& macro = static_cast<const Macro&>(*callee.callable()).node();
    if (args.positional.size() > macro.params.size())
      Fail(ErrorCode::kBadInput, line, "macro '" + macro.text + "' takes " + std::to_string(macro.params.size()) + " arguments");
    Frame frame;
    frame.barrier = true;
    frames_.push_back(std::move(frame));
    struct Pop {
      std::vector<Frame>& frames;
      ~Pop() { frames.pop_back(); }
    } pop{frames_};
    for (size_t i = 0; i < macro.params.size(); ++i) {
      const MacroParam& p = macro.params[i];
      const Value* keyword = nullptr;
      for (const auto& [k, v] : args.keyword)
        if (k == p.name) keyword = &v;
      Value v = i < args.positional.size() ? args.positional[i]
                : keyword                  ? *keyword
                : p.default_value          ? Eval(*p.default_value)
                                           : Value::Undefined(p.name);
      Assign(p.name, std::move(v));
    }
    for (const auto& [k, v] : args.keyword) {
      if (std::none_of(macro.params.begin(), macro.params.end(), [&](const MacroParam& p) { return p.name == k; }))
        Fail(ErrorCode::kUnsupported, line, "macro '" + macro.text + "' has no parameter '" + k + "'");
    }
    return Value(Capture(macro.body));
  }

  Value EvalCall(const Expr& e) {
    const Expr& callee = *e.operands[0];
    if (callee.kind == Expr::Kind::kGetAttr) {
      const Value object = Eval(*callee.operands[0]);
      if (object.is_undefined()) FailUndefined(object, e.line);
      if (HasMethod(object, callee.name)) return CallMethod(object, callee.name, EvalArgs(e, 1), e.line, builtin_limits_);
      return CallValue(GetAttr(object, callee.name, e.line), callee.name, EvalArgs(e, 1), e.line);
    }
    const std::string what = callee.kind == Expr::Kind::kName ? callee.name : "expression";
    return CallValue(Eval(callee), what, EvalArgs(e, 1), e.line);
  }

  static Value Arithmetic(const std::string& op, const Value& a, const Value& b, int line, size_t max_bytes) {
    if (a.is_undefined()) FailUndefined(a, line);
    if (b.is_undefined()) FailUndefined(b, line);
    auto unsupported = [&]() -> Value {
      Fail(ErrorCode::kBadInput, line,
           "unsupported operand types for " + op + ": '" + std::string(a.TypeName()) + "' and '" +
               std::string(b.TypeName()) + "'");
    };
    auto check_size = [&](size_t bytes) {
      if (bytes > max_bytes) Fail(ErrorCode::kBadInput, line, "result of '" + op + "' exceeds the output limit");
    };
    if (a.is_number() && b.is_number()) {
      const bool ints = a.is_int() && b.is_int();
      const int64_t x = ints ? a.as_int() : 0, y = ints ? b.as_int() : 0;
      const double fx = a.as_float(), fy = b.as_float();
      int64_t r;
      auto overflow = [&]() -> Value { Fail(ErrorCode::kBadInput, line, "integer overflow in '" + op + "'"); };
      if (op == "+") return ints ? (__builtin_add_overflow(x, y, &r) ? overflow() : Value(r)) : Value(fx + fy);
      if (op == "-") return ints ? (__builtin_sub_overflow(x, y, &r) ? overflow() : Value(r)) : Value(fx - fy);
      if (op == "*") return ints ? (__builtin_mul_overflow(x, y, &r) ? overflow() : Value(r)) : Value(fx * fy);
      if (fy == 0 && (op == "/" || op == "//" || op == "%")) Fail(ErrorCode::kBadInput, line, "division by zero");
      if (op == "/") return Value(fx / fy);
      if (op == "//") {
        if (ints) return Value(x / y - ((x % y != 0) && ((x < 0) != (y < 0))));
        return Value(std::floor(fx / fy));
      }
      if (op == "%") {
        if (ints) {
          const int64_t m = x % y;
          return Value(m != 0 && ((m < 0) != (y < 0)) ? m + y : m);
        }
        const double m = std::fmod(fx, fy);
        return Value(m != 0 && ((m < 0) != (fy < 0)) ? m + fy : m);
      }
      if (op == "**") {
        if (ints && y >= 0) {
          int64_t result = 1;
          for (int64_t i = 0; i < y; ++i) {
            if (__builtin_mul_overflow(result, x, &result)) overflow();
            if (result == 0 || result == 1) break;
          }
          return Value(result);
        }
        return Value(std::pow(fx, fy));
      }
      return unsupported();
    }
    if (op == "+" && a.is_string() && b.is_string()) {
      check_size(a.str().size() + b.str().size());
      return Value(a.str() + b.str());
    }
    if (op == "+" && a.is_list() && b.is_list()) {
      List out = a.list();
      out.insert(out.end(), b.list().begin(), b.list().end());
      return Value(std::move(out));
    }
    if (op == "*" && (a.is_int() != b.is_int()) && (a.is_string() || b.is_string() || a.is_list() || b.is_list())) {
      const Value& seq = a.is_int() ? b : a;
      const int64_t times = std::max<int64_t>(0, (a.is_int() ? a : b).as_int());
      if (seq.is_string()) {
        check_size(seq.str().size() * size_t(std::min<int64_t>(times, int64_t(max_bytes) + 1)));
        std::string out;
        for (int64_t i = 0; i < times; ++i) out += seq.str();
        return Value(std::move(out));
      }
      check_size(seq.list().size() * size_t(std::min<int64_t>(times, int64_t(max_bytes) + 1)));
      List out;
      for (int64_t i = 0; i < times; ++i) out.insert(out.end(), seq.list().begin(), seq.list().end());
      return Value(std::move(out));
    }
    if (op == "%" && a.is_string())
      Fail(ErrorCode::kUnsupported, line, "printf-style string formatting ('...' % args) is not supported");
    return unsupported();
  }

  Value EvalBinary(const Expr& e) {
    const std::string& op = e.name;
    if (op == "and" || op == "or") {
      Value left = Eval(*e.operands[0]);
      if ((op == "and") != left.Truthy()) return left;
      return Eval(*e.operands[1]);
    }
    const Value left = Eval(*e.operands[0]);
    const Value right = Eval(*e.operands[1]);
    if (op == "~") {
      if (left.ToString().size() + right.ToString().size() > limits_.max_output_bytes)
        Fail(ErrorCode::kBadInput, e.line, "result of '~' exceeds the output limit");
      return Value(left.ToString() + right.ToString());
    }
    return Arithmetic(op, left, right, e.line, limits_.max_output_bytes);
  }

  bool CompareOnce(const std::string& op, const Value& a, const Value& b, int line) {
    if (op == "==") return Equal(a, b);
    if (op == "!=") return !Equal(a, b);
    if (op == "in") return Contains(b, a, line);
    if (op == "not in") return !Contains(b, a, line);
    const int c = Compare(a, b, line);
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    return c >= 0;
  }

  Value Eval(const Expr& e) {
    DepthGuard guard(*this, e.line);
    Value v = EvalUnchecked(e);
    if (v.depth() > limits_.max_depth)
      Fail(ErrorCode::kBadInput, e.line,
           "values nest deeper than " + std::to_string(limits_.max_depth) + " levels");
    return v;
  }

  Value EvalUnchecked(const Expr& e) {
    switch (e.kind) {
      case Expr::Kind::kLiteral: return e.value;
      case Expr::Kind::kName: return Lookup(e.name);
      case Expr::Kind::kList:
      case Expr::Kind::kTuple: {
        List items;
        for (const ExprPtr& item : e.operands) items.push_back(Eval(*item));
        return e.kind == Expr::Kind::kTuple ? Value::Tuple(std::move(items)) : Value(std::move(items));
      }
      case Expr::Kind::kDict: {
        Dict dict;
        for (size_t i = 0; i + 1 < e.operands.size(); i += 2) {
          const Value key = Eval(*e.operands[i]);
          if (!key.is_string()) Fail(ErrorCode::kUnsupported, e.line, "dict keys other than strings are not supported");
          dict.Set(key.str(), Eval(*e.operands[i + 1]));
        }
        return Value(std::move(dict));
      }
      case Expr::Kind::kGetAttr: return GetAttr(Eval(*e.operands[0]), e.name, e.line);
      case Expr::Kind::kGetItem: return GetItem(Eval(*e.operands[0]), Eval(*e.operands[1]), e.line);
      case Expr::Kind::kSlice: return EvalSlice(e);
      case Expr::Kind::kCall: return EvalCall(e);
      case Expr::Kind::kFilter: return CallFilter(e.name, Eval(*e.operands[0]), EvalArgs(e, 1), e.line);
      case Expr::Kind::kTest: return Value(ApplyTest(e.name, Eval(*e.operands[0]), EvalArgs(e, 1), e.line) != e.negated);
      case Expr::Kind::kUnary: {
        const Value v = Eval(*e.operands[0]);
        if (e.name == "not") return Value(!v.Truthy());
        if (!v.is_number()) Fail(ErrorCode::kBadInput, e.line, "bad operand type for unary " + e.name + ": '" + std::string(v.TypeName()) + "'");
        if (e.name == "+") return v.is_int() ? Value(v.as_int()) : v;
        if (v.is_int()) {
          if (v.as_int() == INT64_MIN) Fail(ErrorCode::kBadInput, e.line, "integer overflow in unary -");
          return Value(-v.as_int());
        }
        return Value(-v.as_float());
      }
      case Expr::Kind::kBinary: return EvalBinary(e);
      case Expr::Kind::kCompare: {
        Value left = Eval(*e.operands[0]);
        for (size_t i = 0; i < e.ops.size(); ++i) {
          Value right = Eval(*e.operands[i + 1]);
          if (!CompareOnce(e.ops[i], left, right, e.line)) return Value(false);
          left = std::move(right);
        }
        return Value(true);
      }
      case Expr::Kind::kConditional:
        if (Eval(*e.operands[1]).Truthy()) return Eval(*e.operands[0]);
        return e.operands[2] ? Eval(*e.operands[2]) : Value::Undefined("conditional without else");
    }
    return Value();
  }

  const TemplateLimits& limits_;
  BuiltinLimits builtin_limits_;
  std::vector<Frame> frames_;
  std::vector<Value> namespaces_;  // every namespace() made by this render
  std::string* out_ = nullptr;
  size_t loop_iterations_ = 0;
  size_t depth_ = 0;
};

}  // namespace

std::string Render(const Body& body, const Dict& variables, const TemplateLimits& limits) {
  return Interpreter(variables, limits).Run(body);
}

}  // namespace enclave::jinja
