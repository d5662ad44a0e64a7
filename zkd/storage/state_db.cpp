#include "zkd/storage/state_db.h"

#include <algorithm>

#include "zkd/storage/chunk.h"
#include "zkd/storage/crc32c.h"
#include "zkd/storage/log_db.h"

namespace zkd::storage {
namespace {

// Larger pages make the multi-megabyte chunk blobs cheaper to read and write.
constexpr const char* kSchema =
    "CREATE TABLE IF NOT EXISTS checkpoint(zxid INTEGER PRIMARY KEY, "
    "created_ms INTEGER NOT NULL, record_count INTEGER NOT NULL, chunk_count INTEGER NOT NULL, "
    "data_bytes INTEGER NOT NULL, crc INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS checkpoint_chunk(checkpoint_zxid INTEGER NOT NULL, "
    "seq INTEGER NOT NULL, record_count INTEGER NOT NULL, data BLOB NOT NULL, "
    "crc INTEGER NOT NULL, PRIMARY KEY(checkpoint_zxid, seq));";

uint32_t header_crc(const CheckpointInfo& c) {
  return crc32c_fields({c.zxid, c.created_ms, c.record_count, c.chunk_count, c.data_bytes}, {});
}

}  // namespace

std::unique_ptr<StateDb> StateDb::open(const std::string& path, const std::string& vfs,
                                       Status* status, bool* corrupt) {
  int code = 0;
  auto db = Db::open(path, vfs, status, &code);
  if (!db) {
    *corrupt = is_corruption(code);
    return nullptr;
  }
  std::unique_ptr<StateDb> state(new StateDb(std::move(db)));
  Db* d = state->db();
  // page_size only takes effect on a new file, before WAL mode is set.
  Status st = d->exec(
      "PRAGMA page_size=65536; PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
      "PRAGMA journal_size_limit=67108864;");
  if (st.ok) st = d->exec(kSchema);
  if (st.ok) st = create_meta_table(d);
  if (st.ok) st = load_meta(d, &state->meta_, corrupt);
  if (st.ok) st = init_or_check_format(d, &state->meta_, "zkd-state", new_database_id());
  if (st.ok) st = state->load_headers(corrupt);
  if (!st.ok) {
    if (!*corrupt) *corrupt = is_corruption(d->last_code());
    d->close_without_checkpoint();  // write nothing more into a file we could not use
    *status = st;
    return nullptr;
  }
  return state;
}

Status StateDb::load_headers(bool* corrupt) {
  checkpoints_.clear();
  Stmt q(db_.get(),
         "SELECT zxid, created_ms, record_count, chunk_count, data_bytes, crc FROM checkpoint "
         "ORDER BY zxid");
  if (!q.ok()) return Status::Error(db_->error("read checkpoints"));
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    CheckpointInfo c{q.col_int(0), q.col_int(1), q.col_int(2), q.col_int(3), q.col_int(4)};
    if (static_cast<uint32_t>(q.col_int(5)) != header_crc(c)) {
      *corrupt = true;
      return Status::Error(db_->path() + ": checkpoint zxid " + zxid_hex(c.zxid) +
                           " header fails its CRC check");
    }
    checkpoints_.push_back(c);
  }
  if (rc != SQLITE_DONE) {
    *corrupt = is_corruption(rc);
    return Status::Error(db_->error("read checkpoints"));
  }
  return Status::Ok();
}

Status StateDb::set_meta(const std::string& key, const std::string& value) {
  Status st = put_meta(db_.get(), key, value);
  if (st.ok) meta_[key] = value;
  return st;
}

Status StateDb::write_checkpoint(int64_t zxid, const std::vector<std::string>& records) {
  CheckpointInfo info{zxid, now_ms(), static_cast<int64_t>(records.size()), 0, 0};
  Status st = db_->exec("BEGIN");
  if (!st.ok) return st;
  Stmt del_chunks(db_.get(), "DELETE FROM checkpoint_chunk WHERE checkpoint_zxid = ?1");
  Stmt del_header(db_.get(), "DELETE FROM checkpoint WHERE zxid = ?1");
  Stmt ins_chunk(db_.get(),
                 "INSERT INTO checkpoint_chunk(checkpoint_zxid, seq, record_count, data, crc) "
                 "VALUES(?1, ?2, ?3, ?4, ?5)");
  Stmt ins_header(db_.get(),
                  "INSERT INTO checkpoint(zxid, created_ms, record_count, chunk_count, "
                  "data_bytes, crc) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
  auto fail = [&](const std::string& what) {
    Status e = Status::Error(db_->error(what));
    db_->rollback_if_open();
    return e;
  };
  if (!del_chunks.ok() || !del_header.ok() || !ins_chunk.ok() || !ins_header.ok()) {
    return fail("prepare checkpoint");
  }
  if (del_chunks.bind(1, zxid).step() != SQLITE_DONE ||
      del_header.bind(1, zxid).step() != SQLITE_DONE) {
    return fail("replace checkpoint " + zxid_hex(zxid));
  }
  std::string chunk;
  chunk.reserve(kChunkTargetBytes + 4096);
  int64_t in_chunk = 0;
  auto flush = [&]() {
    ins_chunk.reset()
        .bind(1, zxid)
        .bind(2, info.chunk_count)
        .bind(3, in_chunk)
        .bind_blob(4, chunk)
        .bind(5, chunk_crc(zxid, info.chunk_count, in_chunk, chunk));
    if (ins_chunk.step() != SQLITE_DONE) return false;
    info.data_bytes += static_cast<int64_t>(chunk.size());
    ++info.chunk_count;
    chunk.clear();
    in_chunk = 0;
    return true;
  };
  for (const std::string& r : records) {
    append_record(&chunk, r);
    ++in_chunk;
    if (chunk.size() >= kChunkTargetBytes && !flush()) {
      return fail("write checkpoint " + zxid_hex(zxid) + " chunk " +
                  std::to_string(info.chunk_count));
    }
  }
  if (in_chunk > 0 && !flush()) {
    return fail("write checkpoint " + zxid_hex(zxid) + " chunk " +
                std::to_string(info.chunk_count));
  }
  ins_header.bind(1, info.zxid)
      .bind(2, info.created_ms)
      .bind(3, info.record_count)
      .bind(4, info.chunk_count)
      .bind(5, info.data_bytes)
      .bind(6, header_crc(info));
  if (ins_header.step() != SQLITE_DONE) return fail("write checkpoint " + zxid_hex(zxid));
  st = db_->exec("COMMIT");
  if (!st.ok) {
    db_->rollback_if_open();
    return st;
  }
  // Move the new pages from the WAL into the database file now and shrink the WAL, so
  // the checkpoint does not occupy the disk twice.
  st = db_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  if (!st.ok) return st;
  checkpoints_.erase(std::remove_if(checkpoints_.begin(), checkpoints_.end(),
                                    [&](const CheckpointInfo& c) { return c.zxid == zxid; }),
                     checkpoints_.end());
  checkpoints_.push_back(info);
  std::sort(checkpoints_.begin(), checkpoints_.end(),
            [](const CheckpointInfo& a, const CheckpointInfo& b) { return a.zxid < b.zxid; });
  return Status::Ok();
}

Status StateDb::load(int64_t zxid, const std::function<void(std::string_view)>& fn,
                     bool* corrupt) {
  auto it = std::find_if(checkpoints_.begin(), checkpoints_.end(),
                         [&](const CheckpointInfo& c) { return c.zxid == zxid; });
  if (it == checkpoints_.end()) {
    return Status::Error(db_->path() + ": no checkpoint at zxid " + zxid_hex(zxid));
  }
  const CheckpointInfo info = *it;
  Stmt q(db_.get(),
         "SELECT seq, record_count, data, crc FROM checkpoint_chunk WHERE checkpoint_zxid = ?1 "
         "ORDER BY seq");
  if (!q.ok()) return Status::Error(db_->error("read checkpoint"));
  q.bind(1, zxid);
  int64_t seq = 0, records = 0;
  auto bad = [&](const std::string& why) {
    *corrupt = true;
    return Status::Error(db_->path() + ": checkpoint zxid " + zxid_hex(zxid) + " chunk " +
                         std::to_string(seq) + ": " + why);
  };
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (q.col_int(0) != seq) return bad("missing (found seq " + std::to_string(q.col_int(0)) + ")");
    int64_t count = q.col_int(1);
    std::string_view data = q.col_blob(2);
    if (static_cast<uint32_t>(q.col_int(3)) != chunk_crc(zxid, seq, count, data)) {
      return bad("fails its CRC check");
    }
    if (for_each_record(data, fn) != count) return bad("record count does not match its data");
    records += count;
    ++seq;
  }
  if (rc != SQLITE_DONE) {
    *corrupt = is_corruption(rc);
    return Status::Error(db_->error("read checkpoint " + zxid_hex(zxid)));
  }
  if (seq != info.chunk_count || records != info.record_count) {
    return bad("checkpoint ends early: " + std::to_string(seq) + "/" +
               std::to_string(info.chunk_count) + " chunks, " + std::to_string(records) + "/" +
               std::to_string(info.record_count) + " records");
  }
  return Status::Ok();
}

Status StateDb::purge(int keep) {
  keep = std::max(keep, 1);
  if (static_cast<int>(checkpoints_.size()) <= keep) return Status::Ok();
  size_t drop = checkpoints_.size() - static_cast<size_t>(keep);
  int64_t through = checkpoints_[drop - 1].zxid;
  Status st = db_->exec("BEGIN");
  Stmt del_chunks(db_.get(), "DELETE FROM checkpoint_chunk WHERE checkpoint_zxid <= ?1");
  Stmt del_headers(db_.get(), "DELETE FROM checkpoint WHERE zxid <= ?1");
  if (st.ok && (!del_chunks.ok() || del_chunks.bind(1, through).step() != SQLITE_DONE ||
                !del_headers.ok() || del_headers.bind(1, through).step() != SQLITE_DONE)) {
    st = Status::Error(db_->error("purge checkpoints through " + zxid_hex(through)));
  }
  if (st.ok) st = db_->exec("COMMIT");
  if (!st.ok) {
    db_->rollback_if_open();
    return st;
  }
  checkpoints_.erase(checkpoints_.begin(), checkpoints_.begin() + static_cast<ptrdiff_t>(drop));
  return Status::Ok();
}

}  // namespace zkd::storage
