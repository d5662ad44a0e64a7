#include "zkd/storage/wal_checkpointer.h"

#include <chrono>

#include "zkd/storage/log.h"

namespace zkd::storage {

namespace {
constexpr int kRestartFrames = 4096;  // 16 MiB of 4 KiB pages
}  // namespace

Status WalCheckpointer::start(const std::string& path, const std::string& vfs, int interval_ms) {
  Status st;
  int code = 0;
  db_ = Db::open(path, vfs, &st, &code);
  if (!db_) return st;
  // A fresh connection does not know the file is in WAL mode until it reads it; until
  // then a checkpoint call is a silent no-op.
  st = db_->exec("PRAGMA journal_mode=WAL;");
  if (!st.ok) return st;
  interval_ms_ = interval_ms;
  thread_ = std::thread([this] { run(); });
  return Status::Ok();
}

void WalCheckpointer::stop(bool failed) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (db_) {
    if (failed) db_->close_without_checkpoint();
    db_.reset();
  }
}

void WalCheckpointer::run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    int log_frames = 0, done_frames = 0;
    int rc = sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                       &done_frames);
    // Under a steady write load a passive checkpoint never quite catches up, so the WAL
    // would never rewind. Past the bound, a RESTART checkpoint finishes the (small) rest
    // while briefly holding writers, and the next commit starts the WAL from the top.
    if (rc == SQLITE_OK && log_frames > kRestartFrames) {
      rc = sqlite3_wal_checkpoint_v2(db_->raw(), nullptr, SQLITE_CHECKPOINT_RESTART, &log_frames,
                                     &done_frames);
    }
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
      // The WAL still holds every committed frame; the next commit or restart reports
      // the disk problem through the log's own writes.
      log(LogLevel::kWarn, db_->error("WAL checkpoint"));
    }
    lock.lock();
  }
}

}  // namespace zkd::storage
