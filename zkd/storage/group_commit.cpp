#include "zkd/storage/group_commit.h"

#include <chrono>

#include "zkd/storage/log.h"
#include "zkd/storage/log_segment.h"

namespace zkd::storage {

GroupCommitter::GroupCommitter(Store* store, Options options,
                               std::function<void(int64_t)> on_durable,
                               std::function<void(const std::string&)> on_failure)
    : store_(store),
      options_(options),
      on_durable_(std::move(on_durable)),
      on_failure_(std::move(on_failure)) {
  commit_thread_ = std::thread([this] { run_commits(); });
  checkpoint_thread_ = std::thread([this] { run_checkpoints(); });
}

GroupCommitter::~GroupCommitter() {
  stop();
}

void GroupCommitter::submit(LogEntry entry) {
  std::unique_lock<std::mutex> lock(mu_);
  space_cv_.wait(lock, [&] { return queue_.size() < options_.max_queued || failed_ || stopping_; });
  if (failed_ || stopping_) return;  // never acked
  bool was_empty = queue_.empty();
  queue_.push_back(std::move(entry));
  ++submitted_seq_;
  lock.unlock();
  // The commit thread waits only on an empty queue: one wake-up per batch, not per entry
  // (each is a futex syscall, and costly context switches on a VM).
  if (was_empty) commit_cv_.notify_one();
}

void GroupCommitter::request_checkpoint(int64_t zxid, CheckpointRecords records) {
  std::lock_guard<std::mutex> lock(mu_);
  if (failed_ || stopping_) return;
  pending_checkpoint_ = PendingCheckpoint{zxid, std::move(records), submitted_seq_};
  checkpoint_cv_.notify_all();
}

void GroupCommitter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  commit_cv_.notify_all();
  checkpoint_cv_.notify_all();
  space_cv_.notify_all();
  std::lock_guard<std::mutex> join_lock(join_mu_);
  if (commit_thread_.joinable()) commit_thread_.join();
  if (checkpoint_thread_.joinable()) checkpoint_thread_.join();
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  Stats s = stats_;
  s.queued = static_cast<int64_t>(queue_.size());
  return s;
}

void GroupCommitter::report_failure(const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (failed_) return;
    failed_ = true;
    queue_.clear();
    pending_checkpoint_.reset();
  }
  commit_cv_.notify_all();
  checkpoint_cv_.notify_all();
  space_cv_.notify_all();
  if (on_failure_) on_failure_(message);
}

void GroupCommitter::run_commits() {
  std::vector<LogEntry> batch;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      commit_cv_.wait(lock, [&] { return !queue_.empty() || stopping_ || failed_; });
      if (failed_ || queue_.empty()) return;  // failed, or stopping with nothing left
      size_t n = std::min(options_.max_batch, queue_.size());
      batch.clear();
      batch.reserve(n);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    space_cv_.notify_all();  // the producer refills while this batch is written
    Status st = store_->append(batch);
    if (!st.ok) {
      report_failure(st.message);
      return;
    }
    bool checkpoint_waiting;
    {
      std::lock_guard<std::mutex> lock(mu_);
      durable_seq_ += static_cast<int64_t>(batch.size());
      ++stats_.batches;
      stats_.entries += static_cast<int64_t>(batch.size());
      checkpoint_waiting = pending_checkpoint_.has_value();
    }
    if (checkpoint_waiting) checkpoint_cv_.notify_all();  // it may wait for these entries
    if (on_durable_) on_durable_(batch.back().zxid);
  }
}

void GroupCommitter::run_checkpoints() {
  while (true) {
    PendingCheckpoint cp;
    {
      std::unique_lock<std::mutex> lock(mu_);
      checkpoint_cv_.wait(lock, [&] {
        return failed_ || (pending_checkpoint_ && durable_seq_ >= pending_checkpoint_->after_seq) ||
               (stopping_ && !pending_checkpoint_);
      });
      if (failed_ || !pending_checkpoint_) return;
      cp = std::move(*pending_checkpoint_);
      pending_checkpoint_.reset();
    }
    auto started = std::chrono::steady_clock::now();
    Status st = store_->write_checkpoint(cp.zxid, cp.records);
    if (!st.ok) {
      report_failure(st.message);
      return;
    }
    int64_t bytes = 0;
    for (const auto& c : cp.records.chunks()) bytes += static_cast<int64_t>(c.data.size());
    storage::log(LogLevel::kInfo,
                 "checkpoint " + zxid_hex(cp.zxid) + " written: " +
                     std::to_string(cp.records.record_count()) + " records, " +
                     std::to_string(bytes >> 20) + " MiB in " +
                     std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - started)
                                        .count()) +
                     " ms");
    // The chunks are large allocations (mmap'd: see zkd's main), so freeing them here
    // returns their pages to the OS at once.
    cp.records = CheckpointRecords();
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.checkpoints;
  }
}

}  // namespace zkd::storage
