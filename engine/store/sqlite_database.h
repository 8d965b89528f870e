// An open SQLite database file (RAII over sqlite3*), configured the way the application needs
// it: write-ahead logging (readers never block the writer, a crash loses at most the last
// transaction), foreign keys enforced, and a busy timeout so a second process waits instead of
// failing at once.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "store/sqlite_statement.h"

struct sqlite3;

namespace enclave::store {

class SqliteDatabase {
 public:
  // Opens (creating if needed) and applies the pragmas above. ":memory:" works for tests.
  static Expected<std::unique_ptr<SqliteDatabase>> Open(const std::string& path);
  ~SqliteDatabase();
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;

  // Runs one or more statements without results (schema scripts, pragmas).
  Status Execute(std::string_view sql);
  Expected<SqliteStatement> Prepare(std::string_view sql);
  int64_t LastInsertId() const;
  int Changes() const;  // rows changed by the last statement

  // A pragma's first result as text, e.g. Pragma("journal_mode") -> "wal".
  Expected<std::string> Pragma(std::string_view name);
  Expected<int> UserVersion();
  Status SetUserVersion(int version);

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

 private:
  SqliteDatabase() = default;
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back when Commit() was not reached.
class SqliteTransaction {
 public:
  explicit SqliteTransaction(SqliteDatabase& db);
  ~SqliteTransaction();
  SqliteTransaction(const SqliteTransaction&) = delete;
  SqliteTransaction& operator=(const SqliteTransaction&) = delete;
  const Status& status() const { return begin_status_; }
  Status Commit();

 private:
  SqliteDatabase& db_;
  Status begin_status_;
  bool done_ = false;
};

}  // namespace enclave::store
