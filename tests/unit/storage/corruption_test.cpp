// Corruption: a log row failing its CRC, anywhere, fails the open (or the checkpoint
// load), names the file and record, and moves the file aside.
#include <gtest/gtest.h>

#include <fstream>

#include "test_util.h"
#include "zkd/storage/checkpoint_dir.h"
#include "zkd/storage/log.h"
#include "zkd/storage/meta_table.h"

namespace zkd::storage {
namespace {

using testing::config_for;
using testing::entries;
using testing::must_open;
using testing::replay_all;
using testing::sql;
using testing::TempDir;

class Corruption : public ::testing::Test {
 protected:
  void SetUp() override {
    set_log_sink([this](LogLevel level, const std::string& line) {
      if (level != LogLevel::kInfo) warnings_.push_back(line);
    });
  }
  void TearDown() override { set_log_sink(nullptr); }

  void make_store(int64_t last_zxid, int64_t checkpoint_zxid = 0) {
    StoreConfig c = config_for(dir_);
    c.log_segment_entries = last_zxid;
    auto s = must_open(c);
    ASSERT_TRUE(s->append(entries(1, last_zxid)).ok);
    // A second segment, so a checkpoint at last_zxid can purge the first one.
    if (checkpoint_zxid == last_zxid) {
      ASSERT_TRUE(s->append(entries(last_zxid + 1, last_zxid + 1)).ok);
    }
    if (checkpoint_zxid > 0) {
      std::vector<std::string> recs;
      for (int i = 0; i < 20000; ++i) recs.push_back(std::string(120, 'a' + i % 26));
      ASSERT_TRUE(s->write_checkpoint(checkpoint_zxid, recs).ok);
    }
  }
  std::string log_db() { return dir_ / "zkd-log.0000000000000000.db"; }
  std::string state_db() { return dir_ / "zkd-state.db"; }
  std::string checkpoint(int64_t zxid) {
    return dir_ / ("checkpoints/" + checkpoint_file_name(zxid));
  }

  TempDir dir_;
  std::vector<std::string> warnings_;
};

// Regression: a bad CRC on the last rows used to be "truncated as a torn tail", which
// silently dropped acknowledged writes (SQLite's WAL already discards torn commits, so
// every row it returns was acknowledged).
TEST_F(Corruption, AcknowledgedLastEntryWithBadCrcFailsOpenInsteadOfBeingDropped) {
  make_store(10);
  ASSERT_EQ(sql(log_db(), "UPDATE log SET crc = crc + 1 WHERE zxid = 10"), SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find("zxid 0xa "), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("end of the log"), std::string::npos) << st.message;
  ASSERT_TRUE(std::filesystem::exists(log_db() + ".corrupt-1"));
  EXPECT_EQ(testing::sql_int(log_db() + ".corrupt-1", "SELECT count(*) FROM log"), 10);
}

TEST_F(Corruption, GarbledLastBlobsFailOpenAndKeepEveryRow) {
  make_store(10);
  ASSERT_EQ(sql(log_db(), "UPDATE log SET txn = substr(txn, 1, 3) WHERE zxid >= 9"), SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find("zxid 0x9 to 0xa"), std::string::npos) << st.message;
  EXPECT_EQ(testing::sql_int(log_db() + ".corrupt-1", "SELECT count(*) FROM log"), 10);
}

TEST_F(Corruption, MidLogCorruptionFailsOpenAndMovesTheFileAside) {
  make_store(10);
  ASSERT_EQ(sql(log_db(), "UPDATE log SET txn = 'garbage' WHERE zxid = 5"), SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find(log_db()), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("zxid 0x5 "), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("moved aside to " + log_db() + ".corrupt-1"), std::string::npos)
      << st.message;
  EXPECT_FALSE(std::filesystem::exists(log_db()));
  ASSERT_TRUE(std::filesystem::exists(log_db() + ".corrupt-1"));
  // The moved file still holds every row for the operator.
  EXPECT_EQ(testing::sql_int(log_db() + ".corrupt-1", "SELECT count(*) FROM log"), 10);
  // And the server does not silently start without its log.
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find("missing"), std::string::npos) << st.message;
}

TEST_F(Corruption, SecondCorruptFileGetsTheNextSuffix) {
  make_store(3);
  std::ofstream(log_db() + ".corrupt-1") << "earlier";
  ASSERT_EQ(sql(log_db(), "UPDATE log SET crc = 0 WHERE zxid = 1"), SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_TRUE(std::filesystem::exists(log_db() + ".corrupt-2")) << st.message;
}

TEST_F(Corruption, GarbageLogFileIsMovedAside) {
  make_store(3);
  {
    std::ofstream out(log_db(), std::ios::trunc | std::ios::binary);
    out << std::string(8192, '\x5a');
  }
  std::filesystem::remove(log_db() + "-wal");
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find("SQLITE_NOTADB"), std::string::npos) << st.message;
  EXPECT_TRUE(std::filesystem::exists(log_db() + ".corrupt-1"));
}

TEST_F(Corruption, CorruptCheckpointChunkFailsLoadAndMovesTheFileAside) {
  make_store(10, 10);
  const std::string cp = checkpoint(10);
  ASSERT_EQ(sql(cp, "UPDATE chunk SET data = CAST(zeroblob(length(data)) AS BLOB) WHERE seq = 1"),
            SQLITE_OK);
  auto s = must_open(config_for(dir_));  // headers are fine; chunks are checked on load
  Status st = s->load_checkpoint([](std::string_view) {});
  ASSERT_FALSE(st.ok);
  EXPECT_NE(st.message.find(cp + ": checkpoint zxid 0xa chunk 1: fails its CRC check"),
            std::string::npos)
      << st.message;
  EXPECT_NE(st.message.find("moved aside to " + cp + ".corrupt-1"), std::string::npos)
      << st.message;
  EXPECT_TRUE(s->failed());
  EXPECT_FALSE(s->append(entries(11, 11)).ok);
  s.reset();
  EXPECT_TRUE(std::filesystem::exists(cp + ".corrupt-1"));
  EXPECT_FALSE(std::filesystem::exists(cp));
  // The only checkpoint is gone and the log before it was purged: refuse to start.
  Status again;
  EXPECT_EQ(open_store(config_for(dir_), &again), nullptr);
  EXPECT_NE(again.message.find("were purged but the newest checkpoint"), std::string::npos)
      << again.message;
}

TEST_F(Corruption, CorruptNewestCheckpointFallsBackToThePreviousOneOnRestart) {
  make_store(20, 10);
  {
    auto s = must_open(config_for(dir_));
    ASSERT_TRUE(s->write_checkpoint(20, {"new"}).ok);
    ASSERT_TRUE(s->append(entries(21, 30)).ok);
  }
  ASSERT_EQ(sql(checkpoint(20), "UPDATE chunk SET crc = crc + 1"), SQLITE_OK);
  {
    auto s = must_open(config_for(dir_));
    EXPECT_EQ(s->checkpoint_zxid(), 20);
    EXPECT_FALSE(s->load_checkpoint([](std::string_view) {}).ok);
  }
  auto s = must_open(config_for(dir_));
  EXPECT_EQ(s->checkpoint_zxid(), 10);
  int64_t n = 0;
  ASSERT_TRUE(s->load_checkpoint([&](std::string_view) { ++n; }).ok);
  EXPECT_EQ(n, 20000);
  auto tail = replay_all(s.get(), 10);
  ASSERT_EQ(tail.size(), 20u);
  EXPECT_EQ(tail.front().first, 11);
}

TEST_F(Corruption, MissingCheckpointChunkIsDetected) {
  make_store(10, 10);
  ASSERT_EQ(sql(checkpoint(10), "DELETE FROM chunk WHERE seq = (SELECT max(seq) FROM chunk)"),
            SQLITE_OK);
  auto s = must_open(config_for(dir_));
  Status st = s->load_checkpoint([](std::string_view) {});
  ASSERT_FALSE(st.ok);
  EXPECT_NE(st.message.find("ends early"), std::string::npos) << st.message;
}

TEST_F(Corruption, CorruptCheckpointHeaderFailsOpen) {
  make_store(10, 10);
  ASSERT_EQ(sql(checkpoint(10), "UPDATE meta SET value = '5' WHERE key = 'record_count'"),
            SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find(checkpoint(10) + ": meta row 'record_count' fails its CRC check"),
            std::string::npos)
      << st.message;
  EXPECT_TRUE(std::filesystem::exists(checkpoint(10) + ".corrupt-1"));
}

TEST_F(Corruption, UnfinishedCheckpointWriteIsRemoved) {
  make_store(10, 10);
  std::ofstream(dir_ / "checkpoints/checkpoint-0000000000000014.db.tmp") << "partial";
  auto s = must_open(config_for(dir_));
  EXPECT_EQ(s->checkpoint_zxid(), 10);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "checkpoints/checkpoint-0000000000000014.db.tmp"));
}

TEST_F(Corruption, CorruptMetaRowFailsOpen) {
  {
    auto s = must_open(config_for(dir_));
    ASSERT_TRUE(s->set_meta("current_epoch", "4").ok);
  }
  ASSERT_EQ(sql(state_db(), "UPDATE meta SET value = '5' WHERE key = 'current_epoch'"), SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find("meta row 'current_epoch' fails its CRC check"), std::string::npos)
      << st.message;
}

TEST_F(Corruption, NewerFormatVersionIsRefusedNotMovedAside) {
  make_store(2);
  // As a newer zkd would have written it, CRC included.
  std::string crc = std::to_string(meta_crc("format_version", "99"));
  ASSERT_EQ(
      sql(log_db(), "UPDATE meta SET value = '99', crc = " + crc + " WHERE key = 'format_version'"),
      SQLITE_OK);
  Status st;
  EXPECT_EQ(open_store(config_for(dir_), &st), nullptr);
  EXPECT_NE(st.message.find("format_version 99 is not supported"), std::string::npos) << st.message;
  EXPECT_TRUE(std::filesystem::exists(log_db()));
  EXPECT_FALSE(std::filesystem::exists(log_db() + ".corrupt-1"));
}

}  // namespace
}  // namespace zkd::storage
