// ServerStats: counters the state thread keeps for srvr/mntr/metrics. State thread only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace zkd::server {

struct LatencyStat {
  int64_t count = 0;
  double sum_ms = 0;
  int64_t min_ms = -1;
  int64_t max_ms = 0;
  void add(int64_t ms) {
    ++count;
    sum_ms += static_cast<double>(ms);
    if (min_ms < 0 || ms < min_ms) min_ms = ms;
    if (ms > max_ms) max_ms = ms;
  }
  double avg() const { return count ? sum_ms / static_cast<double>(count) : 0.0; }
};

struct ServerStats {
  int64_t packets_received = 0;
  int64_t packets_sent = 0;
  LatencyStat latency;         // every request
  LatencyStat read_latency;    // reads
  LatencyStat update_latency;  // writes
  std::map<std::string, int64_t> ops_by_name;
  std::map<std::string, int64_t> rejected_frames;  // reason -> count
  int64_t connection_rejected = 0;
  int64_t auth_failed = 0;
  int64_t sessions_expired = 0;
  int64_t bytes_received = 0;
  void reset() {
    packets_received = packets_sent = 0;
    latency = read_latency = update_latency = LatencyStat{};
  }
};

}  // namespace zkd::server
