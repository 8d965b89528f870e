// enclave-cli --version: version, git revision, and what this build can run on.
#include <cstdio>

#include "backend/backend.h"
#include "commands.h"
#include "core/version.h"

namespace enclave::cli {

int CmdVersion(int, char**) {
  std::printf("enclave-cli %s (git %s)\n", Version(), GitRevision());
#ifdef ENCLAVE_HAVE_CUDA
  std::printf("CUDA: compiled in\n");
#else
  std::printf("CUDA: not compiled in (CPU-only build)\n");
#endif
  for (const DeviceInfo& d : ListDevices()) std::printf("device %s: %s\n", d.id.c_str(), d.name.c_str());
  return 0;
}

}  // namespace enclave::cli
