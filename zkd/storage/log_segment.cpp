#include "zkd/storage/log_segment.h"

#include <chrono>
#include <cstdio>

#include "zkd/storage/crc32c.h"

namespace zkd::storage {
namespace {

constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS log(zxid INTEGER PRIMARY KEY, txn BLOB NOT NULL, "
    "crc INTEGER NOT NULL);"
    "CREATE VIEW IF NOT EXISTS log_summary AS SELECT zxid, printf('0x%x', zxid) AS zxid_hex, "
    "zxid >> 32 AS epoch, zxid & 4294967295 AS counter, length(txn) AS bytes, crc FROM log;";

uint32_t row_crc(int64_t zxid, std::string_view txn) {
  return crc32c_fields({zxid}, txn);
}

}  // namespace

std::string zxid_hex(int64_t zxid) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "0x%llx", static_cast<unsigned long long>(zxid));
  return buf;
}

std::unique_ptr<LogSegment> LogSegment::open(const std::string& path, const std::string& vfs,
                                             bool force_sync, const std::string& database_id,
                                             bool finish_setup, int64_t prev_last_zxid,
                                             bool verify, Status* status, bool* corrupt) {
  int code = 0;
  auto db = Db::open(path, vfs, status, &code);
  if (!db) {
    *corrupt = is_corruption(code);
    return nullptr;
  }
  std::unique_ptr<LogSegment> seg(new LogSegment(std::move(db)));
  Db* d = seg->db();
  // No automatic WAL checkpoints: a segment is written once, front to back, and its WAL
  // is folded into the database file when the segment is closed, off the commit path
  // (SegmentCloser). A checkpoint inside a COMMIT would stall every write waiting on it.
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") +
                        (force_sync ? "FULL" : "OFF") + "; PRAGMA wal_autocheckpoint=0;";
  Status st = d->exec(pragmas.c_str());
  if (st.ok) st = d->exec(kSchema);
  if (st.ok) st = create_meta_table(d);
  MetaMap meta;
  if (st.ok) st = load_meta(d, &meta, corrupt);
  // prev_last_zxid is written last when a segment is set up: without it the set-up never
  // finished (a crash in between), and the segment holds no entries.
  bool fresh = st.ok && !meta.count("prev_last_zxid");
  if (st.ok) st = init_or_check_format(d, &meta, "zkd-log", database_id);
  seg->unfinished_ = fresh;
  if (st.ok && fresh && finish_setup) {
    st = put_meta(d, "prev_last_zxid", std::to_string(prev_last_zxid));
    meta["prev_last_zxid"] = std::to_string(prev_last_zxid);
  }
  if (st.ok && meta.at("database_id") != database_id) {
    st = Status::Error(path + " belongs to database " + meta.at("database_id") +
                       " but the state is database " + database_id +
                       " (dataDir/dataLogDir mixed up?)");
  }
  if (st.ok) {
    auto it = meta.find("prev_last_zxid");
    seg->prev_last_zxid_ = it == meta.end() ? 0 : std::stoll(it->second);
    auto next = meta.find("next_segment");
    if (next != meta.end()) seg->next_segment_ = next->second;
    st = verify ? seg->verify(corrupt) : seg->read_bounds(/*count=*/false);
  }
  if (!st.ok) {
    if (!*corrupt) *corrupt = is_corruption(d->last_code());
    d->close_without_checkpoint();  // write nothing more into a file we could not use
    *status = st;
    return nullptr;
  }
  {
    Stmt q(d, "PRAGMA page_size");
    if (q.ok() && q.step() == SQLITE_ROW) seg->page_size_ = q.col_int(0);
  }
  // Called after each commit with the number of frames in the WAL (rotation by size).
  sqlite3_wal_hook(
      d->raw(),
      [](void* self, sqlite3*, const char*, int frames) {
        static_cast<LogSegment*>(self)->wal_frames_ = frames;
        return SQLITE_OK;
      },
      seg.get());
  seg->insert_ = std::make_unique<Stmt>(d, "INSERT INTO log(zxid, txn, crc) VALUES(?1, ?2, ?3)");
  if (!seg->insert_->ok()) {
    *status = Status::Error(d->error("prepare insert"));
    return nullptr;
  }
  return seg;
}

Status LogSegment::set_next_segment(const std::string& name) {
  Status st = put_meta(db_.get(), "next_segment", name);
  if (st.ok) next_segment_ = name;
  return st;
}

Status LogSegment::read_bounds(bool count) {
  // min/max are two b-tree descents; count(*) reads every leaf page.
  Stmt q(db_.get(), count ? "SELECT coalesce(min(zxid), 0), coalesce(max(zxid), 0), count(*) FROM log"
                          : "SELECT coalesce(min(zxid), 0), coalesce(max(zxid), 0), -1 FROM log");
  if (!q.ok() || q.step() != SQLITE_ROW) return Status::Error(db_->error("read log bounds"));
  min_zxid_ = q.col_int(0);
  max_zxid_ = q.col_int(1);
  entries_ = q.col_int(2);
  return Status::Ok();
}

Status LogSegment::verify(bool* corrupt) {
  Stmt q(db_.get(), "SELECT zxid, txn, crc FROM log ORDER BY zxid");
  if (!q.ok()) return Status::Error(db_->error("verify log"));
  int64_t first_bad = -1, last_bad = -1, bad_count = 0, good_after_bad = 0, good_after_zxid = 0;
  entries_ = 0;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    int64_t zxid = q.col_int(0);
    bool bad = static_cast<uint32_t>(q.col_int(2)) != row_crc(zxid, q.col_blob(1));
    if (entries_++ == 0) min_zxid_ = zxid;
    if (bad) {
      if (first_bad < 0) first_bad = zxid;
      last_bad = zxid;
      ++bad_count;
    } else {
      if (first_bad >= 0 && good_after_bad++ == 0) good_after_zxid = zxid;
      max_zxid_ = zxid;
    }
  }
  if (rc != SQLITE_DONE) {
    *corrupt = is_corruption(rc);
    return Status::Error(db_->error("verify log"));
  }
  if (first_bad < 0) return Status::Ok();
  // In WAL mode SQLite itself drops a torn, uncommitted tail (its frames fail SQLite's own
  // checksums), so every row read here was committed and so acknowledged. A row failing
  // our CRC is therefore corruption wherever it sits, the last row included: refuse to
  // start rather than silently drop an acknowledged write.
  *corrupt = true;
  std::string where = good_after_bad > 0 ? "; valid entries follow (first " + zxid_hex(good_after_zxid) + ")"
                                         : " (the end of the log)";
  return Status::Error(db_->path() + ": " + std::to_string(bad_count) + " log entries from zxid " +
                       zxid_hex(first_bad) + " to " + zxid_hex(last_bad) +
                       " fail their CRC check" + where + "; the log is corrupt");
}

Status LogSegment::append(const std::vector<LogEntry>& batch, double* commit_ms) {
  Status st = db_->exec("BEGIN");
  if (!st.ok) return st;
  for (const LogEntry& e : batch) {
    insert_->reset().bind(1, e.zxid).bind_blob(2, e.txn).bind(3, row_crc(e.zxid, e.txn));
    if (insert_->step() != SQLITE_DONE) {
      st = Status::Error(db_->error("append zxid " + zxid_hex(e.zxid)));
      insert_->reset();
      db_->rollback_if_open();
      return st;
    }
  }
  insert_->reset();
  auto start = std::chrono::steady_clock::now();
  st = db_->exec("COMMIT");
  *commit_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  if (!st.ok) {
    db_->rollback_if_open();
    return st;
  }
  if (!batch.empty()) {
    if (min_zxid_ == 0) min_zxid_ = batch.front().zxid;
    max_zxid_ = batch.back().zxid;
    if (entries_ >= 0) entries_ += static_cast<int64_t>(batch.size());
  }
  return Status::Ok();
}

Status LogSegment::replay(int64_t after_zxid,
                          const std::function<void(int64_t, std::string_view)>& fn,
                          bool* corrupt) {
  Stmt q(db_.get(), "SELECT zxid, txn, crc FROM log WHERE zxid > ?1 ORDER BY zxid");
  if (!q.ok()) return Status::Error(db_->error("replay log"));
  q.bind(1, after_zxid);
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    int64_t zxid = q.col_int(0);
    std::string_view txn = q.col_blob(1);
    if (static_cast<uint32_t>(q.col_int(2)) != row_crc(zxid, txn)) {
      *corrupt = true;
      return Status::Error(db_->path() + ": log entry zxid " + zxid_hex(zxid) +
                           " fails its CRC check during replay");
    }
    fn(zxid, txn);
  }
  if (rc != SQLITE_DONE) {
    *corrupt = is_corruption(rc);
    return Status::Error(db_->error("replay log"));
  }
  return Status::Ok();
}

Status LogSegment::truncate_after(int64_t zxid) {
  Stmt del(db_.get(), "DELETE FROM log WHERE zxid > ?1");
  if (!del.ok() || del.bind(1, zxid).step() != SQLITE_DONE) {
    return Status::Error(db_->error("truncate log after " + zxid_hex(zxid)));
  }
  return read_bounds(/*count=*/true);
}

int64_t LogSegment::count_after(int64_t zxid) {
  if (zxid < min_zxid_ && entries_ >= 0) return entries_;
  if (zxid >= max_zxid_) return 0;
  Stmt q(db_.get(), "SELECT count(*) FROM log WHERE zxid > ?1");
  if (!q.ok() || q.bind(1, zxid).step() != SQLITE_ROW) return 0;
  return q.col_int(0);
}

}  // namespace zkd::storage
