// ServerConfig: zoo.cfg and ZooKeeper's -D system properties, parsed and checked the way
// QuorumPeerConfig does. Unknown keys are warned about and ignored; a malformed value or a
// contradiction fails with "file:line: reason".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace zkd::server {

struct PeerEntry {  // server.N=host:quorumPort:electionPort[:role][;[clientHost:]clientPort]
  int64_t id = 0;
  std::string line;
};

struct ServerConfig {
  std::string config_path;
  int32_t tick_ms = 3000;
  std::string data_dir;
  std::string data_log_dir;
  std::string client_address = "0.0.0.0";
  int32_t client_port = 2181;
  int32_t max_client_cnxns = 60;
  int32_t max_cnxns = 0;
  int32_t min_session_timeout_ms = -1;  // -1: 2 * tick
  int32_t max_session_timeout_ms = -1;  // -1: 20 * tick
  std::string four_letter_whitelist = "srvr,ruok,mntr,conf,isro";
  bool admin_enabled = true;
  std::string admin_address = "0.0.0.0";
  int32_t admin_port = 8080;
  std::string admin_command_url = "/commands";
  bool metrics_enabled = true;
  std::string metrics_host = "0.0.0.0";
  int32_t metrics_port = 7000;
  int32_t snap_retain_count = 3;
  int32_t purge_interval_hours = 1;
  int64_t snap_count = 100000;
  // snapSizeLimitInKb: also checkpoint once this much log has been written since the last
  // one. ZooKeeper's default is 4 GiB; zkd's 64 MiB keeps restarts from replaying a long
  // log when Txns are big (multis), at the cost of more frequent checkpoints.
  int64_t snap_size_limit_kb = 65536;
  // txnLogSizeLimitInKb (zookeeper.txnLogSizeLimitInKb): a new log segment file starts once
  // the newest one's WAL holds this much. ZooKeeper's default is no limit (its log file
  // rolls at each snapshot); zkd's segments are also purged whole, so they stay moderate.
  int64_t txn_log_size_limit_kb = 65536;
  bool force_sync = true;
  int32_t global_outstanding_limit = 1000;
  bool extended_types = false;
  int32_t jute_max_buffer = 0xfffff;
  std::string super_digest;
  bool read_only_mode = false;
  int32_t container_check_interval_ms = 60000;  // znode.container.checkIntervalMs
  int32_t container_max_per_minute = 10000;     // znode.container.maxPerMinute
  int32_t init_limit = 10;
  int32_t sync_limit = 5;
  std::vector<PeerEntry> peers;
  int64_t server_id = 0;  // from dataDir/myid when present
  std::string log_dir;    // zkd.log.dir: empty = stderr
  std::string log_level = "INFO";

  int32_t min_session_ms() const { return min_session_timeout_ms > 0 ? min_session_timeout_ms : 2 * tick_ms; }
  int32_t max_session_ms() const { return max_session_timeout_ms > 0 ? max_session_timeout_ms : 20 * tick_ms; }

  // Effective settings, in ZooKeeper's `conf` order where they exist there.
  std::vector<std::pair<std::string, std::string>> describe() const;
};

struct ConfigResult {
  bool ok = true;
  std::string error;                  // "file:line: reason"
  std::vector<std::string> warnings;  // unknown or unsupported keys
};

// Parses `path` (may be empty: defaults only) and then `-Dname=value` overrides.
ConfigResult load_config(const std::string& path, const std::vector<std::string>& defines,
                         ServerConfig* out);

}  // namespace zkd::server
