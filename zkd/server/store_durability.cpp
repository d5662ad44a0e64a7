#include "zkd/server/store_durability.h"

#include "zkd/server/log.h"
#include "zkd/server/server.h"

namespace zkd::server {

StoreDurability::StoreDurability(storage::Store* store, Server& server)
    : durable_(store->last_logged_zxid()) {
  committer_ = std::make_unique<storage::GroupCommitter>(
      store, storage::GroupCommitter::Options{},
      [this, &server](int64_t zxid) {
        durable_.store(zxid, std::memory_order_release);
        server.wake();
      },
      [this, &server](const std::string& message) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          failure_ = message;
        }
        failed_.store(true, std::memory_order_release);
        log::error("storage failed, no further writes will be acknowledged: " + message);
        server.wake();
      });
}

StoreDurability::~StoreDurability() { stop(); }

void StoreDurability::stop() {
  if (committer_) committer_->stop();
}

void StoreDurability::submit(int64_t zxid, std::string txn) {
  committer_->submit(storage::LogEntry{zxid, std::move(txn)});
}

std::string StoreDurability::failure() const {
  std::lock_guard<std::mutex> lock(mu_);
  return failure_;
}

void StoreDurability::checkpoint(int64_t zxid, storage::CheckpointRecords records) {
  committer_->request_checkpoint(zxid, std::move(records));
}

}  // namespace zkd::server
