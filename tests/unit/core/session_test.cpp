#include <gtest/gtest.h>

#include "zkd/session/session_table.h"

using zkd::session::SessionTable;

TEST(Sessions, NegotiationClamps) {
  EXPECT_EQ(SessionTable::negotiate(1000, 4000, 40000), 4000);
  EXPECT_EQ(SessionTable::negotiate(100000, 4000, 40000), 40000);
  EXPECT_EQ(SessionTable::negotiate(10000, 4000, 40000), 10000);
}

TEST(Sessions, ExpireByTickBuckets) {
  SessionTable t(2000);
  t.add(1, 4000, 0);  // bucket ((0+4000)/2000+1)*2000 = 6000
  EXPECT_TRUE(t.take_expired(5999).empty());
  t.touch(1, 3000);  // bucket 8000
  EXPECT_TRUE(t.take_expired(6000).empty());
  auto expired = t.take_expired(8000);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_TRUE(t.find(1)->closing);
  EXPECT_FALSE(t.touch(1, 9000));
}

TEST(Sessions, IdsStartWithServerIdAndNeverRepeat) {
  SessionTable t(2000);
  t.init_ids(3, 1700000000000);
  int64_t a = t.next_id();
  EXPECT_EQ(static_cast<uint64_t>(a) >> 56, 3u);
  t.add(a + 5, 4000, 0);
  EXPECT_GT(t.next_id(), a + 5);
}

TEST(Sessions, PasswordIsStablePerIdAndSecret) {
  SessionTable t(2000);
  t.set_secret(99);
  EXPECT_EQ(t.password(7).size(), 16u);
  EXPECT_EQ(t.password(7), t.password(7));
  EXPECT_NE(t.password(7), t.password(8));
}
