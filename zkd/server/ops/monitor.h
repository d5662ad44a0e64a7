// The mntr / AdminServer "monitor" key set: ZooKeeper 3.8's keys in ZooKeeper's order,
// valued from a ServerStats snapshot. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "zkd/server/ops/server_view.h"

namespace zkd::ops {

enum class MonitorKind {
  kGauge,              // one key
  kCounter,            // one key, from ServerStats::counters
  kSummary,            // avg_/min_/max_/cnt_/sum_<name>
  kPercentileSummary,  // the above + p50_/p95_/p99_/p999_<name>
};

struct MonitorKey {
  std::string_view name;
  MonitorKind kind;
};

// ZooKeeper 3.8.0's mntr keys after zk_version and zk_server_state, in its order.
const std::vector<MonitorKey>& zk38_monitor_keys();

// A value as ZooKeeper types it: longs, doubles (averages, probabilities), strings.
using MonitorValue = std::variant<int64_t, double, std::string>;

// All monitor entries without the "zk_" prefix: version, server_state, every
// zk38_monitor_keys() entry (0 when zkd has no value), then zkd's own keys
// (zkd_storage_failed, zkd_rejected_frames). `store` may be null (then storage_failed 0).
std::vector<std::pair<std::string, MonitorValue>> monitor_entries(const ServerStats& stats,
                                                                  const StoreStats* store);

// ZooKeeper's text for a value (Long.toString, Double.toString).
std::string monitor_value_text(const MonitorValue& value);

}  // namespace zkd::ops
