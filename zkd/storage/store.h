// Durable storage for zkd: an ordered log of Txns keyed by zxid, checkpoints of the
// committed state, and metadata, in SQLite: dataLogDir/zkd-log.<zxid>.db (log segments), dataDir/
// zkd-state.db (WAL) and dataDir/checkpoints/checkpoint-<zxid hex>.db (write-once).
// The on-disk layout is described in docs/storage.md.
//
// The store is format-agnostic: a Txn and a checkpoint record are opaque bytes produced
// by zkd/txn and zkd/tree. Only zxids are interpreted (they order everything).
//
// Thread-safety: every method may be called from any thread; the store serializes
// internally (one lock for the log, one for checkpoints/metadata), so a checkpoint can be
// written while the storage thread keeps appending. Recovery (load_checkpoint,
// replay_log) runs before the server starts writing.
//
// Invariants:
//  - Log zxids are strictly increasing; append() rejects a zxid <= last_logged_zxid().
//  - append() returns only after the batch is durable (fsync'd when force_sync), or fails.
//  - After any write/fsync failure the store is failed for good (sticky): every later
//    write returns the same error and nothing more is written to disk by this process.
//  - A checkpoint at zxid Z plus the log entries with zxid > Z reproduce the state.
//  - Every log row, checkpoint header, checkpoint chunk and metadata row carries a CRC-32C
//    that is checked when read back.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zkd/storage/checkpoint_records.h"

namespace zkd::storage {

struct StoreConfig {
  std::string data_dir;       // holds myid, the lock and the state (checkpoints, metadata)
  std::string data_log_dir;   // the log; empty = data_dir
  bool force_sync = true;     // zoo.cfg forceSync: false = the log is never fsync'd
  int snap_retain_count = 3;  // autopurge.snapRetainCount: checkpoints kept (min 1)
  bool autopurge = true;      // false = keep every checkpoint and the whole log
  std::string sqlite_vfs;     // SQLite VFS name; empty = default. Tests pass the fault VFS.
  // The log is a chain of segment files; a new one starts when the newest one's WAL
  // holds this many bytes or it has this many entries. Purging deletes whole segments.
  int64_t log_segment_bytes = 64 << 20;
  int64_t log_segment_entries = 100000;
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
  int64_t data_dir_bytes = 0;  // zkd-state.db (+ -wal, -shm) and the checkpoint files
  int64_t log_dir_bytes = 0;   // log segment files (zkd-log.*.db + -wal + -shm)
  int64_t last_logged_zxid = 0;
  int64_t last_checkpoint_zxid = 0;
  int64_t last_checkpoint_time_ms = 0;  // wall clock when written (for last_snapshot)
  int64_t log_entries_since_checkpoint = 0;
  int64_t checkpoint_count = 0;
  int64_t fsync_count = 0;    // durable commits of the log (one per append batch)
  double fsync_total_ms = 0;  // time spent committing them (write + fsync)
  double fsync_max_ms = 0;
  bool failed = false;
  std::string failure;  // the sticky error, empty when !failed
};

class Store {
 public:
  virtual ~Store() = default;

  // --- Recovery (before serving) ---
  // Zxid of the newest checkpoint (0 when none).
  virtual int64_t checkpoint_zxid() const = 0;
  // Calls fn for every record of the newest checkpoint, in the order written (nothing when
  // there is none). Every chunk's CRC is verified on the way; a corrupt chunk fails the
  // store, moves that checkpoint file aside (the next start falls back to the previous
  // checkpoint) and returns an error naming the file, checkpoint zxid and chunk.
  virtual Status load_checkpoint(const std::function<void(std::string_view record)>& fn) = 0;
  // Calls fn for every logged Txn with zxid > after_zxid, in zxid order (CRC checked).
  // The views passed to fn (here and in load_checkpoint) are valid only during the call.
  virtual Status replay_log(int64_t after_zxid,
                            const std::function<void(int64_t zxid, std::string_view txn)>& fn) = 0;
  // Highest zxid ever logged (also after its entry was purged behind a checkpoint).
  virtual int64_t last_logged_zxid() const = 0;

  // --- Log ---
  // Appends a batch in one SQLite transaction and one fsync. Durable on Ok.
  // REQUIRES: zxids strictly increasing and > last_logged_zxid().
  virtual Status append(const std::vector<LogEntry>& batch) = 0;
  // Drops logged entries with zxid > after_zxid (a new leader's TRUNC of an uncommitted
  // suffix). Fails when after_zxid < the newest checkpoint's zxid.
  virtual Status truncate_log(int64_t after_zxid) = 0;

  // --- Checkpoints ---
  // Writes a complete checkpoint of the state as of `zxid` (records as produced by the
  // caller), makes it durable, then (autopurge) drops checkpoints beyond
  // snap_retain_count and the log segments holding only entries <= the oldest retained
  // checkpoint's zxid (the newest segment always stays).
  // A checkpoint at an existing zxid replaces it.
  virtual Status write_checkpoint(int64_t zxid, const CheckpointRecords& records) = 0;
  // Convenience for small checkpoints (tests, tools): packs and writes.
  Status write_checkpoint(int64_t zxid, const std::vector<std::string>& records) {
    return write_checkpoint(zxid, CheckpointRecords(records));
  }

  // --- Metadata (epochs, server id, committed zxid ...) ---
  // Stored in zkd-state.db table `meta`, durable (fsync'd) on Ok. The store itself writes
  // format, format_version, database_id and created_ms; callers should not set those.
  virtual std::string get_meta(const std::string& key, const std::string& dflt = "") const = 0;
  virtual Status set_meta(const std::string& key, const std::string& value) = 0;

  virtual StoreStats stats() const = 0;
  virtual bool failed() const = 0;
};

// Opens (creating when absent) the store. Takes an exclusive lock on data_dir
// (dataDir/zkd.lock, and dataLogDir/zkd.lock when separate): a second process on the same
// dataDir gets an error naming the lock holder's pid. Refuses to start empty on a dataDir
// that holds Apache ZooKeeper data (version-2/). Verifies every log row, metadata row and
// checkpoint header: a corrupt tail of the log (the last entries, never acknowledged) is
// truncated with a warning; corruption elsewhere fails the open with the file and record
// named, and the file is moved aside (<file>.corrupt-<n>, never deleted).
// Returns nullptr with *status set on error.
std::unique_ptr<Store> open_store(const StoreConfig& config, Status* status);

// Reads dataDir/myid as ZooKeeper does: one integer, surrounding whitespace ignored.
// Returns false with *err set (one line naming the file) when missing or malformed.
bool read_myid(const std::string& data_dir, int64_t* id, std::string* err);
// Writes dataDir/myid (provisioning, tests). Returns false with *err set on failure.
bool write_myid(const std::string& data_dir, int64_t id, std::string* err);

}  // namespace zkd::storage
