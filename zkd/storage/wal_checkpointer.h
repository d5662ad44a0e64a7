// WalCheckpointer: copies the log's WAL into its database file from a thread of its own.
//
// SQLite's automatic WAL checkpoint runs inside the COMMIT that crosses the threshold, so
// the group-commit thread would stall (copy + fsync of the database file) on every few MB
// of log, and every write waiting on that commit with it. The log connection therefore
// disables auto-checkpoints, and this thread runs PASSIVE checkpoints on its own
// connection: they never block the writer, and the writer rewinds the WAL once a
// checkpoint has caught up.
//
// Thread-safety: start/halt from the owner (LogDb); the work runs on the internal thread.
// After halt() nothing more is written to the file by this class (fail-stop).
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "zkd/storage/sqlite_db.h"

namespace zkd::storage {

class WalCheckpointer {
 public:
  WalCheckpointer() = default;
  ~WalCheckpointer() { stop(false); }
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Opens a second connection to `path` and starts checkpointing every interval_ms.
  Status start(const std::string& path, const std::string& vfs, int interval_ms = 200);
  // Stops and joins. failed = true: close without a final checkpoint (the store failed and
  // must not write more).
  void stop(bool failed);

 private:
  void run();
  std::unique_ptr<Db> db_;
  int interval_ms_ = 200;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace zkd::storage
