#include "zkctl/bench/engine.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>

#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkctl::bench {
namespace proto = zkd::proto;

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void EngineResult::merge(const EngineResult& o) {
  latency_ns.merge(o.latency_ns);
  for (const auto& [op, st] : o.by_op) {
    OpStats& mine = by_op[op];
    mine.latency_ns.merge(st.latency_ns);
    mine.ops += st.ops;
    mine.errors += st.errors;
  }
  ops += o.ops;
  errors += o.errors;
  for (const auto& [code, n] : o.errors_by_code) errors_by_code[code] += n;
  completed += o.completed;
  lost += o.lost;
  last_counted_ns = std::max(last_counted_ns, o.last_counted_ns);
  if (fatal.empty()) fatal = o.fatal;
}

namespace {

constexpr int32_t kMaxFrame = 512 << 20;
constexpr size_t kReadChunk = 256 << 10;

struct Pending {
  int32_t xid;
  ReqInfo req;
  int64_t t0;  // intended (open loop) or actual (closed loop) send time
};

// Fixed-capacity FIFO of outstanding requests of one connection.
class Ring {
 public:
  explicit Ring(size_t cap) : v_(cap) {}
  bool full() const { return n_ == v_.size(); }
  bool empty() const { return n_ == 0; }
  size_t size() const { return n_; }
  void push(Pending p) {
    v_[(head_ + n_) % v_.size()] = p;
    n_++;
  }
  const Pending& front() const { return v_[head_]; }
  void pop() {
    head_ = (head_ + 1) % v_.size();
    n_--;
  }

 private:
  std::vector<Pending> v_;
  size_t head_ = 0;
  size_t n_ = 0;
};

struct Conn {
  explicit Conn(int fd_, size_t cap) : fd(fd_), pending(cap) {}
  int fd;
  std::string out;
  size_t out_off = 0;
  bool out_armed = false;
  std::vector<char> in = std::vector<char>(kReadChunk);
  size_t in_len = 0;
  Ring pending;
  int32_t next_xid = 1;
  bool dead = false;
  int64_t last_send_ns = 0;
};

class Loop {
 public:
  Loop(std::vector<int>* fds, Generator* gen, const EngineConfig& cfg)
      : fds_(fds), gen_(gen), cfg_(cfg) {}

  EngineResult run();

 private:
  bool issuing(int64_t now) const {
    if (exhausted_) return false;
    if (!cfg_.measure) return true;
    if (cfg_.ops_target && res_.ops >= cfg_.ops_target) return false;
    return now < cfg_.measure_end_ns;
  }
  bool send_one(Conn& c, int64_t t0) {
    ReqInfo req;
    if (!gen_->next(c.next_xid, &c.out, &req)) {
      exhausted_ = true;
      return false;
    }
    c.pending.push({c.next_xid, req, t0});
    c.last_send_ns = t0;
    c.next_xid = c.next_xid == INT32_MAX ? 1 : c.next_xid + 1;
    return true;
  }
  void fill(Conn& c, int64_t now) {
    while (!c.dead && !c.pending.full() && issuing(now) && send_one(c, now)) {
    }
  }
  void dispatch_scheduled(int64_t now);
  void ping_idle(int64_t now);
  void flush(Conn& c);
  void on_readable(Conn& c, int64_t now);
  void on_reply(Conn& c, const char* p, size_t n, int64_t now);
  void kill(Conn& c, const std::string& why);
  // Per-opcode stats without a map lookup per reply: the last opcode's entry is cached.
  OpStats& op_stats(int32_t opcode) {
    if (opcode != last_op_ || !last_stats_) {
      last_op_ = opcode;
      last_stats_ = &res_.by_op[opcode];  // std::map nodes never move
    }
    return *last_stats_;
  }
  size_t outstanding() const {
    size_t n = 0;
    for (const auto& c : conns_) n += c.pending.size();
    return n;
  }

  std::vector<int>* fds_;
  Generator* gen_;
  EngineConfig cfg_;
  EngineResult res_;
  std::vector<Conn> conns_;
  int ep_ = -1;
  bool exhausted_ = false;
  size_t alive_ = 0;
  // Open loop: intended time of the next request not yet sent, and where to look for room.
  int64_t next_due_ = 0;
  int64_t interval_ns_ = 0;
  size_t rr_ = 0;
  bool blocked_ = false;  // every connection was full at the last dispatch
  int32_t last_op_ = INT32_MIN;
  OpStats* last_stats_ = nullptr;
};

void Loop::dispatch_scheduled(int64_t now) {
  size_t n = conns_.size();
  blocked_ = false;
  while (next_due_ <= now && issuing(now)) {
    size_t tried = 0;
    while (tried < n && (conns_[rr_].dead || conns_[rr_].pending.full())) {
      rr_ = (rr_ + 1) % n;
      tried++;
    }
    blocked_ = tried == n;
    if (blocked_) return;  // all full: the request waits, keeping its intended time
    if (!send_one(conns_[rr_], next_due_)) return;
    rr_ = (rr_ + 1) % n;
    next_due_ += interval_ns_;
  }
}

void Loop::ping_idle(int64_t now) {
  for (auto& c : conns_) {
    if (c.dead || now - c.last_send_ns < cfg_.ping_interval_ns) continue;
    size_t pos = c.out.size();
    c.out.append(4, '\0');
    proto::Writer w(&c.out);
    w.i32(proto::xid::kPing);
    w.i32(proto::op::kPing);
    w.patch_i32(pos, 8);
    c.last_send_ns = now;
  }
}

void Loop::flush(Conn& c) {
  if (c.dead) return;
  while (c.out_off < c.out.size()) {
    ssize_t k = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (k > 0) {
      c.out_off += size_t(k);
      continue;
    }
    if (k < 0 && errno == EINTR) continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    kill(c, std::string("send: ") + std::strerror(errno));
    return;
  }
  bool want = c.out_off < c.out.size();
  if (!want) {
    c.out.clear();
    c.out_off = 0;
  }
  if (want != c.out_armed) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.u64 = uint64_t(&c - conns_.data());
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    c.out_armed = want;
  }
}

void Loop::kill(Conn& c, const std::string& why) {
  if (c.dead) return;
  if (res_.fatal.empty()) res_.fatal = why;
  res_.lost += c.pending.size();
  while (!c.pending.empty()) c.pending.pop();
  epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  (*fds_)[size_t(&c - conns_.data())] = -1;
  c.dead = true;
  alive_--;
}

void Loop::on_reply(Conn& c, const char* p, size_t n, int64_t now) {
  proto::Reader r(p, n);
  proto::ReplyHeader h;
  proto::read(r, h);
  if (!r.ok()) return kill(c, "short reply header");
  if (h.xid == proto::xid::kNotification || h.xid == proto::xid::kPing) return;
  if (c.pending.empty() || h.xid != c.pending.front().xid) {
    return kill(c, "reply xid " + std::to_string(h.xid) + " does not match the oldest request");
  }
  int64_t t0 = c.pending.front().t0;
  ReqInfo req = c.pending.front().req;
  c.pending.pop();
  int32_t err = gen_->on_reply(req, h.err, r);
  res_.completed++;
  if (!cfg_.measure || now < cfg_.measure_start_ns || now >= cfg_.measure_end_ns) {
    if (!cfg_.measure && err != 0) res_.errors_by_code[err]++;
    return;
  }
  if (cfg_.ops_target && res_.ops >= cfg_.ops_target) return;
  res_.ops++;
  res_.last_counted_ns = now;
  uint64_t lat = uint64_t(std::max<int64_t>(0, now - t0));
  res_.latency_ns.record(lat);
  OpStats& st = op_stats(req.opcode);
  st.latency_ns.record(lat);
  st.ops++;
  if (err != 0) {
    res_.errors++;
    res_.errors_by_code[err]++;
    st.errors++;
  }
}

void Loop::on_readable(Conn& c, int64_t now) {
  for (;;) {
    if (c.in.size() - c.in_len < kReadChunk / 4) c.in.resize(c.in.size() * 2);
    ssize_t k = ::recv(c.fd, c.in.data() + c.in_len, c.in.size() - c.in_len, 0);
    if (k == 0) return kill(c, "server closed the connection");
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return kill(c, std::string("recv: ") + std::strerror(errno));
    }
    bool more = size_t(k) == c.in.size() - c.in_len;
    c.in_len += size_t(k);
    size_t off = 0;
    while (c.in_len - off >= 4) {
      proto::Reader lr(c.in.data() + off, 4);
      int32_t len = lr.i32();
      if (len < 0 || len > kMaxFrame) return kill(c, "bad frame length " + std::to_string(len));
      if (c.in_len - off - 4 < size_t(len)) {
        if (c.in.size() < size_t(len) + 4) c.in.resize(size_t(len) + 4 + kReadChunk);
        break;
      }
      on_reply(c, c.in.data() + off + 4, size_t(len), now);
      if (c.dead) return;
      off += 4 + size_t(len);
    }
    if (off > 0) {
      std::memmove(c.in.data(), c.in.data() + off, c.in_len - off);
      c.in_len -= off;
    }
    if (!more) break;
  }
}

EngineResult Loop::run() {
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  conns_.reserve(fds_->size());
  for (int fd : *fds_) {
    conns_.emplace_back(fd, size_t(cfg_.inflight));
    if (fd < 0) conns_.back().dead = true;
  }
  for (size_t i = 0; i < conns_.size(); i++) {
    Conn& c = conns_[i];
    if (c.dead) continue;
    ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    c.last_send_ns = now_ns();
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = i;
    epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
    alive_++;
  }
  bool open_loop = cfg_.measure && cfg_.rate > 0;
  int64_t now = now_ns();
  if (open_loop) {
    // Wake close to each due time (default slack is 50 us, a sizeable part of a fast reply).
    prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
    interval_ns_ = std::max<int64_t>(1, int64_t(1e9 / cfg_.rate));
    next_due_ = now;
  }
  int64_t stop_ns = 0;
  std::vector<epoll_event> events(std::max<size_t>(16, conns_.size()));
  while (alive_ > 0) {
    if (open_loop) {
      dispatch_scheduled(now);
    } else {
      for (auto& c : conns_) fill(c, now);
    }
    ping_idle(now);
    for (auto& c : conns_) flush(c);
    bool more = issuing(now);
    if (!more) {
      if (outstanding() == 0) break;
      if (stop_ns == 0) stop_ns = now;
      if (now - stop_ns > cfg_.drain_timeout_ns) {
        if (res_.fatal.empty()) res_.fatal = "replies still outstanding after the drain timeout";
        res_.lost += outstanding();
        break;
      }
    }
    // Sleep until a socket is ready, the next scheduled request, or the end of the window.
    int64_t wait_ns = 100'000'000;
    if (more && cfg_.measure) wait_ns = std::min(wait_ns, cfg_.measure_end_ns - now);
    // With every connection full only a reply can make room: do not spin on a past due time.
    if (more && open_loop && !blocked_) wait_ns = std::min(wait_ns, next_due_ - now);
    wait_ns = std::max<int64_t>(0, wait_ns);
    timespec ts{time_t(wait_ns / 1'000'000'000), long(wait_ns % 1'000'000'000)};
    int n = epoll_pwait2(ep_, events.data(), int(events.size()), &ts, nullptr);
    if (n < 0 && errno != EINTR) {
      res_.fatal = std::string("epoll: ") + std::strerror(errno);
      break;
    }
    now = now_ns();
    for (int i = 0; i < n; i++) {
      Conn& c = conns_[events[i].data.u64];
      if (c.dead) continue;
      if (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)) on_readable(c, now);
      if (!c.dead && !open_loop) fill(c, now);
    }
  }
  if (alive_ == 0 && res_.fatal.empty()) res_.fatal = "no connection left";
  ::close(ep_);
  return std::move(res_);
}

}  // namespace

EngineResult run_engine(std::vector<int>* fds, Generator* gen, const EngineConfig& cfg) {
  Loop loop(fds, gen, cfg);
  return loop.run();
}

}  // namespace zkctl::bench
