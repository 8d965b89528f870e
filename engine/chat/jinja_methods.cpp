// Python methods templates call on values (str.strip(), dict.items(), ...) and the global
// functions transformers gives chat templates. Nothing here reads files or the environment;
// mutating methods (list.append, dict.update) are refused as in Jinja's immutable sandbox.
#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include "chat/jinja_builtins.h"
#include "chat/jinja_ops.h"

namespace enclave::jinja {
namespace {

constexpr std::array<std::string_view, 26> kStringMethods = {
    "strip", "lstrip", "rstrip", "split", "rsplit", "startswith", "endswith", "replace", "upper",
    "lower", "title", "capitalize", "find", "rfind", "count", "join", "splitlines", "isdigit",
    "isalpha", "isalnum", "isspace", "isupper", "islower", "removeprefix", "removesuffix", "format"};
constexpr std::array<std::string_view, 4> kDictMethods = {"items", "keys", "values", "get"};
constexpr std::array<std::string_view, 2> kListMethods = {"count", "index"};
constexpr std::array<std::string_view, 9> kMutatingMethods = {"append", "extend", "insert", "pop", "remove",
                                                             "clear", "update", "setdefault", "sort"};

template <size_t N>
bool Has(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

const Value kNone = Value::None();

class BuiltinFunction final : public Callable {
 public:
  explicit BuiltinFunction(std::string name) : name_(std::move(name)) {}
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
};

std::string StringArg(const CallArgs& args, size_t index, std::string_view name, int line,
                             std::string_view method) {
  const Value v = args.Get(index, name, kNone);
  if (!v.is_string())
    Fail(ErrorCode::kBadInput, line, std::string(method) + "() argument must be str, not " + std::string(v.TypeName()));
  return v.str();
}

// str.startswith / endswith accept a string or a tuple (list) of strings.
bool MatchesAffix(const std::string& s, const Value& affix, bool at_start, int line) {
  auto one = [&](const Value& a) {
    if (!a.is_string()) Fail(ErrorCode::kBadInput, line, "startswith/endswith need str or a tuple of str");
    const std::string& x = a.str();
    if (x.size() > s.size()) return false;
    return at_start ? s.compare(0, x.size(), x) == 0 : s.compare(s.size() - x.size(), x.size(), x) == 0;
  };
  if (affix.is_list()) return std::any_of(affix.list().begin(), affix.list().end(), one);
  return one(affix);
}

template <typename Pred>
bool AllCodePoints(const std::string& s, Pred pred) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char c) { return pred(static_cast<unsigned char>(c)); });
}

Value StringMethod(const std::string& s, std::string_view method, const CallArgs& args, int line,
                   const BuiltinLimits& limits) {
  if (method == "strip" || method == "lstrip" || method == "rstrip")
    return Value(StripChars(s, args.Get(0, "chars", kNone), method != "rstrip", method != "lstrip"));
  if (method == "split" || method == "rsplit") {
    const Value& sep = args.Get(0, "sep", kNone);
    const int64_t maxsplit = args.Get(1, "maxsplit", Value(-1)).as_int();
    std::vector<std::string> parts;
    if (sep.is_none()) {
      if (method == "rsplit" && maxsplit >= 0)
        Fail(ErrorCode::kUnsupported, line, "str.rsplit(None, maxsplit) is not supported");
      parts = SplitWhitespace(s, maxsplit);
    } else {
      parts = SplitOn(s, StringArg(args, 0, "sep", line, method), maxsplit, method == "rsplit", line);
    }
    List out;
    for (auto& p : parts) out.push_back(Value(std::move(p)));
    return Value(std::move(out));
  }
  if (method == "startswith" || method == "endswith")
    return Value(MatchesAffix(s, args.Get(0, "prefix", kNone), method == "startswith", line));
  if (method == "replace") {
    const Value& count = args.Get(2, "count", Value(-1));
    return Value(ReplaceAll(s, StringArg(args, 0, "old", line, method), StringArg(args, 1, "new", line, method),
                            count.as_int(), limits.max_bytes, line));
  }
  if (method == "upper") return Value(AsciiUpper(s));
  if (method == "lower") return Value(AsciiLower(s));
  if (method == "title") return Value(TitleCase(s));
  if (method == "capitalize") return Value(Capitalize(s));
  if (method == "find" || method == "rfind") {
    const std::string& sub = StringArg(args, 0, "sub", line, method);
    const size_t at = method == "find" ? s.find(sub) : s.rfind(sub);
    return Value(at == std::string::npos ? int64_t{-1} : int64_t(CodePointCount(std::string_view(s).substr(0, at))));
  }
  if (method == "count") {
    const std::string& sub = StringArg(args, 0, "sub", line, method);
    if (sub.empty()) return Value(int64_t(CodePointCount(s) + 1));
    int64_t n = 0;
    for (size_t at = s.find(sub); at != std::string::npos; at = s.find(sub, at + sub.size())) ++n;
    return Value(n);
  }
  if (method == "join") {
    std::string out;
    bool first = true;
    for (const Value& item : Iterate(args.Get(0, "iterable", kNone), line)) {
      if (!item.is_string()) Fail(ErrorCode::kBadInput, line, "str.join() expects strings, got " + std::string(item.TypeName()));
      if (!first) out += s;
      first = false;
      out += item.str();
      if (out.size() > limits.max_bytes) Fail(ErrorCode::kBadInput, line, "join result exceeds the output limit");
    }
    return Value(std::move(out));
  }
  if (method == "splitlines") {
    List out;
    for (auto& l : SplitLines(s)) out.push_back(Value(std::move(l)));
    return Value(std::move(out));
  }
  if (method == "isdigit") return Value(AllCodePoints(s, [](unsigned char c) { return c >= '0' && c <= '9'; }));
  if (method == "isalpha") return Value(AllCodePoints(s, [](unsigned char c) { return std::isalpha(c) != 0; }));
  if (method == "isalnum") return Value(AllCodePoints(s, [](unsigned char c) { return std::isalnum(c) != 0; }));
  if (method == "isspace") return Value(!s.empty() && StripSpaces(s, true, true).empty());
  if (method == "isupper") return Value(AsciiLower(s) != s && AsciiUpper(s) == s);
  if (method == "islower") return Value(AsciiUpper(s) != s && AsciiLower(s) == s);
  if (method == "removeprefix" || method == "removesuffix") {
    const std::string& affix = StringArg(args, 0, "prefix", line, method);
    if (MatchesAffix(s, Value(affix), method == "removeprefix", line))
      return Value(method == "removeprefix" ? s.substr(affix.size()) : s.substr(0, s.size() - affix.size()));
    return Value(s);
  }
  Fail(ErrorCode::kUnsupported, line, "method str." + std::string(method) + "() is not supported");
}

}  // namespace

bool HasMethod(const Value& object, std::string_view method) {
  if (object.is_string()) return Has(kStringMethods, method);
  if (object.is_dict()) return Has(kDictMethods, method) || Has(kMutatingMethods, method);
  if (object.is_list()) return Has(kListMethods, method) || Has(kMutatingMethods, method);
  return false;
}

Value CallMethod(const Value& object, std::string_view method, const CallArgs& args, int line,
                 const BuiltinLimits& limits) {
  if (Has(kMutatingMethods, method))
    Fail(ErrorCode::kUnsupported, line,
         "method " + std::string(object.TypeName()) + "." + std::string(method) +
             "() would modify a value: the sandbox keeps values immutable");
  if (object.is_string()) return StringMethod(object.str(), method, args, line, limits);
  if (object.is_dict()) {
    const Dict& d = object.dict();
    if (method == "get") {
      const Value& key = args.Get(0, "key", kNone);
      const Value* v = key.is_string() ? d.Find(key.str()) : nullptr;
      return v ? *v : args.Get(1, "default", kNone);
    }
    List out;
    for (const auto& [k, v] : d.entries) {
      if (method == "items") out.push_back(Value::Tuple({Value(k), v}));
      else if (method == "keys") out.push_back(Value(k));
      else out.push_back(v);
    }
    return Value(std::move(out));
  }
  if (object.is_list()) {
    const Value& item = args.Get(0, "value", kNone);
    const List& list = object.list();
    if (method == "count")
      return Value(int64_t(std::count_if(list.begin(), list.end(), [&](const Value& v) { return Equal(v, item); })));
    for (size_t i = 0; i < list.size(); ++i)
      if (Equal(list[i], item)) return Value(int64_t(i));
    Fail(ErrorCode::kBadInput, line, item.Repr() + " is not in list");
  }
  Fail(ErrorCode::kUnsupported, line,
       "method " + std::string(object.TypeName()) + "." + std::string(method) + "() is not supported");
}

Dict BuiltinGlobals() {
  Dict globals;
  for (const char* name : {"range", "namespace", "dict", "raise_exception", "strftime_now"})
    globals.Set(name, Value(std::shared_ptr<const Callable>(std::make_shared<BuiltinFunction>(name))));
  return globals;
}

bool IsBuiltinFunction(const Value& callee) {
  return callee.is_callable() && dynamic_cast<const BuiltinFunction*>(callee.callable().get()) != nullptr;
}

Value CallBuiltinFunction(const Value& callee, const CallArgs& args, int line, const BuiltinLimits& limits) {
  const std::string& name = callee.callable()->name();
  if (name == "range") {
    for (const Value& a : args.positional)
      if (!a.is_int()) Fail(ErrorCode::kBadInput, line, "range() needs integers");
    int64_t start = 0, stop = 0, step = 1;
    if (args.positional.size() == 1) {
      stop = args.positional[0].as_int();
    } else if (args.positional.size() == 2 || args.positional.size() == 3) {
      start = args.positional[0].as_int();
      stop = args.positional[1].as_int();
      if (args.positional.size() == 3) step = args.positional[2].as_int();
    } else {
      Fail(ErrorCode::kBadInput, line, "range() takes 1 to 3 arguments");
    }
    if (step == 0) Fail(ErrorCode::kBadInput, line, "range() step must not be zero");
    // Count without overflow: (stop - start) may not fit in int64.
    const long double span = (long double)stop - (long double)start;
    const long double count = step > 0 ? (span > 0 ? (span + step - 1) / step : 0)
                                       : (span < 0 ? (-span + (-step) - 1) / (-step) : 0);
    if (count > (long double)limits.max_items)
      Fail(ErrorCode::kBadInput, line,
           "range() of " + std::to_string((unsigned long long)count) + " items exceeds the limit of " +
               std::to_string(limits.max_items));
    List out;
    out.reserve(size_t(count));
    for (int64_t i = 0; i < int64_t(count); ++i) out.push_back(Value(start + i * step));
    return Value(std::move(out));
  }
  if (name == "namespace" || name == "dict") {
    Dict attributes;
    for (const Value& a : args.positional) {
      if (!a.is_dict()) Fail(ErrorCode::kBadInput, line, name + "() takes keyword arguments or a mapping");
      for (const auto& [k, v] : a.dict().entries) attributes.Set(k, v);
    }
    for (const auto& [k, v] : args.keyword) attributes.Set(k, v);
    return name == "dict" ? Value(std::move(attributes)) : Value::Namespace(std::move(attributes));
  }
  if (name == "raise_exception") {
    // The template refuses the conversation (e.g. roles that do not alternate).
    throw TemplateError{ErrorCode::kInvalidArgument,
                        "chat template: " + args.Get(0, "message", Value("raise_exception() called")).ToString()};
  }
  if (name == "strftime_now") {
    const std::string format = args.Get(0, "format", Value("%Y-%m-%d")).ToString();
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[256];
    const size_t n = std::strftime(buf, sizeof buf, format.c_str(), &utc);
    return Value(std::string(buf, n));
  }
  Fail(ErrorCode::kUnsupported, line, "function '" + name + "' is not supported");
}

}  // namespace enclave::jinja
