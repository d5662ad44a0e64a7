// Number and date text exactly as ZooKeeper's Java code prints it, so 4lw and mntr output
// match byte for byte: Double.toString, Long.toHexString, java.util.Date.toString.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace zkd::ops {

// Java's Double.toString for finite values: shortest round-trip digits, at least one
// fractional digit ("0.0", "2.4375"), scientific "1.0E7" outside [1e-3, 1e7).
std::string java_double(double value);

// ZooKeeper's 4-decimal rounding of averages (AvgMinMaxCounter.getAvg, ServerStats).
double round4(double value);

// Average as ZooKeeper computes it: 0.0 when count is 0, else round4(sum / count).
double zk_avg(int64_t sum, int64_t count);

// Long.toHexString: two's complement, lowercase, no padding (-1 -> "ffffffffffffffff").
std::string java_hex(int64_t value);

// java.util.Date.toString in the local time zone: "Tue Dec 01 23:08:33 UTC 2026".
std::string java_date(int64_t wall_ms);

}  // namespace zkd::ops
