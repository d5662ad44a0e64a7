// Subtree walk for the tree tools (ls -R, deleteall, tree, du, find, grep, cp, export):
// fetches a subtree level by level with many requests in flight on the one session.
// Not thread-safe (uses the caller's SyncClient from one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zkd/client/sync_client.h"

namespace zkctl {

struct NodeInfo {
  std::string path;
  int depth = 0;  // 0 for the walk root
  zkd::client::Stat stat;
  std::vector<std::string> children;  // sorted names (empty below max_depth)
  std::string data;                   // when WalkOptions::data
  bool data_null = false;
  zkd::client::ACLs acl;  // when WalkOptions::acl
};

struct WalkOptions {
  int max_depth = -1;  // -1: unlimited; 0: the root only
  bool data = false;
  bool acl = false;
  // Skip this subtree entirely (e.g. "/zookeeper" when exporting "/").
  std::function<bool(const std::string& path)> skip;
  // Called now and then with the number of nodes fetched so far.
  std::function<void(size_t)> progress;
};

// Fills *out with the subtree in depth-first sorted order. Returns 0, or the error of
// the root (NONODE...) or of the connection. Nodes that vanish during the walk are left
// out; other per-node errors (NOAUTH on data) are returned.
int32_t walk(zkd::client::SyncClient& zk, const std::string& root, const WalkOptions& opts,
             std::vector<NodeInfo>* out, std::string* failed_path);

// Prints "\r<what>: N nodes" on stderr when stderr is a terminal; `done` ends the line.
class Progress {
 public:
  explicit Progress(std::string what);
  void update(size_t n);
  void done();

 private:
  std::string what_;
  bool tty_;
  int64_t last_ms_ = 0;
  bool shown_ = false;
};

}  // namespace zkctl
