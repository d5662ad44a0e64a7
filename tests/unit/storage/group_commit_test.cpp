// GroupCommitter: batching, ordering, checkpoints, back-pressure, fail-stop, clean stop.
#include "zkd/storage/group_commit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

#include "test_util.h"
#include "zkd/storage/fault_vfs.h"

namespace zkd::storage {
namespace {

using testing::must_open;
using testing::replay_all;
using testing::TempDir;

// Collects on_durable / on_failure calls and lets a test wait for a zxid.
struct Observer {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int64_t> durable;
  std::vector<std::string> failures;

  auto durable_fn() {
    return [this](int64_t z) {
      std::lock_guard<std::mutex> l(mu);
      durable.push_back(z);
      cv.notify_all();
    };
  }
  auto failure_fn() {
    return [this](const std::string& m) {
      std::lock_guard<std::mutex> l(mu);
      failures.push_back(m);
      cv.notify_all();
    };
  }
  bool wait_durable(int64_t zxid) {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(60),
                       [&] { return !durable.empty() && durable.back() >= zxid; });
  }
  bool wait_failure() {
    std::unique_lock<std::mutex> l(mu);
    return cv.wait_for(l, std::chrono::seconds(60), [&] { return !failures.empty(); });
  }
};

StoreConfig fault_config(const TempDir& dir) {
  StoreConfig c;
  c.data_dir = dir.path();
  c.sqlite_vfs = fault_vfs::install();
  return c;
}

TEST(GroupCommit, BatchesManyEntriesPerFsyncAndReportsTheFinalZxid) {
  TempDir dir;
  auto store = must_open(fault_config(dir));
  Observer obs;
  fault_vfs::reset_counts();
  {
    GroupCommitter gc(store.get(), {}, obs.durable_fn(), obs.failure_fn());
    for (int64_t z = 1; z <= 10000; ++z) gc.submit({z, std::string(100, 'x')});
    ASSERT_TRUE(obs.wait_durable(10000));
    auto st = gc.stats();
    EXPECT_EQ(st.entries, 10000);
    EXPECT_LE(st.batches, 1000) << "group commit did not batch";
    EXPECT_GE(st.batches, 10);  // max_batch = 1000
  }
  const int64_t syncs = fault_vfs::syncs();
  EXPECT_LT(syncs, 2000) << "far fewer fsyncs than entries expected";
  EXPECT_GE(syncs, 10);
  EXPECT_EQ(store->stats().fsync_count, static_cast<int64_t>(obs.durable.size()));
  // on_durable is strictly increasing and ends at the last zxid.
  for (size_t i = 1; i < obs.durable.size(); ++i) EXPECT_LT(obs.durable[i - 1], obs.durable[i]);
  EXPECT_EQ(obs.durable.back(), 10000);
  EXPECT_TRUE(obs.failures.empty());
  auto log = replay_all(store.get());
  ASSERT_EQ(log.size(), 10000u);
  for (size_t i = 0; i < log.size(); ++i) ASSERT_EQ(log[i].first, static_cast<int64_t>(i + 1));
}

TEST(GroupCommit, StopWritesEverythingAlreadySubmitted) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  auto store = must_open(c);
  Observer obs;
  GroupCommitter gc(store.get(), {}, obs.durable_fn(), obs.failure_fn());
  for (int64_t z = 1; z <= 500; ++z) gc.submit({z, "t"});
  gc.stop();
  gc.stop();  // idempotent
  EXPECT_EQ(obs.durable.back(), 500);
  EXPECT_EQ(store->last_logged_zxid(), 500);
  gc.submit({501, "late"});  // dropped after stop
  EXPECT_EQ(store->last_logged_zxid(), 500);
}

TEST(GroupCommit, BackPressureBoundsTheQueue) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  auto store = must_open(c);
  Observer obs;
  GroupCommitter::Options o;
  o.max_batch = 7;
  o.max_queued = 10;
  GroupCommitter gc(store.get(), o, obs.durable_fn(), obs.failure_fn());
  std::atomic<int64_t> max_seen{0};
  for (int64_t z = 1; z <= 300; ++z) {
    gc.submit({z, "t"});
    max_seen = std::max<int64_t>(max_seen, gc.stats().queued);
  }
  ASSERT_TRUE(obs.wait_durable(300));
  EXPECT_LE(max_seen, 10);
  EXPECT_GE(gc.stats().batches, 300 / 7);
}

TEST(GroupCommit, CheckpointIsWrittenAfterEarlierEntries) {
  TempDir dir;
  StoreConfig c;
  c.data_dir = dir.path();
  auto store = must_open(c);
  Observer obs;
  {
    GroupCommitter gc(store.get(), {}, obs.durable_fn(), obs.failure_fn());
    for (int64_t z = 1; z <= 100; ++z) gc.submit({z, "t"});
    gc.request_checkpoint(100, {"a", "b", "c"});
    for (int64_t z = 101; z <= 110; ++z) gc.submit({z, "t"});
  }
  EXPECT_EQ(store->checkpoint_zxid(), 100);
  std::vector<std::string> recs;
  ASSERT_TRUE(store->load_checkpoint([&](std::string_view r) { recs.emplace_back(r); }).ok);
  EXPECT_EQ(recs, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(replay_all(store.get(), 100).size(), 10u);
}

TEST(GroupCommit, FailureIsReportedOnceAndLaterWritesNeverAck) {
  TempDir dir;
  auto store = must_open(fault_config(dir));
  Observer obs;
  GroupCommitter gc(store.get(), {}, obs.durable_fn(), obs.failure_fn());
  gc.submit({1, "ok"});
  ASSERT_TRUE(obs.wait_durable(1));
  fault_vfs::arm(fault_vfs::Op::kSync, 1, fault_vfs::Error::kIo, true, "zkd-log.");
  gc.submit({2, "fails"});
  ASSERT_TRUE(obs.wait_failure());
  fault_vfs::disarm();
  for (int64_t z = 3; z <= 50; ++z) gc.submit({z, "dropped"});
  gc.request_checkpoint(1, {"x"});
  gc.stop();
  EXPECT_EQ(obs.failures.size(), 1u);
  EXPECT_NE(obs.failures[0].find("SQLITE_IOERR_FSYNC"), std::string::npos) << obs.failures[0];
  EXPECT_EQ(obs.durable, std::vector<int64_t>{1});
  EXPECT_TRUE(store->stats().failed);
  EXPECT_EQ(store->checkpoint_zxid(), 0);
}

}  // namespace
}  // namespace zkd::storage
