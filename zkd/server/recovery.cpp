// Recovery: the state thread's tree and sessions read back from the store (checkpoint,
// then the log tail).
//
// The record format is in checkpoint_builder.h.
#include <cinttypes>

#include "zkd/proto/ops.h"
#include "zkd/server/checkpoint_builder.h"
#include "zkd/server/log.h"
#include "zkd/server/server.h"
#include "zkd/storage/store.h"

namespace zkd::server {

bool Server::recover(storage::Store* store, std::string* error) {
  int64_t now = now_ms();
  bool bad = false;
  // Most nodes share a few ACLs: reuse the interned list when the bytes repeat.
  std::string last_acl_bytes;
  const tree::AclRef* last_acl = nullptr;
  storage::Status st = store->load_checkpoint([&](std::string_view record) {
    if (bad) return;
    proto::Reader r(record);
    int32_t kind = r.i32();
    if (kind == kNodeRecord) {
      // Decoded in place: path and data are views into the record, copied once into the
      // tree's node block.
      std::string_view path = r.bytes_view();
      bool data_null = false;
      std::string_view data = r.bytes_view(&data_null);
      const char* acl_start = r.pos();
      int32_t acl_count = r.count(12);  // perms + two empty strings
      for (int32_t i = 0; i < acl_count; ++i) {
        r.i32();
        r.bytes_view();
        r.bytes_view();
      }
      std::string_view acl_bytes(acl_start, r.ok() ? static_cast<size_t>(r.pos() - acl_start) : 0);
      tree::NodeStat stat;
      stat.czxid = r.i64();
      stat.mzxid = r.i64();
      stat.ctime = r.i64();
      stat.mtime = r.i64();
      stat.version = r.i32();
      stat.cversion = r.i32();
      stat.aversion = r.i32();
      stat.ephemeral_owner = r.i64();
      stat.pzxid = r.i64();
      if (!r.at_end()) {
        bad = true;
        return;
      }
      if (!last_acl || acl_bytes != last_acl_bytes) {
        proto::Reader ar(acl_bytes);
        proto::ACLs acl;
        proto::read(ar, acl);
        if (!ar.at_end()) {
          bad = true;
          return;
        }
        last_acl = tree_.intern(acl);
        last_acl_bytes.assign(acl_bytes);
      }
      if (!tree_.restore(path, data, data_null, last_acl, stat)) bad = true;
    } else if (kind == kSizeRecord) {
      tree_.reserve(static_cast<size_t>(std::max<int64_t>(0, r.i64())));
    } else if (kind == kSessionRecord) {
      int64_t id = r.i64();
      int32_t timeout = r.i32();
      if (!r.at_end()) {
        bad = true;
        return;
      }
      sessions_.add(id, timeout, now);
    } else {
      bad = true;
    }
  });
  if (!st.ok || bad) {
    *error = st.ok ? "checkpoint " + std::to_string(store->checkpoint_zxid()) + " has a malformed record"
                   : st.message;
    return false;
  }
  applied_zxid_ = store->checkpoint_zxid();
  last_checkpoint_zxid_ = applied_zxid_;
  txn::Applier replayer(tree_, nullptr);
  int64_t replayed = 0;
  st = store->replay_log(applied_zxid_, [&](int64_t zxid, std::string_view bytes) {
    if (bad) return;
    txn::Txn t;
    if (!txn::decode(bytes, &t) || t.zxid != zxid || zxid <= applied_zxid_) {
      bad = true;
      *error = "log entry at zxid " + std::to_string(zxid) + " does not decode as a Txn";
      return;
    }
    replayer.apply(t);
    if (t.type == proto::op::kCreateSession) sessions_.add(t.session_id, t.timeout_ms, now);
    if (t.type == proto::op::kCloseSession) sessions_.remove(t.session_id);
    applied_zxid_ = zxid;
    ++replayed;
  });
  if (!st.ok || bad) {
    if (!st.ok) *error = st.message;
    return false;
  }
  next_zxid_ = applied_zxid_ + 1;
  // Sessions that were live got a full timeout from now to reconnect (as ZooKeeper);
  // ephemerals of those that do not are deleted when they expire.
  char buf[160];
  std::snprintf(buf, sizeof buf,
                "recovered zxid 0x%" PRIx64 ": checkpoint 0x%" PRIx64 " + %" PRId64
                " log entries, %" PRId64 " znodes, %zu sessions",
                applied_zxid_, store->checkpoint_zxid(), replayed, tree_.node_count(), sessions_.size());
  log::info(buf);
  stats_.db_init_ms.record(now_ms() - now);
  return true;
}

}  // namespace zkd::server
