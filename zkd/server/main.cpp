// zkd: `zkd [-Dname=value ...] [--check-config] path/to/zoo.cfg`, the way
// `QuorumPeerMain zoo.cfg` starts ZooKeeper.
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "zkd/server/config.h"
#include "zkd/server/log.h"
#include "zkd/server/runtime.h"
#include "zkd/server/server.h"
#include "zkd/server/ops/version.h"
#include "zkd/storage/store.h"

namespace {

void usage() {
  std::cerr << "usage: zkd [-Dname=value ...] [--check-config] zoo.cfg\n";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace zkd::server;
  // Big transient buffers (checkpoint chunks, hash table arrays) get their own mappings
  // and go straight back to the OS when freed. By default glibc raises this threshold
  // after the first such free, so later checkpoints land in the heap and stay resident
  // until a malloc_trim, which walks every arena under its lock and stalls the state
  // thread's allocations meanwhile.
  mallopt(M_MMAP_THRESHOLD, 256 << 10);
  std::vector<std::string> defines;
  std::string config_path;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("-D", 0) == 0) {
      defines.push_back(a.substr(2));
    } else if (a == "--check-config") {
      check_only = true;
    } else if (a == "--version") {
      std::cout << "zkd " << zkd::ops::version_string() << "\n";
      return 0;
    } else if (a == "-h" || a == "--help") {
      usage();
      return 0;
    } else if (config_path.empty() && a[0] != '-') {
      config_path = a;
    } else {
      std::cerr << "zkd: unexpected argument '" << a << "'\n";
      usage();
      return 2;
    }
  }
  if (config_path.empty()) {
    usage();
    return 2;
  }
  ServerConfig config;
  ConfigResult parsed = load_config(config_path, defines, &config);
  for (const auto& w : parsed.warnings) std::cerr << "zkd: warning: " << w << "\n";
  if (!parsed.ok) {
    std::cerr << "zkd: " << parsed.error << "\n";
    return 2;
  }
  std::string error;
  // dataDir/myid, when present, names this server (as in ZooKeeper).
  if (access((config.data_dir + "/myid").c_str(), F_OK) == 0 &&
      !zkd::storage::read_myid(config.data_dir, &config.server_id, &error)) {
    std::cerr << "zkd: " << error << "\n";
    return 2;
  }
  if (check_only) {
    std::cout << config_path << ": OK\n";
    return 0;
  }
  if (!zkd::log::init(config.log_dir, config.log_level)) {
    std::cerr << "zkd: cannot open log file in " << config.log_dir << "; logging to stderr\n";
  }
  for (const auto& w : parsed.warnings) zkd::log::warn(w);

  // Signals go to a dedicated thread: SIGTERM/SIGINT stop, SIGHUP reopens the log.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Server server(config);
  Runtime runtime(config, server);
  if (!runtime.start(&error)) {
    zkd::log::error(error);
    std::cerr << "zkd: " << error << "\n";
    return 1;
  }
  zkd::log::info("zkd " + zkd::ops::version_string() + " serving on " + config.client_address + ":" +
                 std::to_string(server.bound_port()) + ", dataDir " + config.data_dir);
  for (const auto& [k, v] : config.describe()) zkd::log::info("config " + k + "=" + v);

  std::thread signal_thread([&] {
    for (;;) {
      int sig = 0;
      if (sigwait(&signals, &sig) != 0) continue;
      if (sig == SIGHUP) {
        zkd::log::reopen();
        zkd::log::info("SIGHUP: log file reopened");
        continue;
      }
      zkd::log::info(std::string("received ") + strsignal(sig) + ", shutting down");
      server.stop();
      // Watchdog: a clean shutdown is bounded.
      std::thread([] {
        sleep(10);
        zkd::log::error("shutdown took longer than 10 s; exiting");
        _exit(1);
      }).detach();
      return;
    }
  });
  server.run();
  runtime.stop();  // everything submitted is durable and the store is closed
  zkd::log::info("zkd stopped");
  // Freeing a tree of millions of znodes one by one takes seconds and achieves nothing
  // at exit: leave without running destructors (stdio is flushed by the logger).
  std::_Exit(0);
}
