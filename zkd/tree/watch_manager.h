// WatchManager: who watches which path, as ZooKeeper's two WatchManagers (data, child).
//
// A watcher is a connection id: watches belong to a connection, so a connection gets one
// event per path per trigger however many calls registered it. Standard watches fire
// once; persistent ones stay; persistent-recursive ones sit in the data table only and
// also fire for descendants (never NodeChildrenChanged).
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

enum WatchMode : uint8_t { kStandard = 1, kPersistent = 2, kRecursive = 4 };

struct WatchEvent {
  WatcherId watcher;
  int32_t type;
  std::string path;
};

class WatchTable {
 public:
  void add(const std::string& path, WatcherId w, WatchMode mode);
  // Appends the watchers to notify for `path` (exact-path watchers of any mode, and
  // recursive watchers on ancestors) to `out`, skipping those in `skip`; removes fired
  // standard watches.
  void trigger(const std::string& path, std::set<WatcherId>& out, const std::set<WatcherId>* skip);
  bool has(const std::string& path, WatcherId w, uint8_t modes) const;
  // Clears the given mode bits; true when anything was removed.
  bool remove(const std::string& path, WatcherId w, uint8_t modes);
  void remove_watcher(WatcherId w);

  size_t watch_count() const { return count_; }
  const std::unordered_map<std::string, std::map<WatcherId, uint8_t>>& by_path() const {
    return by_path_;
  }
  const std::unordered_map<WatcherId, std::set<std::string>>& by_watcher() const {
    return by_watcher_;
  }

 private:
  void collect(const std::string& path, bool exact, std::set<WatcherId>& out,
               const std::set<WatcherId>* skip);
  std::unordered_map<std::string, std::map<WatcherId, uint8_t>> by_path_;
  std::unordered_map<WatcherId, std::set<std::string>> by_watcher_;
  size_t count_ = 0;
  size_t recursive_ = 0;
};

class WatchManager {
 public:
  void add_data(const std::string& path, WatcherId w) { data_.add(path, w, kStandard); }
  void add_child(const std::string& path, WatcherId w) { child_.add(path, w, kStandard); }
  // addWatch: PERSISTENT goes to both tables, PERSISTENT_RECURSIVE to the data table.
  void add_persistent(const std::string& path, WatcherId w, bool recursive);

  // Events for a tree change, in ZooKeeper's order.
  void on_create(const std::string& path, std::vector<WatchEvent>& out);
  void on_delete(const std::string& path, std::vector<WatchEvent>& out);
  void on_set_data(const std::string& path, std::vector<WatchEvent>& out);

  // checkWatches / removeWatches with a WatcherType (1 children, 2 data, 3 any,
  // 4 persistent, 5 persistent recursive). `remove`=false only checks.
  bool remove_watches(const std::string& path, int32_t type, WatcherId w, bool remove);
  void remove_watcher(WatcherId w);

  size_t watch_count() const { return data_.watch_count() + child_.watch_count(); }
  const WatchTable& data() const { return data_; }
  const WatchTable& child() const { return child_; }

 private:
  void emit(const std::set<WatcherId>& ws, int32_t type, const std::string& path,
            std::vector<WatchEvent>& out);
  const std::set<WatcherId>* recursive_on(const std::string& path);
  std::set<WatcherId> silenced_;
  WatchTable data_;
  WatchTable child_;
};

}  // namespace zkd::tree
