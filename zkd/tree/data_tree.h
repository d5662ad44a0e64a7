// DataTree: the znode hierarchy as ZooKeeper's DataTree keeps it.
//
// Single-threaded: owned by the server's state thread. Mutations are called only from
// apply (zkd/txn), with every decision (zxid, time, sequence, owner) already made in the
// Txn, so the same Txn sequence always produces the same tree.
//
// Layout (memory is the point: a million znodes must fit in a few hundred MB):
//  - Each znode is ONE block from the tree's NodeArena (huge-page slabs, no per-block
//    header): the fixed fields (Node, 88 bytes) followed by the path bytes and then the
//    data bytes. The path never changes; a setData that does not fit the block moves the
//    node to a new one (see "Node pointers" below).
//  - nodes_ is an open-addressing hash set of Node pointers keyed by path (8 bytes plus a
//    control byte per slot); lookups by std::string_view allocate nothing.
//  - A node's children are a B-tree set of child Node pointers ordered by name (bytewise,
//    as std::string_view compares), allocated only when the first child arrives.
//  - ACLs are interned: a node points at the table's entry, and entries live as long as
//    the tree (ZooKeeper's ACL cache does not shrink either).
//
// Invariants:
//  - Every node except "/" has its parent in the tree and is in its parent's children.
//  - nodes_ holds exactly the nodes reachable from "/"; each node is owned by the tree and
//    freed when removed or when the tree is destroyed.
//  - Node::children_ is null or non-empty.
//  - ephemerals_ lists exactly the nodes whose ephemeral_owner is a session id.
//  - data_size_ is the sum over nodes other than "/" of path size + data size, plus the
//    root's data size (ZooKeeper's approximateDataSize).
//  - cversion counts creates under the node (ZooKeeper's internal cversion); the Stat
//    reported to clients is 2*cversion - numChildren (DataNode.copyStat).
//
// Node pointers: a `const Node*` from find() stays valid until the next mutation of the
// tree (set_data and restore may move the node; remove frees it). Do not keep one across
// mutations; keep the path.
#pragma once

#include <absl/container/btree_set.h>
#include <absl/container/flat_hash_set.h>
#include <absl/functional/function_ref.h>
#include <absl/hash/hash.h>

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "zkd/proto/records.h"
#include "zkd/tree/node_arena.h"

namespace zkd::tree {

using AclRef = std::shared_ptr<const proto::ACLs>;

class Node;

// Orders child nodes by name; transparent, so a child can be found by its name.
struct ByName {
  using is_transparent = void;
  bool operator()(const Node* a, const Node* b) const;
  bool operator()(const Node* a, std::string_view b) const;
  bool operator()(std::string_view a, const Node* b) const;
};
using ChildSet = absl::btree_set<Node*, ByName>;

// A read-only, sorted view of a node's child names (cheap to copy: one pointer).
class Children {
 public:
  class iterator {
   public:
    using iterator_category = std::bidirectional_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    iterator() = default;
    explicit iterator(ChildSet::const_iterator it) : it_(it) {}
    std::string_view operator*() const;
    iterator& operator++() {
      ++it_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++it_;
      return old;
    }
    iterator& operator--() {
      --it_;
      return *this;
    }
    iterator operator--(int) {
      iterator old = *this;
      --it_;
      return old;
    }
    bool operator==(const iterator& o) const { return it_ == o.it_; }

   private:
    ChildSet::const_iterator it_;
  };

  explicit Children(const ChildSet* set) : set_(set) {}
  bool empty() const { return !set_ || set_->empty(); }
  size_t size() const { return set_ ? set_->size() : 0; }
  iterator begin() const { return iterator(set().begin()); }
  iterator end() const { return iterator(set().end()); }

 private:
  const ChildSet& set() const;
  const ChildSet* set_;
};

// The fields a checkpoint carries besides path, data and ACL.
struct NodeStat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int64_t ephemeral_owner = 0;
  int64_t pzxid = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
};

// One znode. Only DataTree creates, changes and frees nodes; others see `const Node&`.
// Trivially copyable on purpose (the tree moves nodes with memcpy), but the copy
// operations are private: a copy would lack the path and data that follow the fields.
class Node {
 public:
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int64_t ephemeral_owner = 0;
  int64_t pzxid = 0;
  int32_t version = 0;
  int32_t cversion = 0;  // creates under this node
  int32_t aversion = 0;

  std::string_view path() const { return {bytes(), path_len_}; }
  // The last path segment ("" for the root).
  std::string_view name() const {
    std::string_view p = path();
    return p.substr(p.rfind('/') + 1);
  }
  std::string_view data() const { return {bytes() + path_len_, data_len_}; }
  // Created/set with a null buffer: getData returns null (data() is then empty).
  bool data_null() const { return data_null_; }
  const proto::ACLs& acl() const { return **acl_; }
  // The interned list itself, for holders that may outlive a later setACL.
  const AclRef& acl_ref() const { return *acl_; }
  Children children() const { return Children(children_); }

 private:
  friend class DataTree;
  Node() = default;
  Node(const Node&) = default;
  Node& operator=(const Node&) = default;

  const char* bytes() const { return reinterpret_cast<const char*>(this + 1); }
  char* bytes() { return reinterpret_cast<char*>(this + 1); }

  uint32_t data_len_ : 31 = 0;
  uint32_t data_null_ : 1 = 0;
  uint32_t path_len_ = 0;
  uint32_t capacity_ = 0;  // bytes after the fields: path + data + slack (block size - 88)
  const AclRef* acl_ = nullptr;
  ChildSet* children_ = nullptr;  // null for leaves (most znodes)
};

inline bool ByName::operator()(const Node* a, const Node* b) const { return a->name() < b->name(); }
inline bool ByName::operator()(const Node* a, std::string_view b) const { return a->name() < b; }
inline bool ByName::operator()(std::string_view a, const Node* b) const { return a < b->name(); }
inline std::string_view Children::iterator::operator*() const { return (*it_)->name(); }

// Kind of owner encoded in ephemeral_owner (EphemeralType.java).
enum class OwnerKind { kNone, kSession, kContainer, kTtl };
OwnerKind owner_kind(int64_t ephemeral_owner);
int64_t ttl_of(int64_t ephemeral_owner);

// Told about a node just before a mutation changes or removes it (a checkpoint being
// built in slices keeps the node as it was; see server/checkpoint_builder.h).
class TreeObserver {
 public:
  virtual ~TreeObserver() = default;
  virtual void before_change(const Node& n) = 0;
};

// The order of for_each_preorder as an order on paths: parents before children, siblings
// by name bytewise. That is bytewise order with '/' below every other byte.
bool preorder_less(std::string_view a, std::string_view b);

class DataTree {
 public:
  DataTree();
  ~DataTree();
  DataTree(const DataTree&) = delete;
  DataTree& operator=(const DataTree&) = delete;

  const Node* find(std::string_view path) const;
  static std::string_view parent(std::string_view path);
  // The Stat a client sees.
  proto::Stat stat_of(const Node& n) const;

  // Interns an ACL list so equal lists share storage. The result is stable for the
  // tree's lifetime; pass it to create/set_acl/restore.
  const AclRef* intern(const proto::ACLs& acl);

  // --- Mutations (apply only). create/set_data/set_acl return the changed node, or null
  // (and change nothing) when the precondition does not hold: apply treats that as an
  // invariant failure. `acl` must come from intern().
  // Precondition: parent exists, path absent.
  const Node* create(std::string_view path, std::string_view data, const AclRef* acl,
                     int64_t ephemeral_owner, int32_t parent_cversion, int64_t zxid, int64_t time_ms,
                     bool data_null = false);
  // REQUIRES (asserted): path exists, has no children, is not the root.
  void remove(std::string_view path, int64_t zxid);
  // Precondition: path exists.
  const Node* set_data(std::string_view path, std::string_view data, int32_t version, int64_t zxid,
                       int64_t time_ms, bool data_null = false);
  // Precondition: path exists.
  const Node* set_acl(std::string_view path, const AclRef* acl, int32_t aversion);
  // Restores a node from a checkpoint. Parents must be restored before children (and
  // siblings in order, which a preorder walk gives, for the fast path). An existing node
  // (the root, /zookeeper...) is overwritten, keeping its children. False when the
  // parent is missing.
  bool restore(std::string_view path, std::string_view data, bool data_null, const AclRef* acl,
               const NodeStat& stat);
  // Sizes the table for `nodes` nodes (a checkpoint's node count) and a quarter more for
  // the log tail replayed after it, so recovery does not rehash every node midway.
  void reserve(size_t nodes) { nodes_.reserve(nodes + nodes / 4); }

  // ZooKeeper counts a "" alias of the root too (fresh server: 5).
  int64_t node_count() const { return static_cast<int64_t>(nodes_.size()) + 1; }
  int64_t approximate_data_size() const { return data_size_; }
  int64_t ephemeral_count() const { return ephemeral_count_; }
  // Ephemerals by session, sorted (deterministic close/expiry order).
  const std::map<int64_t, std::set<std::string>>& ephemerals() const { return ephemerals_; }
  const std::set<std::string>& containers() const { return containers_; }
  const std::set<std::string>& ttls() const { return ttls_; }
  // All descendants of path (getAllChildrenNumber).
  int64_t descendant_count(std::string_view path) const;

  // At most one observer; null to stop. Not called by restore().
  void set_observer(TreeObserver* observer) { observer_ = observer; }

  // What a walk does after visiting a node.
  enum class Visit { kDescend, kSkipChildren, kStop };
  // Continues the preorder walk after `after`, which need not exist any more (it is a
  // position in the order, see preorder_less): first `after`'s current children, then
  // everything later. kStop ends the walk after that node; the next walk_after from its
  // path resumes with its children. Returns true when the walk reached the end of the
  // tree. fn must not mutate the tree; between walks the tree may change freely.
  bool walk_after(std::string_view after, absl::FunctionRef<Visit(const Node&)> fn) const;

  // Iterates nodes parents-first, siblings by name (for checkpoints): fn(path, node).
  // Iterative (a stack of child-set cursors), so a path thousands of levels deep cannot
  // overflow the stack. fn must not mutate the tree.
  template <typename Fn>
  void for_each_preorder(Fn&& fn) const {
    const Node* root = find("/");
    fn(root->path(), *root);
    walk_after("/", [&](const Node& n) {
      fn(n.path(), n);
      return Visit::kDescend;
    });
  }

 private:
  // Hash and equality for nodes_: by path, for a Node* or a path (heterogeneous lookup).
  struct PathHash {
    using is_transparent = void;
    size_t operator()(std::string_view p) const { return absl::Hash<std::string_view>{}(p); }
    size_t operator()(const Node* n) const { return (*this)(n->path()); }
  };
  struct PathEq {
    using is_transparent = void;
    static std::string_view key(std::string_view p) { return p; }
    static std::string_view key(const Node* n) { return n->path(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return key(a) == key(b);
    }
  };

  Node* find_mutable(std::string_view path);
  Node* new_node(std::string_view path, std::string_view data, bool data_null);
  void free_node(Node* n);
  // Replaces n's data; returns the node, which moved when the block had to change size.
  Node* replace_data(Node* n, std::string_view data, bool data_null);
  void index_owner(std::string_view path, int64_t owner);
  void unindex_owner(std::string_view path, int64_t owner);

  void notify(const Node* n) {
    if (observer_) observer_->before_change(*n);
  }

  NodeArena arena_;  // declared first: destroyed after everything that points into it
  absl::flat_hash_set<Node*, PathHash, PathEq, HugePageAllocator<Node*>> nodes_;
  // restore(): the last parent found, since a preorder walk restores siblings in a row.
  Node* restore_parent_ = nullptr;
  std::map<proto::ACLs, AclRef> acls_;
  std::map<int64_t, std::set<std::string>> ephemerals_;
  std::set<std::string> containers_;
  std::set<std::string> ttls_;
  int64_t data_size_ = 0;
  int64_t ephemeral_count_ = 0;
  TreeObserver* observer_ = nullptr;
};

}  // namespace zkd::tree
