// Durable storage for zkd: an ordered log of Txns keyed by zxid, checkpoints of the
// committed state, and metadata. Lives in SQLite (WAL mode) under dataDir/dataLogDir.
//
// The store is format-agnostic: a Txn and a checkpoint record are opaque bytes produced
// by zkd/txn and zkd/tree. Only zxids are interpreted (they order everything).
//
// Thread-safety: a Store is used by one thread at a time. The server's storage thread
// (GroupCommitter) owns it after recovery; recovery runs before that thread starts.
//
// Invariants:
//  - Log zxids are strictly increasing; append() rejects a non-increasing zxid.
//  - append() returns only after the batch is durable (fsync'd when force_sync), or fails.
//  - After any write/fsync failure the store is failed for good (sticky): every later
//    write returns the same error. Nothing on disk is modified after the failure.
//  - A checkpoint at zxid Z plus the log entries with zxid > Z reproduce the state.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace zkd::storage {

struct StoreConfig {
  std::string data_dir;      // holds myid, the lock and the state
  std::string data_log_dir;  // the log; empty = data_dir
  bool force_sync = true;    // zoo.cfg forceSync
  int snap_retain_count = 3;  // autopurge.snapRetainCount: checkpoints kept
};

struct Status {
  bool ok = true;
  std::string message;  // one line, names the file and the reason
  static Status Ok() { return {}; }
  static Status Error(std::string m) { return {false, std::move(m)}; }
};

struct LogEntry {
  int64_t zxid = 0;
  std::string txn;  // opaque encoded Txn
};

// Sizes and positions for `dirs`, `mntr` and the AdminServer.
struct StoreStats {
  int64_t data_dir_bytes = 0;
  int64_t log_dir_bytes = 0;
  int64_t last_logged_zxid = 0;
  int64_t last_checkpoint_zxid = 0;
  int64_t last_checkpoint_time_ms = 0;  // wall clock when written (for last_snapshot)
  int64_t log_entries_since_checkpoint = 0;
  int64_t fsync_count = 0;
  double fsync_total_ms = 0;
  bool failed = false;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- Recovery (before serving) ---
  // Zxid of the newest valid checkpoint (0 when none).
  virtual int64_t checkpoint_zxid() const = 0;
  // Calls fn for every record of the newest checkpoint, in the order written.
  virtual Status load_checkpoint(const std::function<void(std::string_view record)>& fn) = 0;
  // Calls fn for every logged Txn with zxid > after_zxid, in zxid order.
  virtual Status replay_log(int64_t after_zxid,
                            const std::function<void(int64_t zxid, std::string_view txn)>& fn) = 0;
  virtual int64_t last_logged_zxid() const = 0;

  // --- Log ---
  // Appends a batch in one SQLite transaction and one fsync. Durable on Ok.
  virtual Status append(const std::vector<LogEntry>& batch) = 0;

  // --- Checkpoints ---
  // Writes a complete checkpoint of the state as of `zxid` (records as produced by the
  // caller), makes it durable, then drops log entries <= zxid that older retained
  // checkpoints do not need, and purges checkpoints beyond snap_retain_count.
  virtual Status write_checkpoint(int64_t zxid, const std::vector<std::string>& records) = 0;

  // --- Metadata (format version, epochs, server id, database id ...) ---
  virtual std::string get_meta(const std::string& key, const std::string& dflt = "") const = 0;
  virtual Status set_meta(const std::string& key, const std::string& value) = 0;

  virtual StoreStats stats() const = 0;
  virtual bool failed() const = 0;
};

// Opens (creating when absent) the store. Takes an exclusive lock on data_dir: a second
// process on the same dataDir gets an error naming the lock holder's pid. A corrupt
// store is reported with the file and record, and moved aside, never deleted.
std::unique_ptr<Store> open_store(const StoreConfig& config, Status* status);

}  // namespace zkd::storage
