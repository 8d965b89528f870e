// Command-line arguments of one enclave-cli subcommand: flags with values, switches, positionals.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"

namespace enclave::cli {

class Args {
 public:
  // value_flags take a value ("-m PATH", "--ctx=4096"); switches do not ("--json").
  // Aliases like "-m"/"--model" are separate entries mapped by the caller.
  static Expected<Args> Parse(int argc, char** argv, const std::set<std::string>& value_flags,
                              const std::set<std::string>& switches);

  bool Has(const std::string& flag) const { return values_.count(flag) > 0 || switches_.count(flag) > 0; }
  std::optional<std::string> Get(const std::string& flag) const;
  std::string GetOr(const std::string& flag, const std::string& fallback) const;
  // Numeric values: an unparsable or out-of-range number is an InvalidArgument naming the flag.
  Expected<int64_t> GetInt(const std::string& flag, int64_t fallback, int64_t min, int64_t max) const;
  Expected<double> GetDouble(const std::string& flag, double fallback, double min, double max) const;
  const std::vector<std::string>& positionals() const { return positionals_; }

 private:
  std::map<std::string, std::string> values_;
  std::set<std::string> switches_;
  std::vector<std::string> positionals_;
};

// Prints "enclave-cli: <message>" on stderr and returns the contract's exit status.
int Fail(const Status& status);

}  // namespace enclave::cli
