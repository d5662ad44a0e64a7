// A checkpoint built in slices while the tree keeps changing must be byte for byte the
// checkpoint taken in one go at its zxid.
#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <random>
#include <string>
#include <vector>

#include "zkd/proto/ops.h"
#include "zkd/server/checkpoint_builder.h"
#include "zkd/tree/data_tree.h"

using namespace zkd;

namespace {

std::string bytes_of(storage::CheckpointRecords records) {
  std::string all;
  for (const auto& c : records.chunks()) all += c.data;
  return all;
}

// A tree changed by random valid mutations, the same ones for the same seed. Names are
// few (so paths are deleted and created again) and include bytes that sort below '/'.
class RandomTree {
 public:
  explicit RandomTree(uint32_t seed) : rng_(seed) {
    open_ = tree_.intern({{proto::perm::kAll, {"world", "anyone"}}});
    read_ = tree_.intern({{proto::perm::kRead, {"world", "anyone"}}});
  }

  void mutate(int count) {
    for (int i = 0; i < count; ++i) mutate_once();
  }
  tree::DataTree& tree() { return tree_; }
  int64_t zxid() const { return zxid_; }

 private:
  void mutate_once() {
    static const char* kNames[] = {"a", "b", "a-b", "a.b", "!", "ab", "a b", "z"};
    ++zxid_;
    std::uniform_int_distribution<int> pick(0, 99);
    int what = pick(rng_);
    const std::string& target = paths_[rng_() % paths_.size()];
    if (what < 45) {
      std::string path = (target == "/" ? "" : target) + "/" + kNames[rng_() % 8];
      if (tree_.find(path) || std::count(path.begin(), path.end(), '/') > 5) return;
      int64_t owner = rng_() % 4 == 0 ? 0x100 + rng_() % 3 : 0;
      tree_.create(path, "v" + std::to_string(zxid_), rng_() % 5 ? open_ : read_, owner, -1, zxid_,
                   zxid_);
      paths_.push_back(path);
    } else if (what < 70) {
      const tree::Node* n = tree_.find(target);
      if (target == "/" || target.rfind("/zookeeper", 0) == 0 || !n->children().empty()) return;
      tree_.remove(target, zxid_);
      paths_.erase(std::find(paths_.begin(), paths_.end(), target));
    } else if (what < 90) {
      const tree::Node* n = tree_.find(target);
      // Sizes vary so some sets move the node to a new block.
      tree_.set_data(target, std::string(rng_() % 300, 'x'), n->version + 1, zxid_, zxid_);
    } else {
      const tree::Node* n = tree_.find(target);
      tree_.set_acl(target, rng_() % 2 ? open_ : read_, n->aversion + 1);
    }
  }

  tree::DataTree tree_;
  std::mt19937 rng_;
  std::vector<std::string> paths_{"/"};
  const tree::AclRef* open_;
  const tree::AclRef* read_;
  int64_t zxid_ = 0;
};

std::string checkpoint_in_one_go(uint32_t seed, int mutations) {
  RandomTree t(seed);
  t.mutate(mutations);
  server::CheckpointBuilder b(&t.tree(), t.zxid(), {{7, 4000}, {9, 6000}});
  EXPECT_TRUE(b.step(INT64_MAX));
  return bytes_of(b.take());
}

TEST(CheckpointBuilder, InSlicesWhileTheTreeChangesEqualsOneGoAtItsZxid) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    std::string expected = checkpoint_in_one_go(seed, 400);
    RandomTree t(seed);
    t.mutate(400);
    server::CheckpointBuilder b(&t.tree(), t.zxid(), {{7, 4000}, {9, 6000}});
    std::mt19937 slices(seed);
    int steps = 0;
    while (!b.step(1 + slices() % 4)) {
      t.mutate(static_cast<int>(slices() % 30));
      ++steps;
    }
    EXPECT_GT(steps, 3) << "seed " << seed;
    EXPECT_EQ(bytes_of(b.take()), expected) << "seed " << seed;
    t.mutate(50);  // unregistered: later changes reach no builder
  }
}

TEST(CheckpointBuilder, AbandonedBuilderStopsObservingTheTree) {
  RandomTree t(3);
  t.mutate(200);
  {
    server::CheckpointBuilder b(&t.tree(), t.zxid(), {});
    EXPECT_FALSE(b.step(2));
  }
  t.mutate(200);  // would touch a destroyed observer if it were still registered
  server::CheckpointBuilder b(&t.tree(), t.zxid(), {});
  EXPECT_TRUE(b.step(INT64_MAX));
}

TEST(PreorderLess, IsTheOrderOfAPreorderWalkWithSiblingsByName) {
  RandomTree t(11);
  t.mutate(2000);
  std::vector<std::string> walked;
  t.tree().for_each_preorder([&](std::string_view p, const tree::Node&) { walked.emplace_back(p); });
  ASSERT_GT(walked.size(), 50u);
  EXPECT_TRUE(std::is_sorted(walked.begin(), walked.end(), [](const std::string& a, const std::string& b) {
    return tree::preorder_less(a, b);
  }));
  EXPECT_TRUE(tree::preorder_less("/a/b", "/a-b"));
  EXPECT_TRUE(tree::preorder_less("/a", "/a!"));
  EXPECT_FALSE(tree::preorder_less("/a", "/a"));
}

}  // namespace
