// The state database (dataDir/zkd-state.db): the store's identity and the caller's
// metadata, in table meta(key, value, crc) (see meta_table.h): format "zkd-state",
// format_version, database_id, created_ms, log_database_id, and the caller's keys
// (epochs, server id ...). WAL mode, synchronous=FULL: every set is durable.
// Not thread-safe: the Store serializes use under its state lock.
#pragma once

#include <memory>
#include <string>

#include "zkd/storage/meta_table.h"
#include "zkd/storage/sqlite_db.h"

namespace zkd::storage {

class StateDb {
 public:
  // Opens (creating when absent), checks the format and verifies every meta row
  // (*corrupt on a bad one).
  static std::unique_ptr<StateDb> open(const std::string& path, const std::string& vfs,
                                       Status* status, bool* corrupt);

  Db* db() { return db_.get(); }
  const MetaMap& meta() const { return meta_; }
  Status set_meta(const std::string& key, const std::string& value);

 private:
  StateDb(std::unique_ptr<Db> db) : db_(std::move(db)) {}
  std::unique_ptr<Db> db_;
  MetaMap meta_;
};

}  // namespace zkd::storage
