#include "zkd/storage/checkpoint_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "zkd/storage/chunk.h"
#include "zkd/storage/files.h"
#include "zkd/storage/log.h"
#include "zkd/storage/log_segment.h"
#include "zkd/storage/meta_table.h"
#include "zkd/storage/sqlite_db.h"

namespace zkd::storage {
namespace {

constexpr const char* kFormat = "zkd-checkpoint";
constexpr const char* kPrefix = "checkpoint-";
constexpr const char* kSuffix = ".db";

bool parse_name(const std::string& name, int64_t* zxid) {
  const size_t p = std::strlen(kPrefix), s = std::strlen(kSuffix);
  if (name.size() != p + 16 + s || name.compare(0, p, kPrefix) != 0 ||
      name.compare(p + 16, s, kSuffix) != 0) {
    return false;
  }
  uint64_t v = 0;
  for (size_t i = p; i < p + 16; ++i) {
    char c = name[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *zxid = static_cast<int64_t>(v);
  return true;
}

int64_t meta_int(const MetaMap& m, const char* key, bool* ok) {
  auto it = m.find(key);
  if (it == m.end()) {
    *ok = false;
    return 0;
  }
  char* end = nullptr;
  long long v = std::strtoll(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || *end != '\0') *ok = false;
  return v;
}

Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Error(dir + ": open for fsync: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return Status::Error(dir + ": fsync: " + std::strerror(e));
  return Status::Ok();
}

// Opens a checkpoint file read-only and verifies its header against its name.
std::unique_ptr<Db> open_checkpoint(const std::string& path, int64_t zxid, const std::string& vfs,
                                    const std::string& database_id, CheckpointInfo* info,
                                    Status* status, bool* corrupt) {
  int code = 0;
  auto db = Db::open(path, vfs, status, &code, /*read_only=*/true);
  if (!db) {
    *corrupt = is_corruption(code);
    return nullptr;
  }
  MetaMap meta;
  Status st = load_meta(db.get(), &meta, corrupt);
  if (!st.ok) {
    if (!*corrupt) *corrupt = is_corruption(db->last_code());
    *status = st;
    return nullptr;
  }
  if (meta["format"] != kFormat) {
    *corrupt = true;
    *status = Status::Error(path + ": not a zkd checkpoint (format '" + meta["format"] + "')");
    return nullptr;
  }
  int version = std::atoi(meta["format_version"].c_str());
  if (version < 1 || version > kFormatVersion) {
    *status = Status::Error(path + ": format_version " + meta["format_version"] +
                            " is not supported by this zkd");
    return nullptr;
  }
  if (meta["database_id"] != database_id) {
    *status = Status::Error(path + ": belongs to database " + meta["database_id"] +
                            ", this dataDir is database " + database_id);
    return nullptr;
  }
  bool ok = true;
  info->zxid = meta_int(meta, "zxid", &ok);
  info->created_ms = meta_int(meta, "created_ms", &ok);
  info->record_count = meta_int(meta, "record_count", &ok);
  info->chunk_count = meta_int(meta, "chunk_count", &ok);
  info->data_bytes = meta_int(meta, "data_bytes", &ok);
  info->path = path;
  if (!ok || info->zxid != zxid) {
    *corrupt = true;
    *status = Status::Error(path + ": header is incomplete or does not match the file name");
    return nullptr;
  }
  return db;
}

}  // namespace

std::string checkpoint_file_name(int64_t zxid) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s%016llx%s", kPrefix, static_cast<unsigned long long>(zxid),
                kSuffix);
  return buf;
}

std::unique_ptr<CheckpointDir> CheckpointDir::open(const std::string& data_dir,
                                                   const std::string& vfs,
                                                   const std::string& database_id, Status* status,
                                                   std::string* corrupt_path) {
  std::unique_ptr<CheckpointDir> cd(new CheckpointDir(data_dir + "/checkpoints", vfs, database_id));
  *status = make_dirs(cd->dir_);
  if (!status->ok) return nullptr;
  DIR* d = ::opendir(cd->dir_.c_str());
  if (!d) {
    *status = Status::Error(cd->dir_ + ": cannot list: " + std::strerror(errno));
    return nullptr;
  }
  std::vector<std::pair<int64_t, std::string>> found;
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    int64_t zxid = 0;
    if (parse_name(name, &zxid)) {
      found.emplace_back(zxid, cd->dir_ + "/" + name);
    } else if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0) {
      // An interrupted write: never renamed into place, so never a checkpoint.
      std::string tmp = cd->dir_ + "/" + name;
      log(LogLevel::kInfo, tmp + ": removing an unfinished checkpoint write");
      ::unlink(tmp.c_str());
    }
  }
  ::closedir(d);
  std::sort(found.begin(), found.end());
  for (auto& [zxid, path] : found) {
    CheckpointInfo info;
    bool corrupt = false;
    auto db = open_checkpoint(path, zxid, vfs, database_id, &info, status, &corrupt);
    if (!db) {
      if (corrupt) *corrupt_path = path;
      return nullptr;
    }
    cd->list_.push_back(info);
  }
  return cd;
}

int64_t CheckpointDir::bytes() const {
  int64_t total = 0;
  for (const auto& c : list_) {
    struct stat st;
    if (::stat(c.path.c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

Status CheckpointDir::write(int64_t zxid, const CheckpointRecords& records) {
  const std::string path = dir_ + "/" + checkpoint_file_name(zxid);
  const std::string tmp = path + ".tmp";
  ::unlink(tmp.c_str());
  Status st;
  auto db = Db::open(tmp, vfs_, &st, nullptr);
  if (!db) return st;
  // Write-once file: no journal (the rename is the commit); synchronous=FULL fsyncs it at
  // COMMIT; large pages keep the multi-megabyte chunks cheap to write and read.
  st = db->exec(
      "PRAGMA page_size=65536; PRAGMA journal_mode=OFF; PRAGMA synchronous=FULL; "
      "PRAGMA locking_mode=EXCLUSIVE;"
      "CREATE TABLE chunk(seq INTEGER PRIMARY KEY, record_count INTEGER NOT NULL, "
      "data BLOB NOT NULL, crc INTEGER NOT NULL);");
  if (st.ok) st = create_meta_table(db.get());
  if (st.ok) st = db->exec("BEGIN");
  if (!st.ok) return st;
  CheckpointInfo info{zxid, now_ms(), records.record_count(), 0, 0, path};
  {
    Stmt ins(db.get(), "INSERT INTO chunk(seq, record_count, data, crc) VALUES(?1, ?2, ?3, ?4)");
    if (!ins.ok()) return Status::Error(db->error("prepare checkpoint"));
    std::string packed;
    for (const CheckpointRecords::Chunk& chunk : records.chunks()) {
      // Chunks are stored zstd-compressed (meta chunk_codec); the CRC covers the stored bytes.
      if (!compress_chunk(chunk.data, &packed)) {
        return Status::Error(path + ": compress chunk " + std::to_string(info.chunk_count));
      }
      ins.reset()
          .bind(1, info.chunk_count)
          .bind(2, chunk.record_count)
          .bind_blob(3, packed)
          .bind(4, chunk_crc(zxid, info.chunk_count, chunk.record_count, packed));
      if (ins.step() != SQLITE_DONE) {
        return Status::Error(db->error("write chunk " + std::to_string(info.chunk_count)));
      }
      info.data_bytes += static_cast<int64_t>(packed.size());
      ++info.chunk_count;
    }
  }
  MetaMap meta = {{"format", kFormat},
                  {"format_version", std::to_string(kFormatVersion)},
                  {"database_id", database_id_},
                  {"zxid", std::to_string(zxid)},
                  {"zxid_hex", zxid_hex(zxid)},
                  {"created_ms", std::to_string(info.created_ms)},
                  {"record_count", std::to_string(info.record_count)},
                  {"chunk_count", std::to_string(info.chunk_count)},
                  {"data_bytes", std::to_string(info.data_bytes)},
                  {"chunk_codec", kChunkCodec}};
  for (auto& [k, v] : meta) {
    st = put_meta(db.get(), k, v);
    if (!st.ok) return st;
  }
  st = db->exec("COMMIT");
  if (st.ok) st = db->close();
  if (!st.ok) return st;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    return Status::Error(tmp + ": rename to " + path + ": " + std::strerror(errno));
  }
  st = fsync_dir(dir_);
  if (!st.ok) return st;
  list_.erase(std::remove_if(list_.begin(), list_.end(),
                             [&](const CheckpointInfo& c) { return c.zxid == zxid; }),
              list_.end());
  list_.push_back(info);
  std::sort(list_.begin(), list_.end(),
            [](const CheckpointInfo& a, const CheckpointInfo& b) { return a.zxid < b.zxid; });
  return Status::Ok();
}

Status CheckpointDir::load_newest(const std::function<void(std::string_view)>& fn,
                                  std::string* corrupt_path) {
  if (list_.empty()) return Status::Ok();
  const CheckpointInfo info = list_.back();
  Status st;
  bool corrupt = false;
  CheckpointInfo reread;
  auto db = open_checkpoint(info.path, info.zxid, vfs_, database_id_, &reread, &st, &corrupt);
  if (!db) {
    if (corrupt) *corrupt_path = info.path;
    return st;
  }
  std::string codec;
  {
    Stmt m(db.get(), "SELECT value FROM meta WHERE key = 'chunk_codec'");
    if (m.ok() && m.step() == SQLITE_ROW) codec = std::string(m.col_blob(0));
  }
  if (!codec.empty() && codec != kChunkCodec) {
    return Status::Error(info.path + ": unknown chunk_codec '" + codec + "'");
  }
  Stmt q(db.get(), "SELECT seq, record_count, data, crc FROM chunk ORDER BY seq");
  if (!q.ok()) return Status::Error(db->error("read checkpoint"));
  int64_t seq = 0, records = 0;
  std::string unpacked;
  auto bad = [&](const std::string& why) {
    *corrupt_path = info.path;
    return Status::Error(info.path + ": checkpoint zxid " + zxid_hex(info.zxid) + " chunk " +
                         std::to_string(seq) + ": " + why);
  };
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    if (q.col_int(0) != seq) {
      return bad("missing (found seq " + std::to_string(q.col_int(0)) + ")");
    }
    int64_t count = q.col_int(1);
    std::string_view data = q.col_blob(2);
    if (static_cast<uint32_t>(q.col_int(3)) != chunk_crc(info.zxid, seq, count, data)) {
      return bad("fails its CRC check");
    }
    if (!codec.empty()) {
      if (!decompress_chunk(data, &unpacked)) return bad("does not decompress");
      data = unpacked;
    }
    if (for_each_record(data, fn) != count) return bad("record count does not match its data");
    records += count;
    ++seq;
  }
  if (rc != SQLITE_DONE) {
    if (is_corruption(rc)) *corrupt_path = info.path;
    return Status::Error(db->error("read checkpoint " + zxid_hex(info.zxid)));
  }
  if (seq != reread.chunk_count || records != reread.record_count) {
    return bad("checkpoint ends early: " + std::to_string(seq) + "/" +
               std::to_string(reread.chunk_count) + " chunks, " + std::to_string(records) + "/" +
               std::to_string(reread.record_count) + " records");
  }
  return Status::Ok();
}

Status CheckpointDir::purge(int keep) {
  keep = std::max(keep, 1);
  while (static_cast<int>(list_.size()) > keep) {
    const std::string path = list_.front().path;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
      return Status::Error(path + ": cannot delete purged checkpoint: " + std::strerror(errno));
    }
    list_.erase(list_.begin());
  }
  return Status::Ok();
}

void CheckpointDir::drop(const std::string& path) {
  list_.erase(std::remove_if(list_.begin(), list_.end(),
                             [&](const CheckpointInfo& c) { return c.path == path; }),
              list_.end());
}

}  // namespace zkd::storage
