#include "zkd/server/ops/summary_recorder.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace zkd::ops {

void SummaryRecorder::record(int64_t value) {
  if (value < 0) value = 0;
  if (count_ == 0) {
    min_ = max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  ++count_;
  sum_ += value;
  if (!with_percentiles_) return;
  if (value < kExact) {
    ++exact_[static_cast<size_t>(value)];
  } else {
    int idx = std::bit_width(static_cast<uint64_t>(value)) - 11;  // 1024..2047 -> 0
    ++log_[static_cast<size_t>(std::clamp(idx, 0, kLog - 1))];
  }
}

void SummaryRecorder::reset() {
  count_ = sum_ = min_ = max_ = 0;
  exact_.fill(0);
  log_.fill(0);
}

int64_t SummaryRecorder::value_at_rank(int64_t rank) const {
  int64_t seen = 0;
  for (int i = 0; i < kExact; ++i) {
    seen += exact_[static_cast<size_t>(i)];
    if (seen >= rank) return i;
  }
  for (int i = 0; i < kLog; ++i) {
    seen += log_[static_cast<size_t>(i)];
    if (seen >= rank) {
      int shift = i + 11;
      int64_t upper = shift >= 63 ? INT64_MAX : (int64_t{1} << shift) - 1;
      return std::min(upper, max_);
    }
  }
  return max_;
}

Summary SummaryRecorder::snapshot() const {
  Summary s;
  s.count = count_;
  s.sum = sum_;
  s.min = min_;
  s.max = max_;
  if (with_percentiles_) {
    Summary::Percentiles p;
    if (count_ > 0) {
      auto at = [&](double q) {
        auto rank = static_cast<int64_t>(std::ceil(q * static_cast<double>(count_)));
        return value_at_rank(std::max<int64_t>(rank, 1));
      };
      p.p50 = at(0.5);
      p.p90 = at(0.9);
      p.p95 = at(0.95);
      p.p99 = at(0.99);
      p.p999 = at(0.999);
    }
    s.percentiles = p;
  }
  return s;
}

}  // namespace zkd::ops
