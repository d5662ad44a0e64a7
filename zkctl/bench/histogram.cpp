#include "zkctl/bench/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace zkctl::bench {

int Histogram::bucket_of(uint64_t v) {
  if (v < uint64_t(kSub)) return int(v);
  int e = 63 - std::countl_zero(v);  // v in [2^e, 2^(e+1)), e >= kSubBits
  int sub = int((v >> (e - kSubBits)) & (kSub - 1));
  return kSub + (e - kSubBits) * kSub + sub;
}

uint64_t Histogram::bucket_upper(int idx) {
  if (idx < kSub) return uint64_t(idx);
  int e = (idx - kSub) / kSub + kSubBits;
  uint64_t sub = uint64_t((idx - kSub) % kSub);
  uint64_t width = uint64_t(1) << (e - kSubBits);
  uint64_t lower = (uint64_t(kSub) + sub) << (e - kSubBits);
  return lower + (width - 1);  // for the top bucket this is UINT64_MAX, no overflow
}

void Histogram::record(uint64_t v) {
  counts_[bucket_of(v)]++;
  count_++;
  min_ = std::min(min_, v);
  max_ = std::max(max_, v);
  sum_ += v;
}

void Histogram::merge(const Histogram& o) {
  for (int i = 0; i < kBuckets; i++) counts_[i] += o.counts_[i];
  count_ += o.count_;
  min_ = std::min(min_, o.min_);
  max_ = std::max(max_, o.max_);
  sum_ += o.sum_;
}

uint64_t Histogram::percentile(double q) const {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the value we want (1-based), at least 1.
  uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(q * double(count_))));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; i++) {
    seen += counts_[i];
    if (seen >= rank) return std::min(bucket_upper(i), max_);
  }
  return max_;
}

}  // namespace zkctl::bench
