// StoreDurability: the Durability of a standalone server (an ensemble of one): Txns go to
// the GroupCommitter, which makes them durable in the SQLite store and reports the
// highest durable zxid; the server is woken to apply and answer.
//
// Thread-safety: submit()/checkpoint() on the state thread; the committer's callbacks run
// on storage threads and only store atomics and wake the server.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "zkd/server/durability.h"
#include "zkd/storage/group_commit.h"
#include "zkd/storage/store.h"

namespace zkd::server {

class Server;

class StoreDurability : public Durability {
 public:
  StoreDurability(storage::Store* store, Server& server);
  ~StoreDurability() override;

  void submit(int64_t zxid, std::string txn) override;
  int64_t durable_zxid() const override { return durable_.load(std::memory_order_acquire); }
  bool failed() const override { return failed_.load(std::memory_order_acquire); }
  std::string failure() const override;
  void checkpoint(int64_t zxid, storage::CheckpointRecords records) override;
  // Writes everything submitted, then joins the storage threads.
  void stop();
  storage::GroupCommitter::Stats committer_stats() const { return committer_->stats(); }

 private:
  std::atomic<int64_t> durable_;
  std::atomic<bool> failed_{false};
  mutable std::mutex mu_;
  std::string failure_;
  std::unique_ptr<storage::GroupCommitter> committer_;
};

}  // namespace zkd::server
