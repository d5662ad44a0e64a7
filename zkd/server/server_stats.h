// ServerStats: counters the state thread keeps for srvr/mntr/metrics. State thread only
// (the ops layer reads them through ServerView, which runs on the state thread).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "zkd/server/ops/summary_recorder.h"

namespace zkd::server {

struct ServerStats {
  int64_t packets_received = 0;
  int64_t packets_sent = 0;
  // srvr's "Latency min/avg/max" over every answered request.
  int64_t latency_count = 0;
  int64_t latency_sum_ms = 0;
  int64_t latency_min_ms = 0;
  int64_t latency_max_ms = 0;
  ops::SummaryRecorder read_latency{true};
  ops::SummaryRecorder update_latency{true};
  // snapshottime: milliseconds from the start of each checkpoint's build to its handover
  // to the writer (ZooKeeper's time to serialize a snapshot). Not reset by srst.
  ops::SummaryRecorder checkpoint_build_ms;
  // dbinittime: milliseconds to load the checkpoint and replay the log at start-up.
  ops::SummaryRecorder db_init_ms;
  int64_t last_response_size = -1;
  int64_t min_response_size = -1;
  int64_t max_response_size = -1;
  std::map<std::string, int64_t> ops_by_name;
  std::map<std::string, int64_t> rejected_frames;  // reason -> count
  int64_t connection_rejected = 0;
  int64_t connection_requests = 0;
  int64_t auth_failed = 0;
  int64_t sessions_expired = 0;
  int64_t bytes_received = 0;
  int64_t response_bytes = 0;

  void record_response(int64_t latency_ms, int64_t bytes) {
    if (latency_count == 0 || latency_ms < latency_min_ms) latency_min_ms = latency_ms;
    if (latency_ms > latency_max_ms) latency_max_ms = latency_ms;
    ++latency_count;
    latency_sum_ms += latency_ms;
    ++packets_sent;
    last_response_size = bytes;
    if (min_response_size < 0 || bytes < min_response_size) min_response_size = bytes;
    if (bytes > max_response_size) max_response_size = bytes;
    response_bytes += bytes;
  }
  // srst (ZooKeeper's ServerStats.reset + response sizes).
  void reset() {
    packets_received = packets_sent = 0;
    latency_count = latency_sum_ms = latency_min_ms = latency_max_ms = 0;
    last_response_size = min_response_size = max_response_size = -1;
    read_latency.reset();
    update_latency.reset();
  }
};

}  // namespace zkd::server
