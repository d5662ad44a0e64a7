// GroupCommitter: the storage threads. The state thread submits Txns as they are prepped;
// the commit thread takes everything queued, appends it as one batch (one SQLite
// transaction, one fsync) and then reports the highest durable zxid through a callback.
// Checkpoints are written by a second thread, so a large checkpoint does not stall
// group commit (the Store serializes log and state separately).
//
// Thread-safety: submit(), request_checkpoint(), stop() and stats() may be called from any
// thread. on_durable and on_failure run on the storage threads; they must only hand off
// (e.g. push to a queue and write an eventfd), never touch state-thread data, and never
// call stop() (it joins the thread running them). The Store must outlive the committer.
//
// Bounded: at most max_batch entries per batch; submit() blocks when max_queued entries
// are waiting (back-pressure to the state thread instead of unbounded growth). At most
// one checkpoint waits behind the one being written: a newer request replaces an older
// waiting one (only the newest state matters).
// Ordering: on_durable is called with strictly increasing zxids, after the entries up to
// that zxid are durable. A checkpoint is written only after every entry submitted before
// its request is durable.
// Fail-stop: after a failed append or checkpoint the committer stops writing and calls
// on_failure once with the store's message; later submits are dropped (their writes never
// ack). Submits after stop() are dropped too.
// stop() (and the destructor) writes everything already submitted and any requested
// checkpoint, then joins both threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
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
  struct Stats {
    int64_t batches = 0;      // append calls made
    int64_t entries = 0;      // entries made durable
    int64_t checkpoints = 0;  // checkpoints written
    int64_t queued = 0;       // entries waiting now
  };
  GroupCommitter(Store* store, Options options,
                 std::function<void(int64_t durable_zxid)> on_durable,
                 std::function<void(const std::string& message)> on_failure);
  ~GroupCommitter();  // stops and joins

  void submit(LogEntry entry);
  // Writes a checkpoint on the checkpoint thread, after everything submitted before it is
  // durable. `records` must describe the state as of `zxid`.
  void request_checkpoint(int64_t zxid, CheckpointRecords records);
  void request_checkpoint(int64_t zxid, const std::vector<std::string>& records) {
    request_checkpoint(zxid, CheckpointRecords(records));
  }
  void stop();
  Stats stats() const;

 private:
  struct PendingCheckpoint {
    int64_t zxid;
    CheckpointRecords records;
    int64_t after_seq;  // entries submitted before the request
  };
  void run_commits();
  void run_checkpoints();
  void report_failure(const std::string& message);

  Store* store_;
  const Options options_;
  std::function<void(int64_t)> on_durable_;
  std::function<void(const std::string&)> on_failure_;
  mutable std::mutex mu_;
  std::condition_variable commit_cv_;      // entries queued, or stop/failure
  std::condition_variable checkpoint_cv_;  // checkpoint requested, entries durable, or stop
  std::condition_variable space_cv_;                     // room in queue_
  std::deque<LogEntry> queue_;                           // GUARDED_BY(mu_)
  int64_t submitted_seq_ = 0;                            // GUARDED_BY(mu_)
  int64_t durable_seq_ = 0;                              // GUARDED_BY(mu_)
  std::optional<PendingCheckpoint> pending_checkpoint_;  // GUARDED_BY(mu_)
  Stats stats_;                                          // GUARDED_BY(mu_)
  bool stopping_ = false;                                // GUARDED_BY(mu_)
  bool failed_ = false;                                  // GUARDED_BY(mu_)
  std::mutex join_mu_;  // stop() may race with itself (or the destructor)
  std::thread commit_thread_;
  std::thread checkpoint_thread_;
};

}  // namespace zkd::storage
