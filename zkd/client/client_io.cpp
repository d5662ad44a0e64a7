// The I/O thread of Client: connect, handshake, framing, xid matching, pings,
// reconnects. See client.h for the contract.
#include "zkd/client/client_io.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkd::client {

namespace {

int ms_until(Clock::time_point now, Clock::time_point t) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count();
  return d < 0 ? 0 : static_cast<int>(std::min<int64_t>(d, 60000));
}

std::string frame(const proto::RequestHeader* h, std::string_view body) {
  std::string f;
  proto::Writer w(&f);
  w.i32(0);
  if (h) proto::write(w, *h);
  w.raw(body);
  w.patch_i32(0, static_cast<int32_t>(f.size() - 4));
  return f;
}

}  // namespace

Client::Impl::~Impl() {
  if (fd >= 0) ::close(fd);
  if (wake_fd >= 0) ::close(wake_fd);
}

void Client::Impl::submit(Packet p) {
  bool accepted = false;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lk(mu);
    if (!stopped) {
      // Only the first packet of a batch needs a wake-up: the I/O thread drains the
      // whole queue after every poll() return.
      wake = submitted.empty();
      submitted.push_back(std::move(p));
      accepted = true;
    }
  }
  if (!accepted) {  // the I/O thread is gone: nobody else will answer
    proto::Reader empty(nullptr, 0);
    if (p.cb) p.cb(proto::err::kConnectionLoss, 0, empty);
    return;
  }
  if (wake) {
    uint64_t one = 1;
    ssize_t n = ::write(wake_fd, &one, sizeof one);
    (void)n;
  }
}

void Client::Impl::set_state(State s) {
  {
    std::lock_guard<std::mutex> lk(mu);
    state = s;
  }
  cv.notify_all();
}

std::string Client::Impl::host_label() const {
  const HostPort& hp = cs.hosts[host_index % cs.hosts.size()];
  return hp.host + ":" + std::to_string(hp.port);
}

void Client::Impl::emit(int32_t type, int32_t st, const std::string& path) {
  if (!opts.watcher) return;
  WatchEvent ev;
  ev.type = type;
  ev.state = st;
  ev.path = path;
  opts.watcher(ev);
}

void Client::Impl::fail_all(int32_t err) {
  proto::Reader empty(nullptr, 0);
  std::deque<Packet> p;
  p.swap(pending);
  for (auto& pk : p) {
    if (pk.cb) pk.cb(err, 0, empty);
  }
  std::deque<Packet> w;
  w.swap(waiting);
  for (auto& pk : w) {
    if (pk.cb) pk.cb(err, 0, empty);
  }
  std::deque<RawCallback> a;
  a.swap(auth_pending);
  for (auto& cb : a) {
    if (cb) cb(err, 0, empty);
  }
}

// Takes newly submitted packets; sends them if the connection is open.
void Client::Impl::drain_submitted() {
  std::vector<Packet> batch;
  {
    std::lock_guard<std::mutex> lk(mu);
    batch.swap(submitted);
  }
  for (auto& p : batch) {
    if (p.opcode == proto::op::kAuth) {
      proto::Reader r(p.body);
      proto::AuthPacket ap;
      proto::read(r, ap);
      auth_infos.emplace_back(ap.scheme, ap.auth);
    }
    State st;
    {
      std::lock_guard<std::mutex> lk(mu);
      st = state;
    }
    if (st == State::kExpired || st == State::kClosed || st == State::kAuthFailed) {
      proto::Reader empty(nullptr, 0);
      int32_t err = st == State::kExpired      ? proto::err::kSessionExpired
                    : st == State::kAuthFailed ? proto::err::kAuthFailed
                                               : proto::err::kConnectionLoss;
      if (p.cb) p.cb(err, 0, empty);
      continue;
    }
    if (phase == Phase::kOpen) {
      send_packet(std::move(p));
    } else {
      waiting.push_back(std::move(p));
    }
  }
}

void Client::Impl::send_packet(Packet p) {
  proto::RequestHeader h;
  h.type = p.opcode;
  if (p.opcode == proto::op::kAuth) {
    h.xid = proto::xid::kAuth;
    out += frame(&h, p.body);
    auth_pending.push_back(std::move(p.cb));
  } else {
    h.xid = next_xid;
    next_xid = next_xid == INT32_MAX ? 1 : next_xid + 1;
    p.xid = h.xid;
    out += frame(&h, p.body);
    if (p.opcode == proto::op::kCloseSession) close_sent = true;
    pending.push_back(std::move(p));
  }
  last_send = Clock::now();
}

// Starts a non-blocking TCP connect to the current host.
void Client::Impl::start_attempt() {
  const HostPort& hp = cs.hosts[host_index % cs.hosts.size()];
  int32_t per_attempt = opts.connect_timeout_ms;
  if (per_attempt <= 0) {
    per_attempt =
        std::max<int32_t>(1000, opts.session_timeout_ms / static_cast<int32_t>(cs.hosts.size()));
  }
  deadline = Clock::now() + std::chrono::milliseconds(per_attempt);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(hp.host.c_str(), std::to_string(hp.port).c_str(), &hints, &res);
  if (rc != 0 || !res) {
    connection_failed("cannot resolve " + hp.host + ": " + gai_strerror(rc));
    return;
  }
  fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::freeaddrinfo(res);
    connection_failed(std::string("socket: ") + std::strerror(errno));
    return;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    connection_failed("connect to " + host_label() + ": " + std::strerror(errno));
    return;
  }
  phase = Phase::kTcp;
}

// TCP is up: send the ConnectRequest (with readOnly byte) before anything else.
void Client::Impl::on_open() {
  proto::ConnectRequest req;
  req.lastZxidSeen = last_zxid;
  req.timeOut = opts.session_timeout_ms;
  {
    std::lock_guard<std::mutex> lk(mu);
    req.sessionId = session_id;
  }
  req.passwd = passwd;
  req.readOnly = opts.read_only;
  req.hasReadOnly = true;
  std::string body;
  proto::Writer w(&body);
  proto::write(w, req);
  out = frame(nullptr, body);
  in.clear();
  phase = Phase::kHandshake;
}

void Client::Impl::connection_failed(const std::string& why) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
  bool was_open = (phase == Phase::kOpen);
  phase = Phase::kNone;
  out.clear();
  in.clear();
  {
    std::lock_guard<std::mutex> lk(mu);
    last_error = why;
    server.clear();
  }
  // Requests already on the wire are lost with the connection.
  proto::Reader empty(nullptr, 0);
  std::deque<Packet> p;
  p.swap(pending);
  for (auto& pk : p) {
    if (pk.cb) pk.cb(proto::err::kConnectionLoss, 0, empty);
  }
  std::deque<RawCallback> a;
  a.swap(auth_pending);
  for (auto& cb : a) {
    if (cb) cb(proto::err::kConnectionLoss, 0, empty);
  }
  if (close_sent) {  // the server closes after answering closeSession
    set_state(State::kClosed);
    return;
  }
  State st;
  {
    std::lock_guard<std::mutex> lk(mu);
    st = state;
  }
  if (st == State::kAuthFailed || st == State::kExpired || st == State::kClosed) return;
  if (was_open) {
    disconnected_since = Clock::now();
    set_state(State::kConnecting);
    emit(proto::event::kNone, proto::state::kDisconnected, "");
  }
  host_index++;
  if (host_index % cs.hosts.size() == 0) {
    rounds++;
    next_attempt = Clock::now() + std::chrono::milliseconds(opts.reconnect_backoff_ms);
    if (!ever_connected && opts.max_connect_rounds > 0 && rounds >= opts.max_connect_rounds) {
      set_state(State::kClosed);
      fail_all(proto::err::kConnectionLoss);
    }
  } else {
    next_attempt = Clock::now();
  }
}

bool Client::Impl::handle_handshake(std::string_view f) {
  proto::Reader r(f);
  proto::ConnectResponse resp;
  proto::read(r, resp);
  if (!r.ok()) {
    connection_failed("bad handshake reply from " + host_label());
    return false;
  }
  if (resp.timeOut <= 0) {
    {
      std::lock_guard<std::mutex> lk(mu);
      last_error = "session expired";
    }
    set_state(State::kExpired);
    if (fd >= 0) ::close(fd);
    fd = -1;
    phase = Phase::kNone;
    fail_all(proto::err::kSessionExpired);
    emit(proto::event::kNone, proto::state::kExpired, "");
    return false;
  }
  passwd = resp.passwd;
  phase = Phase::kOpen;
  ever_connected = true;
  rounds = 0;
  last_recv = last_send = Clock::now();
  {
    std::lock_guard<std::mutex> lk(mu);
    session_id = resp.sessionId;
    timeout_ms = resp.timeOut;
    server = host_label();
    state = resp.readOnly ? State::kConnectedReadOnly : State::kConnected;
  }
  cv.notify_all();
  // Re-send remembered credentials first (their replies have no caller waiting).
  for (const auto& [scheme, cred] : auth_infos) {
    proto::AuthPacket ap;
    ap.scheme = scheme;
    ap.auth = cred;
    std::string body;
    proto::Writer w(&body);
    proto::write(w, ap);
    proto::RequestHeader h{proto::xid::kAuth, proto::op::kAuth};
    out += frame(&h, body);
    auth_pending.push_back(nullptr);
  }
  std::deque<Packet> w;
  w.swap(waiting);
  // Auth packets still waiting are the newest entries of auth_infos, just replayed above:
  // attach their callbacks to the last replayed entries, in order.
  std::vector<RawCallback> auth_cbs;
  for (auto& p : w) {
    if (p.opcode == proto::op::kAuth) auth_cbs.push_back(std::move(p.cb));
  }
  size_t first = auth_pending.size() - std::min(auth_pending.size(), auth_cbs.size());
  for (size_t i = 0; i < auth_cbs.size() && first + i < auth_pending.size(); ++i) {
    auth_pending[first + i] = std::move(auth_cbs[i]);
  }
  for (auto& p : w) {
    if (p.opcode != proto::op::kAuth) send_packet(std::move(p));
  }
  emit(proto::event::kNone,
       resp.readOnly ? proto::state::kConnectedReadOnly : proto::state::kSyncConnected, "");
  return true;
}

bool Client::Impl::on_frame(std::string_view f) {
  if (phase == Phase::kHandshake) return handle_handshake(f);
  proto::Reader r(f);
  proto::ReplyHeader h;
  proto::read(r, h);
  if (!r.ok()) {
    connection_failed("short reply header from " + host_label());
    return false;
  }
  if (h.zxid > 0) last_zxid = h.zxid;
  if (h.xid == proto::xid::kPing) return true;
  if (h.xid == proto::xid::kNotification) {
    proto::WatcherEvent ev;
    proto::read(r, ev);
    if (!r.ok()) {
      connection_failed("bad watch event from " + host_label());
      return false;
    }
    emit(ev.type, ev.state, strip_chroot(cs.chroot, ev.path));
    return true;
  }
  if (h.xid == proto::xid::kAuth) {
    RawCallback cb;
    if (!auth_pending.empty()) {
      cb = std::move(auth_pending.front());
      auth_pending.pop_front();
    }
    proto::Reader empty(nullptr, 0);
    if (h.err == proto::err::kAuthFailed) {
      {
        std::lock_guard<std::mutex> lk(mu);
        last_error = "authentication failed";
      }
      set_state(State::kAuthFailed);
      if (cb) cb(h.err, h.zxid, empty);
      emit(proto::event::kNone, proto::state::kAuthFailed, "");
      fail_all(proto::err::kAuthFailed);
      return true;
    }
    if (cb) cb(h.err, h.zxid, empty);
    return true;
  }
  if (h.xid == proto::xid::kSetWatches) return true;
  if (pending.empty() || pending.front().xid != h.xid) {
    connection_failed("xid out of order from " + host_label() + " (got " + std::to_string(h.xid) +
                      ")");
    return false;
  }
  Packet p = std::move(pending.front());
  pending.pop_front();
  if (h.err != 0) {
    proto::Reader empty(nullptr, 0);
    if (p.cb) p.cb(h.err, h.zxid, empty);
  } else {
    proto::Reader body(r.pos(), r.remaining());
    if (p.cb) p.cb(h.err, h.zxid, body);
  }
  if (p.opcode == proto::op::kCloseSession) {
    set_state(State::kClosed);
    fail_all(proto::err::kConnectionLoss);
  }
  return true;
}

// Reads what is available and dispatches complete frames. False: connection dropped.
bool Client::Impl::do_read() {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      in.append(buf, static_cast<size_t>(n));
      last_recv = Clock::now();
      if (static_cast<size_t>(n) < sizeof buf) break;
      continue;
    }
    if (n == 0) {
      connection_failed("server " + host_label() + " closed the connection");
      return false;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) break;
    if (errno == EINTR) continue;
    connection_failed("read from " + host_label() + ": " + std::strerror(errno));
    return false;
  }
  size_t off = 0;
  while (in.size() - off >= 4) {
    proto::Reader lr(in.data() + off, 4);
    int32_t len = lr.i32();
    if (len < 0 || len > opts.max_frame_bytes) {
      connection_failed("bad frame length " + std::to_string(len) + " from " + host_label());
      return false;
    }
    if (in.size() - off - 4 < static_cast<size_t>(len)) break;
    std::string f = in.substr(off + 4, static_cast<size_t>(len));
    off += 4 + static_cast<size_t>(len);
    if (!on_frame(f)) return false;
    if (fd < 0) return false;  // state moved to closed/expired inside
  }
  in.erase(0, off);
  return true;
}

bool Client::Impl::do_write() {
  while (!out.empty()) {
    ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      out.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == EINTR) continue;
    connection_failed("write to " + host_label() + ": " + std::strerror(errno));
    return false;
  }
  return true;
}

int Client::Impl::poll_timeout_ms(Clock::time_point now) const {
  switch (phase) {
    case Phase::kNone:
      return ms_until(now, next_attempt);
    case Phase::kTcp:
    case Phase::kHandshake:
      return ms_until(now, deadline);
    case Phase::kOpen: {
      int32_t t = timeout_ms > 0 ? timeout_ms : opts.session_timeout_ms;
      auto ping_at = last_send + std::chrono::milliseconds(t / 3);
      auto dead_at = last_recv + std::chrono::milliseconds(t * 2 / 3);
      return std::min(ms_until(now, ping_at), ms_until(now, dead_at));
    }
  }
  return 1000;
}

void Client::Impl::on_tick(Clock::time_point now) {
  switch (phase) {
    case Phase::kNone: {
      State st;
      {
        std::lock_guard<std::mutex> lk(mu);
        st = state;
      }
      if (st != State::kConnecting) return;
      if (ever_connected &&
          now - disconnected_since >
              std::chrono::milliseconds(timeout_ms > 0 ? timeout_ms : opts.session_timeout_ms)) {
        {
          std::lock_guard<std::mutex> lk(mu);
          last_error = "session expired: no server reachable within the session timeout";
        }
        set_state(State::kExpired);
        fail_all(proto::err::kSessionExpired);
        emit(proto::event::kNone, proto::state::kExpired, "");
        return;
      }
      if (now >= next_attempt) start_attempt();
      return;
    }
    case Phase::kTcp:
    case Phase::kHandshake:
      if (now >= deadline) {
        connection_failed("timed out connecting to " + host_label());
      }
      return;
    case Phase::kOpen: {
      int32_t t = timeout_ms > 0 ? timeout_ms : opts.session_timeout_ms;
      if (now - last_recv >= std::chrono::milliseconds(t * 2 / 3)) {
        connection_failed("no reply from " + host_label() + " within " + std::to_string(t * 2 / 3) +
                          " ms");
        return;
      }
      if (now - last_send >= std::chrono::milliseconds(t / 3)) {
        proto::RequestHeader h{proto::xid::kPing, proto::op::kPing};
        out += frame(&h, "");
        last_send = now;
      }
      return;
    }
  }
}

void Client::Impl::run() {
  next_attempt = Clock::now();
  for (;;) {
    {
      std::lock_guard<std::mutex> lk(mu);
      if (stop_requested) break;
    }
    drain_submitted();
    Clock::time_point now = Clock::now();
    on_tick(now);
    if (phase == Phase::kOpen && !out.empty() && !do_write()) continue;

    pollfd fds[2];
    fds[0] = {wake_fd, POLLIN, 0};
    nfds_t nfds = 1;
    if (fd >= 0 && phase != Phase::kNone) {
      short ev = POLLIN;
      if (phase == Phase::kTcp || !out.empty()) ev |= POLLOUT;
      fds[1] = {fd, ev, 0};
      nfds = 2;
    }
    State st;
    {
      std::lock_guard<std::mutex> lk(mu);
      st = state;
    }
    int timeout =
        (st == State::kConnecting || st == State::kConnected || st == State::kConnectedReadOnly)
            ? poll_timeout_ms(Clock::now())
            : 1000;
    int rc = ::poll(fds, nfds, std::max(timeout, 1));
    if (rc < 0 && errno != EINTR) break;
    if (fds[0].revents & POLLIN) {
      uint64_t v;
      ssize_t n = ::read(wake_fd, &v, sizeof v);
      (void)n;
    }
    if (nfds < 2 || fd < 0) continue;
    short re = fds[1].revents;
    if (phase == Phase::kTcp) {
      if (re & (POLLOUT | POLLERR | POLLHUP)) {
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) {
          connection_failed("connect to " + host_label() + ": " + std::strerror(err));
          continue;
        }
        on_open();
        if (!do_write()) continue;
      }
      continue;
    }
    if (re & (POLLIN | POLLERR | POLLHUP)) {
      if (!do_read()) continue;
    }
    if (fd >= 0 && (re & POLLOUT) && !do_write()) continue;
  }
  // Stopped: close the socket and complete every callback.
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
  phase = Phase::kNone;
  {
    std::lock_guard<std::mutex> lk(mu);
    stopped = true;
  }
  drain_submitted();
  fail_all(proto::err::kConnectionLoss);
}

}  // namespace zkd::client
