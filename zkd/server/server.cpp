#include "zkd/server/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cassert>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <set>

#include "zkd/proto/ops.h"
#include "zkd/server/log.h"
#include "zkd/server/ops/whitelist.h"
#include "zkd/storage/log_segment.h"
#include "zkd/txn/reads.h"
#include "zkd/txn/reply.h"

namespace zkd::server {

namespace op = proto::op;
namespace err = proto::err;

namespace {
// Back-pressure: past these a connection stops being read until its backlog halves.
constexpr size_t kMaxUnsentBytes = 4 << 20;
constexpr size_t kMaxQueuedRequests = 10000;
constexpr size_t kReadChunk = 64 << 10;
constexpr int kMaxEvents = 256;
// Nodes per slice of a checkpoint built between requests: about 2 ms of the state thread.
constexpr int64_t kCheckpointSliceNodes = 2048;
constexpr uint64_t kWakeTag = 0;
constexpr uint64_t kListenTag = 1;

void set_nonblocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Frames: int32 length + payload.
void append_frame(std::string& out, std::string_view payload) {
  proto::Writer w(&out);
  w.i32(static_cast<int32_t>(payload.size()));
  w.raw(payload);
}
}  // namespace

Server::Server(const ServerConfig& config)
    : config_(config),
      sessions_(config.tick_ms),
      prepper_(tree_, sessions_, txn::PrepOptions{config.extended_types}),
      applier_(tree_, &watches_) {
  start_ms_ = now_ms();
  sessions_.init_ids(config.server_id, wall_ms());
}

Server::~Server() {
  for (auto& [id, c] : conns_) ::close(c->fd);
  if (listen_fd_ >= 0) ::close(listen_fd_);
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

int64_t Server::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t Server::wall_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t Server::uptime_ms() const { return now_ms() - start_ms_; }

bool Server::listen(std::string* error) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(config_.client_port));
  if (inet_pton(AF_INET, config_.client_address.c_str(), &addr.sin_addr) != 1) {
    *error = "clientPortAddress '" + config_.client_address + "' is not an IPv4 address";
    return false;
  }
  if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = "cannot bind client port " + config_.client_address + ":" +
             std::to_string(config_.client_port) + ": " + std::strerror(errno);
    return false;
  }
  if (::listen(listen_fd_, 1024) != 0) {
    *error = std::string("listen failed: ") + std::strerror(errno);
    return false;
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  bound_port_ = ntohs(addr.sin_port);
  set_nonblocking(listen_fd_);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, listen_fd_, &ev);
  ev.data.u64 = kWakeTag;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev);
  return true;
}

void Server::stop() {
  stopping_ = true;
  wake();
}

void Server::wake() {
  uint64_t one = 1;
  if (wake_fd_ >= 0) {
    ssize_t n = ::write(wake_fd_, &one, sizeof one);
    (void)n;
  }
}

bool Server::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(tasks_mu_);
    if (stopping_ || tasks_.size() >= 10000) return false;
    tasks_.push_back(std::move(task));
  }
  wake();
  return true;
}

void Server::run_tasks() {
  std::deque<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(tasks_mu_);
    tasks.swap(tasks_);
  }
  for (auto& t : tasks) t();
}

void Server::run() {
  epoll_event events[kMaxEvents];
  next_tick_ms_ = now_ms() + config_.tick_ms;
  next_reap_ms_ = now_ms() + config_.container_check_interval_ms;
  while (!stopping_) {
    int64_t now = now_ms();
    int timeout = static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(next_tick_ms_ - now, 100)));
    if (checkpoint_) timeout = 0;  // keep building it while idle
    int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout);
    for (int i = 0; i < n; ++i) {
      uint64_t tag = events[i].data.u64;
      if (tag == kWakeTag) {
        uint64_t v;
        ssize_t r = ::read(wake_fd_, &v, sizeof v);
        (void)r;
        continue;
      }
      if (tag == kListenTag) {
        accept_all();
        continue;
      }
      auto it = conns_.find(tag);
      if (it == conns_.end()) continue;
      Connection& c = *it->second;
      if (events[i].events & (EPOLLERR | EPOLLHUP)) {
        if (!(events[i].events & EPOLLIN)) {
          close_connection(c.id, "socket error");
          continue;
        }
      }
      if (events[i].events & EPOLLOUT) flush(c);
      if ((events[i].events & EPOLLIN) && conns_.count(tag)) on_readable(c);
    }
    process_durable();
    run_tasks();
    advance_checkpoint(kCheckpointSliceNodes);
    now = now_ms();
    if (now >= next_tick_ms_) {
      on_tick(now);
      next_tick_ms_ = now + config_.tick_ms;
    }
    if (now >= next_reap_ms_) {
      reap_containers(now);
      next_reap_ms_ = now + config_.container_check_interval_ms;
    }
    std::vector<uint64_t> dirty;
    dirty.swap(dirty_);
    for (uint64_t id : dirty) {
      auto it = conns_.find(id);
      if (it != conns_.end()) flush(*it->second);
    }
  }
  // Shutdown: flush what we can, then close every connection (sessions stay; clients
  // reconnect to the restarted server within their timeout).
  for (auto& [id, c] : conns_) flush(*c);
  std::vector<uint64_t> ids;
  for (auto& [id, c] : conns_) ids.push_back(id);
  for (uint64_t id : ids) close_connection(id, "server shutting down");
  // A shutdown checkpoint at what is applied (as PostgreSQL does): the next start loads
  // it and replays next to nothing from the log, so a restart costs one checkpoint load.
  // The storage threads write it before they stop.
  // One being built for an older zxid is dropped for it; one for this zxid is finished.
  if (checkpoint_ && checkpoint_->zxid() < applied_zxid_) checkpoint_.reset();
  if (!checkpoint_ && applied_zxid_ > last_checkpoint_zxid_) start_checkpoint();
  advance_checkpoint(INT64_MAX);
}

void Server::accept_all() {
  for (;;) {
    sockaddr_in addr{};
    socklen_t len = sizeof addr;
    int fd = accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    char ip[INET_ADDRSTRLEN] = {0};
    inet_ntop(AF_INET, &addr.sin_addr, ip, sizeof ip);
    std::string remote = ip;
    if ((config_.max_client_cnxns > 0 && conns_per_ip_[remote] >= config_.max_client_cnxns) ||
        (config_.max_cnxns > 0 && static_cast<int>(conns_.size()) >= config_.max_cnxns)) {
      ++stats_.connection_rejected;
      log::warn("Too many connections from /" + remote + " - max is " +
                std::to_string(config_.max_client_cnxns));
      ::close(fd);
      continue;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto c = std::make_unique<Connection>();
    c->id = ++next_conn_id_;
    c->fd = fd;
    c->remote_ip = remote;
    c->remote_port = ntohs(addr.sin_port);
    c->auth.push_back({"ip", remote});
    c->stats.established_ms = wall_ms();
    ++conns_per_ip_[remote];
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = c->id;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
    conn_by_fd_[fd] = c->id;
    conns_.emplace(c->id, std::move(c));
  }
}

void Server::on_readable(Connection& c) {
  uint64_t id = c.id;
  size_t total = 0;
  char buf[kReadChunk];
  while (total < 4 * kReadChunk) {
    ssize_t n = ::read(c.fd, buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
      stats_.bytes_received += n;
      if (static_cast<size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n == 0) {
      parse_frames(c);  // answer what arrived before the close
      if (conns_.count(id)) close_connection(id, "client closed the connection");
      return;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (errno == EINTR) continue;
    close_connection(id, "read error");
    return;
  }
  parse_frames(c);
}

// The first four bytes of a connection decide: a four-letter word, or a framed
// ConnectRequest.
bool Server::handle_first_bytes(Connection& c) {
  if (c.in.size() < 4) return false;
  proto::Reader r(c.in.data(), 4);
  auto word = ops::four_letter_word(static_cast<uint32_t>(r.i32()));
  if (!word || !four_letter_) {
    c.state = Connection::State::kHandshake;
    return true;
  }
  int64_t argument = 0;
  if (ops::four_letter_needs_argument(*word)) {  // stmk: an 8-byte mask follows
    if (c.in.size() < 12) return false;
    proto::Reader arg(c.in.data() + 4, 8);
    argument = arg.i64();
  }
  std::optional<std::string> reply = four_letter_(*word, argument);
  c.state = Connection::State::kClosing;
  c.in.clear();
  c.close_after_flush = true;
  if (c.out.empty()) dirty_.push_back(c.id);
  if (reply) c.out.append(*reply);  // plain text, no frame
  return false;
}

void Server::parse_frames(Connection& c) {
  uint64_t id = c.id;
  size_t pos = 0;
  if (c.state == Connection::State::kNew && !handle_first_bytes(c)) return;
  while (conns_.count(id) && c.state != Connection::State::kClosing) {
    // While a new session is being created, later frames wait in the buffer.
    if (c.state == Connection::State::kHandshake && c.session_id != 0) break;
    if (c.in.size() - pos < 4) break;
    proto::Reader hdr(c.in.data() + pos, 4);
    int32_t len = hdr.i32();
    if (len < 0 || len > config_.jute_max_buffer) {
      ++stats_.rejected_frames["length"];
      log::warn("Len error " + std::to_string(len) + " from /" + c.remote_ip + "; closing");
      close_connection(id, "invalid frame length");
      return;
    }
    if (c.in.size() - pos < 4 + static_cast<size_t>(len)) break;
    std::string_view frame(c.in.data() + pos + 4, static_cast<size_t>(len));
    pos += 4 + static_cast<size_t>(len);
    if (c.state == Connection::State::kHandshake) {
      if (!handle_connect(c, frame)) return;
    } else {
      handle_request(c, frame);
    }
    if (c.queue.size() >= kMaxQueuedRequests || c.unsent() >= kMaxUnsentBytes) break;
  }
  if (conns_.count(id)) {
    c.in.erase(0, pos);
    update_interest(c);
  }
}

bool Server::handle_connect(Connection& c, std::string_view frame) {
  proto::Reader r(frame);
  proto::ConnectRequest req;
  proto::read(r, req);
  if (!r.ok()) {
    ++stats_.rejected_frames["connect"];
    close_connection(c.id, "malformed ConnectRequest");
    return false;
  }
  c.readonly_byte = req.hasReadOnly;
  if (req.lastZxidSeen > applied_zxid_) {
    log::info("Refusing session request for client /" + c.remote_ip + " as it has seen zxid 0x" +
              std::to_string(req.lastZxidSeen) + " our last zxid is 0x" + std::to_string(applied_zxid_) +
              " client must try another server");
    close_connection(c.id, "client ahead of server");
    return false;
  }
  int32_t timeout =
      session::SessionTable::negotiate(req.timeOut, config_.min_session_ms(), config_.max_session_ms());
  if (req.sessionId == 0) {
    if (durability_ && durability_->failed()) {
      close_connection(c.id, "storage failed: not creating sessions");
      return false;
    }
    int64_t sid = sessions_.next_id();
    c.session_id = sid;
    c.timeout_ms = timeout;
    txn::WriteRequest w;
    w.opcode = op::kCreateSession;
    w.session_id = sid;
    w.auth = &c.auth;
    w.timeout_ms = timeout;
    submit_write(w, c.id);
    return true;
  }
  // As ZooKeeper, any connection holding the session is closed first, even when this
  // request then turns out to carry a wrong password.
  if (auto other = conn_by_session_.find(req.sessionId); other != conn_by_session_.end()) {
    if (other->second != c.id) close_connection(other->second, "session moved to a new connection");
  }
  const session::Session* s = sessions_.find(req.sessionId);
  if (!s || s->closing || req.passwd != sessions_.password(req.sessionId)) {
    // Expired or invalid: timeOut 0, session 0, a zero password, then close.
    send_connect_response(c, 0, 0, std::string(16, '\0'));
    c.state = Connection::State::kClosing;
    c.close_after_flush = true;
    return false;
  }
  sessions_.add(req.sessionId, timeout, now_ms());
  c.session_id = req.sessionId;
  c.timeout_ms = timeout;
  c.state = Connection::State::kConnected;
  conn_by_session_[req.sessionId] = c.id;
  send_connect_response(c, timeout, req.sessionId, sessions_.password(req.sessionId));
  return true;
}

void Server::send_connect_response(Connection& c, int32_t timeout_ms, int64_t session_id,
                                   const std::string& passwd) {
  std::string body;
  proto::Writer w(&body);
  proto::ConnectResponse resp;
  resp.timeOut = timeout_ms;
  resp.sessionId = session_id;
  resp.passwd = passwd;
  resp.hasReadOnly = c.readonly_byte;
  proto::write(w, resp);
  queue_frame(c, body);
}

void Server::handle_request(Connection& c, std::string_view frame) {
  proto::Reader r(frame);
  proto::RequestHeader h;
  proto::read(r, h);
  if (!r.ok()) {
    ++stats_.rejected_frames["header"];
    close_connection(c.id, "frame shorter than a request header");
    return;
  }
  ++stats_.packets_received;
  ++c.stats.packets_received;
  sessions_.touch(c.session_id, now_ms());
  PendingRequest p;
  p.xid = h.xid;
  p.opcode = h.type;
  p.body.assign(r.pos(), r.remaining());
  p.received_ms = now_ms();
  if (!txn::is_read(h.type) && !txn::is_write(h.type) && h.type != op::kAuth) {
    // As ZooKeeper: createSession inside a session is a marshalling error; any other
    // unknown opcode is UNIMPLEMENTED (zxid -1) and the connection is closed after it.
    bool fatal = h.type != op::kCreateSession;
    ++stats_.rejected_frames["opcode"];
    std::string reply;
    proto::Writer w(&reply);
    proto::write(w, proto::ReplyHeader{h.xid, fatal ? -1 : applied_zxid_,
                                       fatal ? err::kUnimplemented : err::kMarshallingError});
    p.zxid = -1;
    p.done = true;
    p.reply.swap(reply);
    c.queue.push_back(std::move(p));
    drain(c);
    if (fatal && conns_.count(c.id)) {
      c.state = Connection::State::kClosing;
      c.close_after_flush = true;
    }
    return;
  }
  bool write = txn::is_write(h.type);
  if (write) {
    if (durability_ && durability_->failed()) {
      // Fail-stop: a failed store never acknowledges another write.
      p.done = true;
      p.zxid = -1;
      std::string reply;
      proto::Writer w(&reply);
      proto::write(w, proto::ReplyHeader{h.xid, applied_zxid_, err::kSystemError});
      p.reply.swap(reply);
      c.queue.push_back(std::move(p));
      drain(c);
      return;
    }
    p.zxid = next_zxid_;
    c.queue.push_back(std::move(p));
    const PendingRequest& q = c.queue.back();
    txn::WriteRequest w;
    w.opcode = q.opcode;
    w.cxid = q.xid;
    w.session_id = c.session_id;
    w.auth = &c.auth;
    w.body = q.body;
    submit_write(w, c.id);
  } else {
    c.queue.push_back(std::move(p));
  }
  drain(c);
}

void Server::submit_write(const txn::WriteRequest& req, uint64_t conn_id) {
  int64_t zxid = next_zxid_++;
  txn::Txn t = prepper_.prep(req, zxid, wall_ms());
  ++stats_.ops_by_name[proto::op_name(req.opcode)];
  if (durability_) {
    std::string bytes = txn::encode(t);
    log_bytes_since_checkpoint_ += static_cast<int64_t>(bytes.size());
    durability_->submit(zxid, std::move(bytes));
  }
  inflight_.push_back({zxid, std::move(t), conn_id});
}

void Server::drain(Connection& c) {
  uint64_t id = c.id;
  while (conns_.count(id) && !c.queue.empty()) {
    PendingRequest& front = c.queue.front();
    if (front.zxid != 0) {
      if (!front.done) break;
      queue_frame(c, front.reply);
      c.queue.pop_front();
      continue;
    }
    if (front.opcode == op::kAuth) {
      handle_auth(c, front);
    } else {
      execute_read(c, front);
    }
    if (!conns_.count(id)) return;
    c.queue.pop_front();
  }
}

void Server::handle_auth(Connection& c, PendingRequest& r) {
  proto::Reader rd(r.body);
  proto::AuthPacket a;
  proto::read(rd, a);
  int32_t code = err::kOk;
  if (!rd.ok()) {
    close_connection(c.id, "truncated auth packet");
    return;
  }
  if (a.scheme != "digest" || a.auth.find(':') == std::string::npos) {
    code = err::kAuthFailed;
  } else {
    std::string digest = tree::digest_of(a.auth);
    proto::Id id{"digest", digest};
    if (std::find(c.auth.begin(), c.auth.end(), id) == c.auth.end()) c.auth.push_back(id);
    if (!config_.super_digest.empty() && digest == config_.super_digest) {
      proto::Id super{"super", ""};
      if (std::find(c.auth.begin(), c.auth.end(), super) == c.auth.end()) c.auth.push_back(super);
    }
  }
  std::string frame;
  proto::Writer w(&frame);
  proto::write(w, proto::ReplyHeader{r.xid, 0, code});
  queue_frame(c, frame);
  if (code != err::kOk) {
    ++stats_.auth_failed;
    // AUTHFAILED: the client is told, then the connection closes.
    c.state = Connection::State::kClosing;
    c.close_after_flush = true;
  }
}

void Server::execute_read(Connection& c, PendingRequest& r) {
  std::string body;
  std::vector<tree::WatchEvent> events;
  txn::ReadContext ctx{tree_, watches_, c.id, c.auth, c.session_id};
  int32_t code = txn::execute_read(r.opcode, r.body, ctx, &body, &events);
  if (r.opcode != op::kPing) ++stats_.ops_by_name[proto::op_name(r.opcode)];
  deliver_events(events);
  // sasl answers with zxid 0, as auth does.
  int64_t zxid = r.opcode == op::kSasl ? 0 : applied_zxid_;
  send_reply(c, r.xid, zxid, code, body, r.opcode, r.received_ms);
  if (r.opcode != op::kPing) stats_.read_latency.record(now_ms() - r.received_ms);
}

void Server::send_reply(Connection& c, int32_t xid, int64_t zxid, int32_t code,
                        std::string_view body, int32_t opcode, int64_t received_ms) {
  std::string frame;
  frame.reserve(16 + body.size());
  proto::Writer w(&frame);
  proto::write(w, proto::ReplyHeader{xid, zxid, code});
  if (code == err::kOk) w.raw(body);
  queue_frame(c, frame);
  record_reply(c, xid, zxid, opcode, now_ms() - received_ms, frame.size() + 4);
}

int64_t Server::record_reply(Connection& c, int32_t xid, int64_t zxid, int32_t opcode,
                             int64_t latency, size_t bytes) {
  stats_.record_response(latency, static_cast<int64_t>(bytes));
  auto& s = c.stats;
  ++s.packets_sent;
  s.last_opcode = opcode;
  s.last_cxid = xid;
  s.last_zxid = zxid;
  s.last_response_ms = wall_ms();
  s.last_latency_ms = latency;
  s.total_latency_ms += latency;
  ++s.latency_count;
  if (s.min_latency_ms < 0 || latency < s.min_latency_ms) s.min_latency_ms = latency;
  if (latency > s.max_latency_ms) s.max_latency_ms = latency;
  return latency;
}

void Server::process_durable() {
  if (inflight_.empty() || !durability_) {
    if (!durability_) {
      // No store configured (tests of the pipeline only): everything is "durable".
      while (!inflight_.empty()) {
        apply_one(inflight_.front());
        inflight_.pop_front();
      }
    }
    return;
  }
  int64_t durable = durability_->durable_zxid();
  while (!inflight_.empty() && inflight_.front().zxid <= durable) {
    apply_one(inflight_.front());
    inflight_.pop_front();
  }
  if (durability_->failed() && !inflight_.empty()) abandon_inflight();
  maybe_checkpoint();
}

// The store failed with writes in flight: whether each reached the disk is unknown and
// they will never be applied. Their clients get what ZooKeeper's would when it exits on
// such a failure: the connection drops (CONNECTIONLOSS, outcome unknown), instead of a
// reply that never comes blocking every later request of the session.
void Server::abandon_inflight() {
  std::set<uint64_t> conns;
  for (const auto& in : inflight_) {
    if (in.conn_id != 0) conns.insert(in.conn_id);
  }
  log::error("storage failed with " + std::to_string(inflight_.size()) +
             " writes in flight; closing the " + std::to_string(conns.size()) +
             " connections that sent them");
  inflight_.clear();
  for (uint64_t id : conns) close_connection(id, "storage failed with a write in flight");
}

void Server::apply_one(Inflight& in) {
  // Persist before reply: nothing is applied (and so answered) before it is durable.
  assert(!durability_ || in.zxid <= durability_->durable_zxid());
  assert(in.zxid == applied_zxid_ + 1 || applied_zxid_ == 0 || in.zxid > applied_zxid_);
  txn::ApplyResult result = applier_.apply(in.txn);
  prepper_.applied(in.zxid);
  applied_zxid_ = in.zxid;
  const txn::Txn& t = in.txn;
  if (t.type == op::kCreateSession) {
    sessions_.add(t.session_id, t.timeout_ms, now_ms());
  } else if (t.type == op::kCloseSession) {
    sessions_.remove(t.session_id);
  }
  deliver_events(result.events);
  auto it = conns_.find(in.conn_id);
  if (in.conn_id != 0 && it != conns_.end()) finish_write(*it->second, t, result);
  if (t.type == op::kCloseSession) {
    auto owner = conn_by_session_.find(t.session_id);
    if (owner != conn_by_session_.end()) {
      auto cit = conns_.find(owner->second);
      if (cit != conns_.end()) {
        Connection& oc = *cit->second;
        oc.state = Connection::State::kClosing;
        oc.close_after_flush = true;
        dirty_.push_back(oc.id);
      }
      conn_by_session_.erase(owner);
    }
  }
}

void Server::finish_write(Connection& c, const txn::Txn& t, const txn::ApplyResult& result) {
  if (t.type == op::kCreateSession) {
    c.state = Connection::State::kConnected;
    conn_by_session_[t.session_id] = c.id;
    send_connect_response(c, t.timeout_ms, t.session_id, sessions_.password(t.session_id));
    parse_frames(c);  // requests pipelined behind the handshake
    return;
  }
  for (auto& p : c.queue) {
    if (p.zxid != t.zxid) continue;
    assert(!p.done);
    std::string body;
    int32_t code = txn::write_reply(p.opcode, p.body, result, &body);
    std::string frame;
    proto::Writer w(&frame);
    proto::write(w, proto::ReplyHeader{p.xid, t.zxid, code});
    if (code == err::kOk) w.raw(body);
    p.reply.swap(frame);
    p.done = true;
    stats_.update_latency.record(
        record_reply(c, p.xid, t.zxid, p.opcode, now_ms() - p.received_ms, p.reply.size() + 4));
    break;
  }
  drain(c);
}

void Server::deliver_events(const std::vector<tree::WatchEvent>& events) {
  for (const auto& e : events) {
    auto it = conns_.find(e.watcher);
    if (it == conns_.end()) continue;
    std::string frame;
    proto::Writer w(&frame);
    // ZooKeeper 3.8 sends notifications with zxid -1.
    proto::write(w, proto::ReplyHeader{proto::xid::kNotification, -1, err::kOk});
    proto::write(w, proto::WatcherEvent{e.type, proto::state::kSyncConnected, e.path});
    queue_frame(*it->second, frame);
  }
}

void Server::queue_frame(Connection& c, std::string_view payload) {
  if (c.out.empty()) dirty_.push_back(c.id);
  append_frame(c.out, payload);
}

void Server::flush(Connection& c) {
  uint64_t id = c.id;
  while (c.unsent() > 0) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_offset, c.unsent(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out_offset += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    close_connection(id, "write error");
    return;
  }
  if (c.unsent() == 0) {
    c.out.clear();
    c.out_offset = 0;
    if (c.close_after_flush) {
      close_connection(id, "closed after reply");
      return;
    }
  } else if (c.out_offset > (1 << 20)) {
    c.out.erase(0, c.out_offset);
    c.out_offset = 0;
  }
  update_interest(c);
  // A paused reader resumes once its backlog has halved.
  if (c.reading_paused && c.unsent() < kMaxUnsentBytes / 2 && c.queue.size() < kMaxQueuedRequests / 2) {
    parse_frames(c);
  }
}

void Server::update_interest(Connection& c) {
  bool pause = c.unsent() >= kMaxUnsentBytes || c.queue.size() >= kMaxQueuedRequests ||
               c.state == Connection::State::kClosing ||
               (c.state == Connection::State::kHandshake && c.session_id != 0);
  bool want_write = c.unsent() > 0;
  if (pause == c.reading_paused && want_write == c.want_write) return;
  c.reading_paused = pause;
  c.want_write = want_write;
  epoll_event ev{};
  ev.events = (pause ? 0u : uint32_t{EPOLLIN}) | (want_write ? uint32_t{EPOLLOUT} : 0u);
  ev.data.u64 = c.id;
  epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void Server::close_connection(uint64_t id, const char* why) {
  auto it = conns_.find(id);
  if (it == conns_.end()) return;
  Connection& c = *it->second;
  log::debug(std::string("closing connection /") + c.remote_ip + ":" + std::to_string(c.remote_port) +
             ": " + why);
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  watches_.remove_watcher(c.id);
  if (c.session_id != 0) {
    auto s = conn_by_session_.find(c.session_id);
    if (s != conn_by_session_.end() && s->second == id) conn_by_session_.erase(s);
  }
  if (--conns_per_ip_[c.remote_ip] <= 0) conns_per_ip_.erase(c.remote_ip);
  conn_by_fd_.erase(c.fd);
  conns_.erase(it);
}

void Server::on_tick(int64_t now) {
  for (int64_t sid : sessions_.take_expired(now)) {
    ++stats_.sessions_expired;
    log::info("Expiring session 0x" + [&] {
      char b[20];
      std::snprintf(b, sizeof b, "%llx", static_cast<unsigned long long>(sid));
      return std::string(b);
    }() + ", timeout of " + std::to_string(sessions_.find(sid)->timeout_ms) + "ms exceeded");
    if (durability_ && durability_->failed()) continue;
    static const tree::AuthIds kNoAuth;
    txn::WriteRequest w;
    w.opcode = op::kCloseSession;
    w.session_id = sid;
    w.internal = true;
    w.auth = &kNoAuth;
    submit_write(w, 0);
  }
}

void Server::reap_containers(int64_t) {
  if (durability_ && durability_->failed()) return;
  static const tree::AuthIds kNoAuth;
  std::vector<std::string> doomed;
  for (const auto& path : tree_.containers()) {
    const tree::Node* n = tree_.find(path);
    if (n && n->children().empty() && n->cversion > 0) doomed.push_back(path);
  }
  int64_t wall = wall_ms();
  for (const auto& path : tree_.ttls()) {
    const tree::Node* n = tree_.find(path);
    if (n && n->children().empty() && wall - n->mtime > tree::ttl_of(n->ephemeral_owner)) {
      doomed.push_back(path);
    }
  }
  // Bounded like ZooKeeper's ContainerManager: at most maxPerMinute deletes a minute.
  size_t budget = static_cast<size_t>(std::max<int64_t>(
      1, int64_t{config_.container_max_per_minute} * config_.container_check_interval_ms / 60000));
  if (doomed.size() > budget) doomed.resize(budget);
  for (const auto& path : doomed) {
    // Skip nodes that already have a delete in flight.
    bool pending = false;
    for (const auto& in : inflight_) {
      if (in.txn.type == op::kDeleteContainer && in.txn.path == path) pending = true;
    }
    if (pending) continue;
    std::string body;
    proto::Writer w(&body);
    proto::write(w, proto::PathRequest{path, false});
    txn::WriteRequest req;
    req.opcode = op::kDeleteContainer;
    req.internal = true;
    req.auth = &kNoAuth;
    req.body = body;
    submit_write(req, 0);
  }
}

void Server::reset_connection_stats() {
  for (auto& [id, c] : conns_) {
    c->stats.packets_received = c->stats.packets_sent = 0;
    c->stats.min_latency_ms = -1;
    c->stats.max_latency_ms = c->stats.total_latency_ms = c->stats.latency_count = 0;
    c->stats.last_latency_ms = 0;
  }
}

void Server::maybe_checkpoint() {
  if (checkpoint_) return;  // the next one starts once this one is handed over
  if (applied_zxid_ - last_checkpoint_zxid_ < config_.snap_count &&
      log_bytes_since_checkpoint_ < config_.snap_size_limit_kb * 1024) {
    return;
  }
  start_checkpoint();
  advance_checkpoint(kCheckpointSliceNodes);
}

void Server::start_checkpoint() {
  if (!durability_ || durability_->failed()) return;
  last_checkpoint_zxid_ = applied_zxid_;
  log_bytes_since_checkpoint_ = 0;
  // Sessions in id order: the checkpoint is the same bytes for the same state.
  std::map<int64_t, int32_t> sessions;
  for (const auto& [id, s] : sessions_.all()) sessions[id] = s.timeout_ms;
  checkpoint_ = std::make_unique<CheckpointBuilder>(&tree_, applied_zxid_, std::move(sessions));
  checkpoint_started_ms_ = now_ms();
  checkpoint_slices_ = 0;
}

void Server::advance_checkpoint(int64_t max_nodes) {
  if (!checkpoint_) return;
  if (durability_->failed()) {
    checkpoint_.reset();
    return;
  }
  ++checkpoint_slices_;
  if (!checkpoint_->step(max_nodes)) return;
  storage::CheckpointRecords records = checkpoint_->take();
  int64_t build_ms = now_ms() - checkpoint_started_ms_;
  stats_.checkpoint_build_ms.record(build_ms);
  log::info("checkpoint " + storage::zxid_hex(checkpoint_->zxid()) + " built: " +
            std::to_string(records.record_count()) + " records in " +
            std::to_string(checkpoint_slices_) + " slices over " + std::to_string(build_ms) +
            " ms");
  durability_->checkpoint(checkpoint_->zxid(), std::move(records));
  checkpoint_.reset();
}

}  // namespace zkd::server
