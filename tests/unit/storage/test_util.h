// Helpers for storage tests: a temporary directory removed at the end, direct SQLite
// access to the files a Store wrote.
#pragma once

#include <sqlite3.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "zkd/storage/store.h"

namespace zkd::storage::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "zkd-storage-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline StoreConfig config_for(const TempDir& dir) {
  StoreConfig c;
  c.data_dir = dir.path();
  return c;
}

inline std::unique_ptr<Store> must_open(const StoreConfig& config) {
  Status st;
  auto store = open_store(config, &st);
  if (!store) throw std::runtime_error("open_store: " + st.message);
  return store;
}

// Runs one statement on a database file with a separate connection (as an operator or
// a corrupting disk would). Returns sqlite3_exec's code.
inline int sql(const std::string& path, const std::string& statement) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  int rc = sqlite3_exec(db, statement.c_str(), nullptr, nullptr, nullptr);
  sqlite3_close(db);
  return rc;
}

inline int64_t sql_int(const std::string& path, const std::string& query) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

inline std::vector<LogEntry> entries(int64_t from, int64_t to) {
  std::vector<LogEntry> v;
  for (int64_t z = from; z <= to; ++z) v.push_back({z, "txn-" + std::to_string(z)});
  return v;
}

inline std::vector<std::pair<int64_t, std::string>> replay_all(Store* s, int64_t after = 0) {
  std::vector<std::pair<int64_t, std::string>> out;
  Status st = s->replay_log(
      after, [&](int64_t z, std::string_view t) { out.emplace_back(z, std::string(t)); });
  if (!st.ok) throw std::runtime_error("replay: " + st.message);
  return out;
}

}  // namespace zkd::storage::testing
