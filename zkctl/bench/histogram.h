// Latency histogram with logarithmic buckets (HdrHistogram-like, fixed precision).
//
// Values (nanoseconds) below 32 get exact buckets; above, each power of two is split into
// 32 sub-buckets, so any reported percentile is within 1/32 (~3%) of the true value. The
// whole range of uint64 fits in kBuckets counters (15 KB), so recording never allocates.
// Not thread-safe: each engine thread owns one and they are merged after the run.
#pragma once

#include <array>
#include <cstdint>

namespace zkctl::bench {

class Histogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr int kSub = 1 << kSubBits;
  static constexpr int kBuckets = kSub + (64 - kSubBits) * kSub;

  void record(uint64_t v);
  void merge(const Histogram& o);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double mean() const { return count_ ? double(sum_) / double(count_) : 0.0; }
  // Smallest bucket upper bound such that at least q (0..1) of the values are <= it,
  // clamped to the recorded max. 0 when empty.
  uint64_t percentile(double q) const;

  static int bucket_of(uint64_t v);
  static uint64_t bucket_upper(int idx);  // inclusive upper bound of bucket idx

 private:
  std::array<uint64_t, kBuckets> counts_{};
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  unsigned __int128 sum_ = 0;
};

}  // namespace zkctl::bench
