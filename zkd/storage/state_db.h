// The state database (dataDir/zkd-state.db): checkpoints and metadata.
//   checkpoint(zxid PK, created_ms, record_count, chunk_count, data_bytes, crc)
//     crc = CRC-32C over the five other columns (each 8 bytes big-endian)
//   checkpoint_chunk(checkpoint_zxid, seq, record_count, data BLOB, crc), PK (zxid, seq)
//     data = records, each prefixed by its LEB128 length; crc: see chunk.h
//   meta(key, value, crc): format "zkd-state", format_version, database_id, created_ms and
//     the caller's keys (epochs, server id ...)
// A checkpoint (header + all chunks) is written in one SQLite transaction, so it is
// either complete or absent. Not thread-safe: the Store serializes use under its state lock.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zkd/storage/meta_table.h"
#include "zkd/storage/sqlite_db.h"

namespace zkd::storage {

struct CheckpointInfo {
  int64_t zxid = 0;
  int64_t created_ms = 0;
  int64_t record_count = 0;
  int64_t chunk_count = 0;
  int64_t data_bytes = 0;
};

class StateDb {
 public:
  // Opens (creating when absent; synchronous=FULL always: metadata carries epochs),
  // checks the format, verifies meta rows and checkpoint headers (*corrupt on a bad one).
  static std::unique_ptr<StateDb> open(const std::string& path, const std::string& vfs,
                                       Status* status, bool* corrupt);

  Db* db() { return db_.get(); }
  const MetaMap& meta() const { return meta_; }
  // Verified headers, oldest first.
  const std::vector<CheckpointInfo>& checkpoints() const { return checkpoints_; }
  int64_t newest_zxid() const { return checkpoints_.empty() ? 0 : checkpoints_.back().zxid; }

  Status set_meta(const std::string& key, const std::string& value);
  Status write_checkpoint(int64_t zxid, const std::vector<std::string>& records);
  // Streams the records of checkpoint `zxid`, verifying every chunk (CRC, seq order,
  // record and chunk counts against the header). *corrupt on a mismatch.
  Status load(int64_t zxid, const std::function<void(std::string_view)>& fn, bool* corrupt);
  // Deletes all but the newest `keep` checkpoints.
  Status purge(int keep);

 private:
  StateDb(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  Status load_headers(bool* corrupt);
  std::unique_ptr<Db> db_;
  MetaMap meta_;
  std::vector<CheckpointInfo> checkpoints_;
};

}  // namespace zkd::storage
