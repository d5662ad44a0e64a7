// zkd_ops_fake_exporter: serves /metrics (and the AdminServer) over FakeServerView, so the
// monitoring tests can point promtool and a real Prometheus at zkd's exact output.
// Usage: zkd_ops_fake_exporter <metrics_port> [admin_port]   (0 = pick a free port)
// Prints "metrics_port=<p>" (and "admin_port=<p>") on stdout, then serves until stdin
// closes or SIGTERM/SIGINT. While running, counters advance every 100 ms so rate() and
// increase() have something to see.
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fake_server_view.h"
#include "zkd/server/ops/admin_server.h"
#include "zkd/server/ops/metric_names.h"
#include "zkd/server/ops/metrics_exporter.h"

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <metrics_port> [admin_port]\n", argv[0]);
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  zkd::ops::testing::FakeServerView view;
  zkd::ops::MetricsExporter exporter(view, "127.0.0.1",
                                     static_cast<uint16_t>(std::atoi(argv[1])));
  std::printf("metrics_port=%u\n", exporter.port());
  std::unique_ptr<zkd::ops::AdminServer> admin;
  if (argc > 2) {
    admin = std::make_unique<zkd::ops::AdminServer>(view, "127.0.0.1",
                                                    static_cast<uint16_t>(std::atoi(argv[2])));
    admin->start();
    std::printf("admin_port=%u\n", admin->port());
  }
  std::fflush(stdout);
  while (!g_stop) {
    struct pollfd p = {STDIN_FILENO, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[256];
      if (read(STDIN_FILENO, buf, sizeof(buf)) <= 0) break;  // stdin closed
    }
    std::lock_guard<std::mutex> lock(view.mu);
    auto& s = view.stats_value;
    s.packets_received += 10;
    s.packets_sent += 10;
    s.uptime_ms += 100;
    s.requests_by_op["getData"] += 10;
    auto& read = s.summaries[std::string(zkd::ops::metric::kReadLatency)];
    read.count += 10;
    read.sum += 5;
  }
  return 0;
}
