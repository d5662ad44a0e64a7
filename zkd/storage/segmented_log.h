// The log as a chain of segment files in dataLogDir: zkd-log.<16 hex digits>.db, each
// named by the first zxid written to it, like ZooKeeper's log.<zxid> files.
//
// Why segments: commits append to the newest segment's WAL and nothing else writes to the
// log. A full segment is closed as it is: its WAL (fsync'd at every commit) stays its
// storage, since folding it into the database file means writing and flushing megabytes
// while the next commit waits on its own fsync (a 50-90 ms write stall, measured). Purging
// the log behind a checkpoint deletes whole files. The single log file before this needed
// WAL checkpoints that briefly block the writer, and DELETE + vacuum of purged rows under
// the log lock: both showed up as write-latency spikes of 20-200 ms.
// A clean shutdown folds the newest segment's WAL into its file (SQLite's default close).
//
// Invariants:
//  - segments_ is ordered by zxid; segment i+1's prev_last_zxid == segment i's max zxid
//    (checked at open: a missing file in the middle refuses to start).
//  - Only the newest segment is open for writing; only it can be empty; only it has no
//    next_segment (so a missing newest file refuses to start too).
// Not thread-safe: the Store serializes use under its log lock, except remove_purged().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zkd/storage/log_segment.h"

namespace zkd::storage {

struct SegmentedLogOptions {
  std::string dir;
  std::string vfs;
  bool force_sync = true;
  std::string database_id;
  // Segments holding only zxids <= this (covered by the newest checkpoint) are not
  // CRC-verified row by row at open; replay still checks every row it reads.
  int64_t verify_after_zxid = 0;
  // A segment is retired once its WAL holds this many bytes or it has this many entries.
  int64_t segment_bytes = 64 << 20;
  int64_t segment_entries = 100000;
};

class SegmentedLog {
 public:
  // Opens every segment in options.dir, creating the first when there is none. On error
  // returns nullptr with *status set; *corrupt_path names a corrupt segment file (the
  // caller moves it aside), empty otherwise.
  static std::unique_ptr<SegmentedLog> open(const SegmentedLogOptions& options, Status* status,
                                            std::string* corrupt_path);
  // True when dir holds any log segment.
  static bool exists(const std::string& dir);
  // Bytes of every log file in dir (segments and their -wal/-shm).
  static int64_t dir_bytes(const std::string& dir);

  const std::string& active_path() const { return active_->path(); }
  int64_t max_zxid() const;                                 // 0 when nothing was logged
  int64_t purged_through() const { return purged_through_; }  // entries <= this are gone

  // Appends the batch to the newest segment in one transaction (retiring it first when
  // full). *commit_ms gets the COMMIT time (WAL write + fsync).
  Status append(const std::vector<LogEntry>& batch, double* commit_ms);
  // Every entry with zxid > after_zxid in order; *corrupt_path set when a segment is bad.
  Status replay(int64_t after_zxid, const std::function<void(int64_t, std::string_view)>& fn,
                std::string* corrupt_path);
  Status truncate_after(int64_t zxid);
  // Drops the segments whose entries are all <= zxid (never the newest) from the chain and
  // returns their paths; remove_purged() deletes the files (no lock needed: nothing
  // refers to them any more).
  std::vector<std::string> purge_through(int64_t zxid);
  static Status remove_purged(const std::vector<std::string>& paths);
  int64_t count_after(int64_t zxid);
  // Fail-stop: the newest segment is closed (later) without folding its WAL into its
  // file, so every file stays exactly as it is.
  void abandon();

 private:
  struct Segment {
    std::string path;
    int64_t prev_last_zxid = 0;
    int64_t min_zxid = 0, max_zxid = 0;  // 0 when empty
    int64_t entries = -1;                // -1 = not counted (not verified at open)
  };
  explicit SegmentedLog(SegmentedLogOptions options) : options_(std::move(options)) {}
  Status rotate(int64_t first_zxid);
  std::unique_ptr<LogSegment> reopen(const Segment& seg, Status* status, bool* corrupt);
  void sync_active_bounds();

  SegmentedLogOptions options_;
  std::vector<Segment> segments_;  // oldest first; back() is active_
  std::unique_ptr<LogSegment> active_;
  int64_t purged_through_ = 0;
};

}  // namespace zkd::storage
