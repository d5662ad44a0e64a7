#include "zkd/txn/reads.h"

#include "zkd/proto/ops.h"
#include "zkd/tree/path.h"

namespace zkd::txn {

namespace op = proto::op;
namespace err = proto::err;

bool is_read(int32_t opcode) {
  switch (opcode) {
    case op::kExists:
    case op::kGetData:
    case op::kGetACL:
    case op::kGetChildren:
    case op::kGetChildren2:
    case op::kSync:
    case op::kPing:
    case op::kCheckWatches:
    case op::kRemoveWatches:
    case op::kMultiRead:
    case op::kSetWatches:
    case op::kSetWatches2:
    case op::kSasl:
    case op::kGetEphemerals:
    case op::kGetAllChildrenNumber:
    case op::kAddWatch:
    case op::kWhoAmI:
      return true;
    default:
      return false;
  }
}

std::string user_name(const proto::Id& id) {
  if (id.scheme == "digest") return id.id.substr(0, id.id.find(':'));
  return id.id;
}

namespace {

int32_t get_data(const proto::PathWatchRequest& req, ReadContext& ctx, proto::Writer& w,
                 bool may_watch = true) {
  const tree::Node* n = ctx.tree.find(req.path);
  if (!n) return err::kNoNode;
  if (!tree::acl_allows(n->acl(), ctx.auth, proto::perm::kRead)) return err::kNoAuth;
  if (req.watch && may_watch) ctx.watches.add_data(req.path, ctx.watcher);
  if (n->data_null()) {
    w.null();
  } else {
    w.bytes(n->data());
  }
  proto::write(w, ctx.tree.stat_of(*n));
  return err::kOk;
}

int32_t get_children(const proto::PathWatchRequest& req, ReadContext& ctx, proto::Writer& w,
                     bool with_stat, bool may_watch = true) {
  const tree::Node* n = ctx.tree.find(req.path);
  if (!n) return err::kNoNode;
  if (!tree::acl_allows(n->acl(), ctx.auth, proto::perm::kRead)) return err::kNoAuth;
  if (req.watch && may_watch) ctx.watches.add_child(req.path, ctx.watcher);
  w.i32(static_cast<int32_t>(n->children().size()));
  for (auto name : n->children()) w.bytes(name);
  if (with_stat) proto::write(w, ctx.tree.stat_of(*n));
  return err::kOk;
}

int32_t exists(const proto::PathWatchRequest& req, ReadContext& ctx, proto::Writer& w) {
  const tree::Node* n = ctx.tree.find(req.path);
  // The watch is set even on a missing node: it fires NodeCreated later.
  if (req.watch) ctx.watches.add_data(req.path, ctx.watcher);
  if (!n) return err::kNoNode;
  proto::write(w, ctx.tree.stat_of(*n));
  return err::kOk;
}

int32_t get_acl(const proto::PathRequest& req, ReadContext& ctx, proto::Writer& w) {
  const tree::Node* n = ctx.tree.find(req.path);
  if (!n) return err::kNoNode;
  if (!tree::acl_allows(n->acl(), ctx.auth, proto::perm::kRead | proto::perm::kAdmin)) {
    return err::kNoAuth;
  }
  bool admin = tree::acl_allows(n->acl(), ctx.auth, proto::perm::kAdmin);
  proto::write(w, admin ? n->acl() : tree::mask_digests(n->acl()));
  proto::write(w, ctx.tree.stat_of(*n));
  return err::kOk;
}

int32_t multi_read(proto::Reader& r, ReadContext& ctx, proto::Writer& w) {
  for (;;) {
    proto::MultiHeader h;
    proto::read(r, h);
    if (!r.ok()) return err::kMarshallingError;
    if (h.done) break;
    proto::PathWatchRequest req;
    proto::read(r, req);
    if (!r.ok() || (h.type != op::kGetData && h.type != op::kGetChildren)) {
      return err::kMarshallingError;
    }
    std::string body;
    proto::Writer bw(&body);
    // ZooKeeper 3.8 ignores the watch flag of multiRead's sub-requests.
    int32_t code = h.type == op::kGetData ? get_data(req, ctx, bw, false)
                                          : get_children(req, ctx, bw, false, false);
    if (code == err::kOk) {
      proto::write(w, proto::MultiHeader{h.type, false, 0});
      w.raw(body);
    } else {
      proto::write(w, proto::MultiHeader{op::kError, false, code});
      w.i32(code);
    }
  }
  proto::write(w, proto::MultiHeader{-1, true, -1});
  return err::kOk;
}

void set_watches(const proto::SetWatches& sw, ReadContext& ctx,
                 std::vector<tree::WatchEvent>* events) {
  namespace ev = proto::event;
  for (const auto& p : sw.data) {
    const tree::Node* n = ctx.tree.find(p);
    if (!n) {
      events->push_back({ctx.watcher, ev::kNodeDeleted, p});
    } else if (n->mzxid > sw.relativeZxid) {
      events->push_back({ctx.watcher, ev::kNodeDataChanged, p});
    } else {
      ctx.watches.add_data(p, ctx.watcher);
    }
  }
  for (const auto& p : sw.exist) {
    if (ctx.tree.find(p)) {
      events->push_back({ctx.watcher, ev::kNodeCreated, p});
    } else {
      ctx.watches.add_data(p, ctx.watcher);
    }
  }
  for (const auto& p : sw.child) {
    const tree::Node* n = ctx.tree.find(p);
    if (!n) {
      events->push_back({ctx.watcher, ev::kNodeDeleted, p});
    } else if (n->pzxid > sw.relativeZxid) {
      events->push_back({ctx.watcher, ev::kNodeChildrenChanged, p});
    } else {
      ctx.watches.add_child(p, ctx.watcher);
    }
  }
  for (const auto& p : sw.persistent) ctx.watches.add_persistent(p, ctx.watcher, false);
  for (const auto& p : sw.persistentRecursive) ctx.watches.add_persistent(p, ctx.watcher, true);
}

}  // namespace

int32_t execute_read(int32_t opcode, std::string_view body, ReadContext& ctx, std::string* out,
                     std::vector<tree::WatchEvent>* events) {
  proto::Reader r(body);
  std::string reply;
  proto::Writer w(&reply);
  int32_t code = err::kOk;
  switch (opcode) {
    case op::kPing:
      break;
    case op::kExists:
    case op::kGetData:
    case op::kGetChildren:
    case op::kGetChildren2: {
      proto::PathWatchRequest req;
      proto::read(r, req);
      // A null path makes ZooKeeper fail while handling the request: -5.
      if (!r.ok() || req.path_null) return err::kMarshallingError;
      code = opcode == op::kExists    ? exists(req, ctx, w)
             : opcode == op::kGetData ? get_data(req, ctx, w)
                                      : get_children(req, ctx, w, opcode == op::kGetChildren2);
      break;
    }
    case op::kGetACL:
    case op::kSync:
    case op::kGetEphemerals:
    case op::kGetAllChildrenNumber: {
      proto::PathRequest req;
      proto::read(r, req);
      if (!r.ok()) return err::kMarshallingError;
      if (opcode == op::kGetACL) {
        code = get_acl(req, ctx, w);
      } else if (opcode == op::kSync) {
        w.bytes(req.path);
      } else if (opcode == op::kGetEphemerals) {
        std::vector<std::string> paths;
        auto it = ctx.tree.ephemerals().find(ctx.session_id);
        if (it != ctx.tree.ephemerals().end()) {
          bool all = req.path.empty() || req.path == "/";
          for (const auto& p : it->second) {
            if (all || p.compare(0, req.path.size(), req.path) == 0) paths.push_back(p);
          }
        }
        proto::write(w, paths);
      } else {
        const tree::Node* n = ctx.tree.find(req.path);
        if (!n) return err::kNoNode;
        if (!tree::acl_allows(n->acl(), ctx.auth, proto::perm::kRead)) return err::kNoAuth;
        w.i32(static_cast<int32_t>(ctx.tree.descendant_count(req.path)));
      }
      break;
    }
    case op::kCheckWatches:
    case op::kRemoveWatches: {
      proto::PathTypeRequest req;
      proto::read(r, req);
      if (!r.ok()) return err::kMarshallingError;
      // 3.8 knows only Children(1), Data(2) and Any(3) here.
      if (req.type < proto::watcher_type::kChildren || req.type > proto::watcher_type::kAny) {
        return err::kMarshallingError;
      }
      if (!ctx.watches.remove_watches(req.path, req.type, ctx.watcher, opcode == op::kRemoveWatches)) {
        code = err::kNoWatcher;
      }
      break;
    }
    case op::kAddWatch: {
      proto::PathTypeRequest req;
      proto::read(r, req);
      if (!r.ok()) return err::kMarshallingError;
      if (req.type != proto::add_watch_mode::kPersistent &&
          req.type != proto::add_watch_mode::kPersistentRecursive) {
        return err::kMarshallingError;
      }
      ctx.watches.add_persistent(req.path, ctx.watcher,
                                 req.type == proto::add_watch_mode::kPersistentRecursive);
      w.i32(0);  // ErrorResponse{0}: addWatch's reply has a 4-byte body
      break;
    }
    case op::kSetWatches:
    case op::kSetWatches2: {
      proto::SetWatches sw;
      proto::read(r, sw, opcode);
      if (!r.ok()) return err::kMarshallingError;
      set_watches(sw, ctx, events);
      break;
    }
    case op::kMultiRead:
      code = multi_read(r, ctx, w);
      break;
    case op::kWhoAmI: {
      w.i32(static_cast<int32_t>(ctx.auth.size()));
      for (const auto& id : ctx.auth) {
        w.bytes(id.scheme);
        w.bytes(user_name(id));
      }
      break;
    }
    case op::kSasl:
      w.null();  // no SASL here: an empty (null) token, as standalone ZooKeeper answers
      break;
    default:
      return err::kUnimplemented;
  }
  if (code == err::kOk) out->append(reply);
  return code;
}

}  // namespace zkd::txn
