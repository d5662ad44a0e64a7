// Four-letter-word replies for FakeServerView's default state. The expected texts are the
// replies a live Apache ZooKeeper 3.8.0 (Debian package) gave for the same state,
// except where a comment says why zkd differs.
#include "zkd/server/ops/four_letter.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <fstream>

#include "fake_server_view.h"
#include "zkd/server/ops/version.h"

namespace zkd::ops {
namespace {

using testing::FakeServerView;

class FourLetterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
  }
  std::string run(std::string_view word) {
    auto r = run_four_letter(word, view, all);
    EXPECT_EQ(r.action, FourLetterResult::Action::kReply) << word;
    return r.text;
  }
  FakeServerView view;
  FourLetterConfig all = parse_four_letter_whitelist("*");
};

TEST_F(FourLetterTest, RuokIsImokWithoutNewline) {
  EXPECT_EQ(run("ruok"), "imok");
}

TEST_F(FourLetterTest, IsroIsRwOrRo) {
  EXPECT_EQ(run("isro"), "rw");
  view.stats_value.read_only = true;
  EXPECT_EQ(run("isro"), "ro");
  view.serving = false;
  EXPECT_EQ(run("isro"), "null");
}

TEST_F(FourLetterTest, SrvrMatchesZooKeeper) {
  EXPECT_EQ(run("srvr"),
            "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\n"
            "Latency min/avg/max: 0/2.4375/10\n"
            "Received: 18\n"
            "Sent: 17\n"
            "Connections: 3\n"
            "Outstanding: 0\n"
            "Zxid: 0x7\n"
            "Mode: standalone\n"
            "Node count: 9\n");
}

TEST_F(FourLetterTest, SrvrAfterResetPrintsZeroAverageAsJavaDouble) {
  EXPECT_EQ(run("srst"), "Server stats reset.\n");
  EXPECT_EQ(view.server_resets, 1);
  std::string text = run("srvr");
  EXPECT_NE(text.find("\nLatency min/avg/max: 0/0.0/0\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\nReceived: 0\n"), std::string::npos) << text;
}

TEST_F(FourLetterTest, StatListsClientsBriefly) {
  EXPECT_EQ(run("stat"),
            "Zookeeper version: 3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC\n"
            "Clients:\n"
            " /127.0.0.1:50086[0](queued=0,recved=1,sent=0)\n"
            " /127.0.0.1:49656[1](queued=0,recved=13,sent=13)\n"
            " /127.0.0.1:49670[1](queued=0,recved=3,sent=3)\n"
            "\n"
            "Latency min/avg/max: 0/2.4375/10\n"
            "Received: 18\n"
            "Sent: 17\n"
            "Connections: 3\n"
            "Outstanding: 0\n"
            "Zxid: 0x7\n"
            "Mode: standalone\n"
            "Node count: 9\n");
}

TEST_F(FourLetterTest, ReadOnlyLineFollowsVersion) {
  view.stats_value.read_only = true;
  std::string text = run("srvr");
  EXPECT_EQ(text.substr(text.find('\n') + 1, 47),
            "READ-ONLY mode; serving only read-only clients\n");
}

TEST_F(FourLetterTest, ConsMatchesZooKeeper) {
  EXPECT_EQ(run("cons"),
            " /127.0.0.1:50086[0](queued=0,recved=1,sent=0)\n"
            " /127.0.0.1:49656[1](queued=0,recved=13,sent=13,sid=0x1000003fff80000,lop=PING,"
            "est=1796166502794,to=10000,lcxid=0xb,lzxid=0x7,lresp=272495,llat=1,minlat=0,"
            "avglat=2,maxlat=10)\n"
            " /127.0.0.1:49670[1](queued=0,recved=3,sent=3,sid=0x1000003fff80001,lop=PING,"
            "est=1796166502881,to=10000,lcxid=0x1,lzxid=0x7,lresp=272732,llat=1,minlat=0,"
            "avglat=0,maxlat=1)\n"
            "\n");
}

TEST_F(FourLetterTest, ConsAfterCrstOmitsLcxidAndPrintsMinusOneZxidAsHex) {
  EXPECT_EQ(run("crst"), "Connection stats reset.\n");
  std::string text = run("cons");
  EXPECT_NE(text.find(" /127.0.0.1:49656[1](queued=0,recved=0,sent=0,sid=0x1000003fff80000,"
                      "lop=NA,est=1796166502794,to=10000,lzxid=0xffffffffffffffff,lresp=0,"
                      "llat=0,minlat=0,avglat=0,maxlat=0)\n"),
            std::string::npos)
      << text;
}

TEST_F(FourLetterTest, InterestOpsPrintInHex) {
  view.connections_value[1].interest_ops = 5;
  EXPECT_NE(run("cons").find("49656[5]"), std::string::npos);
}

TEST_F(FourLetterTest, ConfMatchesZooKeeper) {
  EXPECT_EQ(run("conf"),
            "clientPort=54767\n"
            "secureClientPort=-1\n"
            "dataDir=/tmp/zkref/data/version-2\n"
            "dataDirSize=67109337\n"
            "dataLogDir=/tmp/zkref/data/version-2\n"
            "dataLogSize=67109337\n"
            "tickTime=2000\n"
            "maxClientCnxns=60\n"
            "minSessionTimeout=4000\n"
            "maxSessionTimeout=40000\n"
            "clientPortListenBacklog=-1\n"
            "serverId=0\n");
}

TEST_F(FourLetterTest, DumpMatchesZooKeeper) {
  EXPECT_EQ(run("dump"),
            "SessionTracker dump:\n"
            "Session Sets (3)/(2):\n"
            "0 expire at Tue Dec 01 23:08:33 UTC 2026:\n"
            "0 expire at Tue Dec 01 23:08:37 UTC 2026:\n"
            "2 expire at Tue Dec 01 23:08:39 UTC 2026:\n"
            "\t0x1000003fff80001\n"
            "\t0x1000003fff80000\n"
            "ephemeral nodes dump:\n"
            "Sessions with Ephemerals (1):\n"
            "0x1000003fff80000:\n"
            "\t/app/eph1\n"
            "\t/app/eph2\n"
            "Connections dump:\n"
            "Connections Sets (2)/(3):\n"
            "0 expire at Tue Dec 01 23:08:33 UTC 2026:\n"
            "3 expire at Tue Dec 01 23:08:43 UTC 2026:\n"
            "\tip: /127.0.0.1:50122 sessionId: 0x0\n"
            "\tip: /127.0.0.1:49656 sessionId: 0x1000003fff80000\n"
            "\tip: /127.0.0.1:49670 sessionId: 0x1000003fff80001\n");
}

TEST_F(FourLetterTest, WchsMatchesZooKeeper) {
  EXPECT_EQ(run("wchs"), "2 connections watching 2 paths\nTotal watches:3\n");
}

TEST_F(FourLetterTest, WchcMatchesZooKeeper) {
  EXPECT_EQ(run("wchc"),
            "0x1000003fff80000\n\t/missing\n\t/app/config\n"
            "0x1000003fff80001\n\t/app/config\n"
            "\n");
}

TEST_F(FourLetterTest, WchpGroupsByPathInSortedOrder) {
  // ZooKeeper printed the same groups in hash order (/missing first, then /app/config
  // with 0x...01 before 0x...00); zkd sorts paths and keeps session order.
  EXPECT_EQ(run("wchp"),
            "/app/config\n\t0x1000003fff80000\n\t0x1000003fff80001\n"
            "/missing\n\t0x1000003fff80000\n"
            "\n");
}

TEST_F(FourLetterTest, DirsMatchesZooKeeper) {
  EXPECT_EQ(run("dirs"), "datadir_size: 67109337\nlogdir_size: 67109337\n");
}

TEST_F(FourLetterTest, HashMatchesZooKeeper) {
  EXPECT_EQ(run("hash"), "80: 249765763861\n100: 525055100838\n");
  view.digests_value.clear();
  EXPECT_EQ(run("hash"), "");
}

TEST_F(FourLetterTest, EnviStartsWithEnvironmentAndVersion) {
  std::string text = run("envi");
  EXPECT_EQ(text.rfind("Environment:\nzookeeper.version=3.8.0-${mvngit.commit.id}, built on "
                       "2024-12-29 17:54 UTC\nhost.name=",
                       0),
            0u)
      << text;
  for (const char* key :
       {"\nos.name=", "\nos.arch=", "\nos.version=", "\nuser.name=", "\nuser.home=", "\nuser.dir=",
        "\nos.memory.free=", "\nos.memory.max=", "\nos.memory.total="}) {
    EXPECT_NE(text.find(key), std::string::npos) << key;
  }
}

TEST_F(FourLetterTest, TraceMaskDefaultsTo306AndStmkSetsIt) {
  EXPECT_EQ(run("gtmk"), "306");
  EXPECT_TRUE(four_letter_needs_argument("stmk"));
  auto r = run_four_letter("stmk", view, all, 1234);
  EXPECT_EQ(r.text, "1234");
  EXPECT_EQ(run("gtmk"), "1234");
  set_trace_mask(306);
}

TEST_F(FourLetterTest, NotServingPrintsZooKeepersMessage) {
  view.serving = false;
  const std::string msg = "This ZooKeeper instance is not currently serving requests\n";
  for (const char* w : {"srvr", "stat", "cons", "conf", "dump", "wchs", "wchc", "wchp", "mntr",
                        "dirs", "crst", "srst"}) {
    EXPECT_EQ(run(w), msg) << w;
  }
  EXPECT_EQ(run("hash"), "This ZooKeeper instance is not currently serving requests");
  EXPECT_EQ(run("ruok"), "imok");
}

TEST_F(FourLetterTest, DisabledWordGetsWhitelistMessage) {
  auto cfg = default_four_letter_config();
  auto r = run_four_letter("stat", view, cfg);
  EXPECT_EQ(r.action, FourLetterResult::Action::kReply);
  EXPECT_EQ(r.text, "stat is not executed because it is not in the whitelist.\n");
  EXPECT_EQ(run_four_letter("envi", view, cfg).text,
            "envi is not executed because it is not in the whitelist.\n");
  EXPECT_EQ(view.server_resets, 0);
  EXPECT_EQ(run_four_letter("srst", view, cfg).text,
            "srst is not executed because it is not in the whitelist.\n");
  EXPECT_EQ(view.server_resets, 0);
}

TEST_F(FourLetterTest, UnknownWordAndTelnetCloseJustClose) {
  for (std::string_view w : {"abcd", "telnet close", "RUOK", "ruo"}) {
    auto r = run_four_letter(w, view, all);
    EXPECT_EQ(r.action, FourLetterResult::Action::kClose) << w;
    EXPECT_TRUE(r.text.empty());
  }
}

TEST(VersionTest, StartsWithZooKeeperReleaseThenZkd) {
  std::string v = version_string();
  EXPECT_EQ(v.rfind("3.8.4-zkd-", 0), 0u) << v;
  EXPECT_NE(v.find(", built on "), std::string::npos) << v;
  EXPECT_EQ(v.substr(v.size() - 4), " UTC") << v;
}

}  // namespace
}  // namespace zkd::ops
