// The load engine: one thread's epoll loop over its share of connections, keeping up to
// `inflight` requests outstanding per connection and matching replies to requests in order
// (ZooKeeper answers a session's requests in the order sent).
//
// Closed loop (rate == 0): every reply is immediately replaced by a new request, so the
// offered load is whatever the server sustains. Open loop (rate > 0): requests are due on
// a fixed schedule (one every 1/rate s); each carries its intended send time and latency is
// measured from that time, so a stalled server is charged for the requests it delayed
// (no coordinated omission). A request whose connections are all full waits, still carrying
// its intended time.
//
// A run_engine call owns its fds for the duration and uses no shared state except the
// read-only Generator inputs; several engines run in parallel threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "zkctl/bench/histogram.h"
#include "zkctl/bench/workload.h"

namespace zkctl::bench {

struct EngineConfig {
  int inflight = 64;
  double rate = 0;  // requests/s for this engine; 0 = closed loop
  // Measurement window on the CLOCK_MONOTONIC ns clock. Replies completing inside it are
  // counted and timed. Requests stop being issued at measure_end_ns or once ops_target
  // replies were counted, whichever comes first (INT64_MAX: no time limit).
  int64_t measure_start_ns = 0;
  int64_t measure_end_ns = INT64_MAX;
  uint64_t ops_target = 0;
  // When false (setup/teardown) nothing is timed and the engine runs until the Generator
  // is exhausted and every reply has arrived.
  bool measure = true;
  int64_t drain_timeout_ns = 10'000'000'000;
  // A connection that sent nothing for this long sends a ping, so slow open-loop schedules
  // do not let the session expire.
  int64_t ping_interval_ns = 10'000'000'000;
};

// Counters of one request type (opcode) inside the measured window.
struct OpStats {
  Histogram latency_ns;
  uint64_t ops = 0;
  uint64_t errors = 0;
};

struct EngineResult {
  Histogram latency_ns;
  std::map<int32_t, OpStats> by_op;  // by request opcode (multi and multiRead count as one)
  uint64_t ops = 0;                  // replies counted in the window (errors included)
  uint64_t errors = 0;               // counted replies with a non-zero error
  std::map<int32_t, uint64_t> errors_by_code;
  uint64_t completed = 0;  // all replies, in or out of the window
  uint64_t lost = 0;       // requests whose connection died before replying
  int64_t last_counted_ns = 0;
  std::string fatal;  // first connection failure, empty if none

  void merge(const EngineResult& o);
};

int64_t now_ns();

// Runs until the config says stop, then waits for outstanding replies. fds must be open
// sessions; they are made non-blocking and stay open (unless the server closed them, in
// which case they are closed and set to -1).
EngineResult run_engine(std::vector<int>* fds, Generator* gen, const EngineConfig& cfg);

}  // namespace zkctl::bench
