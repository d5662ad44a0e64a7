// CheckpointBuilder: the records of a checkpoint of the tree and sessions as of one zxid,
// built in slices between requests instead of in one pause of the state thread (about
// 1 µs per znode: a million-znode tree would stop serving for a second).
//
// The records are those of the state at `zxid` although the tree keeps changing while
// they are built. The builder walks the tree in preorder (DataTree::walk_after) and is
// the tree's observer: just before a mutation touches a node the walk has not reached
// yet, it encodes that node as it is (as it was at `zxid`, since it had not changed) and
// keeps the record aside; the walk emits kept records in their place in the order and
// skips the live node there. Nodes created after `zxid` are skipped with their subtrees
// (a child is always younger than its parent). Sessions are copied when building starts.
// So the bytes equal a checkpoint taken at `zxid` in one go (unit-tested that way).
//
// Record format (jute-encoded, first int32 = kind):
//   kNodeRecord:    path, data, acl, czxid, mzxid, ctime, mtime, version, cversion,
//                   aversion, ephemeral_owner, pzxid
//   kSessionRecord: session id, timeout_ms
//   kSizeRecord:    node count (first record, so recovery can size the table once)
// Nodes come parents-first so restore() always finds the parent.
//
// State thread only. The tree must outlive the builder; the builder registers itself as
// the tree's observer and unregisters when finished or destroyed.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "zkd/storage/checkpoint_records.h"
#include "zkd/tree/data_tree.h"

namespace zkd::server {

constexpr int32_t kNodeRecord = 1;
constexpr int32_t kSessionRecord = 2;
constexpr int32_t kSizeRecord = 3;

class CheckpointBuilder : public tree::TreeObserver {
 public:
  // sessions: id -> timeout_ms at `zxid`.
  CheckpointBuilder(tree::DataTree* tree, int64_t zxid, std::map<int64_t, int32_t> sessions);
  ~CheckpointBuilder() override;
  CheckpointBuilder(const CheckpointBuilder&) = delete;
  CheckpointBuilder& operator=(const CheckpointBuilder&) = delete;

  // Emits up to `max_nodes` more node records; true once every node is emitted.
  bool step(int64_t max_nodes);
  bool finished() const { return finished_; }
  int64_t zxid() const { return zxid_; }
  // After finished(): the records, session records last. Once.
  storage::CheckpointRecords take();

  void before_change(const tree::Node& n) override;

 private:
  // Appends n's record to rec (cleared first).
  void encode(const tree::Node& n, std::string* rec);
  void emit(std::string_view path, std::string_view record);
  // Emits kept records that come before `path` in the order (all of them for "").
  void emit_kept_before(std::string_view path);

  struct PreorderLess {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const {
      return tree::preorder_less(a, b);
    }
  };

  tree::DataTree* tree_;
  const int64_t zxid_;
  std::map<int64_t, int32_t> sessions_;
  storage::CheckpointRecords records_;
  std::string cursor_;  // path of the last node emitted
  std::map<std::string, std::string, PreorderLess> kept_;  // path -> record, not yet emitted
  std::string rec_;  // reused encoding buffer
  const tree::AclRef* last_acl_ = nullptr;  // interned: equal pointers, equal lists
  std::string last_acl_bytes_;
  bool finished_ = false;
};

}  // namespace zkd::server
