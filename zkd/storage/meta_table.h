// The `meta` table both databases carry: key TEXT PRIMARY KEY, value TEXT, crc INTEGER,
// where crc = CRC-32C of key || 0x00 || value. It makes each file self-describing
// (format, format_version, database_id) and holds the caller's metadata.
// Not thread-safe: the owner of the Db serializes use.
#pragma once

#include <map>
#include <string>

#include "zkd/storage/sqlite_db.h"

namespace zkd::storage {

using MetaMap = std::map<std::string, std::string>;

constexpr int kFormatVersion = 1;

uint32_t meta_crc(const std::string& key, const std::string& value);
Status create_meta_table(Db* db);
// Reads and verifies every row. A row whose CRC fails sets *corrupt and returns an error
// naming the file and key.
Status load_meta(Db* db, MetaMap* out, bool* corrupt);
// One statement: atomic and (with synchronous=FULL) durable on its own, or part of the
// caller's open transaction.
Status put_meta(Db* db, const std::string& key, const std::string& value);

// Checks format/format_version of an existing file; writes them (and database_id,
// created_ms) into a new one. `format` is "zkd-log" or "zkd-state".
Status init_or_check_format(Db* db, MetaMap* meta, const std::string& format,
                            const std::string& database_id);

std::string new_database_id();
int64_t now_ms();

}  // namespace zkd::storage
