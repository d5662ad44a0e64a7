// keeper-bench style runs (--config FILE.yaml): setup trees, weighted request mix, and a
// teardown that removes the created nodes and the setup trees.
#include <algorithm>
#include <climits>

#include "zkctl/bench/keeper_config.h"
#include "zkctl/bench/modes.h"
#include "zkctl/bench/runner.h"
#include "zkctl/bench/session.h"
#include "zkd/proto/ops.h"

namespace zkctl::bench {
namespace {

namespace err = zkd::proto::err;

class ConfigMode : public Mode {
 public:
  ConfigMode(const Options& o, KeeperConfig c)
      : o_(o), c_(std::move(c)), nodes_(expand_setup(c_, 1)) {}

  bool prepare(int, std::string*) override { return true; }

  // Setup trees level by level (parents first), then resolve every request's path pool.
  std::string setup(std::vector<int>* fds) override {
    int depth_max = 0;
    for (const auto& n : nodes_) depth_max = std::max(depth_max, n.depth);
    for (int d = 0; d <= depth_max && !nodes_.empty(); d++) {
      std::vector<std::string> paths, datas;
      for (const auto& n : nodes_) {
        if (n.depth != d) continue;
        paths.push_back(n.path);
        datas.push_back(n.data);
      }
      std::string u = bulk_create(fds, o_, paths, datas);
      if (!u.empty()) return u;
    }
    std::string error;
    int admin = open_session(o_.host, o_.port, o_.session_timeout_ms, &error);
    if (admin < 0) return error;
    for (const RequestSpec* r : flatten_requests(c_)) {
      std::vector<std::string> pool = r->path.paths;
      for (const auto& parent : r->path.children_of) {
        std::vector<std::string> names;
        int32_t rc = sync_children(admin, parent, &names, &error);
        if (rc != 0) {
          close_session(admin);
          return "children_of " + parent + ": " +
                 (rc == INT32_MIN ? error : std::string(zkd::proto::error_name(rc)));
        }
        for (const auto& n : names) pool.push_back((parent == "/" ? "" : parent) + "/" + n);
      }
      if (pool.empty() && r->type != RequestSpec::kMulti) {
        close_session(admin);
        return "a request has no paths (children_of an empty node?)";
      }
      pools_.push_back(std::move(pool));
    }
    close_session(admin);
    return "";
  }

  std::unique_ptr<Generator> generator(int t, int n) override {
    return make_config_workload(c_, pools_, t);
  }

  void after_run(Generator& g) override {
    for (auto& p : static_cast<ConfigWorkload&>(g).leftovers()) leftovers_.push_back(std::move(p));
  }

  // Created nodes, then the setup trees deepest first.
  int teardown(std::vector<int>* fds, std::string* error) override {
    if (o_.keep) return 0;
    int bad = 0;
    std::string u = bulk_delete(fds, o_, leftovers_);
    if (!u.empty()) {
      *error = u;
      bad++;
    }
    int depth_max = 0;
    for (const auto& n : nodes_) depth_max = std::max(depth_max, n.depth);
    for (int d = depth_max; d >= 0 && !nodes_.empty(); d--) {
      std::vector<std::string> paths;
      for (const auto& n : nodes_)
        if (n.depth == d) paths.push_back(n.path);
      u = bulk_delete(fds, o_, paths);
      if (!u.empty()) {
        *error = u;
        bad++;
      }
    }
    return bad;
  }

 private:
  const Options& o_;
  KeeperConfig c_;
  std::vector<ConcreteNode> nodes_;
  std::vector<std::vector<std::string>> pools_;
  std::vector<std::string> leftovers_;
};

}  // namespace

std::unique_ptr<Mode> make_config_mode(Options* o, std::string* error) {
  KeeperConfig c;
  if (!load_keeper_config(o->config, &c, error)) return nullptr;
  apply_keeper_config(c, o);
  o->config_output_file = c.output_file;
  o->config_stdout = c.output_stdout;
  o->config_notes = c.notes;
  return std::make_unique<ConfigMode>(*o, std::move(c));
}

}  // namespace zkctl::bench
