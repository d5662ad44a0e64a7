// /metrics: ZooKeeper PrometheusMetricsProvider names, rendered by prometheus-cpp.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "fake_server_view.h"
#include "zkd/server/ops/metrics_collector.h"
#include "zkd/server/ops/metrics_exporter.h"

namespace zkd::ops {
namespace {

using testing::FakeServerView;

std::string render(ServerView& view) {
  MetricsCollector c(view);
  prometheus::TextSerializer s;
  return s.Serialize(c.Collect());
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) return true;
  }
  return false;
}

TEST(MetricsTest, ZooKeeperGaugesWithoutPrefix) {
  FakeServerView view;
  std::string t = render(view);
  for (const char* l :
       {"znode_count 9", "watch_count 4", "ephemerals_count 2", "approximate_data_size 90",
        "num_alive_connections 3", "outstanding_requests 0", "avg_latency 2.4375", "min_latency 0",
        "max_latency 10", "packets_received 18", "packets_sent 17", "global_sessions 2",
        "uptime 15846", "open_file_descriptor_count 48", "max_file_descriptor_count 20000",
        "auth_failed_count 0", "# TYPE znode_count gauge"}) {
    EXPECT_TRUE(has_line(t, l)) << l << "\n" << t.substr(0, 2000);
  }
}

TEST(MetricsTest, CountersKeepZooKeeperNamesWithoutTotal) {
  FakeServerView view;
  std::string t = render(view);
  EXPECT_TRUE(has_line(t, "connection_rejected 1"));
  EXPECT_TRUE(has_line(t, "# TYPE connection_rejected counter"));
  EXPECT_TRUE(has_line(t, "bytes_received_count 644"));
  EXPECT_EQ(t.find("connection_rejected_total"), std::string::npos);
}

TEST(MetricsTest, SummariesHaveQuantilesCountAndSum) {
  FakeServerView view;
  std::string t = render(view);
  for (const char* l :
       {"# TYPE readlatency summary", "readlatency{quantile=\"0.5\"} 1",
        "readlatency{quantile=\"0.9\"} 3", "readlatency{quantile=\"0.99\"} 4",
        "readlatency_count 11", "readlatency_sum 13", "updatelatency{quantile=\"0.5\"} 3",
        "updatelatency_count 7", "updatelatency_sum 31", "fsynctime_count 7", "fsynctime_sum 4",
        "election_time_count 0"}) {
    EXPECT_TRUE(has_line(t, l)) << l;
  }
  // fsynctime is a basic summary (quantile 0.5 only); the fake has no percentiles for it,
  // so the quantile is NaN (prometheus-cpp spells it "Nan"; Prometheus parses it).
  auto at = t.find("fsynctime{quantile=\"0.5\"} ");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(t.substr(at + 26, 3), "Nan");
  EXPECT_EQ(t.find("fsynctime{quantile=\"0.9\"}"), std::string::npos);
}

TEST(MetricsTest, ZkdOwnMetrics) {
  FakeServerView view;
  view.store_value.storage_failed = true;
  std::string t = render(view);
  for (const char* l :
       {"zkd_serving 1", "zkd_storage_failed 1", "zkd_rejected_frames{reason=\"bad_length\"} 1",
        "zkd_rejected_frames{reason=\"too_large\"} 0", "zkd_requests{op=\"create\"} 4",
        "zkd_data_dir_bytes 67109337", "zkd_max_client_cnxns 60"}) {
    EXPECT_TRUE(has_line(t, l)) << l;
  }
}

TEST(MetricsTest, NotServingExportsOnlyServingZero) {
  FakeServerView view;
  view.serving = false;
  std::string t = render(view);
  EXPECT_TRUE(has_line(t, "zkd_serving 0"));
  EXPECT_EQ(t.find("znode_count"), std::string::npos);
}

TEST(MetricsExporterTest, ServesMetricsOverHttpAtScrapeTime) {
  FakeServerView view;
  MetricsExporter exporter(view, "127.0.0.1", 0);
  ASSERT_NE(exporter.port(), 0);
  auto scrape = [&] {
    Poco::Net::HTTPClientSession s("127.0.0.1", exporter.port());
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/metrics");
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(s.receiveResponse(resp), body);
    EXPECT_EQ(resp.getStatus(), 200);
    return body;
  };
  EXPECT_TRUE(has_line(scrape(), "znode_count 9"));
  {
    std::lock_guard<std::mutex> lock(view.mu);
    view.stats_value.node_count = 42;
  }
  EXPECT_TRUE(has_line(scrape(), "znode_count 42"));
}

}  // namespace
}  // namespace zkd::ops
