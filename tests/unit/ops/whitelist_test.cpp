#include "zkd/server/ops/whitelist.h"

#include <gtest/gtest.h>

namespace zkd::ops {
namespace {

uint32_t code(const char* w) {
  return (uint32_t(uint8_t(w[0])) << 24) | (uint32_t(uint8_t(w[1])) << 16) |
         (uint32_t(uint8_t(w[2])) << 8) | uint32_t(uint8_t(w[3]));
}

TEST(WhitelistTest, ZkdDefaultIsSrvrRuokMntrConfIsro) {
  auto cfg = default_four_letter_config();
  EXPECT_EQ(cfg.enabled,
            (std::set<std::string, std::less<>>{"srvr", "ruok", "mntr", "conf", "isro"}));
}

TEST(WhitelistTest, SrvrIsAlwaysEnabled) {
  EXPECT_TRUE(parse_four_letter_whitelist("").is_enabled("srvr"));
  EXPECT_TRUE(parse_four_letter_whitelist("ruok").is_enabled("srvr"));
  EXPECT_FALSE(parse_four_letter_whitelist("ruok").is_enabled("mntr"));
}

TEST(WhitelistTest, EntriesAreTrimmedAndEmptyOnesSkipped) {
  auto cfg = parse_four_letter_whitelist("ruok, mntr ,bogus,, stat\t,");
  EXPECT_TRUE(cfg.is_enabled("ruok"));
  EXPECT_TRUE(cfg.is_enabled("mntr"));
  EXPECT_TRUE(cfg.is_enabled("stat"));
  EXPECT_FALSE(cfg.is_enabled("conf"));
  EXPECT_FALSE(cfg.is_enabled(""));
}

TEST(WhitelistTest, StarEnablesEveryKnownWord) {
  for (const char* v : {"*", " * ", "ruok,*", "*,ruok"}) {
    auto cfg = parse_four_letter_whitelist(v);
    for (const auto& w : known_four_letter_words()) EXPECT_TRUE(cfg.is_enabled(w)) << v << w;
  }
}

TEST(WhitelistTest, UnknownWordsAreIgnored) {
  auto cfg = parse_four_letter_whitelist("bogus");
  EXPECT_FALSE(is_four_letter_word(code("bogu")));
  EXPECT_EQ(cfg.enabled.size(), 2u);  // bogus is kept (harmless) plus srvr, as ZooKeeper
}

TEST(WhitelistTest, ReadOnlyModeAddsIsro) {
  EXPECT_FALSE(parse_four_letter_whitelist("ruok").is_enabled("isro"));
  EXPECT_TRUE(parse_four_letter_whitelist("ruok", true).is_enabled("isro"));
}

TEST(WhitelistTest, KnownWordsAreZooKeeper380s) {
  EXPECT_EQ(known_four_letter_words(),
            (std::set<std::string, std::less<>>{"conf", "cons", "crst", "dirs", "dump", "envi",
                                                "gtmk", "ruok", "stmk", "srst", "srvr", "stat",
                                                "wchc", "wchp", "wchs", "mntr", "isro", "hash"}));
}

TEST(WhitelistTest, FirstFourBytesDetection) {
  EXPECT_EQ(code("ruok"), 0x72756f6bu);
  for (const auto& w : known_four_letter_words()) {
    ASSERT_TRUE(is_four_letter_word(code(w.c_str()))) << w;
    EXPECT_EQ(*four_letter_word(code(w.c_str())), w);
  }
  EXPECT_EQ(*four_letter_word(0xfff4fffdu), "telnet close");
  // A real ConnectRequest starts with a small length: never a word.
  EXPECT_FALSE(is_four_letter_word(0x0000002cu));
  EXPECT_FALSE(is_four_letter_word(code("abcd")));
  EXPECT_FALSE(is_four_letter_word(code("RUOK")));
}

}  // namespace
}  // namespace zkd::ops
