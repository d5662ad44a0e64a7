// ServerView: the one seam between the zkd server core and the operability layer
// (four-letter words, AdminServer, Prometheus /metrics).
//
// The server implements this interface; the ops layer only reads plain value structs
// from it and asks for two actions (crst, srst). Nothing here points into server state.
//
// Thread-safety: every method may be called from ANY thread (a 4lw connection's IO
// thread, an AdminServer HTTP worker, the prometheus-cpp scrape thread), concurrently.
// The server typically implements a method by posting a closure to its state thread and
// waiting for the answer with a bounded timeout. A method returns std::nullopt (or false)
// when the server cannot answer: not serving yet, shutting down, or the state thread
// did not answer in time. Callers print ZooKeeper's "not currently serving" text then.
// Implementations must never block without a bound.
//
// Units: durations in milliseconds; "wall" times are ms since the Unix epoch;
// "elapsed" times are ms of a monotonic clock (ZooKeeper's Time.currentElapsedTime()).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace zkd::ops {

// A ZooKeeper AvgMinMax(Percentile)Counter snapshot. avg is derived (sum/count).
// Percentiles are present only for summaries the server tracks with a distribution
// (readlatency, updatelatency): see SummaryRecorder.
struct Summary {
  int64_t count = 0;
  int64_t sum = 0;
  int64_t min = 0;  // 0 when count == 0 (as ZooKeeper prints it)
  int64_t max = 0;
  struct Percentiles {
    int64_t p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0;
  };
  std::optional<Percentiles> percentiles;
};

// Server-wide statistics: what srvr/stat/mntr/monitor and /metrics print.
struct ServerStats {
  std::string version;                      // ops::version_string() unless the server knows better
  std::string server_state = "standalone";  // "standalone" | "leader" | "follower" | ...
  bool read_only = false;                   // isro; "READ-ONLY mode" line in srvr
  int64_t last_zxid = 0;                    // last processed zxid
  int64_t node_count = 0;                   // znodes, including /zookeeper/*
  // Request latency over all requests since start or srst (ServerStats in ZooKeeper).
  int64_t latency_min_ms = 0, latency_max_ms = 0;
  int64_t latency_count = 0, latency_sum_ms = 0;
  int64_t packets_received = 0, packets_sent = 0;  // since start or srst
  int64_t num_alive_connections = 0;
  int64_t outstanding_requests = 0;  // received, not yet answered
  int64_t watch_count = 0;           // data + child watches (ZooKeeper's watch_count)
  int64_t ephemerals_count = 0;
  int64_t approximate_data_size = 0;  // sum of path lengths + data lengths
  int64_t global_sessions = 0, local_sessions = 0;
  int64_t uptime_ms = 0;
  int64_t open_fd_count = 0, max_fd_count = 0;  // ops::process_fd_counts() fills both
  // Serialized response sizes (bytes); -1 before any response and after srst.
  int64_t last_client_response_size = -1, min_client_response_size = -1,
          max_client_response_size = -1;
  int64_t auth_failed_count = 0;
  // ZooKeeper ServerMetrics counters by their ZooKeeper name (metric_names.h lists the ones
  // zkd fills: connection_rejected, bytes_received_count, ...). Absent = 0.
  std::map<std::string, int64_t> counters;
  // ZooKeeper summaries by name (readlatency, updatelatency, fsynctime, ...). Absent = empty.
  std::map<std::string, Summary> summaries;
  // zkd's own: completed requests by op name (proto::op_name), frames rejected by reason
  // ("too_large", "bad_length", "throttled", ...).
  std::map<std::string, int64_t> requests_by_op;
  std::map<std::string, int64_t> rejected_frames;
};

// One client connection, as cons/stat/AdminServer "connections" show it.
struct ConnectionInfo {
  std::string remote_address;        // "ip:port" (4lw prints it with a leading '/')
  int32_t interest_ops = 1;          // 1 = reading, |4 = has pending writes, 0 = not reading
  int64_t outstanding_requests = 0;  // "queued"
  int64_t packets_received = 0, packets_sent = 0;
  int64_t session_id = 0;      // 0 = no session established yet
  std::string last_op = "NA";  // 4-char tag: PING, GETD, CREA, ... (see ZooKeeper cons)
  int64_t established_wall_ms = 0;
  int32_t session_timeout_ms = 0;
  int64_t last_cxid = -1;  // -1 = none (after crst)
  int64_t last_zxid = -1;  // -1 = none (after crst)
  int64_t last_response_elapsed_ms = 0;
  int64_t last_latency_ms = 0, min_latency_ms = 0, avg_latency_ms = 0, max_latency_ms = 0;
};

// Watch tables. As in ZooKeeper, wchc/wchp/wchs report the DATA watch table (getData and
// exists watches, persistent/recursive watches); child watches count only in watch_count.
struct WatchSummary {
  int64_t connections = 0;  // connections with at least one data watch
  int64_t paths = 0;        // distinct watched paths
  int64_t total = 0;        // (connection, path) pairs
};
struct SessionWatches {
  int64_t session_id = 0;
  std::vector<std::string> paths;
};

// What dump prints: session expiry buckets, ephemerals per session, connection buckets.
struct SessionBucket {
  int64_t expiry_elapsed_ms = 0;  // bucket key (AdminServer prints it)
  int64_t expiry_wall_ms = 0;     // same instant on the wall clock (4lw prints it as a date)
  std::vector<int64_t> session_ids;
};
struct ConnectionBucket {
  int64_t expiry_elapsed_ms = 0;
  int64_t expiry_wall_ms = 0;
  std::vector<std::pair<std::string, int64_t>> connections;  // (remote "ip:port", session id)
};
struct DumpInfo {
  int64_t session_count = 0;
  std::vector<SessionBucket> session_buckets;                            // ascending expiry
  std::vector<std::pair<int64_t, std::vector<std::string>>> ephemerals;  // sid -> paths
  // ZooKeeper's NIO factory expires idle connections in buckets too. A server without its
  // own connection expiry puts each connection in its session's bucket, and a session-less
  // connection in the bucket of its handshake deadline.
  int64_t connection_count = 0;
  std::vector<ConnectionBucket> connection_buckets;  // ascending expiry
};

// The effective configuration (conf, AdminServer "configuration", "initial_configuration").
struct ServerConfig {
  int32_t client_port = 2181;
  int32_t secure_client_port = -1;
  std::string data_dir;
  std::string data_log_dir;
  int32_t tick_time_ms = 3000;
  int32_t max_client_cnxns = 60;
  int32_t min_session_timeout_ms = 6000;
  int32_t max_session_timeout_ms = 60000;
  int32_t client_port_listen_backlog = -1;
  int64_t server_id = 0;
  std::string initial_config_text;  // zoo.cfg as read
};

// The storage layer's view (dirs, last_snapshot, zkd_storage_failed).
struct StoreStats {
  int64_t data_dir_bytes = 0;
  int64_t log_dir_bytes = 0;
  int64_t last_checkpoint_zxid = 0;
  int64_t last_checkpoint_wall_ms = 0;
  int64_t fsync_threshold_exceed_count = 0;
  bool storage_failed = false;  // sticky fail-stop after a failed fsync/append
};

// One entry of the digest log (hash).
struct ZxidDigest {
  int64_t zxid = 0;
  int64_t digest = 0;
  int32_t digest_version = 2;
};

class ServerView {
 public:
  virtual ~ServerView() = default;

  virtual std::optional<ServerStats> stats() = 0;
  virtual std::optional<std::vector<ConnectionInfo>> connections() = 0;
  virtual std::optional<WatchSummary> watch_summary() = 0;
  virtual std::optional<std::vector<SessionWatches>> watches() = 0;
  virtual std::optional<DumpInfo> dump() = 0;
  virtual std::optional<ServerConfig> config() = 0;
  virtual std::optional<StoreStats> store_stats() = 0;
  virtual std::optional<std::vector<ZxidDigest>> digests() = 0;

  // crst: zero every connection's packet counts and latencies, last cxid/zxid = -1,
  // last op "NA", lresp 0. Returns false when the server could not do it.
  virtual bool reset_connection_stats() = 0;
  // srst: zero server latency (min/avg/max), packets received/sent, response sizes (-1)
  // and the summaries/counters ZooKeeper's resetAll resets. Returns false on failure.
  virtual bool reset_server_stats() = 0;
};

}  // namespace zkd::ops
