#include "zkd/server/state_view.h"

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include "zkd/proto/ops.h"
#include "zkd/server/ops/metric_names.h"
#include "zkd/server/ops/process_info.h"
#include "zkd/server/ops/state_call.h"
#include "zkd/server/ops/version.h"
#include "zkd/storage/store.h"

namespace zkd::server {

namespace op = proto::op;

const char* op_tag(int32_t opcode) {
  switch (opcode) {
    case op::kCreate:
    case op::kCreate2:
    case op::kCreateContainer:
    case op::kCreateTTL: return "CREA";
    case op::kDelete: return "DELE";
    case op::kExists: return "EXIS";
    case op::kGetData: return "GETD";
    case op::kSetData: return "SETD";
    case op::kGetACL: return "GETA";
    case op::kSetACL: return "SETA";
    case op::kGetChildren:
    case op::kGetChildren2: return "GETC";
    case op::kSync: return "SYNC";
    case op::kPing: return "PING";
    case op::kCheck: return "CHEC";
    case op::kMulti: return "MULT";
    case op::kMultiRead: return "MLTR";
    case op::kReconfig: return "RECO";
    case op::kCheckWatches: return "CHKW";
    case op::kRemoveWatches: return "REMW";
    case op::kSetWatches: return "SETW";
    case op::kSetWatches2: return "STW2";
    case op::kAddWatch: return "ADDW";
    case op::kWhoAmI: return "HOMI";
    case op::kGetEphemerals: return "GETE";
    case op::kGetAllChildrenNumber: return "GETACN";
    case op::kCloseSession: return "CLOS";
    case op::kCreateSession: return "SESS";
    case op::kSasl: return "SASL";
    case op::kAuth: return "AUTH";
    default: return "NA";
  }
}

namespace {
int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}
int64_t steady_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}
}  // namespace

std::optional<ops::ServerStats> StateView::stats() {
  ops::ServerStats s;
  const ServerStats& st = server_.stats();
  s.version = ops::version_string();
  s.server_state = "standalone";
  s.last_zxid = server_.last_zxid();
  s.node_count = server_.tree().node_count();
  s.latency_min_ms = st.latency_min_ms;
  s.latency_max_ms = st.latency_max_ms;
  s.latency_count = st.latency_count;
  s.latency_sum_ms = st.latency_sum_ms;
  s.packets_received = st.packets_received;
  s.packets_sent = st.packets_sent;
  s.num_alive_connections = static_cast<int64_t>(server_.connections().size());
  int64_t outstanding = 0;
  for (const auto& [id, c] : server_.connections()) outstanding += static_cast<int64_t>(c->queue.size());
  s.outstanding_requests = outstanding;
  s.watch_count = static_cast<int64_t>(server_.watches().watch_count());
  s.ephemerals_count = server_.tree().ephemeral_count();
  s.approximate_data_size = server_.tree().approximate_data_size();
  s.global_sessions = static_cast<int64_t>(server_.sessions().size());
  s.uptime_ms = server_.uptime_ms();
  auto fds = ops::process_fd_counts();
  s.open_fd_count = fds.open;
  s.max_fd_count = fds.max;
  s.last_client_response_size = st.last_response_size;
  s.min_client_response_size = st.min_response_size;
  s.max_client_response_size = st.max_response_size;
  s.auth_failed_count = st.auth_failed;
  namespace m = ops::metric;
  s.counters[std::string(m::kConnectionRejected)] = st.connection_rejected;
  s.counters[std::string(m::kConnectionRequestCount)] = st.connection_requests;
  s.counters[std::string(m::kBytesReceivedCount)] = st.bytes_received;
  s.counters[std::string(m::kResponseBytes)] = st.response_bytes;
  s.counters[std::string(m::kStaleSessionsExpired)] = st.sessions_expired;
  s.summaries[std::string(m::kReadLatency)] = st.read_latency.snapshot();
  s.summaries[std::string(m::kUpdateLatency)] = st.update_latency.snapshot();
  s.summaries[std::string(m::kSnapshotTime)] = st.checkpoint_build_ms.snapshot();
  s.summaries[std::string(m::kDbInitTime)] = st.db_init_ms.snapshot();
  if (store_) {
    storage::StoreStats ss = store_->stats();
    ops::Summary fsync;
    fsync.count = ss.fsync_count;
    fsync.sum = static_cast<int64_t>(ss.fsync_total_ms);
    fsync.max = static_cast<int64_t>(ss.fsync_max_ms);
    s.summaries[std::string(m::kFsyncTime)] = fsync;
  }
  // Every op has a series from the start, so dashboards and rates see zeros, not gaps.
  for (int32_t code : {op::kCreate, op::kDelete, op::kExists, op::kGetData, op::kSetData,
                       op::kGetACL, op::kSetACL, op::kGetChildren, op::kGetChildren2, op::kSync,
                       op::kCheck, op::kMulti, op::kMultiRead, op::kCreate2, op::kCreateContainer,
                       op::kCreateTTL, op::kCloseSession}) {
    s.requests_by_op[proto::op_name(code)] = 0;
  }
  for (const auto& [k, v] : st.ops_by_name) s.requests_by_op[k] = v;
  s.rejected_frames = {{"length", 0}, {"header", 0}, {"connect", 0}, {"opcode", 0}};
  for (const auto& [k, v] : st.rejected_frames) s.rejected_frames[k] = v;
  return s;
}

std::optional<std::vector<ops::ConnectionInfo>> StateView::connections() {
  std::vector<ops::ConnectionInfo> out;
  int64_t now = wall_now_ms();
  // Stable order: by connection id (accept order).
  std::map<uint64_t, const Connection*> ordered;
  for (const auto& [id, c] : server_.connections()) ordered[id] = c.get();
  for (const auto& [id, c] : ordered) {
    ops::ConnectionInfo ci;
    ci.remote_address = c->remote_ip + ":" + std::to_string(c->remote_port);
    ci.interest_ops = (c->reading_paused ? 0 : 1) | (c->unsent() > 0 ? 4 : 0);
    ci.outstanding_requests = static_cast<int64_t>(c->queue.size());
    const ConnectionStats& s = c->stats;
    ci.packets_received = s.packets_received;
    ci.packets_sent = s.packets_sent;
    ci.session_id = c->state == Connection::State::kConnected ? c->session_id : 0;
    ci.last_op = s.last_opcode == -100 ? "NA" : op_tag(s.last_opcode);
    ci.established_wall_ms = s.established_ms;
    ci.session_timeout_ms = c->timeout_ms;
    ci.last_cxid = s.latency_count ? s.last_cxid : -1;
    ci.last_zxid = s.latency_count ? s.last_zxid : -1;
    ci.last_response_elapsed_ms = s.last_response_ms ? now - s.last_response_ms : 0;
    ci.last_latency_ms = s.last_latency_ms;
    ci.min_latency_ms = s.min_latency_ms < 0 ? 0 : s.min_latency_ms;
    ci.avg_latency_ms = s.latency_count ? s.total_latency_ms / s.latency_count : 0;
    ci.max_latency_ms = s.max_latency_ms;
    out.push_back(std::move(ci));
  }
  return out;
}

std::optional<ops::WatchSummary> StateView::watch_summary() {
  // ZooKeeper's wchs/wchc/wchp describe the data-watch table.
  const auto& table = server_.watches().data();
  ops::WatchSummary w;
  w.connections = static_cast<int64_t>(table.by_watcher().size());
  w.paths = static_cast<int64_t>(table.by_path().size());
  w.total = static_cast<int64_t>(table.watch_count());
  return w;
}

std::optional<std::vector<ops::SessionWatches>> StateView::watches() {
  std::map<int64_t, std::vector<std::string>> by_session;
  for (const auto& [watcher, paths] : server_.watches().data().by_watcher()) {
    auto it = server_.connections().find(watcher);
    int64_t sid = it == server_.connections().end() ? 0 : it->second->session_id;
    auto& v = by_session[sid];
    v.insert(v.end(), paths.begin(), paths.end());
  }
  std::vector<ops::SessionWatches> out;
  for (auto& [sid, paths] : by_session) out.push_back({sid, std::move(paths)});
  return out;
}

std::optional<ops::DumpInfo> StateView::dump() {
  ops::DumpInfo d;
  const auto& sessions = server_.sessions();
  d.session_count = static_cast<int64_t>(sessions.size());
  int64_t steady = steady_now_ms();
  int64_t wall = wall_now_ms();
  std::map<int64_t, size_t> bucket_index;
  for (const auto& [expiry, ids] : sessions.buckets()) {
    ops::SessionBucket b;
    b.expiry_elapsed_ms = expiry;
    b.expiry_wall_ms = wall + (expiry - steady);
    b.session_ids.assign(ids.begin(), ids.end());
    bucket_index[expiry] = d.session_buckets.size();
    d.session_buckets.push_back(std::move(b));
  }
  for (const auto& [sid, paths] : server_.tree().ephemerals()) {
    d.ephemerals.emplace_back(sid, std::vector<std::string>(paths.begin(), paths.end()));
  }
  std::map<int64_t, ops::ConnectionBucket> conn_buckets;
  for (const auto& [id, c] : server_.connections()) {
    const session::Session* s = sessions.find(c->session_id);
    int64_t expiry = s && s->expire_at_ms ? s->expire_at_ms : steady;
    auto& b = conn_buckets[expiry];
    b.expiry_elapsed_ms = expiry;
    b.expiry_wall_ms = wall + (expiry - steady);
    b.connections.emplace_back(c->remote_ip + ":" + std::to_string(c->remote_port), c->session_id);
    ++d.connection_count;
  }
  for (auto& [k, b] : conn_buckets) d.connection_buckets.push_back(std::move(b));
  return d;
}

std::optional<ops::ServerConfig> StateView::config() {
  const ServerConfig& c = server_.config();
  ops::ServerConfig o;
  o.client_port = server_.bound_port();
  o.data_dir = c.data_dir;
  o.data_log_dir = c.data_log_dir.empty() ? c.data_dir : c.data_log_dir;
  o.tick_time_ms = c.tick_ms;
  o.max_client_cnxns = c.max_client_cnxns;
  o.min_session_timeout_ms = c.min_session_ms();
  o.max_session_timeout_ms = c.max_session_ms();
  o.server_id = c.server_id;
  std::ifstream in(c.config_path);
  std::stringstream text;
  text << in.rdbuf();
  o.initial_config_text = text.str();
  return o;
}

std::optional<ops::StoreStats> StateView::store_stats() {
  ops::StoreStats o;
  if (store_) {
    storage::StoreStats s = store_->stats();
    o.data_dir_bytes = s.data_dir_bytes;
    o.log_dir_bytes = s.log_dir_bytes;
    o.last_checkpoint_zxid = s.last_checkpoint_zxid;
    o.last_checkpoint_wall_ms = s.last_checkpoint_time_ms;
  }
  o.storage_failed = server_.storage_failed();
  return o;
}

std::optional<std::vector<ops::ZxidDigest>> StateView::digests() {
  // zkd keeps no tree digest yet (ZooKeeper's digest.enabled): `hash` lists none.
  return std::vector<ops::ZxidDigest>{};
}

bool StateView::reset_connection_stats() {
  server_.reset_connection_stats();
  return true;
}

bool StateView::reset_server_stats() {
  server_.stats().reset();
  return true;
}

template <typename Fn>
auto PostingView::call(Fn fn) {
  ops::PostFn post = [this](std::function<void()> task) { return server_.post(std::move(task)); };
  return ops::call_with_timeout(post, std::chrono::milliseconds(3000), fn);
}

std::optional<ops::ServerStats> PostingView::stats() {
  auto r = call([this] { return state_.stats(); });
  return r ? *r : std::nullopt;
}
std::optional<std::vector<ops::ConnectionInfo>> PostingView::connections() {
  auto r = call([this] { return state_.connections(); });
  return r ? *r : std::nullopt;
}
std::optional<ops::WatchSummary> PostingView::watch_summary() {
  auto r = call([this] { return state_.watch_summary(); });
  return r ? *r : std::nullopt;
}
std::optional<std::vector<ops::SessionWatches>> PostingView::watches() {
  auto r = call([this] { return state_.watches(); });
  return r ? *r : std::nullopt;
}
std::optional<ops::DumpInfo> PostingView::dump() {
  auto r = call([this] { return state_.dump(); });
  return r ? *r : std::nullopt;
}
std::optional<ops::ServerConfig> PostingView::config() {
  auto r = call([this] { return state_.config(); });
  return r ? *r : std::nullopt;
}
std::optional<ops::StoreStats> PostingView::store_stats() {
  auto r = call([this] { return state_.store_stats(); });
  return r ? *r : std::nullopt;
}
std::optional<std::vector<ops::ZxidDigest>> PostingView::digests() {
  auto r = call([this] { return state_.digests(); });
  return r ? *r : std::nullopt;
}
bool PostingView::reset_connection_stats() {
  auto r = call([this] { return state_.reset_connection_stats(); });
  return r && *r;
}
bool PostingView::reset_server_stats() {
  auto r = call([this] { return state_.reset_server_stats(); });
  return r && *r;
}

}  // namespace zkd::server
