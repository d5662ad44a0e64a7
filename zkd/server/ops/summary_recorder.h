// SummaryRecorder: records non-negative samples (latency ms, batch sizes) and produces a
// ServerView Summary (count/sum/min/max and, optionally, percentiles), for the server
// to fill ServerStats::summaries.
//
// Percentiles come from a fixed histogram: exact buckets for 0..1023 and one bucket per
// power of two above (reported as the bucket's upper bound), so memory is constant and
// record() is O(1). ZooKeeper samples a reservoir instead; both are estimates.
//
// Thread-compatible: one owner thread (the state thread) records and snapshots; guard
// it externally if more threads touch it.
#pragma once

#include <array>
#include <cstdint>

#include "zkd/server/ops/server_view.h"

namespace zkd::ops {

class SummaryRecorder {
 public:
  explicit SummaryRecorder(bool with_percentiles = false) : with_percentiles_(with_percentiles) {}

  void record(int64_t value);
  void reset();
  Summary snapshot() const;

 private:
  static constexpr int kExact = 1024;
  static constexpr int kLog = 54;  // 2^10 .. 2^63
  int64_t value_at_rank(int64_t rank) const;

  bool with_percentiles_;
  int64_t count_ = 0, sum_ = 0, min_ = 0, max_ = 0;
  std::array<int64_t, kExact> exact_{};
  std::array<int64_t, kLog> log_{};
};

}  // namespace zkd::ops
