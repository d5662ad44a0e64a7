// WatchManager: who watches which path, as ZooKeeper 3.8's two WatchManagers (data, child).
//
// A watcher is a connection id: watches belong to a connection, so a connection gets one
// event per path per trigger however many calls registered it. Each table keeps ONE mode
// per (path, connection), and the last registration wins, as in ZooKeeper 3.8 (where a
// getData watch after addWatch turns that path's data watch back into a one-shot one):
//   standard   fires once, for the exact path;
//   persistent fires every time, for the exact path;
//   recursive  fires every time, for the path and its descendants, never for
//              NodeChildrenChanged.
// addWatch (either mode) registers in both tables.
//
// Single-threaded (state thread). Watches are not replicated state: they live on the
// server a client is connected to, so iteration order here does not reach the tree.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace zkd::tree {

using WatcherId = uint64_t;

enum class WatchMode : uint8_t { kStandard, kPersistent, kRecursive };

struct WatchEvent {
  WatcherId watcher;
  int32_t type;
  std::string path;
};

class WatchTable {
 public:
  void add(const std::string& path, WatcherId w, WatchMode mode);
  // The watchers an event of `type` on `path` reaches (exact-path watchers, and recursive
  // watchers on ancestors), added to `out`; fired standard watches are removed.
  void trigger(const std::string& path, int32_t type, std::set<WatcherId>& out);
  bool has(const std::string& path, WatcherId w) const;
  // Removes the connection's watch on path (any mode); true when there was one.
  bool remove(const std::string& path, WatcherId w);
  void remove_watcher(WatcherId w);

  size_t watch_count() const { return count_; }
  const std::unordered_map<std::string, std::map<WatcherId, WatchMode>>& by_path() const {
    return by_path_;
  }
  const std::unordered_map<WatcherId, std::set<std::string>>& by_watcher() const {
    return by_watcher_;
  }

 private:
  void erase(std::unordered_map<std::string, std::map<WatcherId, WatchMode>>::iterator pit,
             std::map<WatcherId, WatchMode>::iterator wit);
  std::unordered_map<std::string, std::map<WatcherId, WatchMode>> by_path_;
  std::unordered_map<WatcherId, std::set<std::string>> by_watcher_;
  size_t count_ = 0;
  size_t recursive_ = 0;
};

class WatchManager {
 public:
  void add_data(const std::string& path, WatcherId w) { data_.add(path, w, WatchMode::kStandard); }
  void add_child(const std::string& path, WatcherId w) { child_.add(path, w, WatchMode::kStandard); }
  // addWatch PERSISTENT / PERSISTENT_RECURSIVE.
  void add_persistent(const std::string& path, WatcherId w, bool recursive);

  // Events for a tree change, in ZooKeeper's order.
  void on_create(const std::string& path, std::vector<WatchEvent>& out);
  void on_delete(const std::string& path, std::vector<WatchEvent>& out);
  void on_set_data(const std::string& path, std::vector<WatchEvent>& out);

  // checkWatches / removeWatches with a WatcherType (1 children, 2 data, 3 any).
  // `remove`=false only checks.
  bool remove_watches(const std::string& path, int32_t type, WatcherId w, bool remove);
  void remove_watcher(WatcherId w);

  size_t watch_count() const { return data_.watch_count() + child_.watch_count(); }
  const WatchTable& data() const { return data_; }
  const WatchTable& child() const { return child_; }

 private:
  WatchTable data_;
  WatchTable child_;
};

}  // namespace zkd::tree
