#include "zkd/tree/watch_manager.h"

#include "zkd/proto/ops.h"
#include "zkd/tree/path.h"

namespace zkd::tree {

void WatchTable::add(const std::string& path, WatcherId w, WatchMode mode) {
  uint8_t& bits = by_path_[path][w];
  if (bits == 0) {
    by_watcher_[w].insert(path);
    ++count_;
  }
  if ((mode & kRecursive) && !(bits & kRecursive)) ++recursive_;
  bits |= mode;
}

void WatchTable::collect(const std::string& path, bool exact, std::set<WatcherId>& out,
                         const std::set<WatcherId>* skip) {
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return;
  auto& watchers = it->second;
  for (auto w = watchers.begin(); w != watchers.end();) {
    uint8_t bits = w->second;
    bool fires = exact || (bits & kRecursive);
    if (!fires || (skip && skip->count(w->first))) {
      ++w;
      continue;
    }
    out.insert(w->first);
    if (exact && (bits & kStandard)) {
      // A fired standard watch is gone; persistent modes on the same path stay.
      w->second = bits & ~kStandard;
      if (w->second == 0) {
        auto& paths = by_watcher_[w->first];
        paths.erase(path);
        if (paths.empty()) by_watcher_.erase(w->first);
        --count_;
        w = watchers.erase(w);
        continue;
      }
    }
    ++w;
  }
  if (watchers.empty()) by_path_.erase(it);
}

void WatchTable::trigger(const std::string& path, std::set<WatcherId>& out,
                         const std::set<WatcherId>* skip) {
  collect(path, true, out, skip);
  if (recursive_ == 0 || path == "/") return;
  std::string_view p = path;
  do {
    p = parent_of(p);
    collect(std::string(p), false, out, skip);
  } while (p != "/");
}

bool WatchTable::has(const std::string& path, WatcherId w, uint8_t modes) const {
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return false;
  auto wit = it->second.find(w);
  return wit != it->second.end() && (wit->second & modes);
}

bool WatchTable::remove(const std::string& path, WatcherId w, uint8_t modes) {
  auto it = by_path_.find(path);
  if (it == by_path_.end()) return false;
  auto wit = it->second.find(w);
  if (wit == it->second.end() || !(wit->second & modes)) return false;
  if ((wit->second & modes & kRecursive)) --recursive_;
  wit->second &= ~modes;
  if (wit->second == 0) {
    it->second.erase(wit);
    if (it->second.empty()) by_path_.erase(it);
    auto& paths = by_watcher_[w];
    paths.erase(path);
    if (paths.empty()) by_watcher_.erase(w);
    --count_;
  }
  return true;
}

void WatchTable::remove_watcher(WatcherId w) {
  auto it = by_watcher_.find(w);
  if (it == by_watcher_.end()) return;
  for (const auto& path : it->second) {
    auto pit = by_path_.find(path);
    if (pit == by_path_.end()) continue;
    auto wit = pit->second.find(w);
    if (wit != pit->second.end()) {
      if (wit->second & kRecursive) --recursive_;
      pit->second.erase(wit);
      --count_;
    }
    if (pit->second.empty()) by_path_.erase(pit);
  }
  by_watcher_.erase(it);
}

void WatchManager::add_persistent(const std::string& path, WatcherId w, bool recursive) {
  if (recursive) {
    data_.add(path, w, kRecursive);
  } else {
    data_.add(path, w, kPersistent);
    child_.add(path, w, kPersistent);
  }
}

void WatchManager::emit(const std::set<WatcherId>& ws, int32_t type, const std::string& path,
                        std::vector<WatchEvent>& out) {
  for (WatcherId w : ws) out.push_back({w, type, path});
}

void WatchManager::on_create(const std::string& path, std::vector<WatchEvent>& out) {
  std::set<WatcherId> ws;
  data_.trigger(path, ws, nullptr);
  emit(ws, proto::event::kNodeCreated, path, out);
  std::string parent(parent_of(path));
  std::set<WatcherId> cws;
  child_.trigger(parent, cws, recursive_on(parent));
  emit(cws, proto::event::kNodeChildrenChanged, parent, out);
}

// ZooKeeper 3.8 keeps one watch mode per (connection, path) for both tables: once a
// connection has a recursive watch on P, its child watch on P no longer fires (and is
// not consumed). Observed against 3.8.0; see tests/compat.
const std::set<WatcherId>* WatchManager::recursive_on(const std::string& path) {
  silenced_.clear();
  auto it = data_.by_path().find(path);
  if (it == data_.by_path().end()) return nullptr;
  for (const auto& [w, bits] : it->second) {
    if (bits & kRecursive) silenced_.insert(w);
  }
  return silenced_.empty() ? nullptr : &silenced_;
}

void WatchManager::on_delete(const std::string& path, std::vector<WatchEvent>& out) {
  std::set<WatcherId> ws;
  data_.trigger(path, ws, nullptr);
  std::set<WatcherId> cws;
  child_.trigger(path, cws, &ws);  // one NodeDeleted per watcher across both tables
  ws.insert(cws.begin(), cws.end());
  emit(ws, proto::event::kNodeDeleted, path, out);
  std::string parent(parent_of(path));
  std::set<WatcherId> pws;
  child_.trigger(parent, pws, recursive_on(parent));
  emit(pws, proto::event::kNodeChildrenChanged, parent, out);
}

void WatchManager::on_set_data(const std::string& path, std::vector<WatchEvent>& out) {
  std::set<WatcherId> ws;
  data_.trigger(path, ws, nullptr);
  emit(ws, proto::event::kNodeDataChanged, path, out);
}

bool WatchManager::remove_watches(const std::string& path, int32_t type, WatcherId w,
                                  bool remove) {
  namespace wt = proto::watcher_type;
  auto apply = [&](WatchTable& t, uint8_t modes) {
    return remove ? t.remove(path, w, modes) : t.has(path, w, modes);
  };
  switch (type) {
    // A watcher's entry for the path in a table, whatever its mode (3.8's
    // WatchManager.removeWatcher(path, watcher)).
    case wt::kChildren:
      return apply(child_, kStandard | kPersistent | kRecursive);
    case wt::kData:
      return apply(data_, kStandard | kPersistent | kRecursive);
    case wt::kAny: {
      bool a = apply(child_, kStandard | kPersistent | kRecursive);
      bool b = apply(data_, kStandard | kPersistent | kRecursive);
      return a || b;
    }
    case wt::kPersistent: {
      bool a = apply(child_, kPersistent);
      bool b = apply(data_, kPersistent);
      return a || b;
    }
    case wt::kPersistentRecursive:
      return apply(data_, kRecursive);
    default:
      return false;
  }
}

void WatchManager::remove_watcher(WatcherId w) {
  data_.remove_watcher(w);
  child_.remove_watcher(w);
}

}  // namespace zkd::tree
