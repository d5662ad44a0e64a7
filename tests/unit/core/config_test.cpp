#include <gtest/gtest.h>

#include <fstream>

#include "zkd/server/config.h"

using namespace zkd::server;

namespace {
std::string write_cfg(const std::string& text) {
  std::string path = testing::TempDir() + "/zoo_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                     ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".cfg";
  std::ofstream(path) << text;
  return path;
}
}  // namespace

TEST(Config, ParsesZooCfgAndDefines) {
  std::string p = write_cfg(
      "tickTime=2000\ndataDir=/tmp/x\nclientPort=2182\n# c\nsnapCount=50\nsnapSizeLimitInKb=1024\n");
  ServerConfig c;
  auto r = load_config(p, {"zookeeper.extendedTypesEnabled=true", "jute.maxbuffer=2000000"}, &c);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(c.tick_ms, 2000);
  EXPECT_EQ(c.client_port, 2182);
  EXPECT_EQ(c.snap_count, 50);
  EXPECT_EQ(c.snap_size_limit_kb, 1024);
  EXPECT_TRUE(c.extended_types);
  EXPECT_EQ(c.jute_max_buffer, 2000000);
  EXPECT_EQ(c.min_session_ms(), 4000);
  EXPECT_EQ(c.max_session_ms(), 40000);
}

TEST(Config, MalformedValueNamesFileAndLine) {
  std::string p = write_cfg("dataDir=/tmp/x\ntickTime=abc\n");
  ServerConfig c;
  auto r = load_config(p, {}, &c);
  ASSERT_FALSE(r.ok);
  EXPECT_NE(r.error.find(p + ":2:"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("tickTime"), std::string::npos);
}

TEST(Config, ContradictionsStopStartup) {
  ServerConfig c1;
  EXPECT_FALSE(load_config(write_cfg("clientPort=1\n"), {}, &c1).ok);  // no dataDir
  ServerConfig c2;
  auto r = load_config(write_cfg("dataDir=/x\nminSessionTimeout=9000\nmaxSessionTimeout=5000\n"), {}, &c2);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("minSessionTimeout"), std::string::npos);
  ServerConfig c3;
  EXPECT_FALSE(load_config(write_cfg("dataDir=/x\nclientPort=8080\n"), {}, &c3).ok);  // admin port
}

TEST(Config, UnknownKeysWarn) {
  ServerConfig c;
  auto r = load_config(write_cfg("dataDir=/x\nfrobnicate=1\n"), {"zookeeper.nosuch=1"}, &c);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.warnings.size(), 2u);
}
