// Pure-function tests (no server): connect strings, paths, chroot mapping, JSON/base64,
// zkCli ACL syntax and Stat rendering.
#include "zkctl/format.h"

#include <gtest/gtest.h>

#include "zkctl/cli.h"
#include "zkctl/json.h"
#include "zkd/client/connect_string.h"

namespace zc = zkd::client;

TEST(ConnectString, ParsesHostsPortsAndChroot) {
  zc::ConnectString cs;
  std::string e;
  ASSERT_TRUE(zc::parse_connect_string("a:1,b,[::1]:3/app/x", &cs, &e)) << e;
  ASSERT_EQ(cs.hosts.size(), 3u);
  EXPECT_EQ(cs.hosts[0].host, "a");
  EXPECT_EQ(cs.hosts[0].port, 1);
  EXPECT_EQ(cs.hosts[1].port, 2181);
  EXPECT_EQ(cs.hosts[2].host, "::1");
  EXPECT_EQ(cs.chroot, "/app/x");
  ASSERT_TRUE(zc::parse_connect_string("h:2181/", &cs, &e));
  EXPECT_EQ(cs.chroot, "");
  for (const char* bad : {"", ",", ":1", "h:0", "h:99999", "h:x", "h:1/a/", "[::1"}) {
    EXPECT_FALSE(zc::parse_connect_string(bad, &cs, &e)) << bad;
  }
}

TEST(Paths, ValidationFollowsPathUtils) {
  EXPECT_EQ(zc::validate_path("/"), "");
  EXPECT_EQ(zc::validate_path("/a/b"), "");
  EXPECT_NE(zc::validate_path(""), "");
  EXPECT_NE(zc::validate_path("a"), "");
  EXPECT_NE(zc::validate_path("/a/"), "");
  EXPECT_EQ(zc::validate_path("/a/", true), "");  // sequential prefix
  EXPECT_NE(zc::validate_path("/a//b"), "");
  EXPECT_NE(zc::validate_path("/a/./b"), "");
  EXPECT_NE(zc::validate_path("/a/.."), "");
  EXPECT_NE(zc::validate_path(std::string("/a\0b", 4)), "");
  EXPECT_NE(zc::validate_path("/a\x01"), "");
}

TEST(Chroot, PrependAndStrip) {
  EXPECT_EQ(zc::prepend_chroot("", "/x"), "/x");
  EXPECT_EQ(zc::prepend_chroot("/app", "/"), "/app");
  EXPECT_EQ(zc::prepend_chroot("/app", "/x"), "/app/x");
  EXPECT_EQ(zc::strip_chroot("/app", "/app"), "/");
  EXPECT_EQ(zc::strip_chroot("/app", "/app/x"), "/x");
  EXPECT_EQ(zc::strip_chroot("/app", "/apple"), "/apple");
}

TEST(Json, QuotesEscapesAndBuilds) {
  EXPECT_EQ(zkctl::json_quote("a\"b\\\n\x01"), "\"a\\\"b\\\\\\n\\u0001\"");
  EXPECT_EQ(zkctl::json_quote("\xff"), "\"\\ufffd\"");
  EXPECT_EQ(zkctl::json_quote("é"), "\"é\"");
  zkctl::Json j;
  j.begin_object().key("a").num(1).key("b").begin_array().str("x").boolean(true).null();
  j.end_array().end_object();
  EXPECT_EQ(j.text(), "{\"a\": 1, \"b\": [\"x\", true, null]}");
}

TEST(Base64, RoundTrips) {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    std::string back;
    ASSERT_TRUE(zkctl::base64_decode(zkctl::base64_encode(s), &back));
    EXPECT_EQ(back, s);
  }
  EXPECT_EQ(zkctl::base64_encode("hello"), "aGVsbG8=");
  std::string out;
  EXPECT_FALSE(zkctl::base64_decode("a$b=", &out));
  EXPECT_EQ(zkctl::hex_encode(std::string("\x00\xff", 2)), "00ff");
}

TEST(Acl, ParsesZkCliSyntax) {
  zc::ACLs acl;
  EXPECT_EQ(zkctl::parse_acl("world:anyone:cdrwa,digest:u:abc=:r,ip:10.0.0.1:rw", &acl), "");
  ASSERT_EQ(acl.size(), 3u);
  EXPECT_EQ(acl[0].perms, 31);
  EXPECT_EQ(acl[1].id.id, "u:abc=");
  EXPECT_EQ(acl[1].perms, 1);
  EXPECT_EQ(acl[2].perms, 3);
  EXPECT_NE(zkctl::parse_acl("world:anyone", &acl), "");
  EXPECT_NE(zkctl::parse_acl("world:anyone:q", &acl), "");
  EXPECT_EQ(zkctl::perms_string(31), "cdrwa");
  EXPECT_EQ(zkctl::acl_lines({zc::ACL{1, zc::Id{"world", "anyone"}}}),
            (std::vector<std::string>{"'world,'anyone", ": r"}));
}

TEST(Stat, RendersLikeZkCli) {
  zc::Stat s;
  s.czxid = 0x1a;
  s.pzxid = 0x2b;
  s.cversion = -1;
  s.ephemeralOwner = 0x100000471ee0065;
  auto lines = zkctl::stat_lines(s);
  ASSERT_EQ(lines.size(), 11u);
  EXPECT_EQ(lines[0], "cZxid = 0x1a");
  EXPECT_EQ(lines[4], "pZxid = 0x2b");
  EXPECT_EQ(lines[5], "cversion = -1");
  EXPECT_EQ(lines[8], "ephemeralOwner = 0x100000471ee0065");
  zkctl::Json j;
  zkctl::stat_json(j, s);
  EXPECT_EQ(j.text().rfind("{\"czxid\": 26, \"mzxid\": 0,", 0), 0u);
  EXPECT_EQ(zkctl::node_type(s), "ephemeral");
  s.ephemeralOwner = static_cast<int64_t>(0xFF00000000000000ULL | 5000);
  int64_t ttl = 0;
  EXPECT_EQ(zkctl::node_type(s, &ttl), "ttl");
  EXPECT_EQ(ttl, 5000);
}

TEST(Paths, DepthFirstOrder) {
  std::vector<std::string> v = {"/a-b", "/a/b", "/a", "/", "/a/b/c", "/b"};
  zkctl::sort_paths_dfs(&v);
  EXPECT_EQ(v, (std::vector<std::string>{"/", "/a", "/a/b", "/a/b/c", "/a-b", "/b"}));
}

TEST(Flags, ParsesSpecs) {
  zkctl::Args a;
  EXPECT_EQ(zkctl::parse_flags({"set", "-s", "/a", "-1", "-v", "3"}, 1, {"s", "v:"}, &a), "");
  EXPECT_TRUE(a.has("s"));
  EXPECT_EQ(a.get("v"), "3");
  EXPECT_EQ(a.pos, (std::vector<std::string>{"/a", "-1"}));
  zkctl::Args b;
  EXPECT_EQ(zkctl::parse_flags({"tree", "--depth=2", "--", "-s"}, 1, {"depth:"}, &b), "");
  EXPECT_EQ(b.get("depth"), "2");
  EXPECT_EQ(b.pos, std::vector<std::string>{"-s"});
  zkctl::Args c;
  EXPECT_NE(zkctl::parse_flags({"ls", "-q"}, 1, {"s"}, &c), "");
  EXPECT_NE(zkctl::parse_flags({"ls", "-v"}, 1, {"v:"}, &c), "");
}
