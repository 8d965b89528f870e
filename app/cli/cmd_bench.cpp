// Placeholder until this subcommand's issue lands; replaced by its implementation.
#include <cstdio>

#include "commands.h"

namespace enclave::cli {

int CmdBench(int, char**) {
  std::fprintf(stderr, "enclave-cli: this command is not available in this build yet\n");
  return 1;
}

}  // namespace enclave::cli
