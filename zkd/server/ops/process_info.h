// Facts about the zkd process itself, read from the OS (not from the state thread):
// file descriptors for mntr/metrics, and the envi environment. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace zkd::ops {

struct FdCounts {
  int64_t open = 0;  // entries in /proc/self/fd
  int64_t max = 0;   // RLIMIT_NOFILE soft limit
};
FdCounts process_fd_counts();

// envi's key/value lines in ZooKeeper's order. Java-only keys (java.*) are left out;
// os.memory.* report the process (free = max - total, max = RLIMIT_AS or "unlimited"
// as 0, total = resident set) in ZooKeeper's "<n>MB" form.
std::vector<std::pair<std::string, std::string>> process_environment(const std::string& version);

}  // namespace zkd::ops
