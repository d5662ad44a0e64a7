// Command-line options of `zkctl bench` / `zkbench` and their parser.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace zkctl::bench {

enum class Workload { kGet, kExists, kSet, kCreate, kDelete, kMix, kMulti, kConfig };

struct Options {
  std::string host = "127.0.0.1";
  int port = 2181;
  int connections = 16;
  int inflight = 64;  // requests in flight per connection
  int threads = 1;
  Workload workload = Workload::kGet;
  int read_percent = 100;  // mix:R
  int value_size = 100;
  double duration_s = 10;  // used when ops == 0, or as a cap with ops when given too
  uint64_t ops = 0;        // stop after this many measured ops (0: use duration)
  double warmup_s = 1;
  double rate = 0;   // offered ops/s, open loop; 0 = closed loop
  int keys = 10000;  // key space for get/exists/set/mix, nodes for delete
  std::string root = "/zkbench";
  bool sequential = false;  // create: PERSISTENT_SEQUENTIAL instead of unique names
  int multi_ops = 10;       // creates per multi request
  bool keep = false;        // skip teardown
  bool json = false;
  int server_pid = 0;  // when set, report the server's CPU seconds during the measurement
  int session_timeout_ms = 30000;
  std::string config;              // keeper-bench style YAML workload (Workload::kConfig)
  std::string config_output_file;  // from the config's output section
  bool config_stdout = true;
  std::vector<std::string> config_notes;  // config keys that were ignored
  bool help = false;
  std::set<std::string> explicit_keys;  // options given on the command line

  bool duration_set = false;  // --duration given (or the config's timelimit)
  // With both --ops and --duration, the run stops at whichever comes first.
  bool duration_caps_ops() const { return ops && duration_set; }
};

// Parses argv (argv[0] is the command name). On error returns false and sets *error.
bool parse_options(int argc, char** argv, Options* o, std::string* error);
const char* usage();
const char* workload_name(Workload w);

}  // namespace zkctl::bench
