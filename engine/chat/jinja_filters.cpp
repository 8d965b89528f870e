// Jinja filters and tests (the subset chat templates use), matching Jinja 3.1 and the tojson
// transformers installs (json.dumps with ensure_ascii=False, no HTML escaping).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>

#include "chat/jinja_builtins.h"
#include "chat/jinja_ops.h"

namespace enclave::jinja {
namespace {

constexpr std::array<std::string_view, 41> kFilters = {
    "abs", "attr", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first",
    "float", "indent", "int", "items", "join", "last", "length", "list", "lower", "map",
    "max", "min", "reject", "rejectattr", "replace", "reverse", "round", "safe", "select",
    "selectattr", "sort", "string", "sum", "title", "tojson", "trim", "unique", "upper",
    "wordcount", "center", "indent"};

constexpr std::array<std::string_view, 36> kTests = {
    "defined", "undefined", "none", "string", "number", "integer", "float", "boolean", "true",
    "false", "mapping", "iterable", "sequence", "callable", "odd", "even", "divisibleby", "eq",
    "equalto", "==", "ne", "!=", "lt", "lessthan", "<", "le", "<=", "gt", "greaterthan", ">",
    "ge", ">=", "in", "lower", "upper", "sameas"};

const Value kNoneValue = Value::None();
const Value kUndefinedValue;

// Looks up "a.b.0" on dicts and lists, as Jinja's attribute= arguments do.
Value GetAttributePath(const Value& item, const std::string& path) {
  Value current = item;
  size_t start = 0;
  while (start <= path.size()) {
    const size_t dot = std::min(path.find('.', start), path.size());
    const std::string part = path.substr(start, dot - start);
    if (current.is_dict() || current.is_namespace()) {
      const Dict& d = current.is_dict() ? current.dict() : current.namespace_attributes();
      const Value* v = d.Find(part);
      current = v ? *v : Value::Undefined(part);
    } else if (current.is_list() && !part.empty() &&
               std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      const size_t index = std::stoul(part);
      current = index < current.list().size() ? current.list()[index] : Value::Undefined(part);
    } else {
      return Value::Undefined(part);
    }
    start = dot + 1;
  }
  return current;
}

// Sort key: strings compare case-insensitively unless case_sensitive (Jinja's ignore_case).
Value SortKey(const Value& v, bool case_sensitive) {
  if (!case_sensitive && v.is_string()) return Value(AsciiLower(v.str()));
  return v;
}

CallArgs ShiftArgs(const CallArgs& args, size_t n) {
  CallArgs rest;
  if (args.positional.size() > n) rest.positional.assign(args.positional.begin() + long(n), args.positional.end());
  rest.keyword = args.keyword;
  return rest;
}

// select / reject / selectattr / rejectattr.
Value FilterItems(const Value& input, const CallArgs& args, int line, bool by_attribute, bool keep) {
  List out;
  const size_t test_index = by_attribute ? 1 : 0;
  std::string attribute;
  if (by_attribute) {
    const Value& a = args.Get(0, "attribute", kUndefinedValue);
    if (!a.is_string()) Fail(ErrorCode::kBadInput, line, "selectattr/rejectattr need an attribute name");
    attribute = a.str();
  }
  const Value& test = args.Get(test_index, "", kUndefinedValue);
  const CallArgs test_args = ShiftArgs(args, test_index + 1);
  for (const Value& item : Iterate(input, line)) {
    const Value subject = by_attribute ? GetAttributePath(item, attribute) : item;
    const bool passed = test.is_string() ? ApplyTest(test.str(), subject, test_args, line) : subject.Truthy();
    if (passed == keep) out.push_back(item);
  }
  return Value(std::move(out));
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Value ToInt(const Value& v, const Value& fallback) {
  if (v.is_int()) return Value(v.as_int());
  if (v.kind() == Value::Kind::kFloat) return std::isfinite(v.as_float()) ? Value(int64_t(v.as_float())) : fallback;
  if (v.is_string()) {
    const std::string s(StripSpaces(v.str(), true, true));
    char* end = nullptr;
    errno = 0;
    const long long i = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0' && errno == 0) return Value(int64_t(i));
    const double f = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == '\0' && std::isfinite(f)) return Value(int64_t(f));
  }
  return fallback;
}

Value ToFloat(const Value& v, const Value& fallback) {
  if (v.is_number()) return Value(v.as_float());
  if (v.is_string()) {
    const std::string s(StripSpaces(v.str(), true, true));
    char* end = nullptr;
    const double f = std::strtod(s.c_str(), &end);
    if (!s.empty() && *end == '\0') return Value(f);
  }
  return fallback;
}

Value MinMax(const Value& input, const CallArgs& args, int line, bool want_max) {
  const bool case_sensitive = args.Get(0, "case_sensitive", Value(false)).Truthy();
  const Value& attribute = args.Get(1, "attribute", kNoneValue);
  const List items = Iterate(input, line);
  if (items.empty()) return Value::Undefined("min/max of an empty sequence");
  const Value* best = &items[0];
  auto key = [&](const Value& v) {
    return SortKey(attribute.is_string() ? GetAttributePath(v, attribute.str()) : v, case_sensitive);
  };
  for (const Value& v : items) {
    const int c = Compare(key(v), key(*best), line);
    if (want_max ? c > 0 : c < 0) best = &v;
  }
  return *best;
}

Value Sort(const Value& input, const CallArgs& args, int line) {
  const bool reverse = args.Get(0, "reverse", Value(false)).Truthy();
  const bool case_sensitive = args.Get(1, "case_sensitive", Value(false)).Truthy();
  const Value& attribute = args.Get(2, "attribute", kNoneValue);
  List items = Iterate(input, line);
  auto key = [&](const Value& v) {
    return SortKey(attribute.is_string() ? GetAttributePath(v, attribute.str()) : v, case_sensitive);
  };
  std::stable_sort(items.begin(), items.end(), [&](const Value& a, const Value& b) {
    return reverse ? Compare(key(a), key(b), line) > 0 : Compare(key(a), key(b), line) < 0;
  });
  return Value(std::move(items));
}

Value Indent(const Value& input, const CallArgs& args) {
  const Value& width = args.Get(0, "width", Value(4));
  const bool first = args.Get(1, "first", Value(false)).Truthy();
  const bool blank = args.Get(2, "blank", Value(false)).Truthy();
  const std::string indention = width.is_string() ? width.str() : std::string(size_t(std::max<int64_t>(0, width.as_int())), ' ');
  const std::vector<std::string> lines = SplitLines(input.ToString() + "\n");
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) out += "\n" + ((blank || !lines[i].empty()) ? indention : "");
    out += lines[i];
  }
  return Value(first ? indention + out : out);
}

}  // namespace

Value CallArgs::Get(size_t index, std::string_view name, Value fallback) const {
  if (index < positional.size()) return positional[index];
  for (const auto& [k, v] : keyword)
    if (!name.empty() && k == name) return v;
  return fallback;
}

const Value* CallArgs::Keyword(std::string_view name) const {
  for (const auto& [k, v] : keyword)
    if (k == name) return &v;
  return nullptr;
}

bool IsSupportedFilter(std::string_view name) {
  return std::find(kFilters.begin(), kFilters.end(), name) != kFilters.end();
}

bool IsSupportedTest(std::string_view name) {
  return std::find(kTests.begin(), kTests.end(), name) != kTests.end();
}

Value ApplyFilter(std::string_view name, const Value& input, const CallArgs& args, int line,
                  BuiltinContext& context) {
  const BuiltinLimits& limits = context.limits();
  if (name == "default" || name == "d") {
    const bool boolean = args.Get(1, "boolean", Value(false)).Truthy();
    const bool use_default = input.is_undefined() || (boolean && !input.Truthy());
    return use_default ? args.Get(0, "default_value", Value("")) : input;
  }
  if (input.is_undefined() && name != "length" && name != "count" && name != "list" && name != "items" &&
      name != "string" && name != "join" && name != "tojson" && name != "safe" && name != "trim")
    Fail(ErrorCode::kBadInput, line, "filter '" + std::string(name) + "': '" + input.undefined_name() + "' is undefined");
  if (name == "length" || name == "count") {
    if (input.is_string()) return Value(int64_t(CodePointCount(input.str())));
    if (input.is_list()) return Value(int64_t(input.list().size()));
    if (input.is_dict()) return Value(int64_t(input.dict().entries.size()));
    if (input.is_undefined()) return Value(0);
    Fail(ErrorCode::kBadInput, line, "object of type '" + std::string(input.TypeName()) + "' has no length");
  }
  if (name == "trim") {
    const Value& chars = args.Get(0, "chars", kNoneValue);
    return Value(StripChars(input.ToString(), chars, true, true));
  }
  if (name == "string") return Value(input.ToString());
  if (name == "indent") return Indent(input, args);
  if (name == "safe") return input;
  if (name == "e" || name == "escape") return Value(HtmlEscape(input.ToString()));
  if (name == "upper") return Value(AsciiUpper(input.ToString()));
  if (name == "lower") return Value(AsciiLower(input.ToString()));
  if (name == "title") return Value(TitleCase(input.ToString()));
  if (name == "capitalize") return Value(Capitalize(input.ToString()));
  if (name == "wordcount") return Value(int64_t(SplitWhitespace(input.ToString(), -1).size()));
  if (name == "center") {
    const int64_t width = args.Get(0, "width", Value(80)).as_int();
    const std::string s = input.ToString();
    const int64_t pad = std::max<int64_t>(0, std::min<int64_t>(width, int64_t(limits.max_bytes)) - int64_t(CodePointCount(s)));
    // Python str.center puts the extra space on the right when the padding is odd and the length even.
    const int64_t left = pad / 2 + (pad & int64_t(width) & 1);
    return Value(std::string(size_t(left), ' ') + s + std::string(size_t(pad - left), ' '));
  }
  if (name == "replace") {
    const Value& count = args.Get(2, "count", kNoneValue);
    return Value(ReplaceAll(input.ToString(), args.Get(0, "old", Value("")).ToString(),
                            args.Get(1, "new", Value("")).ToString(), count.is_int() ? count.as_int() : -1,
                            limits.max_bytes, line));
  }
  if (name == "first" || name == "last") {
    const List items = Iterate(input, line);
    if (items.empty()) return Value::Undefined(std::string(name) + " of an empty sequence");
    return name == "first" ? items.front() : items.back();
  }
  if (name == "join") {
    const Value& separator = args.Get(0, "d", Value(""));
    const Value& attribute = args.Get(1, "attribute", kNoneValue);
    std::string out;
    bool first = true;
    for (const Value& item : Iterate(input, line)) {
      if (!first) out += separator.ToString();
      first = false;
      out += (attribute.is_string() ? GetAttributePath(item, attribute.str()) : item).ToString();
      if (out.size() > limits.max_bytes) Fail(ErrorCode::kBadInput, line, "join result exceeds the output limit");
    }
    return Value(std::move(out));
  }
  if (name == "list") return Value(Iterate(input, line));
  if (name == "items" || name == "dictsort") {
    if (input.is_undefined()) return Value(List{});
    if (!input.is_dict()) Fail(ErrorCode::kBadInput, line, std::string(name) + " needs a mapping, got " + std::string(input.TypeName()));
    List out;
    for (const auto& [k, v] : input.dict().entries) out.push_back(Value::Tuple({Value(k), v}));
    if (name == "dictsort") {
      const bool case_sensitive = args.Get(0, "case_sensitive", Value(false)).Truthy();
      const bool by_value = args.Get(1, "by", Value("key")).ToString() == "value";
      const bool reverse = args.Get(2, "reverse", Value(false)).Truthy();
      std::stable_sort(out.begin(), out.end(), [&](const Value& a, const Value& b) {
        const int c = Compare(SortKey(a.list()[by_value], case_sensitive), SortKey(b.list()[by_value], case_sensitive), line);
        return reverse ? c > 0 : c < 0;
      });
    }
    return Value(std::move(out));
  }
  if (name == "tojson") {
    const Value& indent = args.Get(0, "indent", kNoneValue);
    return Value(input.ToJson(line, indent.is_int() ? int(std::clamp<int64_t>(indent.as_int(), 0, 64)) : -1,
                              args.Get(2, "sort_keys", Value(false)).Truthy()));
  }
  if (name == "int") return ToInt(input, args.Get(0, "default", Value(0)));
  if (name == "float") return ToFloat(input, args.Get(0, "default", Value(0.0)));
  if (name == "abs") {
    if (input.is_int()) return Value(input.as_int() < 0 ? -input.as_int() : input.as_int());
    if (input.is_number()) return Value(std::fabs(input.as_float()));
    Fail(ErrorCode::kBadInput, line, "bad operand type for abs(): '" + std::string(input.TypeName()) + "'");
  }
  if (name == "round") {
    if (!input.is_number()) Fail(ErrorCode::kBadInput, line, "round needs a number");
    const int64_t precision = args.Get(0, "precision", Value(0)).as_int();
    const std::string method = args.Get(1, "method", Value("common")).ToString();
    const double scale = std::pow(10.0, double(precision));
    const double x = input.as_float() * scale;
    const double r = method == "ceil" ? std::ceil(x) : method == "floor" ? std::floor(x) : std::round(x);
    return Value(r / scale);
  }
  if (name == "reverse") {
    if (input.is_string()) {
      std::string out;
      const auto cps = SplitCodePoints(input.str());
      for (auto it = cps.rbegin(); it != cps.rend(); ++it) out += *it;
      return Value(std::move(out));
    }
    List items = Iterate(input, line);
    std::reverse(items.begin(), items.end());
    return Value(std::move(items));
  }
  if (name == "sort") return Sort(input, args, line);
  if (name == "unique") {
    const bool case_sensitive = args.Get(0, "case_sensitive", Value(false)).Truthy();
    const Value& attribute = args.Get(1, "attribute", kNoneValue);
    List out, keys;
    for (const Value& item : Iterate(input, line)) {
      Value key = SortKey(attribute.is_string() ? GetAttributePath(item, attribute.str()) : item, case_sensitive);
      if (std::none_of(keys.begin(), keys.end(), [&](const Value& k) { return Equal(k, key); })) {
        keys.push_back(std::move(key));
        out.push_back(item);
      }
    }
    return Value(std::move(out));
  }
  if (name == "min" || name == "max") return MinMax(input, args, line, name == "max");
  if (name == "sum") {
    const Value& attribute = args.Get(0, "attribute", kNoneValue);
    Value total = args.Get(1, "start", Value(0));
    for (const Value& item : Iterate(input, line)) {
      const Value v = attribute.is_string() ? GetAttributePath(item, attribute.str()) : item;
      if (!v.is_number() || !total.is_number()) Fail(ErrorCode::kBadInput, line, "sum needs numbers");
      total = total.is_int() && v.is_int() ? Value(total.as_int() + v.as_int()) : Value(total.as_float() + v.as_float());
    }
    return total;
  }
  if (name == "attr") {
    const std::string attribute = args.Get(0, "name", Value("")).ToString();
    if (input.is_dict()) return Value::Undefined(attribute);  // attr() skips items: dicts have no such attributes
    return GetAttributePath(input, attribute);
  }
  if (name == "select" || name == "reject") return FilterItems(input, args, line, false, name == "select");
  if (name == "selectattr" || name == "rejectattr")
    return FilterItems(input, args, line, true, name == "selectattr");
  if (name == "map") {
    List out;
    if (const Value* attribute = args.Keyword("attribute"); attribute && attribute->is_string()) {
      const Value* fallback = args.Keyword("default");
      for (const Value& item : Iterate(input, line)) {
        Value v = GetAttributePath(item, attribute->str());
        out.push_back(v.is_undefined() && fallback ? *fallback : v);
      }
      return Value(std::move(out));
    }
    const Value& filter = args.Get(0, "", kUndefinedValue);
    if (!filter.is_string()) Fail(ErrorCode::kBadInput, line, "map needs a filter name or attribute=");
    if (!IsSupportedFilter(filter.str())) Fail(ErrorCode::kUnsupported, line, "filter '" + filter.str() + "' is not supported");
    const CallArgs rest = ShiftArgs(args, 1);
    for (const Value& item : Iterate(input, line)) out.push_back(context.CallFilter(filter.str(), item, rest, line));
    return Value(std::move(out));
  }
  Fail(ErrorCode::kUnsupported, line, "filter '" + std::string(name) + "' is not supported");
}

bool ApplyTest(std::string_view name, const Value& input, const CallArgs& args, int line) {
  const Value& arg = args.Get(0, "", kUndefinedValue);
  if (name == "defined") return !input.is_undefined();
  if (name == "undefined") return input.is_undefined();
  if (name == "none") return input.is_none();
  if (name == "string") return input.is_string();
  if (name == "number") return input.is_number();
  if (name == "integer") return input.kind() == Value::Kind::kInt;
  if (name == "float") return input.kind() == Value::Kind::kFloat;
  if (name == "boolean") return input.is_bool();
  if (name == "true") return input.is_bool() && input.as_bool();
  if (name == "false") return input.is_bool() && !input.as_bool();
  if (name == "mapping") return input.is_dict();
  if (name == "iterable") return input.is_string() || input.is_list() || input.is_dict() || input.is_undefined();
  if (name == "sequence") return input.is_string() || input.is_list() || input.is_dict();
  if (name == "callable") return input.is_callable();
  if (name == "lower") return input.is_string() && AsciiLower(input.str()) == input.str();
  if (name == "upper") return input.is_string() && AsciiUpper(input.str()) == input.str();
  if (name == "odd" || name == "even") {
    if (!input.is_int()) Fail(ErrorCode::kBadInput, line, "'" + std::string(name) + "' test needs an integer");
    return (input.as_int() % 2 != 0) == (name == "odd");
  }
  if (name == "divisibleby") {
    if (!input.is_int() || !arg.is_int() || arg.as_int() == 0)
      Fail(ErrorCode::kBadInput, line, "'divisibleby' needs integers and a non-zero divisor");
    return input.as_int() % arg.as_int() == 0;
  }
  if (name == "eq" || name == "equalto" || name == "==") return Equal(input, arg);
  if (name == "ne" || name == "!=") return !Equal(input, arg);
  if (name == "lt" || name == "lessthan" || name == "<") return Compare(input, arg, line) < 0;
  if (name == "le" || name == "<=") return Compare(input, arg, line) <= 0;
  if (name == "gt" || name == "greaterthan" || name == ">") return Compare(input, arg, line) > 0;
  if (name == "ge" || name == ">=") return Compare(input, arg, line) >= 0;
  if (name == "in") return Contains(arg, input, line);
  if (name == "sameas") {
    if (input.is_none() || input.is_bool() || input.is_undefined()) return input.kind() == arg.kind() && Equal(input, arg);
    return false;
  }
  Fail(ErrorCode::kUnsupported, line, "test 'is " + std::string(name) + "' is not supported");
}

}  // namespace enclave::jinja
