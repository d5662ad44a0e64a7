// Small filesystem helpers for the storage module: directories, the data-dir lock,
// moving corrupt files aside, sizes. Thread-safe (no shared state).
#pragma once

#include <cstdint>
#include <string>

#include "zkd/storage/store.h"

namespace zkd::storage {

// mkdir -p.
Status make_dirs(const std::string& dir);
bool file_exists(const std::string& path);
// True when <dir>/version-2 holds ZooKeeper snapshot.* or log.* files.
bool has_zookeeper_data(const std::string& dir);
// Size of `path` plus its SQLite companions (-wal, -shm); missing files count 0.
int64_t sqlite_files_bytes(const std::string& path);
// fsync(2) of a directory, so a file created (or renamed) in it survives a crash.
Status sync_dir(const std::string& dir);
// Unlinks `path`, then its -wal/-shm companions (missing ones are fine).
Status remove_sqlite_files(const std::string& path);
// Renames `path` and its -wal/-shm companions to <path>.corrupt-<n>[-wal|-shm] with the
// smallest unused n, so the set can still be opened with sqlite3. Never deletes.
// Returns the new name of `path` (empty with *err set on failure).
std::string move_aside(const std::string& path, std::string* err);

// An exclusive flock(2) on <dir>/zkd.lock, holding our pid as text. Released on
// destruction (or when the process dies).
class DirLock {
 public:
  // Fails naming the holder's pid when another open file description holds the lock.
  static std::unique_ptr<DirLock> acquire(const std::string& dir, Status* status);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  explicit DirLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace zkd::storage
