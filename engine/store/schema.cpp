#include "store/schema.h"

#include <string>

namespace enclave::store {
namespace {

// Version 1 (Enclave 0.1 development): linear conversations.
constexpr const char* kMigrationTo1 = R"sql(
CREATE TABLE conversations (
  id          INTEGER PRIMARY KEY,
  title       TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,  -- milliseconds since the Unix epoch
  updated_at  INTEGER NOT NULL
);
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  parent_id       INTEGER REFERENCES messages(id) ON DELETE CASCADE,
  role            TEXT    NOT NULL CHECK (role IN ('system', 'user', 'assistant')),
  content         TEXT    NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL
);
)sql";

// Version 2: messages form a tree (regenerate / edit-and-resend add siblings: versions), the
// conversation remembers which branch is shown, carries its own system prompt and sampling
// settings, and assistant messages keep their reasoning and streaming state.
constexpr const char* kMigrationTo2 = R"sql(
ALTER TABLE conversations ADD COLUMN system_prompt  TEXT    NOT NULL DEFAULT '';
ALTER TABLE conversations ADD COLUMN sampling_json  TEXT    NOT NULL DEFAULT '{}';
ALTER TABLE conversations ADD COLUMN hide_reasoning INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN active_leaf_id INTEGER REFERENCES messages(id) ON DELETE SET NULL;
ALTER TABLE messages ADD COLUMN reasoning    TEXT    NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN reasoning_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN state        TEXT    NOT NULL DEFAULT 'complete'
  CHECK (state IN ('complete', 'streaming', 'stopped', 'failed', 'interrupted'));
ALTER TABLE messages ADD COLUMN model        TEXT    NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN token_count  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE messages ADD COLUMN error        TEXT    NOT NULL DEFAULT '';
CREATE INDEX messages_by_conversation ON messages(conversation_id, parent_id);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE INDEX conversations_by_update ON conversations(updated_at DESC);
CREATE TABLE app_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

constexpr const char* kMigrations[] = {kMigrationTo1, kMigrationTo2};
static_assert(sizeof(kMigrations) / sizeof(kMigrations[0]) == kSchemaVersion);

}  // namespace

Status MigrateSchema(SqliteDatabase& db, int target_version) {
  if (target_version < 0 || target_version > kSchemaVersion)
    return InvalidArgument("no schema version " + std::to_string(target_version));
  ENCLAVE_ASSIGN_OR_RETURN(int version, db.UserVersion());
  if (version > kSchemaVersion)
    return Unsupported("the database " + db.path() + " was written by a newer Enclave (schema " +
                       std::to_string(version) + ", this one knows up to " +
                       std::to_string(kSchemaVersion) + "): update Enclave or choose another database");
  while (version < target_version) {
    SqliteTransaction tx(db);
    ENCLAVE_RETURN_IF_ERROR(tx.status());
    ENCLAVE_RETURN_IF_ERROR(db.Execute(kMigrations[version])
                                .WithContext("migrating to schema " + std::to_string(version + 1)));
    ENCLAVE_RETURN_IF_ERROR(db.SetUserVersion(version + 1));
    ENCLAVE_RETURN_IF_ERROR(tx.Commit());
    ++version;
  }
  return Status::Ok();
}

}  // namespace enclave::store
