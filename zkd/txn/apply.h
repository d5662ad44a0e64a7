// Apply: executes a prepped Txn on the tree and collects the watch events it fires
// (ZooKeeper's DataTree.processTxn + the watch triggers).
//
// Deterministic: the same Txn sequence gives the same tree on every server. A Txn that
// does not fit the tree means prep and apply disagree or the log is corrupt: that is an
// invariant failure and stops the process (fail-stop), it is never patched over.
#pragma once

#include <string>
#include <vector>

#include "zkd/tree/data_tree.h"
#include "zkd/tree/watch_manager.h"
#include "zkd/txn/txn.h"

namespace zkd::txn {

struct OpResult {
  int32_t type = 0;  // the Txn type (error = -1)
  int32_t err = 0;
  std::string path;  // create: the created path
  proto::Stat stat;  // create/setData/setACL/check: the node's Stat after the op
};

struct ApplyResult {
  OpResult result;              // non-multi Txns
  std::vector<OpResult> ops;    // multi
  std::vector<tree::WatchEvent> events;
};

class Applier {
 public:
  Applier(tree::DataTree& tree, tree::WatchManager* watches) : tree_(tree), watches_(watches) {}
  // REQUIRES: txn.zxid greater than every zxid applied before.
  ApplyResult apply(const Txn& txn);

 private:
  OpResult apply_op(const Txn& op, int64_t zxid, int64_t time_ms, int64_t session_id,
                    std::vector<tree::WatchEvent>& events);
  void remove_node(const std::string& path, int64_t zxid, std::vector<tree::WatchEvent>& events);
  tree::DataTree& tree_;
  tree::WatchManager* watches_;  // null during recovery
};

}  // namespace zkd::txn
