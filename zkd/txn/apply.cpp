#include "zkd/txn/apply.h"

#include <cstdio>
#include <cstdlib>

#include "zkd/proto/ops.h"

namespace zkd::txn {

namespace op = proto::op;

namespace {
[[noreturn]] void invariant_failed(const char* what, const Txn& t, const std::string& path) {
  std::fprintf(stderr,
               "FATAL apply: %s at zxid 0x%llx path '%s' type %d. Prep and apply disagree, or "
               "the log is corrupt; stopping rather than serving a divergent tree.\n",
               what, static_cast<unsigned long long>(t.zxid), path.c_str(), t.type);
  std::abort();
}
}  // namespace

ApplyResult Applier::apply(const Txn& txn) {
  ApplyResult out;
  if (txn.type == op::kMulti) {
    out.ops.reserve(txn.ops.size());
    for (const auto& o : txn.ops) {
      out.ops.push_back(apply_op(o, txn.zxid, txn.time_ms, txn.session_id, out.events));
    }
  } else {
    out.result = apply_op(txn, txn.zxid, txn.time_ms, txn.session_id, out.events);
  }
  return out;
}

void Applier::remove_node(const std::string& path, int64_t zxid,
                          std::vector<tree::WatchEvent>& events) {
  tree_.remove(path, zxid);
  if (watches_) watches_->on_delete(path, events);
}

OpResult Applier::apply_op(const Txn& t, int64_t zxid, int64_t time_ms, int64_t session_id,
                           std::vector<tree::WatchEvent>& events) {
  OpResult r;
  r.type = t.type;
  switch (t.type) {
    case op::kCreate: {
      const tree::Node* n = tree_.create(t.path, t.data, tree_.intern(t.acl), t.owner,
                                         t.parent_cversion, zxid, time_ms, t.data_null);
      if (!n) invariant_failed("create of an existing node or under a missing parent", t, t.path);
      r.stat = tree_.stat_of(*n);
      r.path = t.path;
      if (watches_) watches_->on_create(t.path, events);
      break;
    }
    case op::kDelete:
    case op::kDeleteContainer: {
      const tree::Node* n = tree_.find(t.path);
      if (!n || !n->children().empty()) invariant_failed("delete of a missing or non-empty node", t, t.path);
      remove_node(t.path, zxid, events);
      break;
    }
    case op::kSetData: {
      const tree::Node* n = tree_.set_data(t.path, t.data, t.version, zxid, time_ms, t.data_null);
      if (!n) invariant_failed("setData of a missing node", t, t.path);
      r.stat = tree_.stat_of(*n);
      if (watches_) watches_->on_set_data(t.path, events);
      break;
    }
    case op::kSetACL: {
      const tree::Node* n = tree_.set_acl(t.path, tree_.intern(t.acl), t.version);
      if (!n) invariant_failed("setACL of a missing node", t, t.path);
      r.stat = tree_.stat_of(*n);
      break;
    }
    case op::kCheck: {
      const tree::Node* n = tree_.find(t.path);
      if (n) r.stat = tree_.stat_of(*n);
      break;
    }
    case op::kCloseSession: {
      for (const auto& p : t.paths) {
        const tree::Node* n = tree_.find(p);
        if (!n || n->ephemeral_owner != session_id || !n->children().empty()) {
          invariant_failed("closeSession of a node the session does not own", t, p);
        }
        remove_node(p, zxid, events);
      }
      break;
    }
    case op::kCreateSession:
      break;
    case op::kError:
      r.err = t.err;
      break;
    default:
      invariant_failed("unknown Txn type", t, t.path);
  }
  return r;
}

}  // namespace zkd::txn
