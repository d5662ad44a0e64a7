// zkctl: the zkd operator CLI. Global options, then a command (see docs/zkctl.md).
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "zkctl/cli.h"

#ifdef ZKCTL_HAVE_BENCH
#include "zkctl/bench/bench.h"
#endif

namespace {

const char kUsage[] =
    "usage: zkctl [-s|--server host:port[,host:port...][/chroot]] [--timeout ms]\n"
    "             [--connect-timeout ms] [--auth user:password] [-o text|json]\n"
    "             COMMAND [args]\n"
    "server default: $ZKCTL_SERVER, else 127.0.0.1:2181\n"
    "commands:\n";

void print_help() {
  std::fputs(kUsage, stdout);
  for (const auto& c : zkctl::commands()) std::printf("  %s\n", c.usage);
  std::printf("  bench ...\n  help\n");
  std::printf(
      "exit codes: 0 ok, 1 error, 2 bad arguments, 3 not connected, 4 no node,\n"
      "            5 bad version, 6 no auth, 7 node exists, 8 not empty, 9 mismatch\n");
}

}  // namespace

int main(int argc, char** argv) {
  zkctl::Ctx ctx;
  if (const char* env = std::getenv("ZKCTL_SERVER"); env && *env) ctx.g.servers = env;
  std::vector<std::string> tokens;
  int i = 1;
  // Global options before the command (-s is only global here: `ls -s` is stat).
  for (; i < argc; ++i) {
    std::string t = argv[i];
    if ((t == "-s" || t == "--server") && i + 1 < argc) {
      ctx.g.servers = argv[++i];
    } else if (t.rfind("--server=", 0) == 0) {
      ctx.g.servers = t.substr(9);
    } else if (t == "-h" || t == "--help" || t == "help") {
      print_help();
      return zkctl::kOk;
    } else if (t == "-s" || t == "--server") {
      return ctx.fail(zkctl::kUsage, "BADARGUMENTS", "flag '" + t + "' needs a value");
    } else if (t[0] == '-') {
      // Other globals are handled by run_command (they are accepted anywhere).
      tokens.push_back(t);
      if (t.find('=') == std::string::npos && i + 1 < argc) tokens.push_back(argv[++i]);
    } else {
      break;
    }
  }
  if (i >= argc) {
    if (!tokens.empty()) {
      return ctx.fail(zkctl::kUsage, "BADARGUMENTS", "missing command (see zkctl help)");
    }
    print_help();
    return zkctl::kUsage;
  }
  std::string cmd = argv[i];
  if (cmd == "bench") {
#ifdef ZKCTL_HAVE_BENCH
    return bench_main(argc - i, argv + i);
#else
    return ctx.fail(zkctl::kError, "UNIMPLEMENTED", "bench not built");
#endif
  }
  std::vector<std::string> cmd_tokens;
  cmd_tokens.push_back(cmd);
  cmd_tokens.insert(cmd_tokens.end(), tokens.begin(), tokens.end());
  for (int k = i + 1; k < argc; ++k) cmd_tokens.push_back(argv[k]);
  int rc = zkctl::run_command(ctx, cmd_tokens);
  ctx.disconnect();
  return rc;
}
