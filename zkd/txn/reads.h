// Read requests (and the connection-local watch requests) against the tree: exists,
// getData, getChildren(2), getACL, getEphemerals, getAllChildrenNumber, multiRead, sync,
// addWatch, checkWatches, removeWatches, setWatches(2), whoAmI, sasl, ping.
//
// Reads change no replicated state (only connection-local watches), so they run on the
// state thread once the session's earlier requests have completed (per-session FIFO).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zkd/tree/acl.h"
#include "zkd/tree/data_tree.h"
#include "zkd/tree/watch_manager.h"

namespace zkd::txn {

struct ReadContext {
  const tree::DataTree& tree;
  tree::WatchManager& watches;
  tree::WatcherId watcher;
  const tree::AuthIds& auth;
  int64_t session_id;
};

// True for opcodes served by execute_read.
bool is_read(int32_t opcode);

// Executes a read. Appends the reply body to *out only when the result is OK; events
// that setWatches fires at once go to *events. Returns the error code.
int32_t execute_read(int32_t opcode, std::string_view body, ReadContext& ctx, std::string* out,
                     std::vector<tree::WatchEvent>* events);

// whoAmI's user name for an id (DigestAuthenticationProvider.getUserName: the user part).
std::string user_name(const proto::Id& id);

}  // namespace zkd::txn
