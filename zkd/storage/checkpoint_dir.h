// Checkpoints: dataDir/checkpoints/checkpoint-<zxid as 16 hex digits>.db, one write-once
// SQLite file per checkpoint:
//   meta(key, value, crc): format "zkd-checkpoint", format_version, database_id, zxid,
//     created_ms, record_count, chunk_count, data_bytes (see meta_table.h for the crc)
//   chunk(seq INTEGER PRIMARY KEY, record_count, data BLOB, crc): data = records, each
//     prefixed by its LEB128 length; crc: see chunk.h
// A checkpoint is written under <name>.tmp (one transaction, fsync'd), then renamed into
// place and the directory fsync'd: a file with the final name is always complete.
// Purging deletes whole files, so the directory holds exactly the retained checkpoints.
//
// Not thread-safe: the Store serializes use under its checkpoint lock.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zkd/storage/store.h"

namespace zkd::storage {

struct CheckpointInfo {
  int64_t zxid = 0;
  int64_t created_ms = 0;
  int64_t record_count = 0;
  int64_t chunk_count = 0;
  int64_t data_bytes = 0;
  std::string path;
};

class CheckpointDir {
 public:
  // Lists <data_dir>/checkpoints (creating it), removes *.tmp leftovers of interrupted
  // writes, and verifies every file's header (meta rows, format, database_id, zxid = the
  // name). A damaged file sets *corrupt_path and fails.
  static std::unique_ptr<CheckpointDir> open(const std::string& data_dir, const std::string& vfs,
                                             const std::string& database_id, Status* status,
                                             std::string* corrupt_path);

  // Verified checkpoints, oldest first.
  const std::vector<CheckpointInfo>& list() const { return list_; }
  int64_t newest_zxid() const { return list_.empty() ? 0 : list_.back().zxid; }
  const std::string& dir() const { return dir_; }
  int64_t bytes() const;  // sum of the checkpoint files' sizes

  // Writes a complete checkpoint (replacing one at the same zxid).
  Status write(int64_t zxid, const CheckpointRecords& records);
  // Streams the records of the newest checkpoint, verifying every chunk (CRC, seq order,
  // counts against the header). On damage sets *corrupt_path and fails naming the file,
  // zxid and chunk.
  Status load_newest(const std::function<void(std::string_view)>& fn, std::string* corrupt_path);
  // Deletes all but the newest `keep` checkpoints (keep >= 1).
  Status purge(int keep);
  // Forgets a file (after it was moved aside).
  void drop(const std::string& path);

 private:
  CheckpointDir(std::string dir, std::string vfs, std::string database_id)
      : dir_(std::move(dir)), vfs_(std::move(vfs)), database_id_(std::move(database_id)) {}
  std::string dir_, vfs_, database_id_;
  std::vector<CheckpointInfo> list_;
};

// "checkpoint-<16 hex digits>.db"
std::string checkpoint_file_name(int64_t zxid);

}  // namespace zkd::storage
