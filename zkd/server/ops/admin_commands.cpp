#include "zkd/server/ops/admin_commands.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <sstream>

#include "zkd/server/ops/four_letter.h"
#include "zkd/server/ops/jackson_json.h"
#include "zkd/server/ops/java_format.h"
#include "zkd/server/ops/monitor.h"
#include "zkd/server/ops/process_info.h"
#include "zkd/server/ops/version.h"

namespace zkd::ops {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using Params = std::map<std::string, std::string>;

Object::Ptr new_object() {
  return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

// Thrown inside a command when the ServerView cannot answer; becomes the "error" field.
struct CommandError {
  std::string message;
};

template <typename T>
T require(std::optional<T> v) {
  if (!v) throw CommandError{std::string(kNotServing)};
  return std::move(*v);
}

void put_connection(Array& arr, const ConnectionInfo& c, bool brief) {
  Object::Ptr o = new_object();
  o->set("remote_socket_address", c.remote_address);
  o->set("interest_ops", c.interest_ops);
  o->set("outstanding_requests", c.outstanding_requests);
  o->set("packets_received", c.packets_received);
  o->set("packets_sent", c.packets_sent);
  if (!brief && c.session_id != 0) {
    o->set("session_id", c.session_id);
    o->set("last_operation", c.last_op);
    o->set("established", c.established_wall_ms);
    o->set("session_timeout", c.session_timeout_ms);
    o->set("last_cxid", c.last_cxid);
    o->set("last_zxid", c.last_zxid);
    o->set("last_response_time", c.last_response_elapsed_ms);
    o->set("last_latency", c.last_latency_ms);
    o->set("min_latency", c.min_latency_ms);
    o->set("avg_latency", c.avg_latency_ms);
    o->set("max_latency", c.max_latency_ms);
  }
  arr.add(o);
}

void put_connections(Object& out, ServerView& view, bool brief) {
  Array::Ptr conns = new Array;
  for (const auto& c : require(view.connections())) put_connection(*conns, c, brief);
  out.set("connections", conns);
  out.set("secure_connections", Array::Ptr(new Array));
}

Object::Ptr response_sizes(const ServerStats& s) {
  Object::Ptr o = new_object();
  o->set("last_buffer_size", s.last_client_response_size);
  o->set("min_buffer_size", s.min_client_response_size);
  o->set("max_buffer_size", s.max_client_response_size);
  return o;
}

// ServerStats fields of srvr/stat (StatCommand in Commands.java).
void put_server_stats(Object& out, ServerView& view) {
  ServerStats s = require(view.stats());
  StoreStats st = view.store_stats().value_or(StoreStats{});
  out.set("version", s.version);
  out.set("read_only", s.read_only);
  Object::Ptr ss = new_object();
  ss->set("packets_sent", s.packets_sent);
  ss->set("packets_received", s.packets_received);
  ss->set("fsync_threshold_exceed_count", st.fsync_threshold_exceed_count);
  ss->set("client_response_stats", response_sizes(s));
  ss->set("data_dir_size", st.data_dir_bytes);
  ss->set("log_dir_size", st.log_dir_bytes);
  ss->set("provider_null", false);
  ss->set("server_state", s.server_state);
  ss->set("last_processed_zxid", s.last_zxid);
  ss->set("outstanding_requests", s.outstanding_requests);
  ss->set("avg_latency", zk_avg(s.latency_sum_ms, s.latency_count));
  ss->set("max_latency", s.latency_max_ms);
  ss->set("min_latency", s.latency_min_ms);
  ss->set("num_alive_client_connections", s.num_alive_connections);
  ss->set("uptime", s.uptime_ms);
  ss->set("auth_failed_count", s.auth_failed_count);
  ss->set("non_mtlsremote_conn_count", int64_t{0});
  ss->set("non_mtlslocal_conn_count", int64_t{0});
  out.set("server_stats", ss);
  out.set("client_response", response_sizes(s));
  out.set("node_count", s.node_count);
}

void cmd_configuration(Object& out, ServerView& view, const Params&) {
  ServerConfig c = require(view.config());
  out.set("client_port", c.client_port);
  out.set("data_dir", c.data_dir);
  out.set("data_log_dir", c.data_log_dir);
  out.set("tick_time", c.tick_time_ms);
  out.set("max_client_cnxns", c.max_client_cnxns);
  out.set("min_session_timeout", c.min_session_timeout_ms);
  out.set("max_session_timeout", c.max_session_timeout_ms);
  out.set("server_id", c.server_id);
  out.set("client_port_listen_backlog", c.client_port_listen_backlog);
}

void cmd_crst(Object&, ServerView& view, const Params&) {
  if (!view.reset_connection_stats()) throw CommandError{std::string(kNotServing)};
}

void cmd_srst(Object&, ServerView& view, const Params&) {
  if (!view.reset_server_stats()) throw CommandError{std::string(kNotServing)};
}

void cmd_connections(Object& out, ServerView& view, const Params&) {
  put_connections(out, view, false);
}

void cmd_dirs(Object& out, ServerView& view, const Params&) {
  StoreStats st = require(view.store_stats());
  out.set("datadir_size", st.data_dir_bytes);
  out.set("logdir_size", st.log_dir_bytes);
}

void cmd_dump(Object& out, ServerView& view, const Params&) {
  DumpInfo d = require(view.dump());
  Object::Ptr expiry = new_object();
  for (const auto& b : d.session_buckets) {
    Array::Ptr ids = new Array;
    for (int64_t sid : b.session_ids) ids->add(sid);
    expiry->set(std::to_string(b.expiry_elapsed_ms), ids);
  }
  Object::Ptr eph = new_object();
  for (const auto& [sid, paths] : d.ephemerals) {
    Array::Ptr ps = new Array;
    for (const auto& p : paths) ps->add(p);
    eph->set(std::to_string(sid), ps);
  }
  out.set("expiry_time_to_session_ids", expiry);
  out.set("session_id_to_ephemeral_paths", eph);
}

void cmd_environment(Object& out, ServerView& view, const Params&) {
  auto stats = view.stats();
  for (const auto& [k, v] : process_environment(stats ? stats->version : version_string())) {
    out.set(k, v);
  }
}

void cmd_get_trace_mask(Object& out, ServerView&, const Params&) {
  out.set("tracemask", trace_mask());
}

void cmd_set_trace_mask(Object& out, ServerView&, const Params& params) {
  auto it = params.find("traceMask");
  int64_t mask = 0;
  try {
    if (it == params.end()) throw std::invalid_argument("missing");
    size_t used = 0;
    mask = std::stoll(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing");
  } catch (const std::exception&) {
    throw CommandError{"setTraceMask requires long traceMask argument"};
  }
  set_trace_mask(mask);
  out.set("tracemask", mask);
}

void cmd_hash(Object& out, ServerView& view, const Params&) {
  Array::Ptr arr = new Array;
  for (const auto& zd : require(view.digests())) {
    Object::Ptr o = new_object();
    o->set("zxid", zd.zxid);
    o->set("digest", zd.digest);
    o->set("digest_version", zd.digest_version);
    arr->add(o);
  }
  out.set("digests", arr);
}

void cmd_initial_configuration(Object& out, ServerView& view, const Params&) {
  out.set("initial_configuration", require(view.config()).initial_config_text);
}

void cmd_is_read_only(Object& out, ServerView& view, const Params&) {
  out.set("read_only", require(view.stats()).read_only);
}

void cmd_last_snapshot(Object& out, ServerView& view, const Params&) {
  StoreStats st = require(view.store_stats());
  out.set("zxid", java_hex(st.last_checkpoint_zxid));
  out.set("timestamp", st.last_checkpoint_wall_ms / 1000);
}

void cmd_leader(Object&, ServerView&, const Params&) {
  // LeaderCommand on a non-quorum server.
  throw CommandError{"server is not initialized"};
}

void cmd_monitor(Object& out, ServerView& view, const Params&) {
  ServerStats s = require(view.stats());
  auto store = view.store_stats();
  for (const auto& [k, v] : monitor_entries(s, store ? &*store : nullptr)) {
    if (const auto* i = std::get_if<int64_t>(&v)) {
      out.set(k, *i);
    } else if (const auto* d = std::get_if<double>(&v)) {
      out.set(k, *d);
    } else {
      out.set(k, std::get<std::string>(v));
    }
  }
}

void cmd_observers(Object& out, ServerView&, const Params&) {
  out.set("synced_observers", 0);
  out.set("observers", Array::Ptr(new Array));
}

void cmd_nothing(Object&, ServerView&, const Params&) {}

void cmd_server_stats(Object& out, ServerView& view, const Params&) {
  put_server_stats(out, view);
}

void cmd_stats(Object& out, ServerView& view, const Params&) {
  put_server_stats(out, view);
  put_connections(out, view, true);
}

void cmd_system_properties(Object& out, ServerView& view, const Params& p) {
  cmd_environment(out, view, p);
}

void cmd_voting_view(Object& out, ServerView&, const Params&) {
  out.set("current_config", new_object());
}

void cmd_watch_summary(Object& out, ServerView& view, const Params&) {
  WatchSummary s = require(view.watch_summary());
  out.set("num_connections", s.connections);
  out.set("num_paths", s.paths);
  out.set("num_total_watches", s.total);
}

void cmd_watches(Object& out, ServerView& view, const Params&) {
  Object::Ptr o = new_object();
  for (const auto& sw : require(view.watches())) {
    Array::Ptr ps = new Array;
    for (const auto& p : sw.paths) ps->add(p);
    o->set(std::to_string(sw.session_id), ps);
  }
  out.set("session_id_to_watched_paths", o);
}

void cmd_watches_by_path(Object& out, ServerView& view, const Params&) {
  std::map<std::string, std::vector<int64_t>> by_path;
  for (const auto& sw : require(view.watches())) {
    for (const auto& p : sw.paths) by_path[p].push_back(sw.session_id);
  }
  Object::Ptr o = new_object();
  for (const auto& [path, sids] : by_path) {
    Array::Ptr arr = new Array;
    for (int64_t sid : sids) arr->add(sid);
    o->set(path, arr);
  }
  out.set("path_to_session_ids", o);
}

void cmd_zabstate(Object& out, ServerView&, const Params&) {
  out.set("voting", false);
  out.set("zabstate", std::string());
}

using Handler = void (*)(Object&, ServerView&, const Params&);

struct Entry {
  AdminCommandSpec spec;
  Handler handler;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> all = {
      {{"configuration", {"conf", "config"}}, cmd_configuration},
      {{"connection_stat_reset", {"crst"}}, cmd_crst},
      {{"connections", {"cons"}}, cmd_connections},
      {{"dirs", {}}, cmd_dirs},
      {{"dump", {}}, cmd_dump},
      {{"environment", {"env", "envi"}}, cmd_environment},
      {{"get_trace_mask", {"gtmk"}}, cmd_get_trace_mask},
      {{"hash", {}}, cmd_hash},
      {{"initial_configuration", {"icfg"}}, cmd_initial_configuration},
      {{"is_read_only", {"isro"}}, cmd_is_read_only},
      {{"last_snapshot", {"lsnp"}}, cmd_last_snapshot},
      {{"leader", {"lead"}}, cmd_leader},
      {{"monitor", {"mntr"}}, cmd_monitor},
      {{"observer_connection_stat_reset", {"orst"}}, cmd_nothing},
      {{"observers", {"obsr"}}, cmd_observers},
      {{"ruok", {}}, cmd_nothing},
      {{"server_stats", {"srvr"}}, cmd_server_stats},
      {{"set_trace_mask", {"stmk"}}, cmd_set_trace_mask},
      {{"stat_reset", {"srst"}}, cmd_srst},
      {{"stats", {"stat"}}, cmd_stats},
      {{"system_properties", {"sysp"}}, cmd_system_properties},
      {{"voting_view", {}}, cmd_voting_view},
      {{"watch_summary", {"wchs"}}, cmd_watch_summary},
      {{"watches", {"wchc"}}, cmd_watches},
      {{"watches_by_path", {"wchp"}}, cmd_watches_by_path},
      {{"zabstate", {}}, cmd_zabstate},
  };
  return all;
}

const Entry* find(std::string_view name) {
  for (const auto& e : entries()) {
    if (e.spec.primary == name) return &e;
    for (const auto& a : e.spec.aliases) {
      if (a == name) return &e;
    }
  }
  return nullptr;
}

std::string pretty(const Object& o) {
  return jackson_pretty(Poco::Dynamic::Var(o));
}

}  // namespace

const std::vector<AdminCommandSpec>& admin_commands() {
  static const std::vector<AdminCommandSpec> specs = [] {
    std::vector<AdminCommandSpec> v;
    for (const auto& e : entries()) v.push_back(e.spec);
    return v;
  }();
  return specs;
}

AdminResponse run_admin_command(std::string_view name, ServerView& view, const Params& params) {
  Object out(Poco::JSON_PRESERVE_KEY_ORDER);
  const Entry* e = find(name);
  if (e == nullptr) {
    out.set("command", std::string(name));
    out.set("error", "Unknown command: " + std::string(name));
    return {200, pretty(out)};
  }
  try {
    e->handler(out, view, params);
    out.set("command", e->spec.primary);
    out.set("error", Poco::Dynamic::Var());
  } catch (const CommandError& err) {
    // As ZooKeeper: a command that sets its own error keeps only "error" and "command".
    Object failed(Poco::JSON_PRESERVE_KEY_ORDER);
    failed.set("error", err.message);
    failed.set("command", e->spec.primary);
    return {200, pretty(failed)};
  }
  return {200, pretty(out)};
}

std::string admin_command_listing(std::string_view command_url) {
  std::string out;
  for (const auto& spec : admin_commands()) {
    out += "<a href=\"" + std::string(command_url) + "/" + spec.primary + "\">" + spec.primary +
           "</a>\n<br/>\n";
  }
  return out;
}

}  // namespace zkd::ops
