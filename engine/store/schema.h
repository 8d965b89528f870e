// The application database's schema, versioned with PRAGMA user_version. Each migration moves
// the schema one version forward inside a transaction; opening a database written by a newer
// Enclave is refused rather than guessed at.
#pragma once

#include "core/status.h"
#include "store/sqlite_database.h"

namespace enclave::store {

inline constexpr int kSchemaVersion = 2;

// Brings `db` to `target_version` (default: the current one). Tests pass a lower target to
// build an old database and check that later migrations keep its data.
Status MigrateSchema(SqliteDatabase& db, int target_version = kSchemaVersion);

}  // namespace enclave::store
