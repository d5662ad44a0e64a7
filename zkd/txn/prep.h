// Prep: turns a write request into a Txn (ZooKeeper's PrepRequestProcessor).
//
// Prep validates against the tree *plus* the changes of Txns prepped but not yet applied
// (outstanding change records), so many writes can be in flight under group commit: two
// creates of one path in a row, the second gets NODEEXISTS. A failed write still becomes
// a Txn (type error, carrying the code) and uses up a zxid, as in ZooKeeper.
//
// Single-threaded (state thread). Deterministic: the zxid, time and new session id come
// in from the caller; nothing here reads a clock or a random source.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zkd/session/session_table.h"
#include "zkd/tree/acl.h"
#include "zkd/tree/data_tree.h"
#include "zkd/txn/txn.h"

namespace zkd::txn {

// True for the opcodes prep turns into Txns (clients' writes).
bool is_write(int32_t opcode);

struct WriteRequest {
  int32_t opcode = 0;
  int32_t cxid = 0;
  int64_t session_id = 0;
  const tree::AuthIds* auth = nullptr;
  std::string_view body;  // the jute request record after the RequestHeader
  int32_t timeout_ms = 0;  // createSession only: the negotiated timeout
  bool internal = false;   // asked by the server itself (expiry, container reaper)
};

struct PrepOptions {
  bool extended_types = false;  // zookeeper.extendedTypesEnabled: TTL nodes
};

// What prep knows of a node: the tree's state with outstanding changes applied.
struct ChangeRecord {
  int64_t zxid = 0;
  bool exists = false;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t owner = 0;
  int32_t child_count = 0;
  tree::AclRef acl;
};

class Prepper {
 public:
  Prepper(const tree::DataTree& tree, session::SessionTable& sessions, PrepOptions options)
      : tree_(tree), sessions_(sessions), options_(options) {}

  // Builds the Txn for `req` at `zxid`/`time_ms`. Never fails: errors become error Txns.
  Txn prep(const WriteRequest& req, int64_t zxid, int64_t time_ms);
  // The Txn at `zxid` has been applied to the tree: its change records are now visible
  // there, so drop them (unless a later Txn replaced them).
  void applied(int64_t zxid);
  size_t outstanding_changes() const { return records_.size(); }

 private:
  using Overlay = std::map<std::string, ChangeRecord>;
  class Failure;
  std::optional<ChangeRecord> lookup(const std::string& path, const Overlay& overlay) const;
  ChangeRecord require(const std::string& path, const Overlay& overlay) const;
  void check_acl(const ChangeRecord& r, int32_t perm, const WriteRequest& req) const;
  void check_session(const WriteRequest& req) const;
  void check_decoded_for_path(const proto::Reader& r, const std::string& path,
                              const WriteRequest& req) const;

  Txn prep_op(int32_t opcode, proto::Reader& r, const WriteRequest& req, Overlay& overlay,
              int64_t zxid);
  Txn prep_create(int32_t opcode, proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                  int64_t zxid);
  Txn prep_delete(proto::Reader& r, const WriteRequest& req, Overlay& overlay, int64_t zxid);
  Txn prep_set_data(proto::Reader& r, const WriteRequest& req, Overlay& overlay, int64_t zxid);
  Txn prep_set_acl(proto::Reader& r, const WriteRequest& req, Overlay& overlay, int64_t zxid);
  Txn prep_check(proto::Reader& r, const WriteRequest& req, Overlay& overlay);
  Txn prep_multi(proto::Reader& r, const WriteRequest& req, Overlay& overlay, int64_t zxid);
  Txn prep_close_session(const WriteRequest& req, Overlay& overlay, int64_t zxid);
  Txn prep_delete_container(proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                            int64_t zxid);
  void commit(Overlay& overlay, int64_t zxid);

  const tree::DataTree& tree_;
  session::SessionTable& sessions_;
  PrepOptions options_;
  std::unordered_map<std::string, ChangeRecord> records_;
  std::deque<std::pair<int64_t, std::vector<std::string>>> by_zxid_;
};

}  // namespace zkd::txn
