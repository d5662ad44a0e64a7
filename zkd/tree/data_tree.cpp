#include "zkd/tree/data_tree.h"

#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

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

static_assert(sizeof(Node) == 88, "Node's fields grew: check the memory budget in data_tree.h");
static_assert(std::is_trivially_copyable_v<Node>, "nodes are moved with memcpy");

const ChildSet& Children::set() const {
  static const ChildSet kEmpty;
  return set_ ? *set_ : kEmpty;
}

DataTree::DataTree() {
  proto::ACLs open = {{proto::perm::kAll, {"world", "anyone"}}};
  proto::ACLs read_only = {{proto::perm::kRead, {"world", "anyone"}}};
  Node* root = new_node("/", "", false);
  root->acl_ = intern(open);
  nodes_.insert(root);
  create("/zookeeper", "", intern(open), 0, -1, 0, 0);
  create("/zookeeper/quota", "", intern(open), 0, -1, 0, 0);
  create("/zookeeper/config", "", intern(read_only), 0, -1, 0, 0);
  // ZooKeeper calls setACL(-1) on the config node at startup: aversion -1. The built-in
  // nodes' creation stamps are all zero, including the children's cversion bumps.
  find_mutable("/zookeeper/config")->aversion = -1;
  find_mutable("/")->cversion = 0;
  find_mutable("/zookeeper")->cversion = 0;
}

DataTree::~DataTree() {
  // Order does not matter here: every node is freed exactly once.
  for (Node* n : nodes_) free_node(n);
}

Node* DataTree::new_node(std::string_view path, std::string_view data, bool data_null) {
  assert(path.size() < (1u << 31) && data.size() < (1u << 31));
  size_t block = NodeArena::rounded(sizeof(Node) + path.size() + data.size());
  size_t cap = block - sizeof(Node);
  Node* n = new (arena_.allocate(block)) Node();
  n->path_len_ = static_cast<uint32_t>(path.size());
  n->data_len_ = static_cast<uint32_t>(data.size()) & 0x7fffffffu;
  n->data_null_ = data_null ? 1 : 0;
  n->capacity_ = static_cast<uint32_t>(cap);
  std::memcpy(n->bytes(), path.data(), path.size());
  if (!data.empty()) std::memcpy(n->bytes() + path.size(), data.data(), data.size());
  return n;
}

void DataTree::free_node(Node* n) {
  delete n->children_;
  arena_.deallocate(n, sizeof(Node) + n->capacity_);
}

Node* DataTree::find_mutable(std::string_view path) {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : *it;
}

const Node* DataTree::find(std::string_view path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? nullptr : *it;
}

Node* DataTree::replace_data(Node* n, std::string_view data, bool data_null) {
  assert(data.size() < (1u << 31));
  size_t need = n->path_len_ + data.size();
  // Keep the block when the data fits and not more than half of it (or 64 bytes) would
  // be wasted; otherwise move to a block of the exact size.
  bool fits = need <= n->capacity_ && (n->capacity_ - need <= 64 || need >= n->capacity_ / 2);
  if (!fits) {
    // Allocate first: if that throws, the tree is unchanged.
    size_t block = NodeArena::rounded(sizeof(Node) + need);
    Node* moved = static_cast<Node*>(arena_.allocate(block));
    // Unlink n from the index and its parent's child set (both find it by path/name,
    // which stays the same), then link the moved copy.
    std::string_view path = n->path();
    auto it = nodes_.find(path);
    assert(it != nodes_.end() && *it == n);
    nodes_.erase(it);
    Node* parent = path == "/" ? nullptr : find_mutable(parent_of(path));
    ChildSet::iterator hint;
    if (parent) hint = parent->children_->erase(parent->children_->find(n->name()));
    bool cached_parent = restore_parent_ == n;
    std::memcpy(static_cast<void*>(moved), n, sizeof(Node) + n->path_len_);  // fields + path
    arena_.deallocate(n, sizeof(Node) + n->capacity_);
    n = moved;
    n->capacity_ = static_cast<uint32_t>(block - sizeof(Node));
    nodes_.insert(n);
    if (parent) parent->children_->insert(hint, n);
    if (cached_parent) restore_parent_ = n;
  }
  if (!data.empty()) std::memmove(n->bytes() + n->path_len_, data.data(), data.size());
  n->data_len_ = static_cast<uint32_t>(data.size()) & 0x7fffffffu;
  n->data_null_ = data_null ? 1 : 0;
  return n;
}

std::string_view DataTree::parent(std::string_view path) { return parent_of(path); }

proto::Stat DataTree::stat_of(const Node& n) const {
  proto::Stat s;
  s.czxid = n.czxid;
  s.mzxid = n.mzxid;
  s.ctime = n.ctime;
  s.mtime = n.mtime;
  s.version = n.version;
  int32_t num_children = static_cast<int32_t>(n.children().size());
  s.cversion = n.cversion * 2 - num_children;
  s.aversion = n.aversion;
  // Containers and TTL nodes report 0: the owner encoding is server-internal.
  s.ephemeralOwner = owner_kind(n.ephemeral_owner) == OwnerKind::kSession ? n.ephemeral_owner : 0;
  s.dataLength = static_cast<int32_t>(n.data_len_);
  s.numChildren = num_children;
  s.pzxid = n.pzxid;
  return s;
}

const AclRef* DataTree::intern(const proto::ACLs& acl) {
  auto it = acls_.find(acl);
  if (it == acls_.end()) it = acls_.emplace(acl, std::make_shared<const proto::ACLs>(acl)).first;
  return &it->second;
}

void DataTree::index_owner(std::string_view path, int64_t owner) {
  switch (owner_kind(owner)) {
    case OwnerKind::kSession:
      ephemerals_[owner].emplace(path);
      ++ephemeral_count_;
      break;
    case OwnerKind::kContainer:
      containers_.emplace(path);
      break;
    case OwnerKind::kTtl:
      ttls_.emplace(path);
      break;
    case OwnerKind::kNone:
      break;
  }
}

void DataTree::unindex_owner(std::string_view path, int64_t owner) {
  switch (owner_kind(owner)) {
    case OwnerKind::kSession: {
      auto it = ephemerals_.find(owner);
      if (it != ephemerals_.end()) {
        it->second.erase(std::string(path));
        if (it->second.empty()) ephemerals_.erase(it);
      }
      --ephemeral_count_;
      break;
    }
    case OwnerKind::kContainer:
      containers_.erase(std::string(path));
      break;
    case OwnerKind::kTtl:
      ttls_.erase(std::string(path));
      break;
    case OwnerKind::kNone:
      break;
  }
}

const Node* DataTree::create(std::string_view path, std::string_view data, const AclRef* acl,
                             int64_t owner, int32_t parent_cversion, int64_t zxid, int64_t time_ms,
                             bool data_null) {
  if (path == "/") return nullptr;
  Node* parent = find_mutable(parent_of(path));
  if (!parent) return nullptr;
  Node* n = new_node(path, data, data_null);
  auto [it, inserted] = nodes_.insert(n);
  if (!inserted) {
    free_node(n);
    return nullptr;
  }
  notify(parent);
  data_size_ += static_cast<int64_t>(path.size() + data.size());
  n->acl_ = acl;
  n->czxid = n->mzxid = n->pzxid = zxid;
  n->ctime = n->mtime = time_ms;
  n->ephemeral_owner = owner;
  if (!parent->children_) parent->children_ = new ChildSet();
  parent->children_->insert(n);
  parent->cversion = parent_cversion >= 0 ? parent_cversion : parent->cversion + 1;
  parent->pzxid = zxid;
  index_owner(path, owner);
  return n;
}

void DataTree::remove(std::string_view path, int64_t zxid) {
  auto it = nodes_.find(path);
  assert(it != nodes_.end() && path != "/" && !(*it)->children_);
  Node* n = *it;
  Node* parent = find_mutable(parent_of(path));
  assert(parent && parent->children_);
  notify(n);
  notify(parent);
  parent->children_->erase(n->name());
  if (parent->children_->empty()) {
    delete parent->children_;
    parent->children_ = nullptr;
  }
  parent->pzxid = zxid;
  data_size_ -= static_cast<int64_t>(n->path_len_) + static_cast<int64_t>(n->data_len_);
  unindex_owner(n->path(), n->ephemeral_owner);
  nodes_.erase(it);
  free_node(n);
}

const Node* DataTree::set_data(std::string_view path, std::string_view data, int32_t version,
                               int64_t zxid, int64_t time_ms, bool data_null) {
  Node* n = find_mutable(path);
  if (!n) return nullptr;
  notify(n);
  data_size_ += static_cast<int64_t>(data.size()) - static_cast<int64_t>(n->data_len_);
  n = replace_data(n, data, data_null);
  n->version = version;
  n->mzxid = zxid;
  n->mtime = time_ms;
  return n;
}

const Node* DataTree::set_acl(std::string_view path, const AclRef* acl, int32_t aversion) {
  Node* n = find_mutable(path);
  if (!n) return nullptr;
  notify(n);
  n->acl_ = acl;
  n->aversion = aversion;
  return n;
}

namespace {
void copy_stat(const NodeStat& s, Node* n) {
  n->czxid = s.czxid;
  n->mzxid = s.mzxid;
  n->ctime = s.ctime;
  n->mtime = s.mtime;
  n->ephemeral_owner = s.ephemeral_owner;
  n->pzxid = s.pzxid;
  n->version = s.version;
  n->cversion = s.cversion;
  n->aversion = s.aversion;
}
}  // namespace

bool DataTree::restore(std::string_view path, std::string_view data, bool data_null, const AclRef* acl,
                       const NodeStat& stat) {
  Node* parent = nullptr;
  if (path != "/") {
    std::string_view parent_path = parent_of(path);
    if (!restore_parent_ || restore_parent_->path() != parent_path) {
      restore_parent_ = find_mutable(parent_path);
      if (!restore_parent_) return false;
    }
    parent = restore_parent_;
  }
  Node* n = new_node(path, data, data_null);
  auto [it, inserted] = nodes_.insert(n);
  if (!inserted) {
    // Built-in nodes (/, /zookeeper...) exist already: overwrite their fields and data.
    free_node(n);
    n = *it;
    data_size_ += static_cast<int64_t>(data.size()) - static_cast<int64_t>(n->data_len_);
    n = replace_data(n, data, data_null);
    n->acl_ = acl;
    copy_stat(stat, n);
    return true;
  }
  n->acl_ = acl;
  copy_stat(stat, n);
  data_size_ += static_cast<int64_t>(path.size() + data.size());
  if (!parent->children_) parent->children_ = new ChildSet();
  parent->children_->insert(parent->children_->end(), n);  // a preorder walk appends
  index_owner(path, stat.ephemeral_owner);
  return true;
}

bool preorder_less(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return true;
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

bool DataTree::walk_after(std::string_view after, absl::FunctionRef<Visit(const Node&)> fn) const {
  // Rebuild the stack of child-set cursors for the position `after`: at each level the
  // siblings still to come; at the bottom, `after`'s own children when it still exists.
  std::vector<std::pair<ChildSet::const_iterator, ChildSet::const_iterator>> stack;
  const Node* node = find("/");
  bool exists = true;
  std::string_view rest = after == "/" ? std::string_view() : after.substr(1);
  while (!rest.empty()) {
    size_t slash = rest.find('/');
    std::string_view name = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
    if (!node->children_) {
      exists = false;
      break;
    }
    auto it = node->children_->lower_bound(name);
    bool found = it != node->children_->end() && (*it)->name() == name;
    stack.emplace_back(found ? std::next(it) : it, node->children_->end());
    if (!found) {
      exists = false;
      break;
    }
    node = *it;
  }
  if (exists && node->children_) stack.emplace_back(node->children_->begin(), node->children_->end());
  while (!stack.empty()) {
    auto& top = stack.back();
    if (top.first == top.second) {
      stack.pop_back();
      continue;
    }
    const Node* n = *top.first;
    ++top.first;
    Visit v = fn(*n);
    if (v == Visit::kStop) return false;
    if (v == Visit::kDescend && n->children_) {
      stack.emplace_back(n->children_->begin(), n->children_->end());
    }
  }
  return true;
}

int64_t DataTree::descendant_count(std::string_view path) const {
  const Node* start = find(path);
  if (!start) return 0;
  int64_t total = 0;
  std::vector<const ChildSet*> stack;
  if (start->children_) stack.push_back(start->children_);
  while (!stack.empty()) {
    const ChildSet* set = stack.back();
    stack.pop_back();
    total += static_cast<int64_t>(set->size());
    for (const Node* c : *set) {
      if (c->children_) stack.push_back(c->children_);
    }
  }
  return total;
}

}  // namespace zkd::tree
