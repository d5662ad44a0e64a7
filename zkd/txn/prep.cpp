#include "zkd/txn/prep.h"

#include <cstdio>
#include <set>

#include "zkd/proto/ops.h"
#include "zkd/tree/path.h"

namespace zkd::txn {

namespace op = proto::op;
namespace err = proto::err;

// A KeeperException in ZooKeeper's prep: carries the error code out of a prep step.
class Prepper::Failure {
 public:
  explicit Failure(int32_t code) : code(code) {}
  int32_t code;
};

namespace {

bool is_special_path(const std::string& p) {
  return p == "/" || p == "/zookeeper" || p == "/zookeeper/quota" || p == "/zookeeper/config";
}

// getParentPathAndValidate / the light validatePath(path, sessionId) of create.
std::string parent_or_fail(const std::string& path, int32_t* code) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos || path.find('\0') != std::string::npos) {
    *code = err::kBadArguments;
    return {};
  }
  return slash == 0 ? "/" : path.substr(0, slash);
}

Txn error_txn(int32_t code) {
  Txn t;
  t.type = op::kError;
  t.err = code;
  return t;
}

// checkAndIncVersion.
int32_t check_version(int32_t current, int32_t expected) {
  if (expected != -1 && expected != current) throw err::kBadVersion;
  return current + 1;
}

}  // namespace

bool is_write(int32_t opcode) {
  switch (opcode) {
    case op::kCreate:
    case op::kCreate2:
    case op::kCreateContainer:
    case op::kCreateTTL:
    case op::kDelete:
    case op::kSetData:
    case op::kSetACL:
    case op::kCheck:
    case op::kMulti:
    case op::kReconfig:
    case op::kCloseSession:
    case op::kDeleteContainer:
      return true;
    default:
      return false;
  }
}

std::optional<ChangeRecord> Prepper::lookup(const std::string& path, const Overlay& overlay) const {
  if (auto it = overlay.find(path); it != overlay.end()) {
    return it->second.exists ? std::optional(it->second) : std::nullopt;
  }
  if (auto it = records_.find(path); it != records_.end()) {
    return it->second.exists ? std::optional(it->second) : std::nullopt;
  }
  const tree::Node* n = tree_.find(path);
  if (!n) return std::nullopt;
  ChangeRecord r;
  r.exists = true;
  r.version = n->version;
  r.cversion = n->cversion;
  r.aversion = n->aversion;
  r.owner = n->ephemeral_owner;
  r.child_count = static_cast<int32_t>(n->children().size());
  r.acl = n->acl_ref();
  return r;
}

ChangeRecord Prepper::require(const std::string& path, const Overlay& overlay) const {
  auto r = lookup(path, overlay);
  if (!r) throw Failure(err::kNoNode);
  return *r;
}

void Prepper::check_acl(const ChangeRecord& r, int32_t perm, const WriteRequest& req) const {
  if (!tree::acl_allows(*r.acl, *req.auth, perm)) throw Failure(err::kNoAuth);
}

// setData, setACL and check: a decoded request, a live session, a valid path, in that order.
void Prepper::check_decoded_for_path(const proto::Reader& r, const std::string& path,
                                     const WriteRequest& req) const {
  if (!r.ok()) throw Failure(err::kMarshallingError);
  check_session(req);
  if (!tree::valid_path(path)) throw Failure(err::kBadArguments);
}

void Prepper::check_session(const WriteRequest& req) const {
  const session::Session* s = sessions_.find(req.session_id);
  if (!s || s->closing) throw Failure(err::kSessionExpired);
}

Txn Prepper::prep(const WriteRequest& req, int64_t zxid, int64_t time_ms) {
  Overlay overlay;
  Txn t;
  proto::Reader r(req.body);
  try {
    if (req.opcode == op::kCreateSession) {
      t.type = op::kCreateSession;
      t.timeout_ms = req.timeout_ms;
    } else {
      t = prep_op(req.opcode, r, req, overlay, zxid);
    }
  } catch (const Failure& f) {
    t = error_txn(f.code);
    overlay.clear();
  } catch (int32_t code) {
    t = error_txn(code);
    overlay.clear();
  }
  t.session_id = req.session_id;
  t.cxid = req.cxid;
  t.zxid = zxid;
  t.time_ms = time_ms;
  commit(overlay, zxid);
  return t;
}

Txn Prepper::prep_op(int32_t opcode, proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                     int64_t zxid) {
  switch (opcode) {
    case op::kCreate:
    case op::kCreate2:
    case op::kCreateContainer:
    case op::kCreateTTL:
      return prep_create(opcode, r, req, overlay, zxid);
    case op::kDelete:
      return prep_delete(r, req, overlay, zxid);
    case op::kSetData:
      return prep_set_data(r, req, overlay, zxid);
    case op::kSetACL:
      return prep_set_acl(r, req, overlay, zxid);
    case op::kCheck:
      return prep_check(r, req, overlay);
    case op::kMulti:
      return prep_multi(r, req, overlay, zxid);
    case op::kCloseSession:
      return prep_close_session(req, overlay, zxid);
    case op::kDeleteContainer:
      return prep_delete_container(r, req, overlay, zxid);
    case op::kReconfig:
      throw Failure(err::kReconfigDisabled);  // standalone, reconfigEnabled=false
    default:
      throw Failure(err::kUnimplemented);
  }
}

Txn Prepper::prep_create(int32_t opcode, proto::Reader& r, const WriteRequest& req,
                         Overlay& overlay, int64_t zxid) {
  proto::CreateRequest cr;
  proto::read(r, cr, opcode);
  if (!r.ok()) throw Failure(err::kMarshallingError);
  check_session(req);
  namespace cm = proto::create_mode;
  int32_t flags = cr.flags;
  if (flags < cm::kPersistent || flags > cm::kPersistentSequentialWithTTL) {
    throw Failure(err::kBadArguments);
  }
  bool ttl_mode = flags == cm::kPersistentWithTTL || flags == cm::kPersistentSequentialWithTTL;
  if (ttl_mode && !options_.extended_types) throw Failure(err::kUnimplemented);
  // EphemeralType.validateTTL: a TTL mode needs 0 < ttl <= max; other modes no ttl. Only
  // createTTL carries a ttl; the node kind follows the opcode, not the flags.
  int64_t ttl = opcode == op::kCreateTTL ? cr.ttl : -1;
  if (ttl_mode ? (ttl <= 0 || ttl > proto::kMaxTtlMs) : ttl >= 0) throw Failure(err::kBadArguments);
  if (opcode == op::kCreateTTL && !ttl_mode) throw Failure(err::kBadArguments);
  int32_t code = 0;
  std::string parent = parent_or_fail(cr.path, &code);
  if (code) throw Failure(code);
  ChangeRecord parent_rec = require(parent, overlay);
  check_acl(parent_rec, proto::perm::kCreate, req);
  // After the parent's CREATE check, as ZooKeeper 3.8 answers: an `auth` ACL from an
  // unauthenticated client under a node it may not create in is NOAUTH (Go client test).
  proto::ACLs acl;
  if (!tree::fixup_acl(cr.acl, *req.auth, &acl)) throw Failure(err::kInvalidACL);
  bool sequential = flags == cm::kPersistentSequential || flags == cm::kEphemeralSequential ||
                    flags == cm::kPersistentSequentialWithTTL;
  std::string path = cr.path;
  if (sequential) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%010d", parent_rec.cversion);
    path += suffix;
  }
  if (!tree::valid_path(path)) throw Failure(err::kBadArguments);
  if (lookup(path, overlay)) throw Failure(err::kNodeExists);
  if (tree::owner_kind(parent_rec.owner) == tree::OwnerKind::kSession) {
    throw Failure(err::kNoChildrenForEphemerals);
  }
  int64_t owner = 0;
  if ((flags == cm::kEphemeral || flags == cm::kEphemeralSequential) &&
      opcode != op::kCreateContainer) {
    owner = req.session_id;
  }
  if (opcode == op::kCreateContainer) {
    owner = proto::kContainerOwner;
  } else if (opcode == op::kCreateTTL) {
    owner = static_cast<int64_t>(proto::kTtlOwnerMask | static_cast<uint64_t>(ttl));
  }
  Txn t;
  t.type = op::kCreate;
  t.path = path;
  t.data = std::move(cr.data);
  t.data_null = cr.data_null;
  t.acl = std::move(acl);
  t.owner = owner;
  t.parent_cversion = parent_rec.cversion + 1;

  parent_rec.zxid = zxid;
  parent_rec.cversion += 1;
  parent_rec.child_count += 1;
  overlay[parent] = parent_rec;
  ChangeRecord node;
  node.zxid = zxid;
  node.exists = true;
  node.owner = owner;
  node.acl = std::make_shared<const proto::ACLs>(t.acl);
  overlay[path] = node;
  return t;
}

Txn Prepper::prep_delete(proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                         int64_t zxid) {
  proto::PathVersionRequest dr;
  proto::read(r, dr);
  if (!r.ok()) throw Failure(err::kMarshallingError);
  check_session(req);
  int32_t code = 0;
  std::string parent = parent_or_fail(dr.path, &code);
  if (code || is_special_path(dr.path)) throw Failure(err::kBadArguments);
  ChangeRecord parent_rec = require(parent, overlay);
  check_acl(parent_rec, proto::perm::kDelete, req);
  ChangeRecord node = require(dr.path, overlay);
  check_version(node.version, dr.version);
  if (node.child_count > 0) throw Failure(err::kNotEmpty);
  Txn t;
  t.type = op::kDelete;
  t.path = dr.path;
  parent_rec.zxid = zxid;
  parent_rec.child_count -= 1;
  overlay[parent] = parent_rec;
  ChangeRecord gone;
  gone.zxid = zxid;
  overlay[dr.path] = gone;
  return t;
}

Txn Prepper::prep_set_data(proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                           int64_t zxid) {
  proto::SetDataRequest sr;
  proto::read(r, sr);
  check_decoded_for_path(r, sr.path, req);
  ChangeRecord node = require(sr.path, overlay);
  check_acl(node, proto::perm::kWrite, req);
  int32_t version = check_version(node.version, sr.version);
  Txn t;
  t.type = op::kSetData;
  t.path = sr.path;
  t.data = std::move(sr.data);
  t.data_null = sr.data_null;
  t.version = version;
  node.zxid = zxid;
  node.version = version;
  overlay[sr.path] = node;
  return t;
}

Txn Prepper::prep_set_acl(proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                          int64_t zxid) {
  proto::SetACLRequest sr;
  proto::read(r, sr);
  check_decoded_for_path(r, sr.path, req);
  proto::ACLs acl;
  if (!tree::fixup_acl(sr.acl, *req.auth, &acl)) throw Failure(err::kInvalidACL);
  ChangeRecord node = require(sr.path, overlay);
  check_acl(node, proto::perm::kAdmin, req);
  int32_t aversion = check_version(node.aversion, sr.version);
  Txn t;
  t.type = op::kSetACL;
  t.path = sr.path;
  t.acl = acl;
  t.version = aversion;
  node.zxid = zxid;
  node.aversion = aversion;
  node.acl = std::make_shared<const proto::ACLs>(std::move(acl));
  overlay[sr.path] = node;
  return t;
}

Txn Prepper::prep_check(proto::Reader& r, const WriteRequest& req, Overlay& overlay) {
  proto::PathVersionRequest cr;
  proto::read(r, cr);
  check_decoded_for_path(r, cr.path, req);
  ChangeRecord node = require(cr.path, overlay);
  check_acl(node, proto::perm::kRead, req);
  Txn t;
  t.type = op::kCheck;
  t.path = cr.path;
  t.version = check_version(node.version, cr.version);
  return t;
}

Txn Prepper::prep_multi(proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                        int64_t zxid) {
  // Decode every op first: a malformed multi fails as a whole.
  struct Op {
    int32_t type;
    std::string body;
  };
  std::vector<Op> ops;
  for (;;) {
    proto::MultiHeader h;
    proto::read(r, h);
    if (!r.ok()) throw Failure(err::kMarshallingError);
    if (h.done) break;
    const char* start = r.pos();
    // Skip over the op's record by decoding it; keep its bytes for prep_op.
    switch (h.type) {
      case op::kCreate:
      case op::kCreate2:
      case op::kCreateContainer:
      case op::kCreateTTL: {
        proto::CreateRequest cr;
        proto::read(r, cr, h.type);
        break;
      }
      case op::kDelete:
      case op::kCheck: {
        proto::PathVersionRequest d;
        proto::read(r, d);
        break;
      }
      case op::kSetData: {
        proto::SetDataRequest s;
        proto::read(r, s);
        break;
      }
      default:
        throw Failure(err::kMarshallingError);
    }
    if (!r.ok()) throw Failure(err::kMarshallingError);
    ops.push_back({h.type, std::string(start, r.pos())});
  }
  Txn t;
  t.type = op::kMulti;
  int32_t failed_at = -1;
  int32_t failed_code = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    proto::Reader opr(ops[i].body);
    try {
      t.ops.push_back(prep_op(ops[i].type, opr, req, overlay, zxid));
    } catch (const Failure& f) {
      failed_at = static_cast<int32_t>(i);
      failed_code = f.code;
      break;
    } catch (int32_t code) {
      failed_at = static_cast<int32_t>(i);
      failed_code = code;
      break;
    }
  }
  if (failed_at >= 0) {
    // Atomic failure: nothing applies; results are 0 before, the code at, -2 after.
    overlay.clear();
    t.ops.clear();
    for (size_t i = 0; i < ops.size(); ++i) {
      int32_t code = static_cast<int32_t>(i) < failed_at    ? err::kOk
                     : static_cast<int32_t>(i) == failed_at ? failed_code
                                                            : err::kRuntimeInconsistency;
      t.ops.push_back(error_txn(code));
    }
  }
  return t;
}

Txn Prepper::prep_close_session(const WriteRequest& req, Overlay& overlay, int64_t zxid) {
  sessions_.set_closing(req.session_id);
  // The session's ephemerals: in the tree, plus outstanding creates, minus outstanding
  // deletes.
  std::set<std::string> paths;
  if (auto it = tree_.ephemerals().find(req.session_id); it != tree_.ephemerals().end()) {
    paths = it->second;
  }
  for (const auto& [path, rec] : records_) {
    if (rec.exists && rec.owner == req.session_id) paths.insert(path);
  }
  Txn t;
  t.type = op::kCloseSession;
  for (const auto& p : paths) {
    auto rec = lookup(p, overlay);
    if (!rec || rec->owner != req.session_id) continue;
    t.paths.push_back(p);
    std::string parent(tree::parent_of(p));
    if (auto parent_rec = lookup(parent, overlay)) {
      parent_rec->zxid = zxid;
      parent_rec->child_count -= 1;
      overlay[parent] = *parent_rec;
    }
    ChangeRecord gone;
    gone.zxid = zxid;
    overlay[p] = gone;
  }
  return t;
}

Txn Prepper::prep_delete_container(proto::Reader& r, const WriteRequest& req, Overlay& overlay,
                                   int64_t zxid) {
  proto::PathRequest pr;
  proto::read(r, pr);
  if (!r.ok()) throw Failure(err::kMarshallingError);
  if (!req.internal) throw Failure(err::kBadArguments);  // only the server's reaper sends it
  ChangeRecord node = require(pr.path, overlay);
  if (node.child_count > 0) throw Failure(err::kNotEmpty);
  std::string parent(tree::parent_of(pr.path));
  Txn t;
  t.type = op::kDeleteContainer;
  t.path = pr.path;
  if (auto parent_rec = lookup(parent, overlay)) {
    parent_rec->zxid = zxid;
    parent_rec->child_count -= 1;
    overlay[parent] = *parent_rec;
  }
  ChangeRecord gone;
  gone.zxid = zxid;
  overlay[pr.path] = gone;
  return t;
}

void Prepper::commit(Overlay& overlay, int64_t zxid) {
  if (overlay.empty()) return;
  std::vector<std::string> paths;
  paths.reserve(overlay.size());
  for (auto& [path, rec] : overlay) {
    rec.zxid = zxid;
    records_[path] = std::move(rec);
    paths.push_back(path);
  }
  by_zxid_.emplace_back(zxid, std::move(paths));
}

void Prepper::applied(int64_t zxid) {
  while (!by_zxid_.empty() && by_zxid_.front().first <= zxid) {
    for (const auto& path : by_zxid_.front().second) {
      auto it = records_.find(path);
      if (it != records_.end() && it->second.zxid <= by_zxid_.front().first) records_.erase(it);
    }
    by_zxid_.pop_front();
  }
}

}  // namespace zkd::txn
