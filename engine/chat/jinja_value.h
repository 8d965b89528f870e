// Values of the Jinja interpreter, with Python's semantics where templates can observe them
// (truthiness, equality, ordering, str() and repr() of numbers, lists and dicts).
// Strings are UTF-8; length, indexing and slicing count code points as Python does.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace enclave::jinja {

// Raised inside the parser and interpreter; ChatTemplate turns it into a Status at its boundary.
struct TemplateError {
  ErrorCode code;
  std::string message;  // already says where ("line 3: ...")
};
[[noreturn]] void Fail(ErrorCode code, int line, const std::string& message);

class Value;
using List = std::vector<Value>;

// Insertion-ordered string-keyed map (Python dicts keep insertion order; tojson and items() show it).
struct Dict {
  std::vector<std::pair<std::string, Value>> entries;
  const Value* Find(std::string_view key) const;
  void Set(std::string key, Value value);
};

// A function value: a macro or a built-in global (defined by the interpreter).
class Callable {
 public:
  virtual ~Callable() = default;
  virtual const std::string& name() const = 0;
};

class Value {
 public:
  enum class Kind { kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kDict, kNamespace, kCallable };

  Value() = default;  // undefined
  static Value Undefined(std::string name) {
    Value v;
    v.data_ = std::make_shared<const std::string>(std::move(name));
    return v;
  }
  static Value None() { Value v; v.kind_ = Kind::kNone; return v; }
  Value(bool b) : kind_(Kind::kBool), data_(b) {}                  // NOLINT: literal-like
  Value(int64_t i) : kind_(Kind::kInt), data_(i) {}                // NOLINT
  Value(int i) : Value(static_cast<int64_t>(i)) {}                 // NOLINT
  Value(double f) : kind_(Kind::kFloat), data_(f) {}               // NOLINT
  Value(std::string s)                                              // NOLINT
      : kind_(Kind::kString), data_(std::make_shared<const std::string>(std::move(s))) {}
  Value(const char* s) : Value(std::string(s)) {}                  // NOLINT
  Value(List list) : kind_(Kind::kList), depth_(NestedDepth(list)), data_(std::make_shared<const List>(std::move(list))) {}  // NOLINT
  // A Python tuple: a list that prints as (a, b) (dict.items(), "a, b" literals).
  static Value Tuple(List items) {
    Value v(std::move(items));
    v.is_tuple_ = true;
    return v;
  }
  Value(Dict dict) : kind_(Kind::kDict), depth_(NestedDepth(dict)), data_(std::make_shared<Dict>(std::move(dict))) {}  // NOLINT
  static Value Namespace(Dict attributes) {
    Value v(std::move(attributes));
    v.kind_ = Kind::kNamespace;
    v.depth_ = 0;  // printing, comparing and serialising never look inside a namespace
    return v;
  }
  Value(std::shared_ptr<const Callable> f) : kind_(Kind::kCallable), data_(std::move(f)) {}     // NOLINT

  static Value FromJson(const nlohmann::ordered_json& j);
  // Python's json.dumps(v, ensure_ascii=False, indent=indent, sort_keys=sort_keys) as transformers'
  // tojson calls it; indent < 0 means none.
  std::string ToJson(int line, int indent = -1, bool sort_keys = false) const;

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt || kind_ == Kind::kBool; }  // Python: bool is int
  bool is_number() const { return is_int() || kind_ == Kind::kFloat; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_dict() const { return kind_ == Kind::kDict; }
  bool is_namespace() const { return kind_ == Kind::kNamespace; }
  bool is_callable() const { return kind_ == Kind::kCallable; }
  bool is_tuple() const { return is_tuple_; }
  // Levels of lists / dicts inside this value (0 for scalars). Printing, comparing, serialising
  // and freeing a value recurse this deep, so the interpreter bounds it.
  uint32_t depth() const { return depth_; }

  bool as_bool() const { return std::get<bool>(data_); }
  int64_t as_int() const { return kind_ == Kind::kBool ? int64_t{as_bool()} : std::get<int64_t>(data_); }
  double as_float() const { return kind_ == Kind::kFloat ? std::get<double>(data_) : double(as_int()); }
  const std::string& str() const { return *std::get<std::shared_ptr<const std::string>>(data_); }
  const List& list() const { return *std::get<std::shared_ptr<const List>>(data_); }
  const Dict& dict() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  Dict& namespace_attributes() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  // Templates never change a dict; the interpreter updates the `loop` dict it made in place.
  Dict& dict_for_update() const { return *std::get<std::shared_ptr<Dict>>(data_); }
  const std::shared_ptr<const Callable>& callable() const {
    return std::get<std::shared_ptr<const Callable>>(data_);
  }
  // The variable name an undefined value came from, for error messages.
  std::string undefined_name() const;

  bool Truthy() const;
  std::string ToString() const;  // Python str(); undefined prints as ""
  std::string Repr() const;      // Python repr()
  std::string_view TypeName() const;  // Python's name of the type, for error messages

 private:
  static uint32_t NestedDepth(const List& items) {
    uint32_t d = 0;
    for (const Value& v : items) d = v.depth_ > d ? v.depth_ : d;
    return d + 1;
  }
  static uint32_t NestedDepth(const Dict& dict) {
    uint32_t d = 0;
    for (const auto& entry : dict.entries) d = entry.second.depth_ > d ? entry.second.depth_ : d;
    return d + 1;
  }

  Kind kind_ = Kind::kUndefined;
  bool is_tuple_ = false;
  uint32_t depth_ = 0;
  std::variant<std::monostate, bool, int64_t, double, std::shared_ptr<const std::string>,
               std::shared_ptr<const List>, std::shared_ptr<Dict>, std::shared_ptr<const Callable>>
      data_;
};

bool Equal(const Value& a, const Value& b);
// <0, 0, >0 as Python orders numbers, strings and lists; fails for other pairs.
int Compare(const Value& a, const Value& b, int line);

// Python float repr: shortest round-trip digits, "1.0", "1e+20", "1e-05".
std::string FormatFloat(double v);

// UTF-8 helpers: strings are indexed by code point, as Python str is.
size_t CodePointCount(std::string_view s);
std::vector<std::string_view> SplitCodePoints(std::string_view s);
bool IsPythonSpace(char32_t c);
std::string_view StripSpaces(std::string_view s, bool left, bool right);

}  // namespace enclave::jinja
