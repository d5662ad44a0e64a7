#include "zkd/storage/meta_table.h"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>

#include "zkd/storage/crc32c.h"

namespace zkd::storage {

uint32_t meta_crc(const std::string& key, const std::string& value) {
  uint32_t crc = crc32c_extend(0, key.data(), key.size());
  crc = crc32c_extend(crc, "", 1);
  return crc32c_extend(crc, value.data(), value.size());
}

Status create_meta_table(Db* db) {
  return db->exec(
      "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, "
      "crc INTEGER NOT NULL)");
}

Status load_meta(Db* db, MetaMap* out, bool* corrupt) {
  Stmt q(db, "SELECT key, value, crc FROM meta");
  if (!q.ok()) return Status::Error(db->error("read meta"));
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    std::string key = q.col_text(0), value = q.col_text(1);
    if (static_cast<uint32_t>(q.col_int(2)) != meta_crc(key, value)) {
      *corrupt = true;
      return Status::Error(db->path() + ": meta row '" + key + "' fails its CRC check");
    }
    (*out)[key] = value;
  }
  if (rc != SQLITE_DONE) {
    *corrupt = is_corruption(rc);
    return Status::Error(db->error("read meta"));
  }
  return Status::Ok();
}

Status put_meta(Db* db, const std::string& key, const std::string& value) {
  Stmt q(db, "INSERT OR REPLACE INTO meta(key, value, crc) VALUES(?1, ?2, ?3)");
  if (!q.ok()) return Status::Error(db->error("write meta '" + key + "'"));
  q.bind_text(1, key).bind_text(2, value).bind(3, meta_crc(key, value));
  if (q.step() != SQLITE_DONE) return Status::Error(db->error("write meta '" + key + "'"));
  return Status::Ok();
}

Status init_or_check_format(Db* db, MetaMap* meta, const std::string& format,
                            const std::string& database_id) {
  if (meta->count("format")) {
    if ((*meta)["format"] != format) {
      return Status::Error(db->path() + ": is a '" + (*meta)["format"] + "' file, expected '" +
                           format + "'");
    }
    int version = std::atoi((*meta)["format_version"].c_str());
    if (version < 1 || version > kFormatVersion) {
      return Status::Error(db->path() + ": format_version " + (*meta)["format_version"] +
                           " is not supported by this zkd (supports 1.." +
                           std::to_string(kFormatVersion) + ")");
    }
    return Status::Ok();
  }
  MetaMap fresh = {{"format", format},
                   {"format_version", std::to_string(kFormatVersion)},
                   {"database_id", database_id},
                   {"created_ms", std::to_string(now_ms())}};
  Status st = db->exec("BEGIN");
  for (auto& [k, v] : fresh) {
    if (st.ok) st = put_meta(db, k, v);
  }
  if (st.ok) st = db->exec("COMMIT");
  if (!st.ok) {
    db->rollback_if_open();
    return st;
  }
  meta->insert(fresh.begin(), fresh.end());
  return Status::Ok();
}

std::string new_database_id() {
  unsigned char bytes[16] = {0};
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  if (!urandom.read(reinterpret_cast<char*>(bytes), sizeof(bytes))) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<unsigned char>(rd());
  }
  char out[40];
  std::snprintf(out, sizeof(out),
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8],
                bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return out;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace zkd::storage
