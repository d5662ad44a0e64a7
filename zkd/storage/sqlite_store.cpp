// The Store on SQLite: dataDir/zkd-state.db (metadata), dataDir/checkpoints/*.db
// (write-once checkpoint files) and dataLogDir/zkd-log.*.db (the log segments). Separate connections
// and locks, so a checkpoint is written while appends continue.
// Lock order: cp_mu_ before log_mu_; state_mu_ is never held with another; stats_mu_ is
// innermost.
#include <atomic>
#include <filesystem>
#include <mutex>

#include "zkd/storage/checkpoint_dir.h"
#include "zkd/storage/files.h"
#include "zkd/storage/log.h"
#include "zkd/storage/segmented_log.h"
#include "zkd/storage/state_db.h"
#include "zkd/storage/store.h"

namespace zkd::storage {
namespace {

class SqliteStore : public Store {
 public:
  SqliteStore(const StoreConfig& config, std::unique_ptr<DirLock> lock,
              std::unique_ptr<DirLock> log_lock, std::unique_ptr<StateDb> state,
              std::unique_ptr<CheckpointDir> cps, std::unique_ptr<SegmentedLog> log,
              std::string log_dir)
      : config_(config),
        lock_(std::move(lock)),
        log_lock_(std::move(log_lock)),
        state_(std::move(state)),
        cps_(std::move(cps)),
        log_(std::move(log)) {
    state_path_ = state_->db()->path();
    log_dir_ = std::move(log_dir);
    last_logged_ = log_->max_zxid();
    checkpoint_zxid_ = cps_->newest_zxid();
    refresh_checkpoint_stats();
    entries_since_checkpoint_ = log_->count_after(checkpoint_zxid_);
  }

  ~SqliteStore() override {
    // failed: leave the files exactly as they were when the failure happened.
    if (failed_ && log_) log_->abandon();
    if (failed_ && state_) state_->db()->close_without_checkpoint();
    state_.reset();
    log_.reset();
  }

  int64_t checkpoint_zxid() const override { return checkpoint_zxid_; }
  int64_t last_logged_zxid() const override { return last_logged_; }
  bool failed() const override { return failed_; }

  Status load_checkpoint(const std::function<void(std::string_view)>& fn) override {
    std::lock_guard<std::mutex> lock(cp_mu_);
    if (failed_) return failure_status();
    std::string corrupt_path;
    Status st = cps_->load_newest(fn, &corrupt_path);
    if (!st.ok && !corrupt_path.empty()) {
      // The next start falls back to the previous checkpoint (the log is kept from the
      // oldest retained one), or refuses to start if there is none.
      cps_->drop(corrupt_path);
      return fail(st.message + "; " + aside(corrupt_path));
    }
    if (!st.ok) return fail(st.message);
    return st;
  }

  Status replay_log(int64_t after_zxid,
                    const std::function<void(int64_t, std::string_view)>& fn) override {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (!log_) return failure_status();
    std::string corrupt_path;
    Status st = log_->replay(after_zxid, fn, &corrupt_path);
    if (!st.ok && !corrupt_path.empty()) return quarantine_log(st.message, corrupt_path);
    if (!st.ok) return fail(st.message);
    return st;
  }

  Status append(const std::vector<LogEntry>& batch) override {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (failed_) return failure_status();
    int64_t prev = last_logged_;
    for (const LogEntry& e : batch) {
      if (e.zxid <= prev) {
        return Status::Error(log_->active_path() + ": append: zxid " + zxid_hex(e.zxid) +
                             " is not greater than " + zxid_hex(prev));
      }
      prev = e.zxid;
    }
    if (batch.empty()) return Status::Ok();
    double ms = 0;
    Status st = log_->append(batch, &ms);
    if (!st.ok) {
      log_->abandon();  // fail-stop: no more writes to the log files
      return fail(st.message);
    }
    last_logged_ = prev;
    std::lock_guard<std::mutex> s(stats_mu_);
    entries_since_checkpoint_ += static_cast<int64_t>(batch.size());
    if (config_.force_sync) {
      ++fsync_count_;
      fsync_total_ms_ += ms;
      fsync_max_ms_ = std::max(fsync_max_ms_, ms);
    }
    return st;
  }

  Status truncate_log(int64_t after_zxid) override {
    std::lock_guard<std::mutex> lock(log_mu_);
    if (failed_) return failure_status();
    if (after_zxid < checkpoint_zxid_) {
      return Status::Error(log_dir_ + ": cannot truncate the log to " + zxid_hex(after_zxid) +
                           ": the newest checkpoint is at " + zxid_hex(checkpoint_zxid_));
    }
    Status st = log_->truncate_after(after_zxid);
    if (!st.ok) return fail(st.message);
    last_logged_ = log_->max_zxid();
    std::lock_guard<std::mutex> s(stats_mu_);
    entries_since_checkpoint_ = log_->count_after(checkpoint_zxid_);
    return st;
  }

  using Store::write_checkpoint;
  Status write_checkpoint(int64_t zxid, const CheckpointRecords& records) override {
    int64_t purge_log_through = 0;
    std::lock_guard<std::mutex> cp_lock(cp_mu_);
    if (failed_) return failure_status();
    Status st = cps_->write(zxid, records);
    if (st.ok && config_.autopurge) st = cps_->purge(config_.snap_retain_count);
    if (!st.ok) return fail(st.message);
    checkpoint_zxid_ = cps_->newest_zxid();
    refresh_checkpoint_stats();
    // The oldest retained checkpoint still needs every entry after it.
    if (config_.autopurge) purge_log_through = cps_->list().front().zxid;
    std::vector<std::string> purged;
    {
      std::lock_guard<std::mutex> lock(log_mu_);
      if (failed_) return failure_status();
      if (purge_log_through > 0) purged = log_->purge_through(purge_log_through);
      int64_t since = log_->count_after(checkpoint_zxid_);
      std::lock_guard<std::mutex> s(stats_mu_);
      entries_since_checkpoint_ = since;
    }
    // Deleting files needs no log lock: the purged segments are out of the chain.
    st = log_->remove_purged(purged);
    if (!st.ok) return fail(st.message);
    return Status::Ok();
  }

  std::string get_meta(const std::string& key, const std::string& dflt) const override {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (!state_) return dflt;
    auto it = state_->meta().find(key);
    return it == state_->meta().end() ? dflt : it->second;
  }

  Status set_meta(const std::string& key, const std::string& value) override {
    std::lock_guard<std::mutex> lock(state_mu_);
    if (failed_) return failure_status();
    Status st = state_->set_meta(key, value);
    if (!st.ok) return fail(st.message);
    return st;
  }

  StoreStats stats() const override {
    StoreStats s;
    {
      std::lock_guard<std::mutex> lock(stats_mu_);
      s.last_checkpoint_zxid = checkpoint_zxid_;
      s.last_checkpoint_time_ms = last_checkpoint_time_ms_;
      s.checkpoint_count = checkpoint_count_;
      s.log_entries_since_checkpoint = entries_since_checkpoint_;
      s.fsync_count = fsync_count_;
      s.fsync_total_ms = fsync_total_ms_;
      s.fsync_max_ms = fsync_max_ms_;
      s.failure = failure_;
    }
    s.failed = failed_;
    s.last_logged_zxid = last_logged_;
    s.data_dir_bytes = sqlite_files_bytes(state_path_) + checkpoint_bytes_;
    s.log_dir_bytes = SegmentedLog::dir_bytes(log_dir_);
    return s;
  }

 private:
  // REQUIRES: cp_mu_ held (or construction).
  void refresh_checkpoint_stats() {
    std::lock_guard<std::mutex> s(stats_mu_);
    const auto& cps = cps_->list();
    checkpoint_count_ = static_cast<int64_t>(cps.size());
    last_checkpoint_time_ms_ = cps.empty() ? 0 : cps.back().created_ms;
    checkpoint_bytes_ = cps_->bytes();
  }

  Status failure_status() const {
    std::lock_guard<std::mutex> s(stats_mu_);
    return Status::Error(failure_);
  }

  // Makes the failure sticky; the first message wins.
  Status fail(const std::string& message) {
    std::lock_guard<std::mutex> s(stats_mu_);
    if (!failed_) {
      failure_ = "storage failed (no further writes): " + message;
      failed_ = true;
      log(LogLevel::kError, failure_);
    }
    return Status::Error(failure_);
  }

  // REQUIRES: log_mu_ held.
  Status quarantine_log(const std::string& message, const std::string& segment_path) {
    log_->abandon();
    log_.reset();
    return fail(message + "; " + aside(segment_path));
  }

  static std::string aside(const std::string& path) {
    std::string err;
    std::string to = move_aside(path, &err);
    return to.empty() ? err : "moved aside to " + to;
  }

  const StoreConfig config_;
  std::unique_ptr<DirLock> lock_;      // released last
  std::unique_ptr<DirLock> log_lock_;  // dataLogDir's, when separate
  std::string state_path_, log_dir_;
  mutable std::mutex state_mu_;
  std::unique_ptr<StateDb> state_;  // GUARDED_BY(state_mu_)
  mutable std::mutex cp_mu_;
  std::unique_ptr<CheckpointDir> cps_;  // GUARDED_BY(cp_mu_)
  mutable std::mutex log_mu_;
  std::unique_ptr<SegmentedLog> log_;  // GUARDED_BY(log_mu_)
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> last_logged_{0};
  std::atomic<int64_t> checkpoint_zxid_{0};
  mutable std::mutex stats_mu_;  // innermost lock
  std::string failure_;
  int64_t last_checkpoint_time_ms_ = 0;
  int64_t checkpoint_count_ = 0;
  int64_t checkpoint_bytes_ = 0;
  int64_t entries_since_checkpoint_ = 0;
  int64_t fsync_count_ = 0;
  double fsync_total_ms_ = 0;
  double fsync_max_ms_ = 0;
};

// Moves a corrupt file aside and appends where to *status (logged: the operator needs
// to find it).
void set_aside(const std::string& path, Status* status) {
  std::string err;
  std::string to = move_aside(path, &err);
  status->message += to.empty() ? "; " + err : "; moved aside to " + to;
  log(LogLevel::kError, status->message);
}

// Opens one database; on corruption moves the file aside and says where.
template <typename T, typename OpenFn>
std::unique_ptr<T> open_db(const std::string& path, OpenFn open, Status* status) {
  bool corrupt = false;
  std::unique_ptr<T> db = open(&corrupt);
  if (!db && corrupt) set_aside(path, status);
  return db;
}

}  // namespace

std::unique_ptr<Store> open_store(const StoreConfig& config, Status* status) {
  *status = Status::Ok();
  const std::string log_dir = config.data_log_dir.empty() ? config.data_dir : config.data_log_dir;
  Status st = make_dirs(config.data_dir);
  if (st.ok) st = make_dirs(log_dir);
  if (!st.ok) {
    *status = st;
    return nullptr;
  }
  auto lock = DirLock::acquire(config.data_dir, status);
  if (!lock) return nullptr;
  // A separate dataLogDir is locked too: two servers must not share one log.
  std::unique_ptr<DirLock> log_lock;
  std::error_code ec;
  if (!std::filesystem::equivalent(log_dir, config.data_dir, ec)) {
    log_lock = DirLock::acquire(log_dir, status);
    if (!log_lock) return nullptr;
  }
  const std::string state_path = config.data_dir + "/zkd-state.db";
  const std::string log_path = log_dir + "/zkd-log.*.db";  // for messages
  const bool state_existed = file_exists(state_path);
  const bool log_existed = SegmentedLog::exists(log_dir) || file_exists(log_dir + "/zkd-log.db");
  if (!state_existed) {
    // Starting empty on top of Apache ZooKeeper's data would look like data loss.
    for (const std::string& dir : {config.data_dir, log_dir}) {
      if (has_zookeeper_data(dir)) {
        *status = Status::Error(dir +
                                "/version-2 holds Apache ZooKeeper data, which zkd does "
                                "not read: point dataDir/dataLogDir at an empty directory "
                                "(or move version-2 away) to start an empty zkd");
        return nullptr;
      }
    }
  }
  if (!state_existed && log_existed) {
    *status = Status::Error(state_path + " is missing but " + log_path +
                            " exists: refusing to start from a partial history (restore the "
                            "state file, or move the log away to start empty)");
    return nullptr;
  }
  auto state = open_db<StateDb>(
      state_path, [&](bool* c) { return StateDb::open(state_path, config.sqlite_vfs, status, c); },
      status);
  if (!state) return nullptr;
  std::string corrupt_path;
  auto cps = CheckpointDir::open(config.data_dir, config.sqlite_vfs,
                                 state->meta().at("database_id"), status, &corrupt_path);
  if (!cps) {
    if (!corrupt_path.empty()) set_aside(corrupt_path, status);
    return nullptr;
  }
  if (!log_existed && state->meta().count("log_database_id")) {
    *status = Status::Error(log_path + " is missing but " + state_path +
                            " has had a log: refusing to start from a partial history "
                            "(dataLogDir changed? restore the log file)");
    return nullptr;
  }
  const std::string database_id = state->meta().at("database_id");
  SegmentedLogOptions lo;
  lo.dir = log_dir;
  lo.vfs = config.sqlite_vfs;
  lo.force_sync = config.force_sync;
  lo.database_id = database_id;
  lo.verify_after_zxid = cps->newest_zxid();
  lo.segment_bytes = config.log_segment_bytes;
  lo.segment_entries = config.log_segment_entries;
  std::string corrupt_log;
  auto seglog = SegmentedLog::open(lo, status, &corrupt_log);
  if (!seglog) {
    if (!corrupt_log.empty()) set_aside(corrupt_log, status);
    return nullptr;
  }
  if (!state->meta().count("log_database_id")) {
    // Every segment was checked against database_id when opened.
    st = state->set_meta("log_database_id", database_id);
    if (!st.ok) {
      *status = st;
      return nullptr;
    }
  }
  if (seglog->purged_through() > cps->newest_zxid()) {
    *status = Status::Error(log_path + ": entries through " + zxid_hex(seglog->purged_through()) +
                            " were purged but the newest checkpoint in " + cps->dir() + " is " +
                            zxid_hex(cps->newest_zxid()) + ": the state cannot be rebuilt");
    return nullptr;
  }
  return std::make_unique<SqliteStore>(config, std::move(lock), std::move(log_lock),
                                       std::move(state), std::move(cps), std::move(seglog), log_dir);
}

}  // namespace zkd::storage
