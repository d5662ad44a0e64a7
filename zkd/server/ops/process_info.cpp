#include "zkd/server/ops/process_info.h"

#include <dirent.h>
#include <pwd.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace zkd::ops {

FdCounts process_fd_counts() {
  FdCounts c;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (struct dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') ++c.open;
    }
    closedir(d);
    --c.open;  // the directory stream's own descriptor
  }
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    c.max = rl.rlim_cur == RLIM_INFINITY ? 0 : static_cast<int64_t>(rl.rlim_cur);
  }
  return c;
}

namespace {

int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

std::string mb(int64_t bytes) {
  return std::to_string(bytes / (1024 * 1024)) + "MB";
}

}  // namespace

std::vector<std::pair<std::string, std::string>> process_environment(const std::string& version) {
  std::vector<std::pair<std::string, std::string>> env;
  env.emplace_back("zookeeper.version", version);
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = 0;
  env.emplace_back("host.name", host);
  struct utsname u {};
  uname(&u);
  env.emplace_back("os.name", u.sysname);
  env.emplace_back("os.arch", u.machine);
  env.emplace_back("os.version", u.release);
  std::string user = "?", home = "?";
  if (struct passwd* pw = getpwuid(getuid())) {
    user = pw->pw_name;
    home = pw->pw_dir;
  }
  env.emplace_back("user.name", user);
  env.emplace_back("user.home", home);
  char cwd[4096] = {0};
  env.emplace_back("user.dir", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
  int64_t total = resident_bytes();
  struct rlimit rl {};
  int64_t max = 0;
  if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY) {
    max = static_cast<int64_t>(rl.rlim_cur);
  }
  env.emplace_back("os.memory.free", mb(max > total ? max - total : 0));
  env.emplace_back("os.memory.max", mb(max));
  env.emplace_back("os.memory.total", mb(total));
  return env;
}

}  // namespace zkd::ops
