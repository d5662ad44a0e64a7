#include "zkctl/walk.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "zkctl/format.h"

namespace zkctl {

namespace err = zkd::proto::err;
using zkd::client::AclResult;
using zkd::client::ChildrenResult;
using zkd::client::DataResult;

namespace {

constexpr size_t kMaxInFlight = 512;

// Counts outstanding async calls; wait() returns when all completed.
class Latch {
 public:
  void add() {
    std::lock_guard<std::mutex> lk(mu_);
    ++n_;
  }
  void done() {
    std::lock_guard<std::mutex> lk(mu_);
    if (--n_ == 0) cv_.notify_all();
  }
  void wait() {
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait(lk, [&] { return n_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int n_ = 0;
};

struct Slot {
  NodeInfo info;
  int32_t err = 0;
};

}  // namespace

int32_t walk(zkd::client::SyncClient& zk, const std::string& root, const WalkOptions& opts,
             std::vector<NodeInfo>* out, std::string* failed_path) {
  out->clear();
  zkd::client::Client& c = zk.async();
  std::vector<std::string> level = {root};
  int depth = 0;
  while (!level.empty()) {
    std::vector<std::string> next;
    for (size_t base = 0; base < level.size(); base += kMaxInFlight) {
      size_t n = std::min(kMaxInFlight, level.size() - base);
      std::vector<Slot> slots(n);
      Latch latch;
      std::mutex mu;  // guards slot errors written from the I/O thread
      for (size_t i = 0; i < n; ++i) {
        Slot* s = &slots[i];
        s->info.path = level[base + i];
        s->info.depth = depth;
        bool want_children = opts.max_depth < 0 || depth < opts.max_depth;
        auto set_err = [s, &mu](int32_t e) {
          std::lock_guard<std::mutex> lk(mu);
          if (s->err == 0) s->err = e;
        };
        latch.add();
        c.get_children2(s->info.path, false,
                        [s, &latch, set_err, want_children](int32_t e, ChildrenResult r) {
                          if (e) {
                            set_err(e);
                          } else {
                            s->info.stat = r.stat;
                            if (want_children) {
                              s->info.children = std::move(r.children);
                              std::sort(s->info.children.begin(), s->info.children.end());
                            }
                          }
                          latch.done();
                        });
        if (opts.data) {
          latch.add();
          c.get_data(s->info.path, false, [s, &latch, set_err](int32_t e, DataResult r) {
            if (e) {
              set_err(e);
            } else {
              s->info.data = std::move(r.data);
              s->info.data_null = r.data_null;
            }
            latch.done();
          });
        }
        if (opts.acl) {
          latch.add();
          c.get_acl(s->info.path, [s, &latch, set_err](int32_t e, AclResult r) {
            if (e) {
              set_err(e);
            } else {
              s->info.acl = std::move(r.acl);
            }
            latch.done();
          });
        }
      }
      latch.wait();
      for (auto& s : slots) {
        if (s.err == err::kNoNode && depth > 0) continue;  // vanished meanwhile
        if (s.err) {
          if (failed_path) *failed_path = s.info.path;
          return s.err;
        }
        for (const auto& ch : s.info.children) {
          std::string p = join_path(s.info.path, ch);
          if (opts.skip && opts.skip(p)) continue;
          next.push_back(p);
        }
        out->push_back(std::move(s.info));
      }
      if (opts.progress) opts.progress(out->size());
    }
    level = std::move(next);
    ++depth;
  }
  std::sort(out->begin(), out->end(),
            [](const NodeInfo& a, const NodeInfo& b) { return path_less_dfs(a.path, b.path); });
  return 0;
}

Progress::Progress(std::string what) : what_(std::move(what)), tty_(::isatty(2) == 1) {}

void Progress::update(size_t n) {
  if (!tty_) return;
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  if (shown_ && now - last_ms_ < 200) return;
  last_ms_ = now;
  shown_ = true;
  std::fprintf(stderr, "\r%s: %zu nodes", what_.c_str(), n);
  std::fflush(stderr);
}

void Progress::done() {
  if (tty_ && shown_) std::fprintf(stderr, "\n");
  shown_ = false;
}

}  // namespace zkctl
