// The log database (dataLogDir/zkd-log.db): table `log` (zxid INTEGER PRIMARY KEY, txn
// BLOB, crc INTEGER) with crc = CRC-32C(zxid as 8 bytes big-endian || txn), plus `meta`
// (format "zkd-log", database_id, purged_through_zxid).
// Not thread-safe: the Store serializes use under its log lock.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zkd/storage/meta_table.h"
#include "zkd/storage/sqlite_db.h"
#include "zkd/storage/wal_checkpointer.h"

namespace zkd::storage {

class LogDb {
 public:
  // Opens (creating when absent), configures WAL and synchronous (FULL when force_sync,
  // else OFF), checks the format and verifies every row's CRC. Bad rows that form the end
  // of the log are deleted with a warning; any other bad row (or SQLite corruption) fails
  // with *corrupt set. A new file gets `database_id`.
  static std::unique_ptr<LogDb> open(const std::string& path, const std::string& vfs,
                                     bool force_sync, const std::string& database_id,
                                     Status* status, bool* corrupt);

  Db* db() { return db_.get(); }
  const MetaMap& meta() const { return meta_; }
  int64_t max_zxid() const { return max_zxid_; }  // of the rows present, 0 when none
  int64_t purged_through() const;                 // entries <= this may have been purged

  // One transaction; *commit_ms gets the time of COMMIT (the WAL write + fsync).
  Status append(const std::vector<LogEntry>& batch, double* commit_ms);
  Status replay(int64_t after_zxid, const std::function<void(int64_t, std::string_view)>& fn,
                bool* corrupt);
  Status truncate_after(int64_t zxid);
  // Deletes entries <= zxid and records purged_through_zxid, in one transaction.
  Status purge_through(int64_t zxid);
  int64_t count_after(int64_t zxid);
  // Stops the background WAL checkpoints (failed = without a final one).
  void stop_wal_checkpoints(bool failed) { wal_checkpointer_.stop(failed); }

 private:
  LogDb(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  Status verify(bool* corrupt);
  std::unique_ptr<Db> db_;
  std::unique_ptr<Stmt> insert_;
  WalCheckpointer wal_checkpointer_;  // declared after db_: stops before db_ closes
  MetaMap meta_;
  int64_t max_zxid_ = 0;
};

// "0x<hex>", as ZooKeeper prints zxids.
std::string zxid_hex(int64_t zxid);

}  // namespace zkd::storage
