// Early return from a subcommand on a failed Expected: prints the message, returns the exit code.
#pragma once

#include "args.h"

// ENCLAVE_ASSIGN_OR_RETURN_CLI(auto x, Fn()): assigns the value, or returns Fail(status).
#define ENCLAVE_ASSIGN_OR_RETURN_CLI(decl, expr)                          \
  auto ENCLAVE_CONCAT(_cli_, __LINE__) = (expr);                          \
  if (!ENCLAVE_CONCAT(_cli_, __LINE__).ok())                              \
    return ::enclave::cli::Fail(ENCLAVE_CONCAT(_cli_, __LINE__).status()); \
  decl = std::move(ENCLAVE_CONCAT(_cli_, __LINE__)).value()
