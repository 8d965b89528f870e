#include "args.h"

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace enclave::cli {

Expected<Args> Args::Parse(int argc, char** argv, const std::set<std::string>& value_flags,
                           const std::set<std::string>& switches) {
  Args args;
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    if (a.size() > 1 && a[0] == '-' && !(a.size() > 1 && (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.'))) {
      std::string value;
      bool has_inline = false;
      if (const size_t eq = a.find('='); eq != std::string::npos && a.rfind("--", 0) == 0) {
        value = a.substr(eq + 1);
        a = a.substr(0, eq);
        has_inline = true;
      }
      if (value_flags.count(a)) {
        if (!has_inline) {
          if (i + 1 >= argc) return InvalidArgument(a + " needs a value");
          value = argv[++i];
        }
        args.values_[a] = value;
      } else if (switches.count(a)) {
        if (has_inline) return InvalidArgument(a + " takes no value");
        args.switches_.insert(a);
      } else {
        return InvalidArgument("unknown option " + a);
      }
    } else {
      args.positionals_.push_back(a);
    }
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::GetOr(const std::string& flag, const std::string& fallback) const {
  auto v = Get(flag);
  return v ? *v : fallback;
}

Expected<int64_t> Args::GetInt(const std::string& flag, int64_t fallback, int64_t min, int64_t max) const {
  auto v = Get(flag);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  const long long n = std::strtoll(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0)
    return InvalidArgument(flag + " expects a whole number, got '" + *v + "'");
  if (n < min || n > max)
    return InvalidArgument(flag + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           ", got " + *v);
  return static_cast<int64_t>(n);
}

Expected<double> Args::GetDouble(const std::string& flag, double fallback, double min, double max) const {
  auto v = Get(flag);
  if (!v) return fallback;
  errno = 0;
  char* end = nullptr;
  const double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || errno != 0 || d != d)
    return InvalidArgument(flag + " expects a number, got '" + *v + "'");
  if (d < min || d > max)
    return InvalidArgument(flag + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                           ", got " + *v);
  return d;
}

int Fail(const Status& status) {
  std::fprintf(stderr, "enclave-cli: %s\n", status.message().c_str());
  return ExitCodeFor(status);
}

}  // namespace enclave::cli
