#include "zkd/server/config.h"

#include <fstream>
#include <set>
#include <sstream>

namespace zkd::server {
namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

bool parse_int(const std::string& v, int64_t lo, int64_t hi, int64_t* out) {
  if (v.empty()) return false;
  size_t pos = 0;
  long long n;
  try {
    n = std::stoll(v, &pos, 10);
  } catch (...) {
    return false;
  }
  if (pos != v.size() || n < lo || n > hi) return false;
  *out = n;
  return true;
}

bool parse_bool(const std::string& v, bool* out) {
  if (v == "true" || v == "yes") {
    *out = true;
    return true;
  }
  if (v == "false" || v == "no") {
    *out = false;
    return true;
  }
  return false;
}

// Keys ZooKeeper documents that zkd reads but does not act on (yet): warned once.
const std::set<std::string> kAcceptedUnsupported = {
    "secureClientPort", "secureClientPortAddress", "preAllocSize",
    "electionAlg", "peerType", "quorumListenOnAllIPs", "syncEnabled", "localSessionsEnabled",
    "localSessionsUpgradingEnabled", "standaloneEnabled", "reconfigEnabled", "dynamicConfigFile",
    "connectToLearnerMasterLimit", "clientPortListenBacklog", "maxResponseCacheSize",
    "maxGetChildrenResponseCacheSize", "commitLogCount", "electionPortBindRetry", "skipACL",
    "fsync.warningthresholdms", "admin.idleTimeout", "metricsProvider.exportJvmInfo",
    "metricsProvider.numWorkerThreads", "metricsProvider.maxQueueSize",
    "metricsProvider.workerShutdownTimeoutMs", "multiAddress.enabled", "sslQuorum",
    "portUnification", "serverCnxnFactory", "leaderServes", "jute.maxbuffer.extrasize"};

struct Parser {
  ServerConfig* c;
  ConfigResult* result;
  std::string where;  // "file:line"

  bool fail(const std::string& reason) {
    result->ok = false;
    result->error = where + ": " + reason;
    return false;
  }
  bool int_key(const std::string& key, const std::string& v, int64_t lo, int64_t hi, int64_t* out) {
    if (!parse_int(v, lo, hi, out)) {
      return fail("invalid value '" + v + "' for " + key + " (expected an integer in [" +
                  std::to_string(lo) + ", " + std::to_string(hi) + "])");
    }
    return true;
  }
  bool i32(const std::string& key, const std::string& v, int32_t lo, int32_t* out) {
    int64_t n;
    if (!int_key(key, v, lo, INT32_MAX, &n)) return false;
    *out = static_cast<int32_t>(n);
    return true;
  }
  bool boolean(const std::string& key, const std::string& v, bool* out) {
    if (!parse_bool(v, out)) return fail("invalid value '" + v + "' for " + key + " (expected true/false)");
    return true;
  }

  // Applies one setting; `key` is in zoo.cfg spelling (a -D "zookeeper." prefix removed).
  bool set(const std::string& key, const std::string& v) {
    if (key == "tickTime") return i32(key, v, 1, &c->tick_ms);
    if (key == "dataDir") return (c->data_dir = v, true);
    if (key == "dataLogDir") return (c->data_log_dir = v, true);
    if (key == "clientPort") {
      int64_t n;
      if (!int_key(key, v, 0, 65535, &n)) return false;
      c->client_port = static_cast<int32_t>(n);
      return true;
    }
    if (key == "clientPortAddress") return (c->client_address = v, true);
    if (key == "maxClientCnxns") return i32(key, v, 0, &c->max_client_cnxns);
    if (key == "maxCnxns") return i32(key, v, 0, &c->max_cnxns);
    if (key == "minSessionTimeout") return i32(key, v, -1, &c->min_session_timeout_ms);
    if (key == "maxSessionTimeout") return i32(key, v, -1, &c->max_session_timeout_ms);
    if (key == "4lw.commands.whitelist") return (c->four_letter_whitelist = v, true);
    if (key == "admin.enableServer") return boolean(key, v, &c->admin_enabled);
    if (key == "admin.serverAddress") return (c->admin_address = v, true);
    if (key == "admin.serverPort") return i32(key, v, 0, &c->admin_port);
    if (key == "admin.commandURL") return (c->admin_command_url = v, true);
    if (key == "metricsProvider.className") {
      c->metrics_enabled = v.find("PrometheusMetricsProvider") != std::string::npos;
      return true;
    }
    if (key == "metricsProvider.httpPort") return i32(key, v, 0, &c->metrics_port);
    if (key == "metricsProvider.httpHost") return (c->metrics_host = v, true);
    if (key == "autopurge.snapRetainCount") {
      if (!i32(key, v, 0, &c->snap_retain_count)) return false;
      if (c->snap_retain_count < 3) c->snap_retain_count = 3;  // ZooKeeper's minimum
      return true;
    }
    if (key == "autopurge.purgeInterval") return i32(key, v, 0, &c->purge_interval_hours);
    if (key == "snapCount") {
      int64_t n;
      if (!int_key(key, v, 2, INT64_MAX, &n)) return false;
      c->snap_count = n;
      return true;
    }
    if (key == "snapSizeLimitInKb") {
      int64_t n;
      if (!int_key(key, v, 1, INT64_MAX / 1024, &n)) return false;
      c->snap_size_limit_kb = n;
      return true;
    }
    if (key == "txnLogSizeLimitInKb") {
      int64_t n;
      if (!int_key(key, v, 1, INT64_MAX / 1024, &n)) return false;
      c->txn_log_size_limit_kb = n;
      return true;
    }
    if (key == "forceSync") return boolean(key, v, &c->force_sync);
    if (key == "globalOutstandingLimit") return i32(key, v, 1, &c->global_outstanding_limit);
    if (key == "extendedTypesEnabled") return boolean(key, v, &c->extended_types);
    if (key == "jute.maxbuffer") return i32(key, v, 1024, &c->jute_max_buffer);
    if (key == "DigestAuthenticationProvider.superDigest") return (c->super_digest = v, true);
    if (key == "readonlymode.enabled") return boolean(key, v, &c->read_only_mode);
    if (key == "znode.container.checkIntervalMs") return i32(key, v, 1, &c->container_check_interval_ms);
    if (key == "znode.container.maxPerMinute") return i32(key, v, 1, &c->container_max_per_minute);
    if (key == "initLimit") return i32(key, v, 1, &c->init_limit);
    if (key == "syncLimit") return i32(key, v, 1, &c->sync_limit);
    if (key == "zkd.log.dir" || key == "log.dir") return (c->log_dir = v, true);
    if (key == "zkd.log.level") return (c->log_level = v, true);
    if (key.rfind("server.", 0) == 0) {
      int64_t id;
      if (!int_key(key, key.substr(7), 0, 255, &id)) return false;
      c->peers.push_back({id, v});
      return true;
    }
    if (kAcceptedUnsupported.count(key) || key.rfind("group.", 0) == 0 ||
        key.rfind("weight.", 0) == 0) {
      result->warnings.push_back(where + ": " + key + " is accepted but not supported by zkd; ignored");
      return true;
    }
    result->warnings.push_back(where + ": unknown key " + key + "; ignored");
    return true;
  }
};

}  // namespace

std::vector<std::pair<std::string, std::string>> ServerConfig::describe() const {
  return {
      {"clientPort", std::to_string(client_port)},
      {"clientPortAddress", client_address},
      {"dataDir", data_dir},
      {"dataLogDir", data_log_dir.empty() ? data_dir : data_log_dir},
      {"tickTime", std::to_string(tick_ms)},
      {"maxClientCnxns", std::to_string(max_client_cnxns)},
      {"minSessionTimeout", std::to_string(min_session_ms())},
      {"maxSessionTimeout", std::to_string(max_session_ms())},
      {"serverId", std::to_string(server_id)},
      {"4lw.commands.whitelist", four_letter_whitelist},
      {"admin.enableServer", admin_enabled ? "true" : "false"},
      {"admin.serverPort", std::to_string(admin_port)},
      {"metricsProvider.httpPort", metrics_enabled ? std::to_string(metrics_port) : "disabled"},
      {"snapCount", std::to_string(snap_count)},
      {"snapSizeLimitInKb", std::to_string(snap_size_limit_kb)},
      {"txnLogSizeLimitInKb", std::to_string(txn_log_size_limit_kb)},
      {"autopurge.snapRetainCount", std::to_string(snap_retain_count)},
      {"forceSync", force_sync ? "yes" : "no"},
      {"extendedTypesEnabled", extended_types ? "true" : "false"},
      {"jute.maxbuffer", std::to_string(jute_max_buffer)},
  };
}

ConfigResult load_config(const std::string& path, const std::vector<std::string>& defines,
                         ServerConfig* out) {
  ConfigResult result;
  Parser p{out, &result, path};
  out->config_path = path;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) {
      result.ok = false;
      result.error = path + ": cannot open config file";
      return result;
    }
    std::string line;
    int lineno = 0;
    while (std::getline(in, line)) {
      ++lineno;
      p.where = path + ":" + std::to_string(lineno);
      std::string t = trim(line);
      if (t.empty() || t[0] == '#' || t[0] == '!') continue;
      size_t eq = t.find_first_of("=:");
      // server.N values contain ':' themselves: split on the first '=' when present.
      if (t.find('=') != std::string::npos) eq = t.find('=');
      if (eq == std::string::npos) {
        result.ok = false;
        result.error = p.where + ": expected key=value, got '" + t + "'";
        return result;
      }
      if (!p.set(trim(t.substr(0, eq)), trim(t.substr(eq + 1)))) return result;
    }
  }
  for (const auto& d : defines) {
    p.where = "-D" + d;
    size_t eq = d.find('=');
    std::string key = d.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : d.substr(eq + 1);
    if (key.rfind("zookeeper.", 0) == 0) key = key.substr(10);
    if (key == "4lw.commands.whitelist" || key.rfind("admin.", 0) == 0 ||
        key == "DigestAuthenticationProvider.superDigest" || key == "extendedTypesEnabled" ||
        key == "jute.maxbuffer" || key == "readonlymode.enabled" || key == "snapCount" ||
        key == "forceSync" || key == "globalOutstandingLimit" || key.rfind("zkd.", 0) == 0 ||
        key == "maxCnxns" || key.rfind("znode.container.", 0) == 0) {
      if (!p.set(key, value)) return result;
    } else {
      result.warnings.push_back(p.where + ": unknown property; ignored");
    }
  }
  p.where = path.empty() ? "config" : path;
  if (out->data_dir.empty()) {
    p.fail("dataDir is not set");
    return result;
  }
  if (out->min_session_ms() > out->max_session_ms()) {
    p.fail("minSessionTimeout (" + std::to_string(out->min_session_ms()) +
           ") must not be larger than maxSessionTimeout (" + std::to_string(out->max_session_ms()) + ")");
    return result;
  }
  std::set<int32_t> ports = {out->client_port};
  auto clash = [&](bool enabled, int32_t port, const char* what) {
    if (!enabled || port == 0) return false;
    if (!ports.insert(port).second) {
      p.fail(std::string(what) + " " + std::to_string(port) + " clashes with another port of this server");
      return true;
    }
    return false;
  };
  if (out->client_port != 0 && (clash(out->admin_enabled, out->admin_port, "admin.serverPort") ||
                                clash(out->metrics_enabled, out->metrics_port, "metricsProvider.httpPort"))) {
    return result;
  }
  if (!out->force_sync) result.warnings.push_back("forceSync=no: acknowledged writes may be lost on power failure");
  if (!out->peers.empty()) {
    result.warnings.push_back(
        "server.N entries found: zkd runs standalone in this version; ensemble mode is not supported yet");
  }
  return result;
}

}  // namespace zkd::server
