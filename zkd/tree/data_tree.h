// DataTree: the znode hierarchy as ZooKeeper's DataTree keeps it.
//
// Single-threaded: owned by the server's state thread. Mutations are called only from
// apply (zkd/txn), with every decision (zxid, time, sequence, owner) already made in the
// Txn, so the same Txn sequence always produces the same tree.
//
// Invariants:
//  - Every node except "/" has its parent in the tree and is listed in its children.
//  - children are views into the child nodes' map keys (stable: node-based map).
//  - ephemerals_ lists exactly the nodes whose ephemeral_owner is a session id.
//  - cversion counts creates under the node (ZooKeeper's internal cversion); the Stat
//    reported to clients is 2*cversion - numChildren (DataNode.copyStat).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zkd/proto/records.h"

namespace zkd::tree {

using AclRef = std::shared_ptr<const proto::ACLs>;

// A node's child names, sorted. Most znodes are leaves, so the set is allocated only
// when the first child arrives (8 bytes per leaf instead of an empty std::set's 48).
class Children {
 public:
  using Set = std::set<std::string_view>;
  bool empty() const { return !set_ || set_->empty(); }
  size_t size() const { return set_ ? set_->size() : 0; }
  void insert(std::string_view name) {
    if (!set_) set_ = std::make_unique<Set>();
    set_->insert(set_->end(), name);  // checkpoints restore children in order
  }
  void erase(std::string_view name) {
    if (!set_) return;
    set_->erase(name);
    if (set_->empty()) set_.reset();
  }
  Set::const_iterator begin() const { return set().begin(); }
  Set::const_iterator end() const { return set().end(); }
  Set::const_reverse_iterator rbegin() const { return set().rbegin(); }
  Set::const_reverse_iterator rend() const { return set().rend(); }

 private:
  const Set& set() const {
    static const Set kEmpty;
    return set_ ? *set_ : kEmpty;
  }
  std::unique_ptr<Set> set_;
};

struct Node {
  std::string data;
  AclRef acl;
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int64_t ephemeral_owner = 0;
  int64_t pzxid = 0;
  int32_t version = 0;
  int32_t cversion = 0;  // creates under this node
  int32_t aversion = 0;
  bool data_null = false;  // created/set with a null buffer: getData returns null
  Children children;
};

// Kind of owner encoded in ephemeral_owner (EphemeralType.java).
enum class OwnerKind { kNone, kSession, kContainer, kTtl };
OwnerKind owner_kind(int64_t ephemeral_owner);
int64_t ttl_of(int64_t ephemeral_owner);

class DataTree {
 public:
  DataTree();
  DataTree(const DataTree&) = delete;
  DataTree& operator=(const DataTree&) = delete;

  const Node* find(std::string_view path) const;
  static std::string_view parent(std::string_view path);
  // The Stat a client sees.
  proto::Stat stat_of(const Node& n) const;

  // --- Mutations (apply only). REQUIRES noted preconditions; they are asserted.
  // REQUIRES: parent exists, path absent.
  void create(const std::string& path, std::string data, AclRef acl, int64_t ephemeral_owner,
              int32_t parent_cversion, int64_t zxid, int64_t time_ms, bool data_null = false);
  // REQUIRES: path exists, has no children, is not the root.
  void remove(std::string_view path, int64_t zxid);
  void set_data(std::string_view path, std::string data, int32_t version, int64_t zxid,
                int64_t time_ms, bool data_null = false);
  void set_acl(std::string_view path, AclRef acl, int32_t aversion);
  // Restores a node from a checkpoint. Parents must be restored before children (and
  // siblings in order, which a preorder walk gives). False when the parent is missing.
  bool restore(const std::string& path, Node node);
  void reserve(size_t nodes) { nodes_.reserve(nodes); }

  // Interns an ACL list so equal lists share storage.
  AclRef intern(const proto::ACLs& acl);

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

  // Iterates nodes parents-first (for checkpoints): fn(path, node).
  // Iterates nodes parents-first (for checkpoints): fn(path, node). Iterative, so a
  // path thousands of levels deep cannot overflow the stack.
  template <typename Fn>
  void for_each_preorder(Fn&& fn) const {
    std::vector<std::string> stack{"/"};
    while (!stack.empty()) {
      std::string path = std::move(stack.back());
      stack.pop_back();
      const Node& n = nodes_.at(path);
      fn(path, n);
      for (auto it = n.children.rbegin(); it != n.children.rend(); ++it) {
        stack.push_back(path == "/" ? "/" + std::string(*it) : path + "/" + std::string(*it));
      }
    }
  }

 private:
  void index_owner(const std::string& path, int64_t owner);
  void unindex_owner(const std::string& path, int64_t owner);

  std::unordered_map<std::string, Node> nodes_;
  // restore(): the last parent found, since a preorder walk restores siblings in a row.
  std::string restore_parent_path_;
  Node* restore_parent_ = nullptr;
  std::map<proto::ACLs, AclRef> acls_;
  std::map<int64_t, std::set<std::string>> ephemerals_;
  std::set<std::string> containers_;
  std::set<std::string> ttls_;
  int64_t data_size_ = 0;
  int64_t ephemeral_count_ = 0;
};

}  // namespace zkd::tree
