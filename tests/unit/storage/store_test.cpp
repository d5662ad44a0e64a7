// Store: append/replay, reopen, checkpoints, purge, metadata, myid.
#include "zkd/storage/store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"

namespace zkd::storage {
namespace {

using testing::config_for;
using testing::entries;
using testing::must_open;
using testing::replay_all;
using testing::TempDir;

std::vector<std::string> load_all(Store* s) {
  std::vector<std::string> out;
  Status st = s->load_checkpoint([&](std::string_view r) { out.emplace_back(r); });
  EXPECT_TRUE(st.ok) << st.message;
  return out;
}

std::vector<std::string> records(int n, const std::string& tag) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(tag + "/" + std::to_string(i));
  return v;
}

TEST(Store, AppendThenReplayInZxidOrder) {
  TempDir dir;
  auto s = must_open(config_for(dir));
  ASSERT_TRUE(s->append(entries(1, 5)).ok);
  ASSERT_TRUE(s->append(entries(6, 6)).ok);
  ASSERT_TRUE(s->append({{0x100000001, "epoch1"}}).ok);
  auto got = replay_all(s.get());
  ASSERT_EQ(got.size(), 7u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(got[i].first, i + 1);
  EXPECT_EQ(got[5].second, "txn-6");
  EXPECT_EQ(got[6].first, 0x100000001);
  EXPECT_EQ(s->last_logged_zxid(), 0x100000001);
  EXPECT_EQ(replay_all(s.get(), 4).size(), 3u);
}

TEST(Store, RejectsNonIncreasingZxidWithoutFailing) {
  TempDir dir;
  auto s = must_open(config_for(dir));
  ASSERT_TRUE(s->append(entries(1, 3)).ok);
  EXPECT_FALSE(s->append(entries(3, 4)).ok);
  EXPECT_FALSE(s->append({{5, "a"}, {5, "b"}}).ok);
  EXPECT_FALSE(s->failed());
  EXPECT_TRUE(s->append(entries(4, 4)).ok);
  EXPECT_EQ(replay_all(s.get()).size(), 4u);
}

TEST(Store, EmptyAndBinaryTxnsRoundTrip) {
  TempDir dir;
  auto s = must_open(config_for(dir));
  std::string bin("\0\x01\xff\0", 4);
  ASSERT_TRUE(s->append({{1, ""}, {2, bin}}).ok);
  auto got = replay_all(s.get());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].second, "");
  EXPECT_EQ(got[1].second, bin);
}

TEST(Store, ReopenRecoversEverything) {
  TempDir dir;
  {
    auto s = must_open(config_for(dir));
    ASSERT_TRUE(s->append(entries(1, 100)).ok);
    ASSERT_TRUE(s->write_checkpoint(50, records(10, "cp50")).ok);
    ASSERT_TRUE(s->set_meta("current_epoch", "7").ok);
  }
  auto s = must_open(config_for(dir));
  EXPECT_EQ(s->checkpoint_zxid(), 50);
  EXPECT_EQ(s->last_logged_zxid(), 100);
  EXPECT_EQ(load_all(s.get()), records(10, "cp50"));
  auto tail = replay_all(s.get(), s->checkpoint_zxid());
  ASSERT_EQ(tail.size(), 50u);
  EXPECT_EQ(tail.front().first, 51);
  EXPECT_EQ(tail.back().second, "txn-100");
  EXPECT_EQ(s->get_meta("current_epoch"), "7");
  EXPECT_EQ(s->get_meta("missing", "dflt"), "dflt");
  EXPECT_EQ(s->get_meta("format"), "zkd-state");
  EXPECT_FALSE(s->get_meta("database_id").empty());
}

TEST(Store, SeparateDataLogDir) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.data_log_dir = dir / "log";
  {
    auto s = must_open(c);
    ASSERT_TRUE(s->append(entries(1, 3)).ok);
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "log/zkd-log.0000000000000000.db"));
  EXPECT_FALSE(std::filesystem::exists(dir / "zkd-log.0000000000000000.db"));
  EXPECT_TRUE(std::filesystem::exists(dir / "zkd-state.db"));
  auto s = must_open(c);
  EXPECT_EQ(replay_all(s.get()).size(), 3u);
  // Pointing the same state at another (empty) log dir is refused: history would be lost.
  s.reset();
  c.data_log_dir = dir / "other";
  Status st;
  EXPECT_EQ(open_store(c, &st), nullptr);
  EXPECT_NE(st.message.find("zkd-log.*.db is missing"), std::string::npos) << st.message;
}

TEST(Store, DataLogDirSpelledDifferentlyIsTheSameDir) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.data_log_dir = dir.path() + "/./";
  auto s = must_open(c);
  ASSERT_TRUE(s->append(entries(1, 1)).ok);
}

TEST(Store, LogFromAnotherDatabaseIsRefused) {
  TempDir a, b;
  { must_open(config_for(a))->append(entries(1, 2)); }
  { must_open(config_for(b)); }
  std::filesystem::copy_file(a / "zkd-log.0000000000000000.db", b / "zkd-log.0000000000000000.db",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::remove(b / "zkd-log.0000000000000000.db-wal");
  Status st;
  EXPECT_EQ(open_store(config_for(b), &st), nullptr);
  EXPECT_NE(st.message.find("belongs to database"), std::string::npos) << st.message;
}

TEST(Store, CheckpointPlusLogTailReplay) {
  TempDir dir;
  auto s = must_open(config_for(dir));
  EXPECT_EQ(s->checkpoint_zxid(), 0);
  EXPECT_TRUE(load_all(s.get()).empty());
  ASSERT_TRUE(s->append(entries(1, 10)).ok);
  ASSERT_TRUE(s->write_checkpoint(10, records(3, "a")).ok);
  ASSERT_TRUE(s->append(entries(11, 15)).ok);
  EXPECT_EQ(s->checkpoint_zxid(), 10);
  EXPECT_EQ(load_all(s.get()), records(3, "a"));
  auto tail = replay_all(s.get(), s->checkpoint_zxid());
  ASSERT_EQ(tail.size(), 5u);
  EXPECT_EQ(tail[0].first, 11);
  EXPECT_EQ(s->stats().log_entries_since_checkpoint, 5);
}

TEST(Store, LargeCheckpointSpansManyChunks) {
  TempDir dir;
  std::vector<std::string> recs;
  for (int i = 0; i < 30000; ++i) recs.push_back(std::string(100 + i % 50, 'a' + i % 26));
  recs.push_back(std::string(3 << 20, 'z'));  // bigger than a chunk
  recs.push_back("");
  {
    auto s = must_open(config_for(dir));
    ASSERT_TRUE(s->write_checkpoint(1, recs).ok);
  }
  auto s = must_open(config_for(dir));
  EXPECT_EQ(load_all(s.get()), recs);
  std::string file = dir / "checkpoints/checkpoint-0000000000000001.db";
  EXPECT_GT(testing::sql_int(file, "SELECT count(*) FROM chunk"), 3);
  EXPECT_EQ(testing::sql_int(file, "SELECT value FROM meta WHERE key = 'record_count'"),
            static_cast<int64_t>(recs.size()));
}

TEST(Store, PurgeKeepsSnapRetainCountCheckpointsAndNeededLog) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.snap_retain_count = 3;
  c.log_segment_entries = 10;  // a segment per append below
  auto s = must_open(c);
  for (int i = 1; i <= 6; ++i) {
    ASSERT_TRUE(s->append(entries((i - 1) * 10 + 1, i * 10)).ok);
    ASSERT_TRUE(s->write_checkpoint(i * 10, records(2, "cp" + std::to_string(i))).ok);
  }
  ASSERT_TRUE(s->append(entries(61, 65)).ok);
  std::vector<std::string> files;
  for (auto& e : std::filesystem::directory_iterator(dir / "checkpoints")) {
    files.push_back(e.path().filename().string());
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"checkpoint-0000000000000028.db",
                                             "checkpoint-0000000000000032.db",
                                             "checkpoint-000000000000003c.db"}));
  EXPECT_EQ(s->stats().checkpoint_count, 3);
  // The oldest retained checkpoint (40) needs the entries after it, nothing before.
  auto log = replay_all(s.get());
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.front().first, 41);
  EXPECT_EQ(log.back().first, 65);
  EXPECT_EQ(s->last_logged_zxid(), 65);
  EXPECT_EQ(load_all(s.get()), records(2, "cp6"));
  s.reset();
  s = must_open(c);
  EXPECT_EQ(s->checkpoint_zxid(), 60);
  EXPECT_EQ(s->last_logged_zxid(), 65);
  EXPECT_FALSE(s->append(entries(65, 65)).ok);
}

TEST(Store, AutopurgeOffKeepsEverything) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.autopurge = false;
  auto s = must_open(c);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(s->append(entries(i, i)).ok);
    ASSERT_TRUE(s->write_checkpoint(i, records(1, "x")).ok);
  }
  EXPECT_EQ(s->stats().checkpoint_count, 5);
  EXPECT_EQ(replay_all(s.get()).size(), 5u);
}

TEST(Store, PurgedLogAfterEmptyLogKeepsLastLoggedZxid) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.snap_retain_count = 1;
  c.log_segment_entries = 10;
  {
    auto s = must_open(c);
    ASSERT_TRUE(s->append(entries(1, 10)).ok);
    ASSERT_TRUE(s->append(entries(11, 20)).ok);
    ASSERT_TRUE(s->write_checkpoint(20, records(1, "x")).ok);
    // The first segment (1-10) is gone; the newest always stays.
    auto log = replay_all(s.get());
    ASSERT_EQ(log.size(), 10u);
    EXPECT_EQ(log.front().first, 11);
  }
  auto s = must_open(c);
  EXPECT_EQ(s->last_logged_zxid(), 20);
  EXPECT_FALSE(s->append(entries(20, 20)).ok);
  EXPECT_TRUE(s->append(entries(21, 21)).ok);
}

TEST(Store, TruncateLogDropsSuffixButNotBelowCheckpoint) {
  TempDir dir;
  auto s = must_open(config_for(dir));
  ASSERT_TRUE(s->append(entries(1, 10)).ok);
  ASSERT_TRUE(s->write_checkpoint(4, records(1, "x")).ok);
  EXPECT_FALSE(s->truncate_log(3).ok);
  EXPECT_FALSE(s->failed());
  ASSERT_TRUE(s->truncate_log(6).ok);
  EXPECT_EQ(s->last_logged_zxid(), 6);
  ASSERT_TRUE(s->append(entries(7, 8)).ok);
  EXPECT_EQ(replay_all(s.get(), 4).size(), 4u);
}

TEST(Store, StatsReportSizesPositionsAndFsyncs) {
  TempDir dir;
  auto s = must_open(config_for(dir));
  ASSERT_TRUE(s->append(entries(1, 10)).ok);
  ASSERT_TRUE(s->append(entries(11, 20)).ok);
  ASSERT_TRUE(s->write_checkpoint(15, records(100, "r")).ok);
  StoreStats st = s->stats();
  EXPECT_GT(st.data_dir_bytes, 0);
  EXPECT_GT(st.log_dir_bytes, 0);
  EXPECT_EQ(st.last_logged_zxid, 20);
  EXPECT_EQ(st.last_checkpoint_zxid, 15);
  EXPECT_GT(st.last_checkpoint_time_ms, 1600000000000);
  EXPECT_EQ(st.log_entries_since_checkpoint, 5);
  EXPECT_EQ(st.fsync_count, 2);
  EXPECT_GT(st.fsync_total_ms, 0);
  EXPECT_FALSE(st.failed);
}

TEST(Store, ForceSyncOffStillRecovers) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  c.force_sync = false;
  {
    auto s = must_open(c);
    ASSERT_TRUE(s->append(entries(1, 50)).ok);
    EXPECT_EQ(s->stats().fsync_count, 0);
  }
  EXPECT_EQ(replay_all(must_open(c).get()).size(), 50u);
}

TEST(Store, OperatorQueriesFromTheDocsWork) {
  TempDir dir;
  {
    auto s = must_open(config_for(dir));
    ASSERT_TRUE(s->append({{0x200000001, "a"}, {0x200000002, "bb"}}).ok);
  }
  std::string log = dir / "zkd-log.0000000000000000.db";
  EXPECT_EQ(testing::sql_int(log, "SELECT epoch FROM log_summary ORDER BY zxid DESC LIMIT 1"), 2);
  EXPECT_EQ(testing::sql_int(log, "SELECT bytes FROM log_summary ORDER BY zxid DESC LIMIT 1"), 2);
  EXPECT_EQ(testing::sql_int(log, "SELECT count(*) FROM meta WHERE key='format_version'"), 1);
}

TEST(Myid, ReadsTrimmedIdAndReportsProblems) {
  TempDir dir;
  int64_t id = 0;
  std::string err;
  EXPECT_FALSE(read_myid(dir.path(), &id, &err));
  EXPECT_NE(err.find("myid"), std::string::npos);
  ASSERT_TRUE(write_myid(dir.path(), 3, &err)) << err;
  ASSERT_TRUE(read_myid(dir.path(), &id, &err)) << err;
  EXPECT_EQ(id, 3);
  std::ofstream(dir / "myid") << "  42 \n\n";
  ASSERT_TRUE(read_myid(dir.path(), &id, &err));
  EXPECT_EQ(id, 42);
  std::ofstream(dir / "myid") << "4x\n";
  EXPECT_FALSE(read_myid(dir.path(), &id, &err));
  EXPECT_NE(err.find("not a valid server id"), std::string::npos) << err;
  std::ofstream(dir / "myid") << "\n";
  EXPECT_FALSE(read_myid(dir.path(), &id, &err));
}

}  // namespace
}  // namespace zkd::storage
