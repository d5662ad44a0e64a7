// FakeServerView: a ServerView over plain, public, mutable values, for tests and the
// fake /metrics exporter. Thread-safe (one mutex around every method).
//
// The default state reproduces a live Apache ZooKeeper 3.8.0 captured by hand: two kazoo
// sessions (0x1000003fff80000 with ephemerals /app/eph1 and /app/eph2; 0x1000003fff80001),
// data watches on /missing and /app/config, one session-less 4lw connection. With it, the
// 4lw replies must equal what that ZooKeeper printed (see four_letter_test.cpp).
#pragma once

#include <mutex>

#include "zkd/server/ops/server_view.h"

namespace zkd::ops::testing {

class FakeServerView : public ServerView {
 public:
  FakeServerView();

  // The state; tests mutate it under `mu` (or before sharing the view).
  std::mutex mu;
  bool serving = true;
  ServerStats stats_value;
  std::vector<ConnectionInfo> connections_value;
  std::vector<SessionWatches> watches_value;
  WatchSummary watch_summary_value;
  DumpInfo dump_value;
  ServerConfig config_value;
  StoreStats store_value;
  std::vector<ZxidDigest> digests_value;
  int connection_resets = 0;
  int server_resets = 0;

  std::optional<ServerStats> stats() override;
  std::optional<std::vector<ConnectionInfo>> connections() override;
  std::optional<WatchSummary> watch_summary() override;
  std::optional<std::vector<SessionWatches>> watches() override;
  std::optional<DumpInfo> dump() override;
  std::optional<ServerConfig> config() override;
  std::optional<StoreStats> store_stats() override;
  std::optional<std::vector<ZxidDigest>> digests() override;
  bool reset_connection_stats() override;
  bool reset_server_stats() override;
};

}  // namespace zkd::ops::testing
