#include "fake_server_view.h"

#include "zkd/server/ops/metric_names.h"

namespace zkd::ops::testing {

namespace {

constexpr int64_t kSid0 = 0x1000003fff80000LL;
constexpr int64_t kSid1 = 0x1000003fff80001LL;

template <typename T>
std::optional<T> answer(std::mutex& mu, bool serving, const T& value) {
  std::lock_guard<std::mutex> lock(mu);
  if (!serving) return std::nullopt;
  return value;
}

}  // namespace

FakeServerView::FakeServerView() {
  ServerStats& s = stats_value;
  s.version = "3.8.0-${mvngit.commit.id}, built on 2024-12-29 17:54 UTC";
  s.server_state = "standalone";
  s.last_zxid = 7;
  s.node_count = 9;
  s.latency_min_ms = 0;
  s.latency_max_ms = 10;
  s.latency_count = 16;
  s.latency_sum_ms = 39;  // avg 2.4375
  s.packets_received = 18;
  s.packets_sent = 17;
  s.num_alive_connections = 3;
  s.outstanding_requests = 0;
  s.watch_count = 4;
  s.ephemerals_count = 2;
  s.approximate_data_size = 90;
  s.global_sessions = 2;
  s.uptime_ms = 15846;
  s.open_fd_count = 48;
  s.max_fd_count = 20000;
  s.last_client_response_size = 16;
  s.min_client_response_size = 16;
  s.max_client_response_size = 99;
  s.counters[std::string(metric::kConnectionRequestCount)] = 2;
  s.counters[std::string(metric::kBytesReceivedCount)] = 644;
  s.counters[std::string(metric::kResponseBytes)] = 573;
  s.counters[std::string(metric::kConnectionRejected)] = 1;
  Summary read{11, 13, 0, 4, Summary::Percentiles{1, 3, 4, 4, 4}};
  Summary update{7, 31, 1, 10, Summary::Percentiles{3, 10, 10, 10, 10}};
  Summary fsync{7, 4, 0, 2, std::nullopt};
  s.summaries[std::string(metric::kReadLatency)] = read;
  s.summaries[std::string(metric::kUpdateLatency)] = update;
  s.summaries[std::string(metric::kFsyncTime)] = fsync;
  s.requests_by_op = {{"create", 4}, {"getData", 3}, {"getChildren", 1},
                      {"exists", 1}, {"setData", 1}, {"ping", 9}};
  s.rejected_frames = {{"too_large", 0}, {"bad_length", 1}};

  ConnectionInfo idle;
  idle.remote_address = "127.0.0.1:50086";
  idle.interest_ops = 0;
  idle.packets_received = 1;
  ConnectionInfo a;
  a.remote_address = "127.0.0.1:49656";
  a.packets_received = 13;
  a.packets_sent = 13;
  a.session_id = kSid0;
  a.last_op = "PING";
  a.established_wall_ms = 1796166502794;
  a.session_timeout_ms = 10000;
  a.last_cxid = 0xb;
  a.last_zxid = 7;
  a.last_response_elapsed_ms = 272495;
  a.last_latency_ms = 1;
  a.avg_latency_ms = 2;
  a.max_latency_ms = 10;
  ConnectionInfo b = a;
  b.remote_address = "127.0.0.1:49670";
  b.packets_received = 3;
  b.packets_sent = 3;
  b.session_id = kSid1;
  b.established_wall_ms = 1796166502881;
  b.last_cxid = 1;
  b.last_response_elapsed_ms = 272732;
  b.avg_latency_ms = 0;
  b.max_latency_ms = 1;
  connections_value = {idle, a, b};

  watches_value = {{kSid0, {"/missing", "/app/config"}}, {kSid1, {"/app/config"}}};
  watch_summary_value = {2, 2, 3};

  dump_value.session_count = 2;
  dump_value.session_buckets = {{290000, 1796166513000, {}},
                                {294000, 1796166517000, {}},
                                {296000, 1796166519000, {kSid1, kSid0}}};
  dump_value.ephemerals = {{kSid0, {"/app/eph1", "/app/eph2"}}};
  dump_value.connection_count = 3;
  dump_value.connection_buckets = {
      {290000, 1796166513000, {}},
      {300000,
       1796166523000,
       {{"127.0.0.1:50122", 0}, {"127.0.0.1:49656", kSid0}, {"127.0.0.1:49670", kSid1}}}};

  config_value.client_port = 54767;
  config_value.data_dir = "/tmp/zkref/data/version-2";
  config_value.data_log_dir = "/tmp/zkref/data/version-2";
  config_value.tick_time_ms = 2000;
  config_value.max_client_cnxns = 60;
  config_value.min_session_timeout_ms = 4000;
  config_value.max_session_timeout_ms = 40000;
  config_value.server_id = 0;
  config_value.initial_config_text = "tickTime=2000\ndataDir=/tmp/zkref/data\nclientPort=54767\n";

  store_value.data_dir_bytes = 67109337;
  store_value.log_dir_bytes = 67109337;
  store_value.last_checkpoint_zxid = 0;
  store_value.last_checkpoint_wall_ms = 1796166495000;

  digests_value = {{128, 249765763861, 2}, {256, 525055100838, 2}};
}

std::optional<ServerStats> FakeServerView::stats() {
  return answer(mu, serving, stats_value);
}
std::optional<std::vector<ConnectionInfo>> FakeServerView::connections() {
  return answer(mu, serving, connections_value);
}
std::optional<WatchSummary> FakeServerView::watch_summary() {
  return answer(mu, serving, watch_summary_value);
}
std::optional<std::vector<SessionWatches>> FakeServerView::watches() {
  return answer(mu, serving, watches_value);
}
std::optional<DumpInfo> FakeServerView::dump() {
  return answer(mu, serving, dump_value);
}
std::optional<ServerConfig> FakeServerView::config() {
  return answer(mu, serving, config_value);
}
std::optional<StoreStats> FakeServerView::store_stats() {
  return answer(mu, serving, store_value);
}
std::optional<std::vector<ZxidDigest>> FakeServerView::digests() {
  return answer(mu, serving, digests_value);
}

bool FakeServerView::reset_connection_stats() {
  std::lock_guard<std::mutex> lock(mu);
  if (!serving) return false;
  ++connection_resets;
  for (auto& c : connections_value) {
    c.packets_received = c.packets_sent = 0;
    c.last_cxid = c.last_zxid = -1;
    c.last_op = "NA";
    c.last_response_elapsed_ms = 0;
    c.last_latency_ms = c.min_latency_ms = c.avg_latency_ms = c.max_latency_ms = 0;
  }
  return true;
}

bool FakeServerView::reset_server_stats() {
  std::lock_guard<std::mutex> lock(mu);
  if (!serving) return false;
  ++server_resets;
  ServerStats& s = stats_value;
  s.latency_min_ms = s.latency_max_ms = s.latency_count = s.latency_sum_ms = 0;
  s.packets_received = s.packets_sent = 0;
  s.last_client_response_size = s.min_client_response_size = s.max_client_response_size = -1;
  return true;
}

}  // namespace zkd::ops::testing
