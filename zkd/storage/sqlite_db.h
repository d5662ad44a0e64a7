// Thin RAII wrappers over one SQLite connection and its prepared statements, with error
// messages that name the file. Not thread-safe: the owner serializes use.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "zkd/storage/store.h"

namespace zkd::storage {

class Db {
 public:
  // Opens (creating when absent, unless read_only) `path` with the given VFS ("" =
  // default). On failure returns nullptr, sets *status and, when known, *sqlite_code.
  static std::unique_ptr<Db> open(const std::string& path, const std::string& vfs, Status* status,
                                  int* sqlite_code, bool read_only = false);
  // Closes now; returns the close error (a deferred write failing), if any.
  Status close();
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* raw() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements without results. Error names the file and `sql`.
  Status exec(const char* sql);
  // "<path>: <what>: <sqlite message> (<code name>)" for the connection's last error.
  std::string error(std::string_view what) const;
  int last_code() const { return sqlite3_extended_errcode(db_); }
  // Rolls back an open transaction, if any (after a failed statement).
  void rollback_if_open();
  // Close without checkpointing the WAL into the database file: after a failure or on a
  // corrupt file nothing more may be written.
  void close_without_checkpoint();

 private:
  Db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
};

// A prepared statement, reset on every use. Blob/text binds do not copy: the bound data
// must outlive step().
class Stmt {
 public:
  Stmt(Db* db, const char* sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  Stmt& reset();
  Stmt& bind(int i, int64_t v);
  Stmt& bind_blob(int i, std::string_view v);
  Stmt& bind_text(int i, std::string_view v);
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  int64_t col_int(int i) const { return sqlite3_column_int64(stmt_, i); }
  std::string_view col_blob(int i) const;
  std::string col_text(int i) const;

 private:
  Db* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Readable name of a (possibly extended) SQLite result code, e.g. "SQLITE_IOERR_FSYNC".
std::string sqlite_code_name(int code);
// True for codes that mean the file's content is damaged (not an I/O or lock problem).
inline bool is_corruption(int code) {
  return (code & 0xFF) == SQLITE_CORRUPT || (code & 0xFF) == SQLITE_NOTADB;
}

}  // namespace zkd::storage
