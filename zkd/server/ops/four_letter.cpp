#include "zkd/server/ops/four_letter.h"

#include <atomic>
#include <map>
#include <sstream>

#include "zkd/server/ops/java_format.h"
#include "zkd/server/ops/monitor.h"
#include "zkd/server/ops/process_info.h"
#include "zkd/server/ops/version.h"

namespace zkd::ops {

namespace {

std::atomic<int64_t> g_trace_mask{306};  // ZooTrace default: 0b0100110010

std::string not_serving_line() {
  return std::string(kNotServing) + "\n";
}

// ServerCnxn.dumpConnectionInfo(pw, brief): " /ip:port[ops](queued=..,recved=..,sent=..".
std::string connection_line(const ConnectionInfo& c, bool brief) {
  std::ostringstream o;
  o << " /" << c.remote_address << "[";
  if (c.interest_ops == 0) {
    o << "0";
  } else {
    o << java_hex(static_cast<uint32_t>(c.interest_ops));
  }
  o << "](queued=" << c.outstanding_requests << ",recved=" << c.packets_received
    << ",sent=" << c.packets_sent;
  if (!brief && c.session_id != 0) {
    o << ",sid=0x" << java_hex(c.session_id) << ",lop=" << c.last_op
      << ",est=" << c.established_wall_ms << ",to=" << c.session_timeout_ms;
    if (c.last_cxid >= 0) o << ",lcxid=0x" << java_hex(c.last_cxid);
    o << ",lzxid=0x" << java_hex(c.last_zxid) << ",lresp=" << c.last_response_elapsed_ms
      << ",llat=" << c.last_latency_ms << ",minlat=" << c.min_latency_ms
      << ",avglat=" << c.avg_latency_ms << ",maxlat=" << c.max_latency_ms;
  }
  o << ")";
  return o.str();
}

// ExpiryQueue.dump: "Sets (<buckets>)/(<elements>):" then "<n> expire at <date>:" per bucket.
void bucket_header(std::ostringstream& o, size_t n, int64_t wall_ms) {
  o << n << " expire at " << java_date(wall_ms) << ":\n";
}

}  // namespace

int64_t trace_mask() {
  return g_trace_mask.load();
}
void set_trace_mask(int64_t mask) {
  g_trace_mask.store(mask);
}

std::string format_srvr(ServerView& view, bool with_clients) {
  auto stats = view.stats();
  if (!stats) return not_serving_line();
  std::ostringstream o;
  o << "Zookeeper version: " << stats->version << "\n";
  if (stats->read_only) o << "READ-ONLY mode; serving only read-only clients\n";
  if (with_clients) {
    o << "Clients:\n";
    if (auto conns = view.connections()) {
      for (const auto& c : *conns) o << connection_line(c, true) << "\n";
    }
    o << "\n";
  }
  o << "Latency min/avg/max: " << stats->latency_min_ms << "/"
    << java_double(zk_avg(stats->latency_sum_ms, stats->latency_count)) << "/"
    << stats->latency_max_ms << "\n";
  o << "Received: " << stats->packets_received << "\n";
  o << "Sent: " << stats->packets_sent << "\n";
  o << "Connections: " << stats->num_alive_connections << "\n";
  o << "Outstanding: " << stats->outstanding_requests << "\n";
  o << "Zxid: 0x" << java_hex(stats->last_zxid) << "\n";
  o << "Mode: " << stats->server_state << "\n";
  o << "Node count: " << stats->node_count << "\n";
  return o.str();
}

std::string format_cons(ServerView& view) {
  auto conns = view.connections();
  if (!conns) return not_serving_line();
  std::string out;
  for (const auto& c : *conns) out += connection_line(c, false) + "\n";
  out += "\n";
  return out;
}

std::string format_conf(ServerView& view) {
  auto cfg = view.config();
  if (!cfg) return not_serving_line();
  auto store = view.store_stats();
  StoreStats st = store.value_or(StoreStats{});
  std::ostringstream o;
  o << "clientPort=" << cfg->client_port << "\n"
    << "secureClientPort=" << cfg->secure_client_port << "\n"
    << "dataDir=" << cfg->data_dir << "\n"
    << "dataDirSize=" << st.data_dir_bytes << "\n"
    << "dataLogDir=" << cfg->data_log_dir << "\n"
    << "dataLogSize=" << st.log_dir_bytes << "\n"
    << "tickTime=" << cfg->tick_time_ms << "\n"
    << "maxClientCnxns=" << cfg->max_client_cnxns << "\n"
    << "minSessionTimeout=" << cfg->min_session_timeout_ms << "\n"
    << "maxSessionTimeout=" << cfg->max_session_timeout_ms << "\n"
    << "clientPortListenBacklog=" << cfg->client_port_listen_backlog << "\n"
    << "serverId=" << cfg->server_id << "\n";
  return o.str();
}

std::string format_envi(ServerView& view) {
  auto stats = view.stats();
  std::string version = stats ? stats->version : version_string();
  std::string out = "Environment:\n";
  for (const auto& [k, v] : process_environment(version)) out += k + "=" + v + "\n";
  return out;
}

std::string format_dump(ServerView& view) {
  auto dump = view.dump();
  if (!dump) return not_serving_line();
  std::ostringstream o;
  o << "SessionTracker dump:\n";
  o << "Session Sets (" << dump->session_buckets.size() << ")/(" << dump->session_count << "):\n";
  for (const auto& b : dump->session_buckets) {
    bucket_header(o, b.session_ids.size(), b.expiry_wall_ms);
    for (int64_t sid : b.session_ids) o << "\t0x" << java_hex(sid) << "\n";
  }
  o << "ephemeral nodes dump:\n";
  o << "Sessions with Ephemerals (" << dump->ephemerals.size() << "):\n";
  for (const auto& [sid, paths] : dump->ephemerals) {
    o << "0x" << java_hex(sid) << ":\n";
    for (const auto& p : paths) o << "\t" << p << "\n";
  }
  o << "Connections dump:\n";
  o << "Connections Sets (" << dump->connection_buckets.size() << ")/(" << dump->connection_count
    << "):\n";
  for (const auto& b : dump->connection_buckets) {
    bucket_header(o, b.connections.size(), b.expiry_wall_ms);
    for (const auto& [addr, sid] : b.connections) {
      o << "\tip: /" << addr << " sessionId: 0x" << java_hex(sid) << "\n";
    }
  }
  return o.str();
}

std::string format_wchs(ServerView& view) {
  auto s = view.watch_summary();
  if (!s) return not_serving_line();
  std::ostringstream o;
  o << s->connections << " connections watching " << s->paths << " paths\n"
    << "Total watches:" << s->total << "\n";
  return o.str();
}

std::string format_wchc(ServerView& view) {
  auto w = view.watches();
  if (!w) return not_serving_line();
  std::string out;
  for (const auto& sw : *w) {
    out += "0x" + java_hex(sw.session_id) + "\n";
    for (const auto& p : sw.paths) out += "\t" + p + "\n";
  }
  out += "\n";
  return out;
}

std::string format_wchp(ServerView& view) {
  auto w = view.watches();
  if (!w) return not_serving_line();
  // Invert session -> paths into path -> sessions; path order is sorted (ZooKeeper's is
  // hash order, which no client can rely on).
  std::map<std::string, std::vector<int64_t>> by_path;
  for (const auto& sw : *w) {
    for (const auto& p : sw.paths) by_path[p].push_back(sw.session_id);
  }
  std::string out;
  for (const auto& [path, sids] : by_path) {
    out += path + "\n";
    for (int64_t sid : sids) out += "\t0x" + java_hex(sid) + "\n";
  }
  out += "\n";
  return out;
}

std::string format_mntr(ServerView& view) {
  auto stats = view.stats();
  if (!stats) return not_serving_line();
  auto store = view.store_stats();
  std::string out;
  for (const auto& [k, v] : monitor_entries(*stats, store ? &*store : nullptr)) {
    out += "zk_" + k + "\t" + monitor_value_text(v) + "\n";
  }
  return out;
}

std::string format_dirs(ServerView& view) {
  auto st = view.store_stats();
  if (!st) return not_serving_line();
  return "datadir_size: " + std::to_string(st->data_dir_bytes) + "\n" +
         "logdir_size: " + std::to_string(st->log_dir_bytes) + "\n";
}

std::string format_hash(ServerView& view) {
  auto d = view.digests();
  if (!d) return std::string(kNotServing);  // DigestCommand uses print, not println
  std::string out;
  for (const auto& zd : *d) out += java_hex(zd.zxid) + ": " + std::to_string(zd.digest) + "\n";
  return out;
}

std::string format_isro(ServerView& view) {
  auto stats = view.stats();
  if (!stats) return "null";
  return stats->read_only ? "ro" : "rw";
}

FourLetterResult run_four_letter(std::string_view word, ServerView& view,
                                 const FourLetterConfig& config, int64_t argument) {
  using Action = FourLetterResult::Action;
  if (word.size() != 4 || known_four_letter_words().count(word) == 0) {
    return {Action::kClose, {}};  // includes "telnet close"
  }
  if (!config.is_enabled(word)) {
    return {Action::kReply,
            std::string(word) + " is not executed because it is not in the whitelist.\n"};
  }
  std::string text;
  if (word == "ruok") {
    text = "imok";
  } else if (word == "srvr") {
    text = format_srvr(view, false);
  } else if (word == "stat") {
    text = format_srvr(view, true);
  } else if (word == "cons") {
    text = format_cons(view);
  } else if (word == "crst") {
    text = view.reset_connection_stats() ? "Connection stats reset.\n" : not_serving_line();
  } else if (word == "srst") {
    text = view.reset_server_stats() ? "Server stats reset.\n" : not_serving_line();
  } else if (word == "conf") {
    text = format_conf(view);
  } else if (word == "envi") {
    text = format_envi(view);
  } else if (word == "dump") {
    text = format_dump(view);
  } else if (word == "wchs") {
    text = format_wchs(view);
  } else if (word == "wchc") {
    text = format_wchc(view);
  } else if (word == "wchp") {
    text = format_wchp(view);
  } else if (word == "mntr") {
    text = format_mntr(view);
  } else if (word == "isro") {
    text = format_isro(view);
  } else if (word == "dirs") {
    text = format_dirs(view);
  } else if (word == "hash") {
    text = format_hash(view);
  } else if (word == "gtmk") {
    text = std::to_string(trace_mask());
  } else if (word == "stmk") {
    set_trace_mask(argument);
    text = std::to_string(argument);
  }
  return {Action::kReply, std::move(text)};
}

}  // namespace zkd::ops
