// Build identity, from a generated source file so a new commit recompiles one file, not all.
#pragma once

namespace enclave {

const char* Version();      // "0.1.0"
const char* GitRevision();  // short hash at configure time, or "unknown"

}  // namespace enclave
