// GroupCommitter: the storage thread. The state thread submits Txns as they are prepped;
// this thread takes everything queued, appends it as one batch (one SQLite transaction,
// one fsync) and then reports the highest durable zxid back through a callback.
//
// Thread-safety: submit(), request_checkpoint() and stop() may be called from any thread.
// The on_durable callback runs on the storage thread; it must only hand off (e.g. push
// to a queue and write an eventfd), never touch state-thread data.
//
// Bounded: at most max_batch entries per batch; submit() blocks when max_queued entries
// are waiting (back-pressure to the state thread instead of unbounded growth).
// Fail-stop: after a failed append the committer stops appending and calls on_failure
// once with the store's message; later submits are dropped (their writes never ack).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "zkd/storage/store.h"

namespace zkd::storage {

class GroupCommitter {
 public:
  struct Options {
    size_t max_batch = 1000;
    size_t max_queued = 100000;
  };
  GroupCommitter(Store* store, Options options, std::function<void(int64_t durable_zxid)> on_durable,
                 std::function<void(const std::string& message)> on_failure);
  ~GroupCommitter();  // stops and joins

  void submit(LogEntry entry);
  // Writes a checkpoint on the storage thread, after everything submitted before it.
  // `records` must describe the state as of `zxid`.
  void request_checkpoint(int64_t zxid, std::vector<std::string> records);
  void stop();

 private:
  void run();
  Store* store_;
  Options options_;
  std::function<void(int64_t)> on_durable_;
  std::function<void(const std::string&)> on_failure_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable space_cv_;
  std::deque<LogEntry> queue_;
  struct PendingCheckpoint {
    int64_t zxid;
    std::vector<std::string> records;
  };
  std::deque<PendingCheckpoint> checkpoints_;
  bool stopping_ = false;
  bool failed_ = false;
  std::thread thread_;
};

}  // namespace zkd::storage
