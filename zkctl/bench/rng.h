// Rng: xorshift64*, the load generator's random numbers. Fast and good enough to spread
// keys and pick request types; seeded explicitly, so a run repeats. Not thread-safe: one
// per engine thread.
#pragma once

#include <cstdint>

namespace zkctl::bench {

class Rng {
 public:
  // `salt` keeps generators that share a seed (one per workload kind) apart.
  explicit Rng(uint64_t seed, uint64_t salt = 1) : s_(seed * 0x9E3779B97F4A7C15ULL + salt) {}
  uint64_t next() {
    s_ ^= s_ >> 12;
    s_ ^= s_ << 25;
    s_ ^= s_ >> 27;
    return s_ * 2685821657736338717ULL;
  }
  // Uniform in [0, n).
  uint32_t below(uint32_t n) { return uint32_t((next() >> 32) * n >> 32); }
  // Uniform in [lo, hi]; lo when hi <= lo.
  int between(int lo, int hi) { return hi <= lo ? lo : lo + int(next() % uint64_t(hi - lo + 1)); }
  // Uniform in [0, 1).
  double unit() { return double(next() >> 11) / double(1ULL << 53); }

 private:
  uint64_t s_;
};

}  // namespace zkctl::bench
