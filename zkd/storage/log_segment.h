// One segment of the log: dataLogDir/zkd-log.<16 hex digits>.db, named by the first zxid
// it was created for. Table `log` (zxid INTEGER PRIMARY KEY, txn BLOB, crc INTEGER) with
// crc = CRC-32C(zxid as 8 bytes big-endian || txn), plus `meta` (format "zkd-log",
// database_id, prev_last_zxid = the last zxid of the segment before it, 0 for the first,
// next_segment = the file name of the segment after it, set when that one is started).
// prev_last_zxid chains the segments: a missing file in the middle is detected, and the
// oldest segment's value says how much of the log was purged. next_segment catches a
// missing newest segment (removed, or moved aside as corrupt).
// Not thread-safe: SegmentedLog serializes use.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zkd/storage/meta_table.h"
#include "zkd/storage/sqlite_db.h"
#include "zkd/storage/store.h"

namespace zkd::storage {

class LogSegment {
 public:
  // Opens (creating when absent) in WAL mode, synchronous FULL when force_sync, else OFF.
  // A file without prev_last_zxid is one whose set-up never finished: with finish_setup
  // this open finishes it by writing prev_last_zxid; without, it writes nothing there and
  // reports unfinished(), so that recovery can drop the file (a crash between writing
  // prev_last_zxid and removing the file would otherwise leave a finished-looking segment
  // that breaks the chain). Checks the format and database_id. With verify, reads every row
  // and checks its CRC: a bad row anywhere (the last one included: SQLite's WAL drops a
  // torn commit by its own checksums, so every row read was acknowledged) fails with
  // *corrupt set. Without verify only max zxid and row count are read.
  static std::unique_ptr<LogSegment> open(const std::string& path, const std::string& vfs,
                                          bool force_sync, const std::string& database_id,
                                          bool finish_setup, int64_t prev_last_zxid, bool verify,
                                          Status* status, bool* corrupt);

  Db* db() { return db_.get(); }
  const std::string& path() const { return db_->path(); }
  int64_t prev_last_zxid() const { return prev_last_zxid_; }
  const std::string& next_segment() const { return next_segment_; }
  // True when the file had no prev_last_zxid when opened (new, or its set-up was cut
  // short by a crash); with finish_setup it has one now.
  bool unfinished() const { return unfinished_; }
  // Records (durably) that the log continues in `name` ("" = this is the newest again).
  Status set_next_segment(const std::string& name);
  int64_t max_zxid() const { return max_zxid_; }  // 0 when empty
  int64_t min_zxid() const { return min_zxid_; }  // 0 when empty
  int64_t entries() const { return entries_; }  // -1: not counted (opened unverified)
  // Bytes in the WAL after the last commit (0 until this connection commits).
  int64_t wal_bytes() const { return wal_frames_ * (page_size_ + 24); }

  // One transaction; *commit_ms gets the time of COMMIT (the WAL write + fsync).
  Status append(const std::vector<LogEntry>& batch, double* commit_ms);
  Status replay(int64_t after_zxid, const std::function<void(int64_t, std::string_view)>& fn,
                bool* corrupt);
  Status truncate_after(int64_t zxid);
  int64_t count_after(int64_t zxid);
  // Closes the connection without folding the WAL into the database file: a segment's
  // WAL is its log (fsync'd at every commit), and copying it on retirement would flush
  // megabytes while the next commit waits for its own fsync.
  void release() {
    insert_.reset();
    db_->close_without_checkpoint();
    db_.reset();
  }

 private:
  explicit LogSegment(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  Status verify(bool* corrupt);
  Status read_bounds(bool count);
  std::unique_ptr<Db> db_;
  std::unique_ptr<Stmt> insert_;
  int64_t prev_last_zxid_ = 0;
  std::string next_segment_;
  bool unfinished_ = false;
  int64_t max_zxid_ = 0;
  int64_t min_zxid_ = 0;
  int64_t entries_ = 0;
  int64_t wal_frames_ = 0;
  int64_t page_size_ = 4096;
};

// "0x<hex>", as ZooKeeper prints zxids.
std::string zxid_hex(int64_t zxid);

}  // namespace zkd::storage
