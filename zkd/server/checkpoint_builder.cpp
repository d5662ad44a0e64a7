#include "zkd/server/checkpoint_builder.h"

#include <cassert>
#include <utility>

#include "zkd/proto/jute.h"

namespace zkd::server {

CheckpointBuilder::CheckpointBuilder(tree::DataTree* tree, int64_t zxid,
                                     std::map<int64_t, int32_t> sessions)
    : tree_(tree), zxid_(zxid), sessions_(std::move(sessions)) {
  proto::Writer w(&rec_);
  w.i32(kSizeRecord);
  w.i64(tree_->node_count());
  records_.add(rec_);
  const tree::Node* root = tree_->find("/");
  encode(*root, &rec_);
  emit(root->path(), rec_);
  tree_->set_observer(this);
}

CheckpointBuilder::~CheckpointBuilder() {
  if (!finished_) tree_->set_observer(nullptr);
}

void CheckpointBuilder::encode(const tree::Node& n, std::string* rec) {
  rec->clear();
  proto::Writer w(rec);
  w.i32(kNodeRecord);
  w.bytes(n.path());
  if (n.data_null()) {
    w.null();
  } else {
    w.bytes(n.data());
  }
  if (&n.acl_ref() != last_acl_) {
    last_acl_ = &n.acl_ref();
    last_acl_bytes_.clear();
    proto::Writer aw(&last_acl_bytes_);
    proto::write(aw, n.acl());
  }
  w.raw(last_acl_bytes_);
  w.i64(n.czxid);
  w.i64(n.mzxid);
  w.i64(n.ctime);
  w.i64(n.mtime);
  w.i32(n.version);
  w.i32(n.cversion);
  w.i32(n.aversion);
  w.i64(n.ephemeral_owner);
  w.i64(n.pzxid);
}

void CheckpointBuilder::emit(std::string_view path, std::string_view record) {
  assert(cursor_.empty() || tree::preorder_less(cursor_, path));
  records_.add(record);
  cursor_.assign(path);
}

void CheckpointBuilder::emit_kept_before(std::string_view path) {
  while (!kept_.empty() && (path.empty() || tree::preorder_less(kept_.begin()->first, path))) {
    auto it = kept_.begin();
    emit(it->first, it->second);
    kept_.erase(it);
  }
}

void CheckpointBuilder::before_change(const tree::Node& n) {
  // Emitted already, or not part of the state at zxid_.
  if (!tree::preorder_less(cursor_, n.path()) || n.czxid > zxid_) return;
  if (kept_.count(n.path())) return;  // kept at its first change: that is the old state
  std::string rec;
  encode(n, &rec);
  kept_.emplace(std::string(n.path()), std::move(rec));
}

bool CheckpointBuilder::step(int64_t max_nodes) {
  if (finished_) return true;
  int64_t emitted = 0;
  bool at_end = tree_->walk_after(cursor_, [&](const tree::Node& n) {
    if (n.czxid > zxid_) return tree::DataTree::Visit::kSkipChildren;  // new, and so is its subtree
    auto kept = kept_.end();
    if (!kept_.empty()) {
      emit_kept_before(n.path());
      kept = kept_.find(n.path());
    }
    if (kept != kept_.end()) {
      emit(kept->first, kept->second);
      kept_.erase(kept);
    } else {
      encode(n, &rec_);
      emit(n.path(), rec_);
    }
    return ++emitted >= max_nodes ? tree::DataTree::Visit::kStop : tree::DataTree::Visit::kDescend;
  });
  if (!at_end) return false;
  emit_kept_before("");
  for (const auto& [id, timeout] : sessions_) {
    rec_.clear();
    proto::Writer w(&rec_);
    w.i32(kSessionRecord);
    w.i64(id);
    w.i32(timeout);
    records_.add(rec_);
  }
  finished_ = true;
  tree_->set_observer(nullptr);
  return true;
}

storage::CheckpointRecords CheckpointBuilder::take() {
  assert(finished_);
  return std::move(records_);
}

}  // namespace zkd::server
