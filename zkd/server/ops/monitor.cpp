#include "zkd/server/ops/monitor.h"

#include <optional>

#include "zkd/server/ops/java_format.h"

namespace zkd::ops {

namespace {

// Typed gauges ZooKeeperServer registers; nullopt for names not mapped here.
std::optional<MonitorValue> gauge_value(std::string_view name, const ServerStats& s) {
  if (name == "ephemerals_count") return s.ephemerals_count;
  if (name == "num_alive_connections") return s.num_alive_connections;
  if (name == "avg_latency") return zk_avg(s.latency_sum_ms, s.latency_count);
  if (name == "outstanding_requests") return s.outstanding_requests;
  if (name == "znode_count") return s.node_count;
  if (name == "global_sessions") return s.global_sessions;
  if (name == "local_sessions") return s.local_sessions;
  if (name == "last_client_response_size") return s.last_client_response_size;
  if (name == "min_client_response_size") return s.min_client_response_size;
  if (name == "max_client_response_size") return s.max_client_response_size;
  if (name == "packets_sent") return s.packets_sent;
  if (name == "packets_received") return s.packets_received;
  if (name == "connection_drop_probability") return 0.0;
  if (name == "watch_count") return s.watch_count;
  if (name == "auth_failed_count") return s.auth_failed_count;
  if (name == "min_latency") return s.latency_min_ms;
  if (name == "max_latency") return s.latency_max_ms;
  if (name == "max_file_descriptor_count") return s.max_fd_count;
  if (name == "open_file_descriptor_count") return s.open_fd_count;
  if (name == "approximate_data_size") return s.approximate_data_size;
  if (name == "uptime") return s.uptime_ms;
  return std::nullopt;
}

int64_t counter_value(std::string_view name, const ServerStats& s) {
  auto it = s.counters.find(std::string(name));
  return it == s.counters.end() ? 0 : it->second;
}

void add_summary(std::vector<std::pair<std::string, MonitorValue>>& out, std::string_view name,
                 bool percentiles, const ServerStats& s) {
  Summary sum;
  if (auto it = s.summaries.find(std::string(name)); it != s.summaries.end()) sum = it->second;
  std::string n(name);
  out.emplace_back("avg_" + n, zk_avg(sum.sum, sum.count));
  out.emplace_back("min_" + n, sum.count > 0 ? sum.min : int64_t{0});
  out.emplace_back("max_" + n, sum.count > 0 ? sum.max : int64_t{0});
  out.emplace_back("cnt_" + n, sum.count);
  out.emplace_back("sum_" + n, sum.sum);
  if (!percentiles) return;
  Summary::Percentiles p = sum.percentiles.value_or(Summary::Percentiles{});
  out.emplace_back("p50_" + n, p.p50);
  out.emplace_back("p95_" + n, p.p95);
  out.emplace_back("p99_" + n, p.p99);
  out.emplace_back("p999_" + n, p.p999);
}

}  // namespace

std::vector<std::pair<std::string, MonitorValue>> monitor_entries(const ServerStats& stats,
                                                                  const StoreStats* store) {
  std::vector<std::pair<std::string, MonitorValue>> out;
  out.reserve(zk38_monitor_keys().size() * 5 + 4);
  out.emplace_back("version", stats.version);
  out.emplace_back("server_state", stats.server_state);
  for (const MonitorKey& key : zk38_monitor_keys()) {
    switch (key.kind) {
      case MonitorKind::kGauge: {
        auto v = gauge_value(key.name, stats);
        out.emplace_back(std::string(key.name),
                         v ? *v : MonitorValue{counter_value(key.name, stats)});
        break;
      }
      case MonitorKind::kCounter:
        out.emplace_back(std::string(key.name), counter_value(key.name, stats));
        break;
      case MonitorKind::kSummary:
        add_summary(out, key.name, false, stats);
        break;
      case MonitorKind::kPercentileSummary:
        add_summary(out, key.name, true, stats);
        break;
    }
  }
  int64_t rejected = 0;
  for (const auto& [reason, n] : stats.rejected_frames) rejected += n;
  out.emplace_back("zkd_storage_failed", int64_t{store && store->storage_failed ? 1 : 0});
  out.emplace_back("zkd_rejected_frames", rejected);
  return out;
}

std::string monitor_value_text(const MonitorValue& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return java_double(*d);
  return std::get<std::string>(value);
}

}  // namespace zkd::ops
