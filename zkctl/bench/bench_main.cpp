// Orchestrates one bench run: sessions, setup (unmeasured), the measured run in N engine
// threads with CPU sampling at the window edges, teardown (unmeasured), report.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "zkctl/bench/bench.h"
#include "zkctl/bench/engine.h"
#include "zkctl/bench/modes.h"
#include "zkctl/bench/options.h"
#include "zkctl/bench/report.h"
#include "zkctl/bench/runner.h"
#include "zkctl/bench/session.h"

namespace zkctl::bench {
namespace {

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
  if (!pid) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(f, line)) return -1;
  size_t rp = line.rfind(')');
  if (rp == std::string::npos || rp + 2 > line.size()) return -1;
  std::istringstream in(line.substr(rp + 2));
  std::string tok;
  double utime = 0, stime = 0;
  for (int field = 3; field <= 15 && (in >> tok); field++) {
    if (field == 14) utime = std::strtod(tok.c_str(), nullptr);
    if (field == 15) stime = std::strtod(tok.c_str(), nullptr);
  }
  return (utime + stime) / double(sysconf(_SC_CLK_TCK));
}

int fail(const std::string& msg) {
  std::fprintf(stderr, "bench: %s\n", msg.c_str());
  return 1;
}

// The measured run; fills the result, window length and CPU fields of *rep.
void measure(const Options& o, Mode& mode, std::vector<int>* fds, Report* rep) {
  EngineConfig cfg;
  cfg.inflight = o.inflight;
  cfg.ping_interval_ns =
      std::min<int64_t>(5'000'000'000, int64_t(o.session_timeout_ms) * 1'000'000 / 3);
  cfg.rate = o.rate / o.threads;
  cfg.measure_start_ns = now_ns() + int64_t(o.warmup_s * 1e9);
  cfg.ops_target = o.ops;
  cfg.measure_end_ns = o.ops && !o.duration_caps_ops()
                           ? INT64_MAX
                           : cfg.measure_start_ns + int64_t(o.duration_s * 1e9);
  Cpu c0, c1;
  double s0 = -1, s1 = -1;
  bool ended_early = false;
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
    while (done.load() < o.threads && ended_early)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    c1 = self_cpu();
    s1 = proc_cpu_s(o.server_pid);
  };
  rep->result = run_parallel(
      fds, o.threads, [&](int t, int n) { return mode.generator(t, n); }, cfg, sample_window,
      [&](Generator& g) { mode.after_run(g); });
  int64_t end = ended_early ? rep->result.last_counted_ns : cfg.measure_end_ns;
  rep->elapsed_s = double(std::max<int64_t>(0, end - cfg.measure_start_ns)) / 1e9;
  rep->client_user_s = c1.user_s - c0.user_s;
  rep->client_sys_s = c1.sys_s - c0.sys_s;
  if (o.server_pid && s0 >= 0 && s1 >= 0) rep->server_cpu_s = s1 - s0;
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
  std::unique_ptr<Mode> mode;
  if (o.workload == Workload::kConfig) {
    mode = make_config_mode(&o, &error);
    if (!mode) {
      std::fprintf(stderr, "bench: %s\n", error.c_str());
      return 2;
    }
  } else {
    mode = make_standard_mode(o);
  }

  int admin = open_session(o.host, o.port, o.session_timeout_ms, &error);
  if (admin < 0) return fail(error);
  bool ok = mode->prepare(admin, &error);
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
  int64_t t0 = now_ns();
  std::string u = mode->setup(&fds);
  if (!u.empty()) {
    for (int f : fds) close_session(f);
    return fail(u);
  }
  rep.setup_s = double(now_ns() - t0) / 1e9;

  measure(o, *mode, &fds, &rep);

  t0 = now_ns();
  std::string td_error;
  rep.teardown_errors = mode->teardown(&fds, &td_error);
  rep.teardown_s = double(now_ns() - t0) / 1e9;
  for (int f : fds) close_session(f);

  std::string out = o.json ? render_json(rep) : render_text(rep);
  if (o.config_stdout) {
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }
  if (!o.config_output_file.empty()) {
    std::ofstream f(o.config_output_file);
    f << render_json(rep);
    if (!f) std::fprintf(stderr, "bench: cannot write %s\n", o.config_output_file.c_str());
  }
  for (const auto& note : o.config_notes) std::fprintf(stderr, "bench: config: %s\n", note.c_str());
  if (rep.teardown_errors) std::fprintf(stderr, "bench: teardown: %s\n", td_error.c_str());
  return rep.result.fatal.empty() ? 0 : 1;
}
