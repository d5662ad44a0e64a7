// What a bench run does around the measured window. The standard mode uses the /zkbench
// layout and the built-in workloads; the config mode runs a keeper-bench style YAML file.
// A Mode is used by one thread (bench_main) except generator(), which is called once per
// engine thread before they start.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "zkctl/bench/options.h"
#include "zkctl/bench/workload.h"

namespace zkctl::bench {

class Mode {
 public:
  virtual ~Mode() = default;
  // Creates what must exist before sessions load the server (uses a blocking session).
  virtual bool prepare(int admin_fd, std::string* error) = 0;
  // Unmeasured bulk setup over the run's sessions; "" or why it failed.
  virtual std::string setup(std::vector<int>* fds) = 0;
  virtual std::unique_ptr<Generator> generator(int t, int n) = 0;
  // Sees each generator after the measured run, before it is freed.
  virtual void after_run(Generator& g) {}
  // Removes what the run created; returns the number of problems, *error the last one.
  virtual int teardown(std::vector<int>* fds, std::string* error) = 0;
};

std::unique_ptr<Mode> make_standard_mode(const Options& o);
// Loads o->config and applies it to *o (options the command line did not set).
std::unique_ptr<Mode> make_config_mode(Options* o, std::string* error);

}  // namespace zkctl::bench
