// zkd_ops_fake_exporter: zkd's operability endpoints over FakeServerView, so tests can
// point promtool, a real Prometheus, or a 4lw client at zkd's exact output.
//
//   zkd_ops_fake_exporter [--metrics-port=P] [--admin-port=P] [--4lw-port=P]
//                         [--whitelist=LIST]
// Each endpoint starts only when its flag is given (0 = pick a free port); the bound ports
// are printed as "metrics_port=<p>", "admin_port=<p>", "4lw_port=<p>", then "ready".
// The 4lw listener does what the zkd server does with a new connection's first 4 bytes
// (four_letter_word / run_four_letter). Serves until stdin closes or SIGTERM/SIGINT.
// While running, some counters advance every 100 ms so rate() has something to see.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "fake_server_view.h"
#include "zkd/server/ops/admin_server.h"
#include "zkd/server/ops/four_letter.h"
#include "zkd/server/ops/metric_names.h"
#include "zkd/server/ops/metrics_exporter.h"

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) {
  g_stop = true;
}

bool read_exact(Poco::Net::StreamSocket& s, char* buf, int n) {
  int got = 0;
  while (got < n) {
    int r = s.receiveBytes(buf + got, n - got);
    if (r <= 0) return false;
    got += r;
  }
  return true;
}

// One connection: the first 4 bytes decide, as in the server.
void serve_4lw(Poco::Net::StreamSocket s, zkd::ops::ServerView& view,
               const zkd::ops::FourLetterConfig& cfg) {
  s.setReceiveTimeout(Poco::Timespan(5, 0));
  unsigned char b[4];
  if (!read_exact(s, reinterpret_cast<char*>(b), 4)) return;
  uint32_t first4 = (uint32_t(b[0]) << 24) | (uint32_t(b[1]) << 16) | (uint32_t(b[2]) << 8) | b[3];
  auto word = zkd::ops::four_letter_word(first4);
  if (!word) return;  // a real server would parse a frame length; the fake just closes
  int64_t arg = 0;
  if (zkd::ops::four_letter_needs_argument(*word)) {
    unsigned char a[8];
    if (!read_exact(s, reinterpret_cast<char*>(a), 8)) return;
    for (unsigned char c : a) arg = (arg << 8) | c;
  }
  auto r = zkd::ops::run_four_letter(*word, view, cfg, arg);
  if (r.action == zkd::ops::FourLetterResult::Action::kReply) {
    s.sendBytes(r.text.data(), static_cast<int>(r.text.size()));
  }
  s.shutdown();
}

bool flag(const char* arg, const char* name, std::string* value) {
  size_t n = std::strlen(name);
  if (std::strncmp(arg, name, n) != 0 || arg[n] != '=') return false;
  *value = arg + n + 1;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string metrics_port, admin_port, fourlw_port, whitelist;
  bool has_whitelist = false;
  for (int i = 1; i < argc; ++i) {
    if (flag(argv[i], "--metrics-port", &metrics_port) ||
        flag(argv[i], "--admin-port", &admin_port) || flag(argv[i], "--4lw-port", &fourlw_port)) {
      continue;
    }
    if (flag(argv[i], "--whitelist", &whitelist)) {
      has_whitelist = true;
      continue;
    }
    std::fprintf(stderr, "unknown argument %s\n", argv[i]);
    return 2;
  }
  std::signal(SIGTERM, on_signal);
  std::signal(SIGINT, on_signal);
  std::signal(SIGPIPE, SIG_IGN);
  zkd::ops::testing::FakeServerView view;
  auto port_of = [](const std::string& s) { return static_cast<uint16_t>(std::atoi(s.c_str())); };

  std::unique_ptr<zkd::ops::MetricsExporter> exporter;
  if (!metrics_port.empty()) {
    exporter =
        std::make_unique<zkd::ops::MetricsExporter>(view, "127.0.0.1", port_of(metrics_port));
    std::printf("metrics_port=%u\n", exporter->port());
  }
  std::unique_ptr<zkd::ops::AdminServer> admin;
  if (!admin_port.empty()) {
    admin = std::make_unique<zkd::ops::AdminServer>(view, "127.0.0.1", port_of(admin_port));
    admin->start();
    std::printf("admin_port=%u\n", admin->port());
  }
  zkd::ops::FourLetterConfig cfg = has_whitelist ? zkd::ops::parse_four_letter_whitelist(whitelist)
                                                 : zkd::ops::default_four_letter_config();
  std::unique_ptr<Poco::Net::ServerSocket> listener;
  std::thread acceptor;
  if (!fourlw_port.empty()) {
    listener = std::make_unique<Poco::Net::ServerSocket>(
        Poco::Net::SocketAddress("127.0.0.1", port_of(fourlw_port)));
    std::printf("4lw_port=%u\n", listener->address().port());
    acceptor = std::thread([&] {
      while (!g_stop) {
        if (!listener->poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) continue;
        try {
          serve_4lw(listener->acceptConnection(), view, cfg);
        } catch (const Poco::Exception&) {
          // a client that went away; keep serving
        }
      }
    });
  }
  std::printf("ready\n");
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
  g_stop = true;
  if (acceptor.joinable()) acceptor.join();
  return 0;
}
