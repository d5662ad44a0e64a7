// Shared phase helpers: run engines in parallel threads, and the unmeasured bulk create and
// delete used by setup and teardown.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zkctl/bench/engine.h"
#include "zkctl/bench/options.h"
#include "zkctl/bench/workload.h"

namespace zkctl::bench {

using GenFactory = std::function<std::unique_ptr<Generator>(int t, int n)>;

// Runs one engine per group of connections (fds split round-robin over `threads`) in
// parallel threads; cfg.ops_target is the total, split evenly. `while_running` runs on the
// calling thread meanwhile (CPU sampling); `after` sees each generator before it is freed.
// Dead connections come back as -1 and are dropped from *fds.
EngineResult run_parallel(std::vector<int>* fds, int threads, const GenFactory& make,
                          const EngineConfig& cfg,
                          const std::function<void(std::atomic<int>& done)>& while_running = {},
                          const std::function<void(Generator&)>& after = {});

// Engine settings for setup/teardown: no timing, run to the end of the list.
EngineConfig unmeasured(const Options& o);

// "PHASE failed: 3 x NONODE; <fatal>" for errors other than `allowed`, or "".
std::string unexpected(const EngineResult& r, int32_t allowed, const char* phase);

// Pipelined creates (datas[i] for paths[i]; datas may be one shared value) and deletes.
// Return unexpected() of the run: NODEEXISTS is fine for creates, NONODE for deletes.
std::string bulk_create(std::vector<int>* fds, const Options& o,
                        const std::vector<std::string>& paths,
                        const std::vector<std::string>& datas);
std::string bulk_delete(std::vector<int>* fds, const Options& o,
                        const std::vector<std::string>& paths);

}  // namespace zkctl::bench
