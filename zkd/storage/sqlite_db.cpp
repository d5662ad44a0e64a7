#include "zkd/storage/sqlite_db.h"

namespace zkd::storage {

std::unique_ptr<Db> Db::open(const std::string& path, const std::string& vfs, Status* status,
                             int* sqlite_code, bool read_only) {
  sqlite3* raw = nullptr;
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    int code = raw ? sqlite3_extended_errcode(raw) : rc;
    *status = Status::Error(path + ": open: " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)) +
                            " (" + sqlite_code_name(code) + ")");
    if (sqlite_code) *sqlite_code = code;
    sqlite3_close(raw);
    return nullptr;
  }
  sqlite3_extended_result_codes(raw, 1);
  // Another reader (an operator's sqlite3 shell) may hold a lock briefly.
  sqlite3_busy_timeout(raw, 5000);
  return std::unique_ptr<Db>(new Db(raw, path));
}

Db::~Db() {
  if (db_) sqlite3_close_v2(db_);
}

Status Db::close() {
  int rc = sqlite3_close(db_);
  if (rc != SQLITE_OK) {
    Status st = Status::Error(error("close"));
    sqlite3_close_v2(db_);
    db_ = nullptr;
    return st;
  }
  db_ = nullptr;
  return Status::Ok();
}

Status Db::exec(const char* sql) {
  char* msg = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &msg);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string m = path_ + ": " + sql + ": " + (msg ? msg : sqlite3_errstr(rc)) + " (" +
                  sqlite_code_name(sqlite3_extended_errcode(db_)) + ")";
  sqlite3_free(msg);
  return Status::Error(std::move(m));
}

std::string Db::error(std::string_view what) const {
  return path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_) + " (" +
         sqlite_code_name(sqlite3_extended_errcode(db_)) + ")";
}

void Db::rollback_if_open() {
  if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
}

void Db::close_without_checkpoint() {
  sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
}

Stmt::Stmt(Db* db, const char* sql) : db_(db) {
  if (sqlite3_prepare_v3(db->raw(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
      SQLITE_OK) {
    stmt_ = nullptr;
  }
}

Stmt::~Stmt() {
  sqlite3_finalize(stmt_);
}

Stmt& Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  return *this;
}

Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

Stmt& Stmt::bind_blob(int i, std::string_view v) {
  // A zero-length blob must still be a blob (not NULL): pass a non-null pointer.
  sqlite3_bind_blob64(stmt_, i, v.empty() ? "" : v.data(), v.size(), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::bind_text(int i, std::string_view v) {
  sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_STATIC, SQLITE_UTF8);
  return *this;
}

int Stmt::step() {
  return sqlite3_step(stmt_);
}

std::string_view Stmt::col_blob(int i) const {
  const void* p = sqlite3_column_blob(stmt_, i);
  int n = sqlite3_column_bytes(stmt_, i);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<size_t>(n))
           : std::string_view();
}

std::string Stmt::col_text(int i) const {
  const unsigned char* p = sqlite3_column_text(stmt_, i);
  return p ? std::string(reinterpret_cast<const char*>(p),
                         static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
           : std::string();
}

std::string sqlite_code_name(int code) {
  switch (code) {
    case SQLITE_FULL:
      return "SQLITE_FULL";
    case SQLITE_IOERR:
      return "SQLITE_IOERR";
    case SQLITE_IOERR_WRITE:
      return "SQLITE_IOERR_WRITE";
    case SQLITE_IOERR_FSYNC:
      return "SQLITE_IOERR_FSYNC";
    case SQLITE_IOERR_READ:
      return "SQLITE_IOERR_READ";
    case SQLITE_IOERR_SHORT_READ:
      return "SQLITE_IOERR_SHORT_READ";
    case SQLITE_CORRUPT:
      return "SQLITE_CORRUPT";
    case SQLITE_NOTADB:
      return "SQLITE_NOTADB";
    case SQLITE_BUSY:
      return "SQLITE_BUSY";
    case SQLITE_READONLY:
      return "SQLITE_READONLY";
    case SQLITE_CANTOPEN:
      return "SQLITE_CANTOPEN";
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return "SQLITE_CONSTRAINT_PRIMARYKEY";
    default:
      return "SQLite code " + std::to_string(code);
  }
}

}  // namespace zkd::storage
