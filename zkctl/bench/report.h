// The result of one bench run and its two renderings (text for people, JSON for scripts).
#pragma once

#include <cstdint>
#include <string>

#include "zkctl/bench/engine.h"
#include "zkctl/bench/options.h"

namespace zkctl::bench {

struct Report {
  const Options* opts = nullptr;
  EngineResult result;
  double elapsed_s = 0;      // measured window length
  double setup_s = 0;        // creating keys (not measured)
  double teardown_s = 0;     // deleting the bench root (not measured)
  double client_user_s = 0;  // this process, during the measured window
  double client_sys_s = 0;
  double server_cpu_s = -1;  // --server-pid, during the window; -1 when not asked/unknown
  int teardown_errors = 0;
};

std::string render_text(const Report& r);
std::string render_json(const Report& r);

}  // namespace zkctl::bench
