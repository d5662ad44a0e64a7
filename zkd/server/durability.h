// Durability: where the write pipeline sends a prepped Txn so it becomes durable before
// it is applied and answered ("persist before ack, ack before reply").
//
// The Server calls submit() in zxid order on the state thread. The implementation reports
// progress by calling the server's notify hook (any thread) after making zxids durable;
// the server then reads durable_zxid() on its own thread. A standalone server is an
// ensemble of one: its replicator commits on local durability, and this is that seam.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zkd/storage/checkpoint_records.h"

namespace zkd::server {

class Durability {
 public:
  virtual ~Durability() = default;
  virtual void submit(int64_t zxid, std::string txn) = 0;
  // Highest zxid known durable (monotonic).
  virtual int64_t durable_zxid() const = 0;
  // Set once the store failed: writes must never be acknowledged again.
  virtual bool failed() const = 0;
  virtual std::string failure() const = 0;
  // Asks for a checkpoint of the state as of `zxid` (the records describe it).
  virtual void checkpoint(int64_t zxid, storage::CheckpointRecords records) = 0;
};

}  // namespace zkd::server
