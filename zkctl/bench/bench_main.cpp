// Orchestrates one bench run: sessions, setup (unmeasured), the measured run in N engine
// threads with CPU sampling at the window edges, teardown (unmeasured), report.
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "zkctl/bench/bench.h"
#include "zkctl/bench/engine.h"
#include "zkctl/bench/options.h"
#include "zkctl/bench/report.h"
#include "zkctl/bench/session.h"
#include "zkctl/bench/workload.h"
#include "zkd/proto/ops.h"

namespace zkctl::bench {
namespace {

namespace err = zkd::proto::err;
using GenFactory = std::function<std::unique_ptr<Generator>(int t, int n)>;

struct Cpu {
  double user_s = 0, sys_s = 0;
};

Cpu self_cpu() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) / 1e6,
          double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) / 1e6};
}

// utime + stime of a process in seconds from /proc/PID/stat; -1 if unreadable.
double proc_cpu_s(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!pid || !std::getline(f, line)) return -1;
  size_t rp = line.rfind(')');
  if (rp == std::string::npos) return -1;
  std::istringstream in(line.substr(rp + 2));
  std::string tok;
  double utime = 0, stime = 0;
  for (int field = 3; field <= 15 && (in >> tok); field++) {
    if (field == 14) utime = std::stod(tok);
    if (field == 15) stime = std::stod(tok);
  }
  return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

// Splits fds round-robin into per-thread groups (thread t gets i % n == t).
std::vector<std::vector<int>> split(const std::vector<int>& fds, int n) {
  std::vector<std::vector<int>> g(static_cast<size_t>(n));
  for (size_t i = 0; i < fds.size(); i++)
    if (fds[i] >= 0) g[i % size_t(n)].push_back(fds[i]);
  return g;
}

void gather(std::vector<int>* fds, const std::vector<std::vector<int>>& groups) {
  fds->clear();
  for (const auto& g : groups)
    for (int fd : g)
      if (fd >= 0) fds->push_back(fd);
}

// Runs one engine per group in parallel threads; cfg.ops_target is the total, split evenly. `on_started` runs on the calling thread
// while the engines run (used to sample CPU at the window edges).
EngineResult run_parallel(std::vector<int>* fds, int threads, const GenFactory& make,
                          const EngineConfig& cfg,
                          const std::function<void(std::atomic<int>& done)>& on_started = {}) {
  auto groups = split(*fds, threads);
  int n = int(groups.size());
  std::vector<EngineResult> results(static_cast<size_t>(n));
  std::vector<std::unique_ptr<Generator>> gens;
  for (int t = 0; t < n; t++) gens.push_back(make(t, n));
  std::atomic<int> done{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < n; t++) {
    EngineConfig c = cfg;
    if (cfg.ops_target) c.ops_target = cfg.ops_target / uint64_t(n) + (uint64_t(t) < cfg.ops_target % uint64_t(n));
    ts.emplace_back([&, t, c] {
      results[size_t(t)] = run_engine(&groups[size_t(t)], gens[size_t(t)].get(), c);
      done++;
    });
  }
  if (on_started) on_started(done);
  for (auto& th : ts) th.join();
  EngineResult all;
  for (const auto& r : results) all.merge(r);
  gather(fds, groups);
  return all;
}

// Errors other than `allowed` in an unmeasured phase; returns a description or "".
std::string unexpected(const EngineResult& r, int32_t allowed, const char* phase) {
  std::string s;
  for (const auto& [code, n] : r.errors_by_code) {
    if (code == allowed) continue;
    s += std::string(s.empty() ? "" : ", ") + std::to_string(n) + " x " +
         (code == kMalformedReply ? "MALFORMED_REPLY" : zkd::proto::error_name(code));
  }
  if (!r.fatal.empty()) s += (s.empty() ? "" : "; ") + r.fatal;
  return s.empty() ? s : std::string(phase) + " failed: " + s;
}

bool ensure(int fd, const std::string& path, std::string* error) {
  int32_t rc = sync_create(fd, path, "", error);
  if (rc == err::kOk || rc == err::kNodeExists) return true;
  if (rc != INT32_MIN) *error = "create " + path + ": " + zkd::proto::error_name(rc);
  return false;
}

EngineConfig unmeasured(const Options& o) {
  EngineConfig c;
  c.inflight = o.inflight;
  c.ping_interval_ns = std::min<int64_t>(5'000'000'000, int64_t(o.session_timeout_ms) * 1'000'000 / 3);
  c.measure = false;
  c.drain_timeout_ns = 60'000'000'000;
  return c;
}

// Deletes the bench root: leaves of ROOT/c and ROOT/d, then ROOT's children, then ROOT.
// Returns the number of unexpected errors.
int teardown(const Options& o, std::vector<int>* fds, std::string* error) {
  int admin = open_session(o.host, o.port, o.session_timeout_ms, error);
  if (admin < 0) return 1;
  std::vector<std::string> top, names;
  int bad = 0;
  int32_t rc = sync_children(admin, o.root, &top, error);
  if (rc == err::kNoNode) {
    close_session(admin);
    return 0;
  }
  if (rc != 0) {
    close_session(admin);
    return 1;
  }
  std::vector<std::string> leaves, mids;
  for (const auto& name : top) {
    std::string p = o.root + "/" + name;
    mids.push_back(p);
    if (name != "c" && name != "d") continue;
    rc = sync_children(admin, p, &names, error);
    if (rc != 0 && rc != err::kNoNode) bad++;
    for (const auto& leaf : names) leaves.push_back(p + "/" + leaf);
  }
  auto del = [&](const std::vector<std::string>& paths) {
    if (paths.empty()) return;
    EngineResult r = run_parallel(
        fds, o.threads, [&](int t, int n) { return make_deletes(paths, t, n); }, unmeasured(o));
    std::string u = unexpected(r, err::kNoNode, "teardown");
    if (!u.empty()) {
      *error = u;
      bad++;
    }
  };
  del(leaves);
  del(mids);
  std::string frame, body;
  encode_delete(&frame, 3, o.root);
  int32_t e = 0;
  if (!call(admin, frame, 3, &e, &body, error) || (e != 0 && e != err::kNoNode)) bad++;
  close_session(admin);
  return bad;
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "bench: %s\n", msg.c_str());
  return 1;
}

}  // namespace
}  // namespace zkctl::bench

int bench_main(int argc, char** argv) {
  using namespace zkctl::bench;
  Options o;
  std::string error;
  if (!parse_options(argc, argv, &o, &error)) {
    std::fprintf(stderr, "bench: %s\n%s", error.c_str(), usage());
    return 2;
  }
  if (o.help) {
    std::fputs(usage(), stdout);
    return 0;
  }
  Layout layout = make_layout(o);

  // Bench root and the directory the workload writes into.
  int admin = open_session(o.host, o.port, o.session_timeout_ms, &error);
  if (admin < 0) return fail(error);
  bool ok = ensure(admin, o.root, &error);
  if (ok && (o.workload == Workload::kCreate || o.workload == Workload::kMulti))
    ok = ensure(admin, layout.create_dir, &error);
  if (ok && o.workload == Workload::kDelete) ok = ensure(admin, layout.delete_dir, &error);
  close_session(admin);
  if (!ok) return fail(error);

  std::vector<int> fds;
  for (int i = 0; i < o.connections; i++) {
    int fd = open_session(o.host, o.port, o.session_timeout_ms, &error);
    if (fd < 0) {
      for (int f : fds) close_session(f);
      return fail(error);
    }
    fds.push_back(fd);
  }

  Report rep;
  rep.opts = &o;
  // Setup: the keys the workload reads/writes/deletes (already existing ones are fine).
  int64_t t0 = now_ns();
  const std::vector<std::string>& pre = layout.keys.empty() ? layout.doomed : layout.keys;
  if (!pre.empty()) {
    EngineResult r = run_parallel(
        &fds, o.threads, [&](int t, int n) { return make_creates(pre, layout.value, t, n); },
        unmeasured(o));
    std::string u = unexpected(r, zkd::proto::err::kNodeExists, "setup");
    if (!u.empty()) {
      for (int f : fds) close_session(f);
      return fail(u);
    }
  }
  rep.setup_s = double(now_ns() - t0) / 1e9;

  // Measured run.
  EngineConfig cfg;
  cfg.inflight = o.inflight;
  cfg.ping_interval_ns = std::min<int64_t>(5'000'000'000, int64_t(o.session_timeout_ms) * 1'000'000 / 3);
  cfg.rate = o.rate / o.threads;
  int64_t start = now_ns();
  cfg.measure_start_ns = start + int64_t(o.warmup_s * 1e9);
  cfg.ops_target = o.ops;  // run_parallel gives each thread its share
  cfg.measure_end_ns = o.ops ? INT64_MAX : cfg.measure_start_ns + int64_t(o.duration_s * 1e9);
  Cpu c0, c1;
  double s0 = -1, s1 = -1;
  bool ended_early = false;
  int64_t sampled_at = 0;
  auto sample_window = [&](std::atomic<int>& done) {
    auto sleep_until = [&](int64_t t) {
      while (now_ns() < t && done.load() < o.threads)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    };
    sleep_until(cfg.measure_start_ns);
    c0 = self_cpu();
    s0 = proc_cpu_s(o.server_pid);
    sleep_until(cfg.measure_end_ns);
    ended_early = now_ns() < cfg.measure_end_ns;
    if (ended_early) {
      while (done.load() < o.threads) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    c1 = self_cpu();
    s1 = proc_cpu_s(o.server_pid);
    sampled_at = now_ns();
  };
  rep.result = run_parallel(
      &fds, o.threads, [&](int t, int n) { return make_workload(o, layout, t, n); }, cfg,
      sample_window);
  if (ended_early) {
    rep.elapsed_s = double(std::max<int64_t>(0, rep.result.last_counted_ns - cfg.measure_start_ns)) / 1e9;
  } else {
    rep.elapsed_s = double(cfg.measure_end_ns - cfg.measure_start_ns) / 1e9;
  }
  rep.client_user_s = c1.user_s - c0.user_s;
  rep.client_sys_s = c1.sys_s - c0.sys_s;
  if (o.server_pid && s0 >= 0 && s1 >= 0) rep.server_cpu_s = s1 - s0;
  (void)sampled_at;

  // Teardown.
  t0 = now_ns();
  std::string td_error;
  if (!o.keep) rep.teardown_errors = teardown(o, &fds, &td_error);
  rep.teardown_s = double(now_ns() - t0) / 1e9;
  for (int f : fds) close_session(f);

  std::string out = o.json ? render_json(rep) : render_text(rep);
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  if (rep.teardown_errors) std::fprintf(stderr, "bench: teardown: %s\n", td_error.c_str());
  return rep.result.fatal.empty() ? 0 : 1;
}
