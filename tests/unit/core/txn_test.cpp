#include <gtest/gtest.h>

#include "zkd/proto/ops.h"
#include "zkd/txn/apply.h"
#include "zkd/txn/prep.h"
#include "zkd/txn/reply.h"

using namespace zkd;
namespace op = proto::op;
namespace err = proto::err;

namespace {

struct Fixture {
  tree::DataTree tree;
  tree::WatchManager watches;
  session::SessionTable sessions{2000};
  txn::Prepper prep{tree, sessions, txn::PrepOptions{true}};
  txn::Applier apply{tree, &watches};
  tree::AuthIds auth{{"ip", "127.0.0.1"}};
  int64_t zxid = 0;

  Fixture() { sessions.add(0x10, 4000, 0); }

  txn::Txn prep_only(int32_t opcode, const std::string& body) {
    txn::WriteRequest r;
    r.opcode = opcode;
    r.session_id = 0x10;
    r.auth = &auth;
    r.body = body;
    ++zxid;
    return prep.prep(r, zxid, 1000 + zxid);
  }
  txn::ApplyResult run(const txn::Txn& t) {
    auto result = apply.apply(t);
    prep.applied(t.zxid);
    return result;
  }
};

std::string create_body(const std::string& path, int32_t flags = 0, int32_t opcode = op::kCreate,
                        int64_t ttl = -1) {
  std::string b;
  proto::Writer w(&b);
  proto::CreateRequest c;
  c.path = path;
  c.data = "d";
  c.acl = {{proto::perm::kAll, {"world", "anyone"}}};
  c.flags = flags;
  c.ttl = ttl;
  proto::write(w, c, opcode);
  return b;
}

std::string delete_body(const std::string& path, int32_t version = -1) {
  std::string b;
  proto::Writer w(&b);
  proto::write(w, proto::PathVersionRequest{path, version});
  return b;
}

}  // namespace

TEST(Prep, SeesOutstandingChanges) {
  Fixture f;
  txn::Txn a = f.prep_only(op::kCreate, create_body("/x"));
  txn::Txn b = f.prep_only(op::kCreate, create_body("/x"));
  EXPECT_EQ(a.type, op::kCreate);
  EXPECT_EQ(b.type, op::kError);
  EXPECT_EQ(b.err, err::kNodeExists);
  // A child of the not-yet-applied node can be prepped too.
  txn::Txn c = f.prep_only(op::kCreate, create_body("/x/y"));
  EXPECT_EQ(c.type, op::kCreate);
  f.run(a);
  f.run(b);
  f.run(c);
  EXPECT_NE(f.tree.find("/x/y"), nullptr);
  EXPECT_EQ(f.prep.outstanding_changes(), 0u);
}

TEST(Prep, SequentialNamesUseParentCreateCount) {
  Fixture f;
  f.run(f.prep_only(op::kCreate, create_body("/s")));
  txn::Txn a = f.prep_only(op::kCreate, create_body("/s/n-", 2));
  txn::Txn b = f.prep_only(op::kCreate, create_body("/s/n-", 2));
  EXPECT_EQ(a.path, "/s/n-0000000000");
  EXPECT_EQ(b.path, "/s/n-0000000001");
}

TEST(Prep, ErrorsFollowZooKeeperOrder) {
  Fixture f;
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("/a/b")).err, err::kNoNode);
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("/bad/")).err, err::kNoNode);
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("nope")).err, err::kBadArguments);
  EXPECT_EQ(f.prep_only(op::kDelete, delete_body("/zookeeper")).err, err::kBadArguments);
  EXPECT_EQ(f.prep_only(op::kDelete, delete_body("/missing")).err, err::kNoNode);
  f.run(f.prep_only(op::kCreate, create_body("/e", 1)));
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("/e/c")).err, err::kNoChildrenForEphemerals);
  EXPECT_EQ(f.prep_only(op::kDelete, delete_body("/e", 5)).err, err::kBadVersion);
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("/t", 5, op::kCreateTTL, 0)).err, err::kBadArguments);
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("/t", 9)).err, err::kBadArguments);
}

TEST(Prep, MultiFailsAtomically) {
  Fixture f;
  std::string body;
  proto::Writer w(&body);
  proto::write(w, proto::MultiHeader{op::kCreate, false, -1});
  w.raw(create_body("/m1"));
  proto::write(w, proto::MultiHeader{op::kDelete, false, -1});
  w.raw(delete_body("/missing"));
  proto::write(w, proto::MultiHeader{op::kCreate, false, -1});
  w.raw(create_body("/m2"));
  proto::write(w, proto::MultiHeader{-1, true, -1});
  txn::Txn t = f.prep_only(op::kMulti, body);
  ASSERT_EQ(t.ops.size(), 3u);
  EXPECT_EQ(t.ops[0].err, 0);
  EXPECT_EQ(t.ops[1].err, err::kNoNode);
  EXPECT_EQ(t.ops[2].err, err::kRuntimeInconsistency);
  auto result = f.run(t);
  EXPECT_EQ(f.tree.find("/m1"), nullptr);
  std::string reply;
  EXPECT_EQ(txn::write_reply(op::kMulti, body, result, &reply), err::kOk);
  // Three error results (-1, false, err) + int32 body, then the terminator.
  EXPECT_EQ(reply.size(), 3 * (9 + 4) + 9u);
}

TEST(Prep, CloseSessionDeletesEphemeralsIncludingOutstanding) {
  Fixture f;
  f.run(f.prep_only(op::kCreate, create_body("/e1", 1)));
  txn::Txn pending = f.prep_only(op::kCreate, create_body("/e2", 1));
  txn::Txn close = f.prep_only(op::kCloseSession, "");
  EXPECT_EQ(close.paths, (std::vector<std::string>{"/e1", "/e2"}));
  // After closeSession is prepped the session accepts no more writes.
  EXPECT_EQ(f.prep_only(op::kCreate, create_body("/x")).err, err::kSessionExpired);
  f.run(pending);
  auto result = f.run(close);
  EXPECT_EQ(f.tree.ephemeral_count(), 0);
  (void)result;
}

TEST(Txn, EncodeDecodeRoundTrip) {
  txn::Txn t;
  t.session_id = 5;
  t.cxid = 6;
  t.zxid = 7;
  t.time_ms = 8;
  t.type = op::kMulti;
  txn::Txn c;
  c.type = op::kCreate;
  c.path = "/a";
  c.data = std::string("\0x", 2);
  c.acl = {{31, {"world", "anyone"}}};
  c.owner = 9;
  c.parent_cversion = 3;
  t.ops.push_back(c);
  txn::Txn e;
  e.type = op::kError;
  e.err = -101;
  t.ops.push_back(e);
  txn::Txn back;
  ASSERT_TRUE(txn::decode(txn::encode(t), &back));
  EXPECT_EQ(txn::encode(back), txn::encode(t));
  EXPECT_FALSE(txn::decode(txn::encode(t).substr(0, 20), &back));
}
