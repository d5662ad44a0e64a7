// keeper-bench (ClickHouse) style workload files for `bench --config file.yaml`.
//
// Supported subset (anything else is an error, never silently ignored):
//   concurrency, iterations, timelimit, delay (ignored: no periodic reports),
//   continue_on_errors (errors are always counted and the run continues);
//   connections: host (the first one is used) or connection: {host, sessions,
//     session_timeout_ms}; operation_timeout_ms/connection_timeout_ms/secure: false ignored;
//   generator.setup: node trees {name, data, repeat, node...} created before the run
//     (unmeasured) and deleted after it;
//   generator.requests: create {path, name_length, data, remove_factor}, set {path, data},
//     get {path}, list {path}, multi {size, create/set/get/list...}, each with weight.
//     path: a string, a list, or {children_of: PATH} (resolved after setup), repeatable.
//     Strings (name, data): a constant or {random_string: {size: N | {min_value, max_value}}}.
//   output: {file: PATH | {path: PATH, with_timestamp}, stdout: bool}.
// Mapping to bench options: concurrency -> --connections with --inflight 1 (one request
// at a time per session, like keeper-bench's workers) unless given on the command line;
// iterations -> --ops; timelimit -> --duration.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "zkctl/bench/options.h"
#include "zkctl/bench/workload.h"

namespace zkctl::bench {

struct SizeSpec {
  int min = 0, max = 0;
};

struct StringSpec {
  std::string constant;
  bool random = false;
  SizeSpec size;
};

struct PathSpec {
  std::vector<std::string> paths;
  std::vector<std::string> children_of;
};

struct RequestSpec {
  enum Type { kCreate, kSet, kGet, kList, kMulti } type = kGet;
  double weight = 1;
  PathSpec path;
  StringSpec data;
  SizeSpec name_length{5, 5};
  double remove_factor = 0;
  SizeSpec multi_size{0, 0};
  std::vector<RequestSpec> multi_ops;
};

struct SetupNode {
  StringSpec name;
  StringSpec data;
  int repeat = 1;
  std::vector<SetupNode> children;
};

struct KeeperConfig {
  int concurrency = 0;
  uint64_t iterations = 0;
  double timelimit_s = 0;
  std::string host;
  int sessions = 1;
  int session_timeout_ms = 0;
  std::vector<SetupNode> setup;
  std::vector<RequestSpec> requests;
  std::string output_file;
  bool output_stdout = true;
  std::vector<std::string> notes;  // what was ignored, for the report
};

bool load_keeper_config(const std::string& file, KeeperConfig* c, std::string* error);

// Fills options the command line did not set (o->explicit_keys).
void apply_keeper_config(const KeeperConfig& c, Options* o);

// The setup trees expanded to concrete nodes, parents before children.
struct ConcreteNode {
  std::string path;
  std::string data;
  int depth;
};
std::vector<ConcreteNode> expand_setup(const KeeperConfig& c, uint64_t seed);

// A generator drawing requests by weight from the config. `pools` gives the candidate
// paths of each spec in flatten_requests() order (explicit paths plus children_of listings,
// resolved after setup). A create with remove_factor p queues its node for removal with
// probability p; the delete is sent once the create has been answered successfully.
class ConfigWorkload : public Generator {
 public:
  // Nodes this generator created and did not remove (for teardown).
  virtual std::vector<std::string> leftovers() const = 0;
};
std::unique_ptr<ConfigWorkload> make_config_workload(
    const KeeperConfig& c, const std::vector<std::vector<std::string>>& pools, int t);
// Every spec in flattened order (top-level requests, each followed by its multi ops).
std::vector<const RequestSpec*> flatten_requests(const KeeperConfig& c);

}  // namespace zkctl::bench
