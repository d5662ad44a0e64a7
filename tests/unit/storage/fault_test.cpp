// Fail-stop on storage errors, driven by the fault-injecting VFS.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "test_util.h"
#include "zkd/storage/fault_vfs.h"

namespace zkd::storage {
namespace {

using testing::entries;
using testing::must_open;
using testing::replay_all;
using testing::TempDir;

struct FaultCase {
  fault_vfs::Op op;
  fault_vfs::Error error;
  const char* expect;  // in the error message
  const char* name;
};

// Keeps the parameter's printed form (and so ctest's test name) readable and stable.
void PrintTo(const FaultCase& c, std::ostream* os) {
  *os << c.name;
}

class StoreFault : public ::testing::TestWithParam<FaultCase> {
 protected:
  void TearDown() override { fault_vfs::disarm(); }
  StoreConfig config() {
    StoreConfig c;
    c.data_dir = dir_.path();
    c.sqlite_vfs = fault_vfs::install();
    return c;
  }
  TempDir dir_;
};

TEST_P(StoreFault, AppendFailsAndStaysFailedAndEarlierDataSurvives) {
  const FaultCase& fc = GetParam();
  auto s = must_open(config());
  ASSERT_TRUE(s->append(entries(1, 10)).ok);
  ASSERT_TRUE(s->write_checkpoint(5, {"r1", "r2"}).ok);

  fault_vfs::reset_counts();
  fault_vfs::arm(fc.op, 1, fc.error, /*sticky=*/false, "zkd-log.");
  Status st = s->append(entries(11, 20));
  ASSERT_FALSE(st.ok);
  EXPECT_NE(st.message.find(fc.expect), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("zkd-log."), std::string::npos) << st.message;
  EXPECT_EQ(fault_vfs::failures(), 1);
  fault_vfs::disarm();  // the disk "recovers": the store must not

  EXPECT_TRUE(s->failed());
  StoreStats stats = s->stats();
  EXPECT_TRUE(stats.failed);
  EXPECT_EQ(stats.last_logged_zxid, 10);
  EXPECT_NE(stats.failure.find(fc.expect), std::string::npos);
  Status again = s->append(entries(21, 21));
  EXPECT_FALSE(again.ok);
  EXPECT_EQ(again.message, st.message);
  EXPECT_FALSE(s->write_checkpoint(10, {"x"}).ok);
  EXPECT_FALSE(s->set_meta("k", "v").ok);
  EXPECT_FALSE(s->truncate_log(7).ok);
  s.reset();

  StoreConfig plain = config();
  plain.sqlite_vfs = "";
  auto reopened = must_open(plain);
  auto log = replay_all(reopened.get());
  // Everything acknowledged is there; the failed batch is all there or not at all
  // (after a failed fsync the written frames may still have reached the disk).
  // (The log is purged by whole segments: the only one, from zxid 1, stays.)
  ASSERT_TRUE(log.size() == 10u || log.size() == 20u) << log.size();
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i].first, static_cast<int64_t>(i + 1));
    EXPECT_EQ(log[i].second, "txn-" + std::to_string(i + 1));
  }
  EXPECT_EQ(reopened->checkpoint_zxid(), 5);
  EXPECT_FALSE(reopened->failed());
  EXPECT_TRUE(reopened->append(entries(log.size() + 6, log.size() + 6)).ok);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, StoreFault,
    ::testing::Values(
        FaultCase{fault_vfs::Op::kWrite, fault_vfs::Error::kNoSpace, "SQLITE_FULL", "WriteENOSPC"},
        FaultCase{fault_vfs::Op::kWrite, fault_vfs::Error::kIo, "SQLITE_IOERR_WRITE", "WriteEIO"},
        FaultCase{fault_vfs::Op::kSync, fault_vfs::Error::kNoSpace, "SQLITE_IOERR_FSYNC",
                  "SyncENOSPC"},
        FaultCase{fault_vfs::Op::kSync, fault_vfs::Error::kIo, "SQLITE_IOERR_FSYNC", "SyncEIO"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return info.param.name; });

TEST(StoreFaultMisc, FailureMidwayThroughALargeBatchLeavesNoPartialBatch) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  auto s = must_open(c);
  ASSERT_TRUE(s->append(entries(1, 5)).ok);
  std::vector<LogEntry> big;
  for (int z = 6; z < 3000; ++z) big.push_back({z, std::string(2000, 'x')});
  fault_vfs::arm(fault_vfs::Op::kWrite, 50, fault_vfs::Error::kNoSpace, true, "zkd-log.");
  EXPECT_FALSE(s->append(big).ok);
  fault_vfs::disarm();
  s.reset();
  c.sqlite_vfs = "";
  EXPECT_EQ(replay_all(must_open(c).get()).size(), 5u);
}

TEST(StoreFaultMisc, CheckpointWriteFailureIsStickyToo) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  auto s = must_open(c);
  ASSERT_TRUE(s->append(entries(1, 5)).ok);
  fault_vfs::arm(fault_vfs::Op::kSync, 1, fault_vfs::Error::kIo, true, "/checkpoint-");
  EXPECT_FALSE(s->write_checkpoint(5, {"a", "b"}).ok);
  fault_vfs::disarm();
  EXPECT_TRUE(s->failed());
  EXPECT_FALSE(s->append(entries(6, 6)).ok);
}

TEST(StoreFaultMisc, DiskFullDuringCheckpointKeepsThePreviousOne) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  {
    auto s = must_open(c);
    ASSERT_TRUE(s->append(entries(1, 10)).ok);
    ASSERT_TRUE(s->write_checkpoint(5, {"old"}).ok);
    // Incompressible records (chunks are zstd-compressed): enough pages to hit write 20.
    std::vector<std::string> big(5000, std::string(1000, 'b'));
    uint64_t x = 88172645463325252ULL;
    for (auto& r : big) {
      for (auto& ch : r) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        ch = static_cast<char>(x);
      }
    }
    fault_vfs::arm(fault_vfs::Op::kWrite, 20, fault_vfs::Error::kNoSpace, true, "/checkpoint-");
    Status st = s->write_checkpoint(10, big);
    fault_vfs::disarm();
    ASSERT_FALSE(st.ok);
    EXPECT_NE(st.message.find("SQLITE_FULL"), std::string::npos) << st.message;
    EXPECT_TRUE(s->failed());
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "checkpoints/checkpoint-000000000000000a.db.tmp"));
  c.sqlite_vfs = "";
  auto s = must_open(c);  // removes the unfinished file, keeps the good checkpoint
  EXPECT_FALSE(std::filesystem::exists(dir / "checkpoints/checkpoint-000000000000000a.db.tmp"));
  EXPECT_EQ(s->checkpoint_zxid(), 5);
  std::vector<std::string> recs;
  ASSERT_TRUE(s->load_checkpoint([&](std::string_view r) { recs.emplace_back(r); }).ok);
  EXPECT_EQ(recs, std::vector<std::string>{"old"});
  EXPECT_EQ(replay_all(s.get(), 5).size(), 5u);
}

TEST(StoreFaultMisc, OpenOnAFullDiskFailsCleanly) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  fault_vfs::arm(fault_vfs::Op::kWrite, 1, fault_vfs::Error::kNoSpace, true);
  Status st;
  auto s = open_store(c, &st);
  fault_vfs::disarm();
  EXPECT_EQ(s, nullptr);
  EXPECT_NE(st.message.find("SQLITE_FULL"), std::string::npos) << st.message;
  // Nothing was created that a later start would mistake for damage.
  c.sqlite_vfs = "";
  EXPECT_NE(open_store(c, &st), nullptr) << st.message;
}

TEST(StoreFaultMisc, VfsCountsWritesAndSyncs) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  auto s = must_open(c);
  fault_vfs::reset_counts();
  ASSERT_TRUE(s->append(entries(1, 1)).ok);
  EXPECT_GE(fault_vfs::writes(), 1);
  EXPECT_GE(fault_vfs::syncs(), 1);  // synchronous=FULL: the commit is fsync'd
}

TEST(StoreFaultMisc, EnvironmentSpecArmsTheVfs) {
  std::string err;
  ::unsetenv("ZKD_STORAGE_FAULT");
  EXPECT_EQ(fault_vfs::install_from_env(&err), "");
  ::setenv("ZKD_STORAGE_FAULT", "sync:x:eio", 1);
  EXPECT_EQ(fault_vfs::install_from_env(&err), "");
  EXPECT_NE(err.find("expected"), std::string::npos);
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  auto s = must_open(c);
  // Armed after the open, so the count starts here: the 2nd log sync fails.
  ::setenv("ZKD_STORAGE_FAULT", "sync:2:eio:zkd-log.", 1);
  err.clear();
  EXPECT_EQ(fault_vfs::install_from_env(&err), "zkd-fault") << err;
  ::unsetenv("ZKD_STORAGE_FAULT");
  Status first = s->append(entries(1, 1));
  Status second = s->append(entries(2, 2));
  fault_vfs::disarm();
  EXPECT_FALSE(first.ok && second.ok);
  EXPECT_TRUE(s->failed());
}

TEST(StoreMisc, RefusesToStartEmptyOnZooKeeperData) {
  TempDir dir;
  std::filesystem::create_directories(dir / "version-2");
  std::ofstream(dir / "version-2/snapshot.0") << "x";
  Status st;
  EXPECT_EQ(open_store(testing::config_for(dir), &st), nullptr);
  EXPECT_NE(st.message.find("Apache ZooKeeper data"), std::string::npos) << st.message;
}

}  // namespace
}  // namespace zkd::storage
