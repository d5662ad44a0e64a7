// The log as a chain of segment files: rotation, replay across segments, purge by whole
// files, truncation across segments, and the checks that keep the chain whole.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "test_util.h"
#include "zkd/storage/log_segment.h"

namespace zkd::storage {
namespace {

using testing::config_for;
using testing::entries;
using testing::must_open;
using testing::replay_all;
using testing::TempDir;

std::vector<std::string> segment_files(const TempDir& dir) {
  std::vector<std::string> names;
  for (auto& e : std::filesystem::directory_iterator(dir.path())) {
    std::string n = e.path().filename().string();
    if (n.rfind("zkd-log.", 0) == 0 && n.size() > 3 && n.compare(n.size() - 3, 3, ".db") == 0) {
      names.push_back(n);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

StoreConfig small_segments(const TempDir& dir, int64_t entries_per_segment) {
  StoreConfig c = config_for(dir);
  c.log_segment_entries = entries_per_segment;
  return c;
}

TEST(LogSegments, FullSegmentRotatesAndReplayCrossesSegmentsInOrder) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  {
    auto s = must_open(c);
    for (int64_t z = 1; z <= 20; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
    ASSERT_TRUE(s->append(entries(21, 22)).ok);
  }
  // Named by the first zxid written to each (the first one is created empty, at 0).
  EXPECT_EQ(segment_files(dir),
            (std::vector<std::string>{"zkd-log.0000000000000000.db", "zkd-log.0000000000000006.db",
                                      "zkd-log.000000000000000b.db", "zkd-log.0000000000000010.db",
                                      "zkd-log.0000000000000015.db"}));
  auto s = must_open(c);
  EXPECT_EQ(s->last_logged_zxid(), 22);
  auto log = replay_all(s.get());
  ASSERT_EQ(log.size(), 22u);
  for (size_t i = 0; i < log.size(); ++i) EXPECT_EQ(log[i].first, static_cast<int64_t>(i + 1));
  auto tail = replay_all(s.get(), 12);
  ASSERT_EQ(tail.size(), 10u);
  EXPECT_EQ(tail.front().first, 13);
  EXPECT_EQ(s->stats().log_entries_since_checkpoint, 22);
}

TEST(LogSegments, RotatesByWalSize) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.log_segment_bytes = 1;  // every commit fills the segment
  auto s = must_open(c);
  for (int64_t z = 1; z <= 3; ++z) ASSERT_TRUE(s->append(entries(z, z)).ok);
  EXPECT_EQ(segment_files(dir).size(), 3u);
  EXPECT_EQ(replay_all(s.get()).size(), 3u);
}

TEST(LogSegments, PurgeDeletesWholeSegmentsCoveredByTheOldestCheckpoint) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 10);
  c.snap_retain_count = 1;
  auto s = must_open(c);
  for (int64_t z = 1; z <= 30; z += 10) ASSERT_TRUE(s->append(entries(z, z + 9)).ok);
  ASSERT_EQ(segment_files(dir).size(), 3u);
  // 15 is inside the second segment: only the first (1-10) is wholly covered.
  ASSERT_TRUE(s->write_checkpoint(15, {"x"}).ok);
  EXPECT_EQ(segment_files(dir), (std::vector<std::string>{"zkd-log.000000000000000b.db",
                                                          "zkd-log.0000000000000015.db"}));
  EXPECT_EQ(replay_all(s.get()).front().first, 11);
  EXPECT_EQ(s->stats().log_entries_since_checkpoint, 15);
  // The newest segment is never purged, even when a checkpoint covers all of it.
  ASSERT_TRUE(s->write_checkpoint(30, {"y"}).ok);
  EXPECT_EQ(segment_files(dir), (std::vector<std::string>{"zkd-log.0000000000000015.db"}));
  EXPECT_EQ(s->stats().log_entries_since_checkpoint, 0);
  s.reset();
  s = must_open(c);
  EXPECT_EQ(s->last_logged_zxid(), 30);
  EXPECT_FALSE(s->append(entries(30, 30)).ok);
  EXPECT_TRUE(s->append(entries(31, 31)).ok);
}

TEST(LogSegments, MissingSegmentInTheMiddleRefusesToStart) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  {
    auto s = must_open(c);
    for (int64_t z = 1; z <= 15; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
  }
  auto files = segment_files(dir);
  ASSERT_EQ(files.size(), 3u);
  std::filesystem::remove(dir / files[1]);
  Status st;
  EXPECT_EQ(open_store(c, &st), nullptr);
  EXPECT_NE(st.message.find("log entries are missing"), std::string::npos) << st.message;
  EXPECT_NE(st.message.find(files[2]), std::string::npos) << st.message;
  // Nothing was moved or deleted: the operator can put the file back.
  EXPECT_EQ(segment_files(dir).size(), 2u);
}

TEST(LogSegments, MissingNewestSegmentRefusesToStart) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  {
    auto s = must_open(c);
    for (int64_t z = 1; z <= 10; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
  }
  auto files = segment_files(dir);
  ASSERT_EQ(files.size(), 2u);
  std::filesystem::rename(dir / files[1], dir / (files[1] + ".corrupt-1"));
  Status st;
  EXPECT_EQ(open_store(c, &st), nullptr);
  EXPECT_NE(st.message.find(files[1] + " is missing"), std::string::npos) << st.message;
}

TEST(LogSegments, UnfinishedNewSegmentFromACrashIsDropped) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  {
    auto s = must_open(c);
    for (int64_t z = 1; z <= 10; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
  }
  // A crash right after the next segment's file was created: empty, no metadata.
  std::ofstream(dir / "zkd-log.000000000000000b.db").close();
  auto s = must_open(c);
  EXPECT_FALSE(std::filesystem::exists(dir / "zkd-log.000000000000000b.db"));
  EXPECT_EQ(s->last_logged_zxid(), 10);
  EXPECT_EQ(replay_all(s.get()).size(), 10u);
  ASSERT_TRUE(s->append(entries(11, 15)).ok);
  s.reset();
  EXPECT_EQ(replay_all(must_open(c).get()).size(), 15u);
}

// The set-up of a new segment was cut short after its format and database id were
// written, and the start that finds it is itself killed before it removes the file. That
// start must not have written prev_last_zxid into it: a file that looks finished but
// starts the chain at 0 would make every later start refuse (found by the kill -9 test).
TEST(LogSegments, UnfinishedSegmentStaysUnfinishedUntilARecoveryRemovesIt) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  {
    auto s = must_open(c);
    for (int64_t z = 1; z <= 10; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
  }
  std::string first = (dir / "zkd-log.0000000000000000.db");
  std::string next = (dir / "zkd-log.000000000000000b.db");
  ASSERT_EQ(testing::sql(next, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL, "
                               "crc INTEGER NOT NULL); ATTACH '" + first + "' AS done; "
                               "INSERT INTO meta SELECT * FROM done.meta WHERE key NOT IN "
                               "('prev_last_zxid', 'next_segment')"),
            SQLITE_OK);
  std::string database_id;
  {
    sqlite3* db = nullptr;
    sqlite3_open(next.c_str(), &db);
    sqlite3_stmt* q = nullptr;
    sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'database_id'", -1, &q, nullptr);
    if (sqlite3_step(q) == SQLITE_ROW) {
      database_id = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    }
    sqlite3_finalize(q);
    sqlite3_close(db);
  }
  ASSERT_FALSE(database_id.empty());
  // What a recovery does with the newest file before it decides to remove it, twice over.
  for (int i = 0; i < 2; ++i) {
    Status st;
    bool corrupt = false;
    auto seg = LogSegment::open(next, "", /*force_sync=*/true, database_id,
                                /*finish_setup=*/false, /*prev_last_zxid=*/0, /*verify=*/true,
                                &st, &corrupt);
    ASSERT_NE(seg, nullptr) << st.message;
    EXPECT_TRUE(seg->unfinished());
    seg->release();
  }
  auto s = must_open(c);
  EXPECT_FALSE(std::filesystem::exists(next));
  EXPECT_EQ(s->last_logged_zxid(), 10);
  ASSERT_TRUE(s->append(entries(11, 15)).ok);
  s.reset();
  EXPECT_EQ(replay_all(must_open(c).get()).size(), 15u);
}

TEST(LogSegments, TruncateDropsLaterSegmentsAndTheTailOfTheOneThatEnds) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  auto s = must_open(c);
  for (int64_t z = 1; z <= 15; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
  ASSERT_TRUE(s->truncate_log(7).ok);
  EXPECT_EQ(s->last_logged_zxid(), 7);
  EXPECT_EQ(segment_files(dir).size(), 2u);
  ASSERT_TRUE(s->append(entries(8, 9)).ok);
  s.reset();
  s = must_open(c);
  auto log = replay_all(s.get());
  ASSERT_EQ(log.size(), 9u);
  EXPECT_EQ(log.back().first, 9);
}

// truncate_after clears a segment's next_segment before it removes the segment after it.
// A crash in between leaves exactly this: the chain must still open, whole.
TEST(LogSegments, CrashBetweenUnlinkingAndRemovingTheNewestSegmentKeepsTheChain) {
  TempDir dir;
  StoreConfig c = small_segments(dir, 5);
  {
    auto s = must_open(c);
    for (int64_t z = 1; z <= 10; z += 5) ASSERT_TRUE(s->append(entries(z, z + 4)).ok);
  }
  auto files = segment_files(dir);
  ASSERT_EQ(files.size(), 2u);
  ASSERT_EQ(testing::sql(dir / files[0], "DELETE FROM meta WHERE key = 'next_segment'"),
            SQLITE_OK);
  auto s = must_open(c);
  EXPECT_EQ(s->last_logged_zxid(), 10);
  EXPECT_EQ(replay_all(s.get()).size(), 10u);
  ASSERT_TRUE(s->truncate_log(3).ok);
  s.reset();
  EXPECT_EQ(segment_files(dir).size(), 1u);
  EXPECT_EQ(replay_all(must_open(c).get()).size(), 3u);
}

TEST(LogSegments, OldSingleFileLogIsRefusedWithAClearMessage) {
  TempDir dir;
  { must_open(config_for(dir)); }
  std::filesystem::copy_file(dir / "zkd-log.0000000000000000.db", dir / "zkd-log.db");
  Status st;
  EXPECT_EQ(open_store(config_for(dir), &st), nullptr);
  EXPECT_NE(st.message.find("zkd-log.db is a log in the single-file format"), std::string::npos)
      << st.message;
  EXPECT_TRUE(std::filesystem::exists(dir / "zkd-log.db"));
}

}  // namespace
}  // namespace zkd::storage
