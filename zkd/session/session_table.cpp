#include "zkd/session/session_table.h"

#include <algorithm>

namespace zkd::session {
namespace {
uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}
}  // namespace

void SessionTable::init_ids(int64_t server_id, int64_t start_wall_ms) {
  uint64_t time_part = (static_cast<uint64_t>(start_wall_ms) << 24) >> 8;
  next_id_ = static_cast<int64_t>((static_cast<uint64_t>(server_id) << 56) | time_part);
}

void SessionTable::bump_ids_past(int64_t id) {
  if (id >= next_id_) next_id_ = id + 1;
}

std::string SessionTable::password(int64_t id) const {
  std::string out(16, '\0');
  uint64_t a = splitmix64(static_cast<uint64_t>(id) ^ secret_);
  uint64_t b = splitmix64(a ^ 0xB3415C00ULL);
  for (int i = 0; i < 8; ++i) {
    out[i] = static_cast<char>(a >> (8 * i));
    out[8 + i] = static_cast<char>(b >> (8 * i));
  }
  return out;
}

int32_t SessionTable::negotiate(int32_t requested, int32_t min_ms, int32_t max_ms) {
  return std::clamp(requested, min_ms, max_ms);
}

int64_t SessionTable::bucket_for(int64_t now_ms, int32_t timeout_ms) const {
  return ((now_ms + timeout_ms) / tick_ms_ + 1) * tick_ms_;
}

void SessionTable::unbucket(Session& s) {
  if (s.expire_at_ms == 0) return;
  auto it = buckets_.find(s.expire_at_ms);
  if (it != buckets_.end()) {
    it->second.erase(s.id);
    if (it->second.empty()) buckets_.erase(it);
  }
  s.expire_at_ms = 0;
}

void SessionTable::add(int64_t id, int32_t timeout_ms, int64_t now_ms) {
  Session& s = sessions_[id];
  unbucket(s);
  s.id = id;
  s.timeout_ms = timeout_ms;
  s.closing = false;
  s.expire_at_ms = bucket_for(now_ms, timeout_ms);
  buckets_[s.expire_at_ms].insert(id);
  bump_ids_past(id);
}

const Session* SessionTable::find(int64_t id) const {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : &it->second;
}

bool SessionTable::touch(int64_t id, int64_t now_ms) {
  auto it = sessions_.find(id);
  if (it == sessions_.end() || it->second.closing) return false;
  Session& s = it->second;
  int64_t bucket = bucket_for(now_ms, s.timeout_ms);
  if (bucket == s.expire_at_ms) return true;
  unbucket(s);
  s.expire_at_ms = bucket;
  buckets_[bucket].insert(id);
  return true;
}

bool SessionTable::set_closing(int64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return false;
  unbucket(it->second);
  it->second.closing = true;
  return true;
}

void SessionTable::remove(int64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  unbucket(it->second);
  sessions_.erase(it);
}

std::vector<int64_t> SessionTable::take_expired(int64_t now_ms) {
  std::vector<int64_t> out;
  while (!buckets_.empty() && buckets_.begin()->first <= now_ms) {
    for (int64_t id : buckets_.begin()->second) {
      out.push_back(id);
      Session& s = sessions_.at(id);
      s.expire_at_ms = 0;
      s.closing = true;
    }
    buckets_.erase(buckets_.begin());
  }
  return out;
}

}  // namespace zkd::session
