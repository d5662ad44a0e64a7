#include "zkctl/bench/runner.h"

#include <algorithm>
#include <thread>

#include "zkd/proto/ops.h"

namespace zkctl::bench {
namespace {

// Splits fds round-robin into per-thread groups (thread t gets i % n == t).
std::vector<std::vector<int>> split(const std::vector<int>& fds, int n) {
  std::vector<std::vector<int>> g(static_cast<size_t>(n));
  for (size_t i = 0; i < fds.size(); i++)
    if (fds[i] >= 0) g[i % size_t(n)].push_back(fds[i]);
  return g;
}

}  // namespace

EngineResult run_parallel(std::vector<int>* fds, int threads, const GenFactory& make,
                          const EngineConfig& cfg,
                          const std::function<void(std::atomic<int>& done)>& while_running,
                          const std::function<void(Generator&)>& after) {
  auto groups = split(*fds, threads);
  int n = int(groups.size());
  std::vector<EngineResult> results(static_cast<size_t>(n));
  std::vector<std::unique_ptr<Generator>> gens;
  for (int t = 0; t < n; t++) gens.push_back(make(t, n));
  std::atomic<int> done{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < n; t++) {
    EngineConfig c = cfg;
    if (cfg.ops_target)
      c.ops_target = cfg.ops_target / uint64_t(n) + (uint64_t(t) < cfg.ops_target % uint64_t(n));
    ts.emplace_back([&, t, c] {
      results[size_t(t)] = run_engine(&groups[size_t(t)], gens[size_t(t)].get(), c);
      done++;
    });
  }
  if (while_running) while_running(done);
  for (auto& th : ts) th.join();
  EngineResult all;
  for (const auto& r : results) all.merge(r);
  if (after)
    for (auto& g : gens) after(*g);
  fds->clear();
  for (const auto& g : groups)
    for (int fd : g)
      if (fd >= 0) fds->push_back(fd);
  return all;
}

EngineConfig unmeasured(const Options& o) {
  EngineConfig c;
  c.inflight = std::max(o.inflight, 16);  // setup is bulk work even for a 1-in-flight run
  c.ping_interval_ns =
      std::min<int64_t>(5'000'000'000, int64_t(o.session_timeout_ms) * 1'000'000 / 3);
  c.measure = false;
  c.drain_timeout_ns = 60'000'000'000;
  return c;
}

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

std::string bulk_create(std::vector<int>* fds, const Options& o,
                        const std::vector<std::string>& paths,
                        const std::vector<std::string>& datas) {
  if (paths.empty()) return "";
  EngineResult r = run_parallel(
      fds, o.threads, [&](int t, int n) { return make_creates(paths, datas, t, n); },
      unmeasured(o));
  return unexpected(r, zkd::proto::err::kNodeExists, "setup");
}

std::string bulk_delete(std::vector<int>* fds, const Options& o,
                        const std::vector<std::string>& paths) {
  if (paths.empty()) return "";
  EngineResult r = run_parallel(
      fds, o.threads, [&](int t, int n) { return make_deletes(paths, t, n); }, unmeasured(o));
  return unexpected(r, zkd::proto::err::kNoNode, "teardown");
}

}  // namespace zkctl::bench
