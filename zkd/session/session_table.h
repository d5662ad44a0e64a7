// SessionTable: live sessions, their negotiated timeouts and expiry buckets
// (ZooKeeper's SessionTrackerImpl + ExpiryQueue).
//
// Single-threaded (state thread). The clock is injected: every call that needs time
// takes `now_ms` (a monotonic clock in production, a counter in tests).
//
// Invariants: each live session sits in exactly one expiry bucket, keyed by a multiple
// of tick_ms; a session being closed (closeSession prepped) is no longer in a bucket.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace zkd::session {

struct Session {
  int64_t id = 0;
  int32_t timeout_ms = 0;
  int64_t expire_at_ms = 0;  // bucket time; 0 while closing
  bool closing = false;
};

class SessionTable {
 public:
  explicit SessionTable(int32_t tick_ms) : tick_ms_(tick_ms) {}

  // Session id space as ZooKeeper: (server_id << 56) | ((start_ms << 24) >>> 8), then +1.
  void init_ids(int64_t server_id, int64_t start_wall_ms);
  int64_t next_id() { return next_id_++; }
  // Never hand out an id at or below one that is already in use (after recovery).
  void bump_ids_past(int64_t id);

  // 16-byte password derived from the id and a per-database secret.
  std::string password(int64_t id) const;
  void set_secret(uint64_t secret) { secret_ = secret; }

  static int32_t negotiate(int32_t requested, int32_t min_ms, int32_t max_ms);

  void add(int64_t id, int32_t timeout_ms, int64_t now_ms);
  const Session* find(int64_t id) const;
  // Pushes the session's expiry to now + timeout. False if unknown or closing.
  bool touch(int64_t id, int64_t now_ms);
  // Marks closing (no longer expires by time); false if unknown.
  bool set_closing(int64_t id);
  void remove(int64_t id);

  // Sessions whose bucket time is <= now, removed from their buckets and marked closing.
  std::vector<int64_t> take_expired(int64_t now_ms);

  size_t size() const { return sessions_.size(); }
  const std::unordered_map<int64_t, Session>& all() const { return sessions_; }
  const std::map<int64_t, std::set<int64_t>>& buckets() const { return buckets_; }
  int32_t tick_ms() const { return tick_ms_; }

 private:
  int64_t bucket_for(int64_t now_ms, int32_t timeout_ms) const;
  void unbucket(Session& s);
  int32_t tick_ms_;
  int64_t next_id_ = 1;
  uint64_t secret_ = 0;
  std::unordered_map<int64_t, Session> sessions_;
  std::map<int64_t, std::set<int64_t>> buckets_;
};

}  // namespace zkd::session
