// The server as the ops layer (4lw, AdminServer, /metrics) sees it.
//
// StateView reads the Server directly and so must run on the state thread (the 4lw path
// does). PostingView is the thread-safe face for the HTTP threads: each call is posted to
// the state thread and waited for with a bound (ops::call_with_timeout).
#pragma once

#include "zkd/server/ops/server_view.h"
#include "zkd/server/server.h"

namespace zkd::storage {
class Store;
}

namespace zkd::server {

class StateView : public ops::ServerView {
 public:
  StateView(Server& server, const storage::Store* store) : server_(server), store_(store) {}

  std::optional<ops::ServerStats> stats() override;
  std::optional<std::vector<ops::ConnectionInfo>> connections() override;
  std::optional<ops::WatchSummary> watch_summary() override;
  std::optional<std::vector<ops::SessionWatches>> watches() override;
  std::optional<ops::DumpInfo> dump() override;
  std::optional<ops::ServerConfig> config() override;
  std::optional<ops::StoreStats> store_stats() override;
  std::optional<std::vector<ops::ZxidDigest>> digests() override;
  bool reset_connection_stats() override;
  bool reset_server_stats() override;

 private:
  Server& server_;
  const storage::Store* store_;
};

class PostingView : public ops::ServerView {
 public:
  PostingView(Server& server, StateView& state) : server_(server), state_(state) {}

  std::optional<ops::ServerStats> stats() override;
  std::optional<std::vector<ops::ConnectionInfo>> connections() override;
  std::optional<ops::WatchSummary> watch_summary() override;
  std::optional<std::vector<ops::SessionWatches>> watches() override;
  std::optional<ops::DumpInfo> dump() override;
  std::optional<ops::ServerConfig> config() override;
  std::optional<ops::StoreStats> store_stats() override;
  std::optional<std::vector<ops::ZxidDigest>> digests() override;
  bool reset_connection_stats() override;
  bool reset_server_stats() override;

 private:
  template <typename Fn>
  auto call(Fn fn);
  Server& server_;
  StateView& state_;
};

// ZooKeeper's 4-character op tag for `cons` ("CREA", "GETD", ...).
const char* op_tag(int32_t opcode);

}  // namespace zkd::server
