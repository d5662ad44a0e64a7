#include "zkd/server/ops/monitor.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "fake_server_view.h"
#include "zkd/server/ops/four_letter.h"
#include "zkd/server/ops/java_format.h"
#include "zkd/server/ops/summary_recorder.h"

namespace zkd::ops {
namespace {

using testing::FakeServerView;

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

std::map<std::string, std::string> mntr_map(const std::string& text) {
  std::map<std::string, std::string> m;
  for (const auto& l : lines(text)) {
    auto tab = l.find('\t');
    EXPECT_NE(tab, std::string::npos) << l;
    m[l.substr(0, tab)] = l.substr(tab + 1);
  }
  return m;
}

TEST(JavaFormatTest, DoublesPrintLikeJava) {
  EXPECT_EQ(java_double(0.0), "0.0");
  EXPECT_EQ(java_double(2.4375), "2.4375");
  EXPECT_EQ(java_double(11.0), "11.0");
  EXPECT_EQ(java_double(round4(4.0 / 7.0)), "0.5714");
  EXPECT_EQ(java_double(1234567.5), "1234567.5");
  EXPECT_EQ(java_double(1e7), "1.0E7");
  EXPECT_EQ(java_double(0.0001), "1.0E-4");
  EXPECT_EQ(zk_avg(13, 11), 1.1818);
  EXPECT_EQ(zk_avg(5, 0), 0.0);
}

TEST(JavaFormatTest, HexIsUnsignedWithoutPadding) {
  EXPECT_EQ(java_hex(0), "0");
  EXPECT_EQ(java_hex(0x136), "136");
  EXPECT_EQ(java_hex(-1), "ffffffffffffffff");
  EXPECT_EQ(java_hex(0x1000003fff80000LL), "1000003fff80000");
}

// Every key of a live ZooKeeper 3.8.0 mntr reply (minus per-namespace sets), in order.
TEST(MonitorTest, KeysAreZooKeeper380sInOrder) {
  std::ifstream in(std::string(ZKD_OPS_TEST_DATA) + "/zk380_mntr_keys.txt");
  ASSERT_TRUE(in.good());
  std::vector<std::string> expected;
  for (std::string l; std::getline(in, l);) expected.push_back(l);
  ASSERT_EQ(expected.size(), 485u);

  FakeServerView view;
  auto got = lines(format_mntr(view));
  ASSERT_EQ(got.size(), expected.size() + 2);  // + zkd's own two keys at the end
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(got[i].substr(0, got[i].find('\t')), expected[i]) << "line " << i;
  }
  EXPECT_EQ(got[expected.size()], "zk_zkd_storage_failed\t0");
  EXPECT_EQ(got[expected.size() + 1], "zk_zkd_rejected_frames\t1");
}

TEST(MonitorTest, ValuesMatchZooKeeperFormats) {
  FakeServerView view;
  auto m = mntr_map(format_mntr(view));
  EXPECT_EQ(m["zk_version"], "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC");
  EXPECT_EQ(m["zk_server_state"], "standalone");
  EXPECT_EQ(m["zk_avg_latency"], "2.4375");
  EXPECT_EQ(m["zk_min_latency"], "0");
  EXPECT_EQ(m["zk_max_latency"], "10");
  EXPECT_EQ(m["zk_znode_count"], "9");
  EXPECT_EQ(m["zk_watch_count"], "4");
  EXPECT_EQ(m["zk_ephemerals_count"], "2");
  EXPECT_EQ(m["zk_approximate_data_size"], "90");
  EXPECT_EQ(m["zk_num_alive_connections"], "3");
  EXPECT_EQ(m["zk_packets_received"], "18");
  EXPECT_EQ(m["zk_open_file_descriptor_count"], "48");
  EXPECT_EQ(m["zk_max_file_descriptor_count"], "20000");
  EXPECT_EQ(m["zk_connection_drop_probability"], "0.0");
  EXPECT_EQ(m["zk_last_client_response_size"], "16");
  EXPECT_EQ(m["zk_uptime"], "15846");
  EXPECT_EQ(m["zk_connection_rejected"], "1");
  EXPECT_EQ(m["zk_bytes_received_count"], "644");
  // Summaries: values a live ZooKeeper printed for the same count/sum/min/max.
  EXPECT_EQ(m["zk_avg_readlatency"], "1.1818");
  EXPECT_EQ(m["zk_cnt_readlatency"], "11");
  EXPECT_EQ(m["zk_sum_readlatency"], "13");
  EXPECT_EQ(m["zk_p50_readlatency"], "1");
  EXPECT_EQ(m["zk_p999_readlatency"], "4");
  EXPECT_EQ(m["zk_avg_updatelatency"], "4.4286");
  EXPECT_EQ(m["zk_p95_updatelatency"], "10");
  EXPECT_EQ(m["zk_avg_fsynctime"], "0.5714");
  EXPECT_EQ(m["zk_max_fsynctime"], "2");
  // Keys zkd has no value for print ZooKeeper's zero.
  EXPECT_EQ(m["zk_avg_election_time"], "0.0");
  EXPECT_EQ(m["zk_cnt_election_time"], "0");
  EXPECT_EQ(m["zk_looking_count"], "0");
}

TEST(MonitorTest, StorageFailureShowsInMntr) {
  FakeServerView view;
  view.store_value.storage_failed = true;
  EXPECT_EQ(mntr_map(format_mntr(view))["zk_zkd_storage_failed"], "1");
}

TEST(SummaryRecorderTest, CountsSumMinMaxAndPercentiles) {
  SummaryRecorder r(true);
  EXPECT_EQ(r.snapshot().count, 0);
  for (int i = 1; i <= 100; ++i) r.record(i);
  Summary s = r.snapshot();
  EXPECT_EQ(s.count, 100);
  EXPECT_EQ(s.sum, 5050);
  EXPECT_EQ(s.min, 1);
  EXPECT_EQ(s.max, 100);
  ASSERT_TRUE(s.percentiles);
  EXPECT_EQ(s.percentiles->p50, 50);
  EXPECT_EQ(s.percentiles->p90, 90);
  EXPECT_EQ(s.percentiles->p99, 99);
  EXPECT_EQ(s.percentiles->p999, 100);
  r.record(5000);  // lands in the 4096..8191 bucket, capped by max
  EXPECT_EQ(r.snapshot().percentiles->p999, 5000);
  r.reset();
  EXPECT_EQ(r.snapshot().count, 0);
  EXPECT_FALSE(SummaryRecorder(false).snapshot().percentiles);
}

}  // namespace
}  // namespace zkd::ops
