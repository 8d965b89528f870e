#include "store/sqlite_database.h"

#include <sqlite3.h>

namespace enclave::store {

Expected<std::unique_ptr<SqliteDatabase>> SqliteDatabase::Open(const std::string& path) {
  std::unique_ptr<SqliteDatabase> db(new SqliteDatabase());
  db->path_ = path;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db->db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db->db_ ? sqlite3_errmsg(db->db_) : sqlite3_errstr(rc);
    return IoError("cannot open the database " + path + ": " + message +
                   " (check that the folder exists and is writable)");
  }
  sqlite3_busy_timeout(db->db_, 5000);
  sqlite3_extended_result_codes(db->db_, 1);
  // synchronous=NORMAL in WAL mode: a committed transaction survives an application crash;
  // a power loss may lose the last commits but never corrupts the file.
  ENCLAVE_RETURN_IF_ERROR(db->Execute("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"));
  if (path != ":memory:" && !path.empty()) {
    ENCLAVE_ASSIGN_OR_RETURN(std::string mode, db->Pragma("journal_mode = WAL"));
    if (mode != "wal")
      return IoError("the database " + path + " cannot use write-ahead logging (journal mode '" + mode +
                     "'): is it on a network file system?");
  }
  ENCLAVE_ASSIGN_OR_RETURN(std::string fk, db->Pragma("foreign_keys"));
  if (fk != "1") return InternalError("this SQLite build does not enforce foreign keys");
  // A file that is not a database fails here, with SQLite's "file is not a database".
  ENCLAVE_ASSIGN_OR_RETURN(int version, db->UserVersion());
  (void)version;
  return db;
}

SqliteDatabase::~SqliteDatabase() {
  if (db_) sqlite3_close_v2(db_);
}

Status SqliteDatabase::Execute(std::string_view sql) {
  char* error = nullptr;
  const std::string text(sql);
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errmsg(db_);
    sqlite3_free(error);
    return IoError("database " + path_ + ": " + message);
  }
  return Status::Ok();
}

Expected<SqliteStatement> SqliteDatabase::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) != SQLITE_OK)
    return IoError("database " + path_ + ": " + sqlite3_errmsg(db_) + " (in: " + std::string(sql) + ")");
  return SqliteStatement(db_, stmt);
}

int64_t SqliteDatabase::LastInsertId() const { return sqlite3_last_insert_rowid(db_); }

int SqliteDatabase::Changes() const { return sqlite3_changes(db_); }

Expected<std::string> SqliteDatabase::Pragma(std::string_view name) {
  ENCLAVE_ASSIGN_OR_RETURN(SqliteStatement stmt, Prepare("PRAGMA " + std::string(name)));
  ENCLAVE_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? stmt.ColumnText(0) : std::string();
}

Expected<int> SqliteDatabase::UserVersion() {
  ENCLAVE_ASSIGN_OR_RETURN(std::string text, Pragma("user_version"));
  return text.empty() ? 0 : std::stoi(text);
}

Status SqliteDatabase::SetUserVersion(int version) {
  return Execute("PRAGMA user_version = " + std::to_string(version));
}

SqliteTransaction::SqliteTransaction(SqliteDatabase& db) : db_(db) {
  begin_status_ = db_.Execute("BEGIN IMMEDIATE");
  done_ = !begin_status_.ok();
}

SqliteTransaction::~SqliteTransaction() {
  if (!done_) (void)db_.Execute("ROLLBACK");
}

Status SqliteTransaction::Commit() {
  if (done_) return begin_status_.ok() ? InternalError("transaction committed twice") : begin_status_;
  done_ = true;
  Status st = db_.Execute("COMMIT");
  if (!st.ok()) (void)db_.Execute("ROLLBACK");
  return st;
}

}  // namespace enclave::store
