// Jinja's filters and tests, Python's str/dict methods and the globals chat templates call
// (range, namespace, raise_exception, strftime_now), with Jinja's and Python's semantics.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "chat/jinja_value.h"

namespace enclave::jinja {

struct CallArgs {
  std::vector<Value> positional;
  std::vector<std::pair<std::string, Value>> keyword;

  // The argument at `index` or named `name`; `fallback` when neither was passed. Returned by value
  // (values share their payload): a reference could outlive a temporary fallback.
  Value Get(size_t index, std::string_view name, Value fallback) const;
  // A keyword-only argument; null when not passed.
  const Value* Keyword(std::string_view name) const;
};

// Bounds the built-ins enforce (ranges, repeated strings) so no call allocates without limit.
struct BuiltinLimits {
  size_t max_items;  // longest list range() or a filter may build
  size_t max_bytes;  // longest string
};

bool IsSupportedFilter(std::string_view name);
bool IsSupportedTest(std::string_view name);

// Filters that apply a test or another filter per item (select, map, ...) call back through this.
class BuiltinContext {
 public:
  virtual ~BuiltinContext() = default;
  virtual Value CallFilter(std::string_view name, const Value& input, const CallArgs& args, int line) = 0;
  virtual const BuiltinLimits& limits() const = 0;
};

Value ApplyFilter(std::string_view name, const Value& input, const CallArgs& args, int line,
                  BuiltinContext& context);
bool ApplyTest(std::string_view name, const Value& input, const CallArgs& args, int line);

// obj.method(args) for strings, dicts and lists; fails with kUnsupported for unknown methods.
Value CallMethod(const Value& object, std::string_view method, const CallArgs& args, int line,
                 const BuiltinLimits& limits);
// True when `object.method` names a method (method names win over dict keys when called).
bool HasMethod(const Value& object, std::string_view method);

// The global functions (range, namespace, dict, raise_exception, strftime_now).
Dict BuiltinGlobals();
// Whether `callee` is one of BuiltinGlobals() (else it is a macro).
bool IsBuiltinFunction(const Value& callee);
Value CallBuiltinFunction(const Value& callee, const CallArgs& args, int line, const BuiltinLimits& limits);

}  // namespace enclave::jinja
