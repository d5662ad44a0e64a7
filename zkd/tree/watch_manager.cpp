#include "zkd/tree/watch_manager.h"

#include "zkd/proto/ops.h"
#include "zkd/tree/path.h"

namespace zkd::tree {

namespace event = proto::event;

void WatchTable::add(const std::string& path, WatcherId w, WatchMode mode) {
  auto& watchers = by_path_[path];
  auto [it, inserted] = watchers.try_emplace(w, mode);
  if (inserted) {
    by_watcher_[w].insert(path);
    ++count_;
  } else {
    if (it->second == WatchMode::kRecursive) --recursive_;
    it->second = mode;
  }
  if (mode == WatchMode::kRecursive) ++recursive_;
}

void WatchTable::erase(std::unordered_map<std::string, std::map<WatcherId, WatchMode>>::iterator pit,
                       std::map<WatcherId, WatchMode>::iterator wit) {
  if (wit->second == WatchMode::kRecursive) --recursive_;
  auto bw = by_watcher_.find(wit->first);
  if (bw != by_watcher_.end()) {
    bw->second.erase(pit->first);
    if (bw->second.empty()) by_watcher_.erase(bw);
  }
  --count_;
  pit->second.erase(wit);
  if (pit->second.empty()) by_path_.erase(pit);
}

void WatchTable::trigger(const std::string& path, int32_t type, std::set<WatcherId>& out) {
  bool child_event = type == event::kNodeChildrenChanged;
  if (auto pit = by_path_.find(path); pit != by_path_.end()) {
    auto& watchers = pit->second;
    for (auto wit = watchers.begin(); wit != watchers.end();) {
      auto next = std::next(wit);
      WatchMode mode = wit->second;
      if (mode == WatchMode::kRecursive) {
        if (!child_event) out.insert(wit->first);
      } else {
        out.insert(wit->first);
        if (mode == WatchMode::kStandard) {
          bool last = watchers.size() == 1;
          erase(pit, wit);
          if (last) break;  // the path entry is gone
        }
      }
      wit = next;
    }
  }
  if (recursive_ == 0 || child_event || path == "/") return;
  std::string_view p = path;
  do {
    p = parent_of(p);
    auto pit = by_path_.find(std::string(p));
    if (pit == by_path_.end()) continue;
    for (const auto& [w, mode] : pit->second) {
      if (mode == WatchMode::kRecursive) out.insert(w);
    }
  } while (p != "/");
}

bool WatchTable::has(const std::string& path, WatcherId w) const {
  auto it = by_path_.find(path);
  return it != by_path_.end() && it->second.count(w) > 0;
}

bool WatchTable::remove(const std::string& path, WatcherId w) {
  auto pit = by_path_.find(path);
  if (pit == by_path_.end()) return false;
  auto wit = pit->second.find(w);
  if (wit == pit->second.end()) return false;
  erase(pit, wit);
  return true;
}

void WatchTable::remove_watcher(WatcherId w) {
  auto it = by_watcher_.find(w);
  if (it == by_watcher_.end()) return;
  std::set<std::string> paths = std::move(it->second);
  by_watcher_.erase(it);
  for (const auto& path : paths) {
    auto pit = by_path_.find(path);
    if (pit == by_path_.end()) continue;
    auto wit = pit->second.find(w);
    if (wit == pit->second.end()) continue;
    if (wit->second == WatchMode::kRecursive) --recursive_;
    --count_;
    pit->second.erase(wit);
    if (pit->second.empty()) by_path_.erase(pit);
  }
}

void WatchManager::add_persistent(const std::string& path, WatcherId w, bool recursive) {
  WatchMode mode = recursive ? WatchMode::kRecursive : WatchMode::kPersistent;
  data_.add(path, w, mode);
  child_.add(path, w, mode);
}

namespace {
void emit(const std::set<WatcherId>& ws, int32_t type, const std::string& path,
          std::vector<WatchEvent>& out) {
  for (WatcherId w : ws) out.push_back({w, type, path});
}
}  // namespace

void WatchManager::on_create(const std::string& path, std::vector<WatchEvent>& out) {
  std::set<WatcherId> ws;
  data_.trigger(path, event::kNodeCreated, ws);
  emit(ws, event::kNodeCreated, path, out);
  std::string parent(parent_of(path));
  std::set<WatcherId> cws;
  child_.trigger(parent, event::kNodeChildrenChanged, cws);
  emit(cws, event::kNodeChildrenChanged, parent, out);
}

void WatchManager::on_delete(const std::string& path, std::vector<WatchEvent>& out) {
  std::set<WatcherId> ws;
  data_.trigger(path, event::kNodeDeleted, ws);
  // The child table fires too, but a connection hears NodeDeleted once.
  std::set<WatcherId> cws;
  child_.trigger(path, event::kNodeDeleted, cws);
  ws.insert(cws.begin(), cws.end());
  emit(ws, event::kNodeDeleted, path, out);
  std::string parent(parent_of(path));
  std::set<WatcherId> pws;
  child_.trigger(parent, event::kNodeChildrenChanged, pws);
  emit(pws, event::kNodeChildrenChanged, parent, out);
}

void WatchManager::on_set_data(const std::string& path, std::vector<WatchEvent>& out) {
  std::set<WatcherId> ws;
  data_.trigger(path, event::kNodeDataChanged, ws);
  emit(ws, event::kNodeDataChanged, path, out);
}

bool WatchManager::remove_watches(const std::string& path, int32_t type, WatcherId w,
                                  bool remove) {
  namespace wt = proto::watcher_type;
  auto apply = [&](WatchTable& t) { return remove ? t.remove(path, w) : t.has(path, w); };
  switch (type) {
    case wt::kChildren:
      return apply(child_);
    case wt::kData:
      return apply(data_);
    case wt::kAny: {
      bool a = apply(child_);
      bool b = apply(data_);
      return a || b;
    }
    default:
      return false;
  }
}

void WatchManager::remove_watcher(WatcherId w) {
  data_.remove_watcher(w);
  child_.remove_watcher(w);
}

}  // namespace zkd::tree
