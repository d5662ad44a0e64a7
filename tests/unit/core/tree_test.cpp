#include <gtest/gtest.h>

#include "zkd/proto/ops.h"
#include "zkd/tree/acl.h"
#include "zkd/tree/data_tree.h"
#include "zkd/tree/path.h"
#include "zkd/tree/watch_manager.h"

using namespace zkd;

TEST(Path, ValidatesLikeZooKeeper) {
  EXPECT_TRUE(tree::valid_path("/"));
  EXPECT_TRUE(tree::valid_path("/a/b"));
  EXPECT_TRUE(tree::valid_path("/\xc3\xa9t\xc3\xa9"));  // "été"
  EXPECT_FALSE(tree::valid_path(""));
  EXPECT_FALSE(tree::valid_path("a"));
  EXPECT_FALSE(tree::valid_path("/a/"));
  EXPECT_FALSE(tree::valid_path("//a"));
  EXPECT_FALSE(tree::valid_path("/a/./b"));
  EXPECT_FALSE(tree::valid_path("/a/.."));
  EXPECT_FALSE(tree::valid_path(std::string("/a\0b", 4)));
  EXPECT_FALSE(tree::valid_path("/a\x01"));
  EXPECT_FALSE(tree::valid_path("/\xef\xbf\xbf"));  // U+FFFF
  EXPECT_FALSE(tree::valid_path("/\xc3"));          // truncated UTF-8
}

TEST(DataTree, FreshTreeMatchesZooKeeper) {
  tree::DataTree t;
  EXPECT_EQ(t.node_count(), 5);  // "/", "" alias, /zookeeper, quota, config
  const tree::Node* config = t.find("/zookeeper/config");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(t.stat_of(*config).aversion, -1);
  EXPECT_EQ(t.descendant_count("/"), 3);
}

TEST(DataTree, ReportedCversionCountsCreatesAndDeletes) {
  tree::DataTree t;
  auto acl = t.intern({{proto::perm::kAll, {"world", "anyone"}}});
  t.create("/p", "", acl, 0, -1, 10, 1);
  t.create("/p/a", "", acl, 0, 1, 11, 1);
  t.create("/p/b", "", acl, 0, 2, 12, 1);
  t.remove("/p/a", 13);
  proto::Stat s = t.stat_of(*t.find("/p"));
  // Two creates and one delete are three child changes.
  EXPECT_EQ(s.cversion, 3);
  EXPECT_EQ(s.numChildren, 1);
  EXPECT_EQ(s.pzxid, 13);
}

TEST(DataTree, EphemeralIndexFollowsCreateAndDelete) {
  tree::DataTree t;
  auto acl = t.intern({{proto::perm::kAll, {"world", "anyone"}}});
  t.create("/e", "x", acl, 0x42, -1, 5, 1);
  EXPECT_EQ(t.ephemeral_count(), 1);
  EXPECT_EQ(t.ephemerals().at(0x42).count("/e"), 1u);
  t.remove("/e", 6);
  EXPECT_EQ(t.ephemeral_count(), 0);
  EXPECT_TRUE(t.ephemerals().empty());
}

TEST(Acl, DigestMatchesZooKeeperExample) {
  // The super digest example from ZooKeeper's admin guide.
  EXPECT_EQ(tree::digest_of("super:test"), "super:D/InIHSb7yEEbrWz8b9l71RjZJU=");
}

TEST(Acl, ChecksSchemes) {
  tree::AuthIds ip_only = {{"ip", "127.0.0.1"}};
  proto::ACLs acl = {{proto::perm::kRead, {"ip", "127.0.0.0/8"}}};
  EXPECT_TRUE(tree::acl_allows(acl, ip_only, proto::perm::kRead));
  EXPECT_FALSE(tree::acl_allows(acl, ip_only, proto::perm::kWrite));
  tree::AuthIds other = {{"ip", "10.0.0.1"}};
  EXPECT_FALSE(tree::acl_allows(acl, other, proto::perm::kRead));
  tree::AuthIds super = {{"super", ""}};
  EXPECT_TRUE(tree::acl_allows(acl, super, proto::perm::kAdmin));
}

TEST(Acl, FixupExpandsAuthAndRejectsBadLists) {
  proto::ACLs out;
  tree::AuthIds no_digest = {{"ip", "127.0.0.1"}};
  EXPECT_FALSE(tree::fixup_acl({}, no_digest, &out));
  EXPECT_FALSE(tree::fixup_acl({{31, {"auth", ""}}}, no_digest, &out));
  EXPECT_FALSE(tree::fixup_acl({{31, {"world", "someone"}}}, no_digest, &out));
  EXPECT_FALSE(tree::fixup_acl({{31, {"nosuch", "x"}}}, no_digest, &out));
  tree::AuthIds with_digest = {{"ip", "127.0.0.1"}, {"digest", "u:h"}};
  ASSERT_TRUE(tree::fixup_acl({{31, {"auth", ""}}, {31, {"auth", ""}}}, with_digest, &out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].id, (proto::Id{"digest", "u:h"}));
}

TEST(Watches, StandardFireOncePersistentStay) {
  tree::WatchManager w;
  w.add_data("/a", 1);
  w.add_persistent("/a", 2, false);
  std::vector<tree::WatchEvent> ev;
  w.on_set_data("/a", ev);
  ASSERT_EQ(ev.size(), 2u);
  ev.clear();
  w.on_set_data("/a", ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].watcher, 2u);
}

TEST(Watches, DeleteNotifiesDataAndChildWatchersOnce) {
  tree::WatchManager w;
  w.add_data("/a/b", 1);
  w.add_child("/a/b", 1);
  w.add_child("/a", 3);
  std::vector<tree::WatchEvent> ev;
  w.on_delete("/a/b", ev);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].type, proto::event::kNodeDeleted);
  EXPECT_EQ(ev[0].watcher, 1u);
  EXPECT_EQ(ev[1].type, proto::event::kNodeChildrenChanged);
  EXPECT_EQ(ev[1].path, "/a");
}

TEST(Watches, RecursiveFiresForDescendantsButNotChildEvents) {
  tree::WatchManager w;
  w.add_persistent("/a", 7, true);
  std::vector<tree::WatchEvent> ev;
  w.on_create("/a/b/c", ev);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, proto::event::kNodeCreated);
  EXPECT_EQ(ev[0].path, "/a/b/c");
  ev.clear();
  w.on_create("/a/x", ev);  // parent /a's child change is not sent to recursive watchers
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].type, proto::event::kNodeCreated);
}

TEST(Watches, RemoveWatchesByType) {
  tree::WatchManager w;
  w.add_child("/a", 1);
  EXPECT_FALSE(w.remove_watches("/a", proto::watcher_type::kData, 1, true));
  EXPECT_TRUE(w.remove_watches("/a", proto::watcher_type::kChildren, 1, false));
  EXPECT_TRUE(w.remove_watches("/a", proto::watcher_type::kChildren, 1, true));
  EXPECT_FALSE(w.remove_watches("/a", proto::watcher_type::kAny, 1, true));
  EXPECT_EQ(w.watch_count(), 0u);
}
