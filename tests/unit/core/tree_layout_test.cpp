// The compact znode layout (zkd/tree/data_tree.h, node_arena.h): child order, nodes
// moving when their data outgrows the block, restore, accounting, and a randomized
// comparison against a plain std::map model of the tree.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "zkd/proto/ops.h"
#include "zkd/tree/data_tree.h"
#include "zkd/tree/node_arena.h"

using namespace zkd;

namespace {

const proto::ACLs kOpen = {{proto::perm::kAll, {"world", "anyone"}}};
const proto::ACLs kReadOnly = {{proto::perm::kRead, {"world", "anyone"}}};

std::vector<std::string> names(const tree::Node& n) {
  std::vector<std::string> out;
  for (auto name : n.children()) out.emplace_back(name);
  return out;
}

// Paths in for_each_preorder order, with their data.
std::vector<std::pair<std::string, std::string>> preorder(const tree::DataTree& t) {
  std::vector<std::pair<std::string, std::string>> out;
  t.for_each_preorder([&](std::string_view path, const tree::Node& n) {
    EXPECT_EQ(path, n.path());
    out.emplace_back(std::string(path), std::string(n.data()));
  });
  return out;
}

// Sum of path + data over non-root nodes, plus the root's data (approximate_data_size).
int64_t data_size(const tree::DataTree& t) {
  int64_t total = 0;
  t.for_each_preorder([&](std::string_view path, const tree::Node& n) {
    total += static_cast<int64_t>(n.data().size()) + (path == "/" ? 0 : static_cast<int64_t>(path.size()));
  });
  return total;
}

}  // namespace

TEST(TreeLayout, ChildrenSortedBytewiseWhateverTheCreateOrder) {
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  t.create("/p", "", acl, 0, -1, 1, 1);
  // Bytewise order: uppercase before lowercase, "a" before "a0", high bytes last.
  for (const char* name : {"b", "a0", "\xc3\xa9", "a", "B", "a-", "10", "9"}) {
    ASSERT_NE(t.create(std::string("/p/") + name, "", acl, 0, -1, 2, 1), nullptr);
  }
  std::vector<std::string> want = {"10", "9", "B", "a", "a-", "a0", "b", "\xc3\xa9"};
  EXPECT_EQ(names(*t.find("/p")), want);
}

TEST(TreeLayout, ManyChildrenStaySortedThroughDeletes) {
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  t.create("/p", "", acl, 0, -1, 1, 1);
  std::set<std::string> model;
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string name = "n" + std::to_string(rng() % 100000);
    if (model.insert(name).second) {
      ASSERT_NE(t.create("/p/" + name, "x", acl, 0, -1, 2, 1), nullptr);
    }
  }
  int removed = 0;
  for (auto it = model.begin(); it != model.end();) {
    if (rng() % 3 == 0) {
      t.remove("/p/" + *it, 3);
      it = model.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  ASSERT_GT(removed, 1000);
  const tree::Node* p = t.find("/p");
  EXPECT_EQ(p->children().size(), model.size());
  EXPECT_EQ(names(*p), std::vector<std::string>(model.begin(), model.end()));
  EXPECT_EQ(t.descendant_count("/p"), static_cast<int64_t>(model.size()));
  EXPECT_EQ(t.node_count(), 5 + 1 + static_cast<int64_t>(model.size()));
  // Deleting every child frees the child set; the node reads as a leaf again.
  for (const auto& name : model) t.remove("/p/" + name, 4);
  EXPECT_TRUE(t.find("/p")->children().empty());
  EXPECT_EQ(t.find("/p")->children().begin(), t.find("/p")->children().end());
  EXPECT_EQ(t.approximate_data_size(), data_size(t));
}

TEST(TreeLayout, SetDataGrowsShrinksAndNullsAndTheNodeStaysReachable) {
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  t.create("/a", "", acl, 0, -1, 1, 1);
  t.create("/a/b", "small", acl, 0, -1, 2, 1);
  t.create("/a/b/c", "", acl, 0, -1, 3, 1);
  t.create("/a/c", "", acl, 0, -1, 4, 1);
  for (size_t len : {size_t{0}, size_t{1}, size_t{100}, size_t{5000}, size_t{7}, size_t{300000}, size_t{3},
                     size_t{64}, size_t{0}}) {
    std::string data(len, 'd');
    for (size_t i = 0; i < len; ++i) data[i] = static_cast<char>('a' + i % 26);
    const tree::Node* n = t.set_data("/a/b", data, static_cast<int32_t>(len), 10, 20);
    ASSERT_NE(n, nullptr);
    EXPECT_EQ(n, t.find("/a/b"));
    EXPECT_EQ(n->data(), data);
    EXPECT_EQ(n->path(), "/a/b");
    EXPECT_EQ(n->name(), "b");
    EXPECT_FALSE(n->data_null());
    EXPECT_EQ(n->czxid, 2);
    EXPECT_EQ(n->mzxid, 10);
    EXPECT_EQ(t.stat_of(*n).dataLength, static_cast<int32_t>(len));
    // The parent lists the (possibly moved) node once, in order; its child is intact.
    EXPECT_EQ(names(*t.find("/a")), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(names(*n), std::vector<std::string>{"c"});
    EXPECT_NE(t.find("/a/b/c"), nullptr);
    EXPECT_EQ(t.approximate_data_size(), data_size(t));
  }
  const tree::Node* n = t.set_data("/a/b", "", 9, 11, 21, /*data_null=*/true);
  EXPECT_TRUE(n->data_null());
  EXPECT_EQ(n->data(), "");
  n = t.set_data("/a/b", "back", 10, 12, 22);
  EXPECT_FALSE(n->data_null());
  EXPECT_EQ(n->data(), "back");
  EXPECT_EQ(t.set_data("/missing", "x", 1, 1, 1), nullptr);
}

TEST(TreeLayout, RootDataCanGrowAndDescendantsStayReachable) {
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  t.create("/x", "", acl, 0, -1, 1, 1);
  const tree::Node* root = t.set_data("/", std::string(10000, 'r'), 1, 2, 2);
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root, t.find("/"));
  EXPECT_EQ(root->data().size(), 10000u);
  EXPECT_EQ(names(*root), (std::vector<std::string>{"x", "zookeeper"}));
  EXPECT_EQ(t.descendant_count("/"), 4);
  EXPECT_EQ(t.approximate_data_size(), data_size(t));
}

TEST(TreeLayout, MutationsReportBrokenPreconditionsWithoutChangingTheTree) {
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  EXPECT_EQ(t.create("/a/b", "", acl, 0, -1, 1, 1), nullptr);  // no parent
  ASSERT_NE(t.create("/a", "1", acl, 0, -1, 1, 1), nullptr);
  EXPECT_EQ(t.create("/a", "2", acl, 0, -1, 2, 1), nullptr);  // exists
  EXPECT_EQ(t.create("/", "", acl, 0, -1, 2, 1), nullptr);
  EXPECT_EQ(t.find("/a")->data(), "1");
  EXPECT_EQ(t.set_acl("/nope", acl, 1), nullptr);
  EXPECT_EQ(t.node_count(), 6);
  EXPECT_EQ(t.approximate_data_size(), data_size(t));
}

TEST(TreeLayout, AclsAreInternedAndSetAclSwitchesEntries) {
  tree::DataTree t;
  auto open = t.intern(kOpen);
  EXPECT_EQ(open, t.intern(kOpen));
  auto ro = t.intern(kReadOnly);
  EXPECT_NE(open, ro);
  t.create("/a", "", open, 0, -1, 1, 1);
  EXPECT_EQ(t.find("/a")->acl(), kOpen);
  tree::AclRef held = t.find("/a")->acl_ref();
  ASSERT_NE(t.set_acl("/a", ro, 1), nullptr);
  EXPECT_EQ(t.find("/a")->acl(), kReadOnly);
  EXPECT_EQ(t.find("/a")->aversion, 1);
  EXPECT_EQ(*held, kOpen);
}

TEST(TreeLayout, PreorderRestoreRoundTripsIncludingBuiltinsAndDeepPaths) {
  tree::DataTree src;
  auto acl = src.intern(kOpen);
  src.set_data("/", "root data", 1, 5, 5);
  src.set_data("/zookeeper", std::string(500, 'z'), 1, 6, 6);  // a built-in that grows
  src.create("/b", "b", acl, 0, -1, 7, 7);
  src.create("/a", "", acl, 0x55, -1, 8, 8, /*data_null=*/true);
  src.create("/b/y", std::string(3000, 'y'), acl, 0, -1, 9, 9);
  src.create("/b/x", "x", acl, proto::kContainerOwner, -1, 10, 10);
  std::string deep = "/b";
  for (int i = 0; i < 3000; ++i) {  // deeper than a recursive walk could go safely
    deep += "/d";
    src.create(deep, "", acl, 0, -1, 11 + i, 11);
  }
  tree::DataTree dst;
  dst.reserve(static_cast<size_t>(src.node_count()));
  src.for_each_preorder([&](std::string_view path, const tree::Node& n) {
    tree::NodeStat s;
    s.czxid = n.czxid;
    s.mzxid = n.mzxid;
    s.ctime = n.ctime;
    s.mtime = n.mtime;
    s.ephemeral_owner = n.ephemeral_owner;
    s.pzxid = n.pzxid;
    s.version = n.version;
    s.cversion = n.cversion;
    s.aversion = n.aversion;
    ASSERT_TRUE(dst.restore(path, n.data(), n.data_null(), dst.intern(n.acl()), s)) << path;
  });
  EXPECT_EQ(preorder(dst), preorder(src));
  EXPECT_EQ(dst.node_count(), src.node_count());
  EXPECT_EQ(dst.approximate_data_size(), src.approximate_data_size());
  EXPECT_EQ(dst.approximate_data_size(), data_size(dst));
  EXPECT_EQ(dst.descendant_count("/"), src.descendant_count("/"));
  EXPECT_EQ(dst.ephemeral_count(), 1);
  EXPECT_EQ(dst.containers(), std::set<std::string>{"/b/x"});
  EXPECT_TRUE(dst.find("/a")->data_null());
  EXPECT_EQ(dst.find("/zookeeper")->data().size(), 500u);
  EXPECT_EQ(names(*dst.find("/zookeeper")), (std::vector<std::string>{"config", "quota"}));
  EXPECT_EQ(dst.stat_of(*dst.find(deep)), src.stat_of(*src.find(deep)));
  EXPECT_EQ(dst.stat_of(*dst.find("/b")), src.stat_of(*src.find("/b")));
  // Preorder: parents first, siblings by name.
  auto order = preorder(dst);
  EXPECT_EQ(order[0].first, "/");
  EXPECT_EQ(order[1].first, "/a");
  EXPECT_EQ(order[2].first, "/b");
  EXPECT_EQ(order[3].first, "/b/d");
}

TEST(TreeLayout, RestoreRefusesAnOrphan) {
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  tree::NodeStat s;
  EXPECT_TRUE(t.restore("/a", "", false, acl, s));
  EXPECT_FALSE(t.restore("/b/c", "", false, acl, s));
  EXPECT_TRUE(t.restore("/a/c", "", false, acl, s));
  EXPECT_EQ(t.find("/b/c"), nullptr);
  EXPECT_EQ(names(*t.find("/a")), std::vector<std::string>{"c"});
}

// Random creates, deletes and setData against a std::map model; then every node's data,
// children and Stat fields must agree, and a restore of the result must equal it.
TEST(TreeLayout, RandomOperationsMatchAMapModel) {
  struct M {
    std::string data;
    bool null = false;
    int32_t version = 0;
  };
  std::map<std::string, M> model = {{"/", {}}, {"/zookeeper", {}}, {"/zookeeper/quota", {}}, {"/zookeeper/config", {}}};
  tree::DataTree t;
  auto acl = t.intern(kOpen);
  std::mt19937 rng(42);
  auto pick = [&]() {
    auto it = model.begin();
    std::advance(it, rng() % model.size());
    return it->first;
  };
  auto child_count = [&](const std::string& p) {
    std::string prefix = p == "/" ? "/" : p + "/";
    int n = 0;
    for (auto it = model.upper_bound(prefix); it != model.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
      if (it->first.find('/', prefix.size()) == std::string::npos) ++n;
    }
    return n;
  };
  for (int step = 0; step < 20000; ++step) {
    std::string p = pick();
    int op = static_cast<int>(rng() % 10);
    if (op < 5) {
      std::string child = (p == "/" ? "" : p) + "/" + std::to_string(rng() % 50);
      std::string data(rng() % 3 == 0 ? rng() % 600 : rng() % 40, static_cast<char>('a' + rng() % 26));
      bool exists = model.count(child) > 0;
      const tree::Node* n = t.create(child, data, acl, 0, -1, step, step);
      ASSERT_EQ(n == nullptr, exists) << child;
      if (!exists) model[child] = {data, false, 0};
    } else if (op < 8) {
      std::string data(rng() % 4 == 0 ? rng() % 5000 : rng() % 120, static_cast<char>('A' + rng() % 26));
      bool null = rng() % 10 == 0;
      if (null) data.clear();
      M& m = model[p];
      ASSERT_NE(t.set_data(p, data, m.version + 1, step, step, null), nullptr);
      m = {data, null, m.version + 1};
    } else if (p != "/" && p.rfind("/zookeeper", 0) != 0 && child_count(p) == 0) {
      t.remove(p, step);
      model.erase(p);
    }
  }
  ASSERT_EQ(t.node_count(), static_cast<int64_t>(model.size()) + 1);
  for (const auto& [path, m] : model) {
    const tree::Node* n = t.find(path);
    ASSERT_NE(n, nullptr) << path;
    EXPECT_EQ(n->data(), m.data) << path;
    EXPECT_EQ(n->data_null(), m.null) << path;
    EXPECT_EQ(n->version, m.version) << path;
    EXPECT_EQ(static_cast<int>(n->children().size()), child_count(path)) << path;
  }
  EXPECT_EQ(t.approximate_data_size(), data_size(t));
  // The preorder is the model's order with "/" as the separator sorting below every
  // other byte: compare as sequences of segments.
  std::vector<std::string> got;
  for (auto& [path, data] : preorder(t)) got.push_back(path);
  auto segments = [](const std::string& p) {
    std::vector<std::string> s;
    size_t i = 1;
    while (i <= p.size() && p != "/") {
      size_t j = p.find('/', i);
      if (j == std::string::npos) j = p.size();
      s.push_back(p.substr(i, j - i));
      i = j + 1;
    }
    return s;
  };
  std::vector<std::string> want;
  for (auto& [path, m] : model) want.push_back(path);
  std::sort(want.begin(), want.end(), [&](const std::string& a, const std::string& b) { return segments(a) < segments(b); });
  EXPECT_EQ(got, want);
}

TEST(NodeArena, ReusesFreedBlocksOfTheSameSizeClass) {
  tree::NodeArena a;
  void* p = a.allocate(100);
  void* q = a.allocate(104);  // same 8-byte class as 100 -> 104
  EXPECT_NE(p, q);
  EXPECT_EQ(tree::NodeArena::rounded(100), 104u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
  a.deallocate(p, 100);
  EXPECT_EQ(a.allocate(97), p);  // 97 rounds to 104 too
  void* r = a.allocate(112);     // another class: not the freed block
  EXPECT_NE(r, q);
  EXPECT_EQ(a.slab_bytes(), tree::NodeArena::kSlab);
}

TEST(NodeArena, LargeBlocksAndSlabRollover) {
  tree::NodeArena a;
  void* big = a.allocate(tree::NodeArena::kMaxBlock + 1);  // from malloc
  std::memset(big, 1, tree::NodeArena::kMaxBlock + 1);
  a.deallocate(big, tree::NodeArena::kMaxBlock + 1);
  std::vector<char*> blocks;
  for (size_t used = 0; used < 3 * tree::NodeArena::kSlab; used += 4000) {
    auto* b = static_cast<char*>(a.allocate(4000));
    std::memset(b, static_cast<int>(blocks.size() & 0xff), 4000);
    blocks.push_back(b);
  }
  EXPECT_GE(a.slab_bytes(), 3 * tree::NodeArena::kSlab);
  for (size_t i = 0; i < blocks.size(); ++i) {
    ASSERT_EQ(blocks[i][0], static_cast<char>(i & 0xff));
    ASSERT_EQ(blocks[i][3999], static_cast<char>(i & 0xff));
  }
  // A slab's unused tail became a free block of its own size class.
  size_t per_slab = tree::NodeArena::kSlab / 4000;
  size_t tail = tree::NodeArena::kSlab - per_slab * 4000;
  ASSERT_GT(blocks.size(), 3 * per_slab);
  // Tails go on the free list in slab order; the newest is the third slab's.
  EXPECT_EQ(a.allocate(tail), blocks[3 * per_slab - 1] + 4000);
  EXPECT_EQ(a.allocate(tail), blocks[2 * per_slab - 1] + 4000);
}
