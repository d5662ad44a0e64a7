// Txn: the replicated, logged record of one write. Everything apply needs is decided by
// prep and carried here (zxid, time, session id, sequence-resolved path, owner, parent
// cversion, new versions), so apply is deterministic on every server.
//
// One flat struct serves every type; each type encodes only the fields it uses:
//   create(1):         path, data, acl, owner (ephemeral/container/TTL), parent_cversion
//   delete(2), deleteContainer(20): path
//   setData(5):        path, data, version (the new version)
//   setACL(7):         path, acl, version (the new aversion)
//   check(13):         path, version
//   multi(14):         ops (each a Txn without header fields)
//   createSession(-10): timeout_ms
//   closeSession(-11): paths (ephemerals to delete, sorted)
//   error(-1):         err
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zkd/proto/records.h"

namespace zkd::txn {

struct Txn {
  // Header
  int64_t session_id = 0;
  int32_t cxid = 0;
  int64_t zxid = 0;
  int64_t time_ms = 0;
  int32_t type = 0;
  // Body (by type, see above)
  std::string path;
  std::string data;
  bool data_null = false;  // create/setData with a null buffer
  proto::ACLs acl;
  int64_t owner = 0;
  int32_t parent_cversion = 0;
  int32_t version = 0;
  int32_t err = 0;
  int32_t timeout_ms = 0;
  std::vector<std::string> paths;
  std::vector<Txn> ops;
};

// Format version of encode(); stored with the log so old logs stay readable.
constexpr int32_t kTxnFormat = 1;

std::string encode(const Txn& t);
bool decode(std::string_view bytes, Txn* t);

}  // namespace zkd::txn
