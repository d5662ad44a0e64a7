#include "zkd/tree/data_tree.h"

#include <cassert>

#include "zkd/proto/ops.h"
#include "zkd/tree/path.h"

namespace zkd::tree {

OwnerKind owner_kind(int64_t owner) {
  if (owner == 0) return OwnerKind::kNone;
  if (owner == proto::kContainerOwner) return OwnerKind::kContainer;
  if ((static_cast<uint64_t>(owner) & proto::kTtlOwnerMask) == proto::kTtlOwnerMask) {
    return OwnerKind::kTtl;
  }
  return OwnerKind::kSession;
}

int64_t ttl_of(int64_t owner) {
  return static_cast<int64_t>(static_cast<uint64_t>(owner) & ~proto::kTtlOwnerMask);
}

DataTree::DataTree() {
  proto::ACLs open = {{proto::perm::kAll, {"world", "anyone"}}};
  proto::ACLs read_only = {{proto::perm::kRead, {"world", "anyone"}}};
  Node root;
  root.acl = intern(open);
  nodes_.emplace("/", std::move(root));
  create("/zookeeper", "", intern(open), 0, -1, 0, 0);
  create("/zookeeper/quota", "", intern(open), 0, -1, 0, 0);
  create("/zookeeper/config", "", intern(read_only), 0, -1, 0, 0);
  // ZooKeeper calls setACL(-1) on the config node at startup: aversion -1. The built-in
  // nodes' creation stamps are all zero, including the children's cversion bumps.
  nodes_.at("/zookeeper/config").aversion = -1;
  nodes_.at("/").cversion = 0;
  nodes_.at("/zookeeper").cversion = 0;
}

const Node* DataTree::find(std::string_view path) const {
  auto it = nodes_.find(std::string(path));
  return it == nodes_.end() ? nullptr : &it->second;
}

std::string_view DataTree::parent(std::string_view path) { return parent_of(path); }

proto::Stat DataTree::stat_of(const Node& n) const {
  proto::Stat s;
  s.czxid = n.czxid;
  s.mzxid = n.mzxid;
  s.ctime = n.ctime;
  s.mtime = n.mtime;
  s.version = n.version;
  int32_t num_children = static_cast<int32_t>(n.children.size());
  s.cversion = n.cversion * 2 - num_children;
  s.aversion = n.aversion;
  // Containers and TTL nodes report 0: the owner encoding is server-internal.
  s.ephemeralOwner = owner_kind(n.ephemeral_owner) == OwnerKind::kSession ? n.ephemeral_owner : 0;
  s.dataLength = static_cast<int32_t>(n.data.size());
  s.numChildren = num_children;
  s.pzxid = n.pzxid;
  return s;
}

AclRef DataTree::intern(const proto::ACLs& acl) {
  auto it = acls_.find(acl);
  if (it != acls_.end()) return it->second;
  auto ref = std::make_shared<const proto::ACLs>(acl);
  acls_.emplace(acl, ref);
  return ref;
}

void DataTree::index_owner(const std::string& path, int64_t owner) {
  switch (owner_kind(owner)) {
    case OwnerKind::kSession:
      ephemerals_[owner].insert(path);
      ++ephemeral_count_;
      break;
    case OwnerKind::kContainer:
      containers_.insert(path);
      break;
    case OwnerKind::kTtl:
      ttls_.insert(path);
      break;
    case OwnerKind::kNone:
      break;
  }
}

void DataTree::unindex_owner(const std::string& path, int64_t owner) {
  switch (owner_kind(owner)) {
    case OwnerKind::kSession: {
      auto it = ephemerals_.find(owner);
      if (it != ephemerals_.end()) {
        it->second.erase(path);
        if (it->second.empty()) ephemerals_.erase(it);
      }
      --ephemeral_count_;
      break;
    }
    case OwnerKind::kContainer:
      containers_.erase(path);
      break;
    case OwnerKind::kTtl:
      ttls_.erase(path);
      break;
    case OwnerKind::kNone:
      break;
  }
}

void DataTree::create(const std::string& path, std::string data, AclRef acl, int64_t owner,
                      int32_t parent_cversion, int64_t zxid, int64_t time_ms, bool data_null) {
  auto parent_it = nodes_.find(std::string(parent_of(path)));
  assert(parent_it != nodes_.end() && "create: parent missing; was the Txn prepped?");
  data_size_ += static_cast<int64_t>(path.size() + data.size());
  auto [it, inserted] = nodes_.try_emplace(path);
  assert(inserted && "create: node exists; was the Txn prepped?");
  Node& n = it->second;
  n.data = std::move(data);
  n.data_null = data_null;
  n.acl = std::move(acl);
  n.czxid = n.mzxid = n.pzxid = zxid;
  n.ctime = n.mtime = time_ms;
  n.ephemeral_owner = owner;
  Node& parent = parent_it->second;
  parent.children.insert(basename_of(it->first));
  parent.cversion = parent_cversion >= 0 ? parent_cversion : parent.cversion + 1;
  parent.pzxid = zxid;
  index_owner(path, owner);
}

void DataTree::remove(std::string_view path, int64_t zxid) {
  auto it = nodes_.find(std::string(path));
  assert(it != nodes_.end() && path != "/" && it->second.children.empty());
  Node& parent = nodes_.at(std::string(parent_of(path)));
  parent.children.erase(basename_of(it->first));
  parent.pzxid = zxid;
  data_size_ -= static_cast<int64_t>(it->first.size() + it->second.data.size());
  unindex_owner(it->first, it->second.ephemeral_owner);
  nodes_.erase(it);
}

void DataTree::set_data(std::string_view path, std::string data, int32_t version, int64_t zxid,
                        int64_t time_ms, bool data_null) {
  Node& n = nodes_.at(std::string(path));
  data_size_ += static_cast<int64_t>(data.size()) - static_cast<int64_t>(n.data.size());
  n.data = std::move(data);
  n.data_null = data_null;
  n.version = version;
  n.mzxid = zxid;
  n.mtime = time_ms;
}

void DataTree::set_acl(std::string_view path, AclRef acl, int32_t aversion) {
  Node& n = nodes_.at(std::string(path));
  n.acl = std::move(acl);
  n.aversion = aversion;
}

bool DataTree::restore(const std::string& path, Node node) {
  if (path == "/") {
    Node& root = nodes_.at("/");
    node.children = std::move(root.children);
    root = std::move(node);
    return true;
  }
  std::string_view parent_path = parent_of(path);
  if (!restore_parent_ || parent_path != restore_parent_path_) {
    auto pit = nodes_.find(std::string(parent_path));
    if (pit == nodes_.end()) return false;
    restore_parent_ = &pit->second;
    restore_parent_path_.assign(parent_path);
  }
  auto [it, inserted] = nodes_.try_emplace(path);
  if (!inserted) {
    // Built-in nodes (/zookeeper...) exist already: overwrite their fields.
    node.children = std::move(it->second.children);
    data_size_ += static_cast<int64_t>(node.data.size()) - static_cast<int64_t>(it->second.data.size());
    it->second = std::move(node);
    return true;
  }
  data_size_ += static_cast<int64_t>(path.size() + node.data.size());
  int64_t owner = node.ephemeral_owner;
  it->second = std::move(node);
  restore_parent_->children.insert(basename_of(it->first));
  index_owner(path, owner);
  return true;
}

int64_t DataTree::descendant_count(std::string_view path) const {
  if (!find(path)) return 0;
  int64_t total = -1;  // the walk counts `path` itself
  std::vector<std::string> stack{std::string(path)};
  while (!stack.empty()) {
    std::string p = std::move(stack.back());
    stack.pop_back();
    ++total;
    for (auto name : nodes_.at(p).children) stack.push_back(child_path(p, name));
  }
  return total;
}

}  // namespace zkd::tree
