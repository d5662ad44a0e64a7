#include "zkd/storage/segmented_log.h"

#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "zkd/storage/files.h"
#include "zkd/storage/log.h"

namespace zkd::storage {
namespace {

constexpr const char* kPrefix = "zkd-log.";
constexpr const char* kSuffix = ".db";
constexpr size_t kHexDigits = 16;

// "zkd-log.<16 lowercase hex>.db": fixed width, so name order is zxid order.
bool is_segment_name(const std::string& name) {
  if (name.size() != 8 + kHexDigits + 3 || name.rfind(kPrefix, 0) != 0 ||
      name.compare(8 + kHexDigits, 3, kSuffix) != 0) {
    return false;
  }
  return std::all_of(name.begin() + 8, name.begin() + 8 + kHexDigits,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::string segment_name(int64_t first_zxid) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%s%016" PRIx64 "%s", kPrefix, static_cast<uint64_t>(first_zxid),
                kSuffix);
  return buf;
}

// -wal/-shm files of segments whose database file is gone (a purge cut short by a crash).
// Removed so that a segment created later under the same name cannot pick up the old WAL.
void remove_orphan_companions(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> orphans;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    for (const char* suffix : {"-wal", "-shm"}) {
      size_t n = name.size();
      if (n > 4 && name.compare(n - 4, 4, suffix) == 0 && is_segment_name(name.substr(0, n - 4)) &&
          !file_exists(dir + "/" + name.substr(0, n - 4))) {
        orphans.push_back(dir + "/" + name);
      }
    }
  }
  for (const std::string& p : orphans) ::unlink(p.c_str());
}

std::vector<std::string> list_segments(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (is_segment_name(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

bool SegmentedLog::exists(const std::string& dir) {
  return !list_segments(dir).empty();
}

int64_t SegmentedLog::dir_bytes(const std::string& dir) {
  int64_t total = 0;
  for (const std::string& name : list_segments(dir)) total += sqlite_files_bytes(dir + "/" + name);
  return total;
}

std::unique_ptr<SegmentedLog> SegmentedLog::open(const SegmentedLogOptions& options,
                                                 Status* status, std::string* corrupt_path) {
  corrupt_path->clear();
  if (file_exists(options.dir + "/zkd-log.db")) {
    *status = Status::Error(options.dir +
                            "/zkd-log.db is a log in the single-file format of earlier zkd "
                            "builds, which this zkd does not read: start from an empty "
                            "dataDir/dataLogDir (or move the old files away)");
    return nullptr;
  }
  std::unique_ptr<SegmentedLog> log(new SegmentedLog(options));
  remove_orphan_companions(options.dir);
  std::vector<std::string> names = list_segments(options.dir);
  const bool fresh = names.empty();
  if (fresh) names.push_back(segment_name(0));
  // Newest first: whether a segment needs its rows verified depends on where the next
  // one starts (its prev_last_zxid).
  std::vector<Segment> segs(names.size());
  for (size_t k = names.size(); k-- > 0;) {
    Segment& seg = segs[k];
    seg.path = options.dir + "/" + names[k];
    bool newest = k + 1 == names.size();
    bool verify = newest || segs[k + 1].prev_last_zxid > options.verify_after_zxid;
    bool corrupt = false;
    // Only the oldest file may still need its set-up finished: in an empty log, or after a
    // crash while the very first segment was being set up. A later unfinished segment is
    // removed below, and nothing is written into it first.
    auto s = LogSegment::open(seg.path, options.vfs, options.force_sync, options.database_id,
                              /*finish_setup=*/k == 0, /*prev_last_zxid=*/0, verify, status,
                              &corrupt);
    if (!s) {
      if (corrupt) *corrupt_path = seg.path;
      return nullptr;
    }
    if (k > 0 && s->unfinished()) {
      if (!newest) {
        s->release();
        *status = Status::Error(seg.path + " was never fully set up but later log segments "
                                "follow it: refusing to start from a damaged log");
        return nullptr;
      }
      // A crash while a new segment was being set up (rotate): it holds no entries and
      // no chain metadata. Drop it; the one before is the newest again.
      s->release();
      Status st = remove_sqlite_files(seg.path);
      if (st.ok) st = sync_dir(options.dir);
      if (!st.ok) {
        *status = st;
        return nullptr;
      }
      storage::log(LogLevel::kWarn, seg.path + ": unfinished new log segment (crash while starting it) removed");
      names.pop_back();
      segs.pop_back();
      continue;
    }
    seg.prev_last_zxid = s->prev_last_zxid();
    seg.min_zxid = s->min_zxid();
    seg.max_zxid = s->max_zxid();
    seg.entries = s->entries();
    if (!newest) {
      const Segment& next = segs[k + 1];
      int64_t last = seg.max_zxid > 0 ? seg.max_zxid : seg.prev_last_zxid;
      if (last != next.prev_last_zxid) {
        *status = Status::Error(next.path + " continues the log after zxid " +
                                zxid_hex(next.prev_last_zxid) + " but the segment before it, " +
                                seg.path + ", ends at " + zxid_hex(last) +
                                ": log entries are missing (a segment file was removed?)");
        return nullptr;
      }
      s->release();
    } else {
      if (!s->next_segment().empty()) {
        *status = Status::Error(options.dir + "/" + s->next_segment() + " is missing: " + seg.path +
                                " says the log continues there (removed, or moved aside as "
                                "corrupt?): refusing to start from a partial history");
        return nullptr;
      }
      log->active_ = std::move(s);
    }
  }
  if (fresh) {
    Status st = sync_dir(options.dir);
    if (!st.ok) {
      *status = st;
      return nullptr;
    }
  }
  log->segments_ = std::move(segs);
  log->purged_through_ = log->segments_.front().prev_last_zxid;
  return log;
}

int64_t SegmentedLog::max_zxid() const {
  const Segment& s = segments_.back();
  return s.max_zxid > 0 ? s.max_zxid : s.prev_last_zxid;
}

void SegmentedLog::sync_active_bounds() {
  Segment& s = segments_.back();
  s.min_zxid = active_->min_zxid();
  s.max_zxid = active_->max_zxid();
  s.entries = active_->entries();
}

Status SegmentedLog::rotate(int64_t first_zxid) {
  Segment seg;
  seg.path = options_.dir + "/" + segment_name(first_zxid);
  seg.prev_last_zxid = max_zxid();
  if (file_exists(seg.path)) {
    return Status::Error(seg.path + " exists already: cannot start a new log segment there");
  }
  bool corrupt = false;
  Status st;
  auto s = LogSegment::open(seg.path, options_.vfs, options_.force_sync, options_.database_id,
                            /*finish_setup=*/true, seg.prev_last_zxid, /*verify=*/true, &st,
                            &corrupt);
  if (!s) return st;
  // The new file's directory entry must be durable before anything acknowledged lives
  // only in that file.
  st = sync_dir(options_.dir);
  if (!st.ok) {
    s->db()->close_without_checkpoint();
    return st;
  }
  seg.entries = 0;
  st = active_->set_next_segment(segment_name(first_zxid));
  if (!st.ok) {
    s->db()->close_without_checkpoint();
    return st;
  }
  active_->release();
  active_ = std::move(s);
  segments_.push_back(seg);
  return Status::Ok();
}

Status SegmentedLog::append(const std::vector<LogEntry>& batch, double* commit_ms) {
  *commit_ms = 0;
  if (batch.empty()) return Status::Ok();
  if (active_->entries() > 0 && (active_->entries() >= options_.segment_entries ||
                                 active_->wal_bytes() >= options_.segment_bytes)) {
    Status st = rotate(batch.front().zxid);
    if (!st.ok) return st;
  }
  Status st = active_->append(batch, commit_ms);
  if (st.ok) sync_active_bounds();
  return st;
}

std::unique_ptr<LogSegment> SegmentedLog::reopen(const Segment& seg, Status* status,
                                                 bool* corrupt) {
  return LogSegment::open(seg.path, options_.vfs, options_.force_sync, options_.database_id,
                          /*finish_setup=*/false, seg.prev_last_zxid, /*verify=*/false, status,
                          corrupt);
}

Status SegmentedLog::replay(int64_t after_zxid,
                            const std::function<void(int64_t, std::string_view)>& fn,
                            std::string* corrupt_path) {
  corrupt_path->clear();
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& seg = segments_[i];
    if (seg.max_zxid <= after_zxid) continue;  // empty, or covered by the checkpoint
    bool corrupt = false;
    Status st;
    if (i + 1 == segments_.size()) {
      st = active_->replay(after_zxid, fn, &corrupt);
    } else {
      auto s = reopen(seg, &st, &corrupt);
      if (s) st = s->replay(after_zxid, fn, &corrupt);
      if (s) s->release();
    }
    if (!st.ok) {
      if (corrupt) *corrupt_path = seg.path;
      return st;
    }
  }
  return Status::Ok();
}

Status SegmentedLog::truncate_after(int64_t zxid) {
  // Whole segments after zxid go, newest first; the one that then ends the chain loses its
  // tail rows. Before each removal the segment before it stops pointing at it, so a crash
  // at any step leaves a whole chain: one that still reaches the file, or ends before it.
  while (segments_.size() > 1 && segments_.back().min_zxid > zxid) {
    Status st;
    bool corrupt = false;
    auto before = reopen(segments_[segments_.size() - 2], &st, &corrupt);
    if (!before) return st;
    st = before->set_next_segment("");
    if (!st.ok) {
      before->release();
      return st;
    }
    active_->db()->close_without_checkpoint();
    active_ = std::move(before);
    st = remove_sqlite_files(segments_.back().path);
    if (st.ok) st = sync_dir(options_.dir);
    if (!st.ok) return st;
    segments_.pop_back();
  }
  Status st = active_->truncate_after(zxid);
  if (!st.ok) return st;
  sync_active_bounds();
  return Status::Ok();
}

std::vector<std::string> SegmentedLog::purge_through(int64_t zxid) {
  std::vector<std::string> paths;
  // Segment 0 holds only entries <= zxid when segment 1 starts after zxid's entry.
  while (segments_.size() > 1 && segments_[1].prev_last_zxid <= zxid) {
    paths.push_back(segments_.front().path);
    segments_.erase(segments_.begin());
  }
  purged_through_ = segments_.front().prev_last_zxid;
  return paths;
}

Status SegmentedLog::remove_purged(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    Status st = remove_sqlite_files(p);
    if (!st.ok) return st;
  }
  return Status::Ok();
}

int64_t SegmentedLog::count_after(int64_t zxid) {
  int64_t total = 0;
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& seg = segments_[i];
    if (seg.max_zxid <= zxid) continue;
    if (seg.min_zxid > zxid && seg.entries >= 0) {
      total += seg.entries;
    } else if (i + 1 == segments_.size()) {
      total += active_->count_after(zxid);
    } else {
      Status st;
      bool corrupt = false;
      auto s = reopen(seg, &st, &corrupt);
      if (s) total += s->count_after(zxid);
    }
  }
  return total;
}

void SegmentedLog::abandon() {
  if (active_) active_->db()->close_without_checkpoint();
}

}  // namespace zkd::storage
