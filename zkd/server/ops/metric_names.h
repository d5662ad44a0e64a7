// ZooKeeper metric names zkd fills in ServerStats::counters / ServerStats::summaries.
// Use these constants (not string literals) in the server so a typo cannot silently
// turn a metric into a constant 0. Every other ZooKeeper 3.8 key is printed as 0
// (docs/operability.md lists them).
#pragma once

#include <string_view>

namespace zkd::ops::metric {

// Summaries (ms unless noted).
inline constexpr std::string_view kReadLatency = "readlatency";      // with percentiles
inline constexpr std::string_view kUpdateLatency = "updatelatency";  // with percentiles
inline constexpr std::string_view kFsyncTime = "fsynctime";          // per group commit
inline constexpr std::string_view kSyncProcessorBatchSize = "sync_processor_batch_size";  // txns
inline constexpr std::string_view kSnapshotTime = "snapshottime";  // checkpoint duration
inline constexpr std::string_view kDbInitTime = "dbinittime";      // recovery at startup

// Counters.
inline constexpr std::string_view kConnectionRejected = "connection_rejected";
inline constexpr std::string_view kConnectionRequestCount = "connection_request_count";
inline constexpr std::string_view kBytesReceivedCount = "bytes_received_count";
inline constexpr std::string_view kResponseBytes = "response_bytes";
inline constexpr std::string_view kStaleSessionsExpired = "stale_sessions_expired";
inline constexpr std::string_view kLargeRequestsRejected = "large_requests_rejected";
inline constexpr std::string_view kDigestMismatchesCount = "digest_mismatches_count";
inline constexpr std::string_view kUnrecoverableErrorCount = "unrecoverable_error_count";
inline constexpr std::string_view kThrottledOps = "throttled_ops";

}  // namespace zkd::ops::metric
