// Micro-benchmark (not a test): writes a checkpoint of N records of B bytes, reopens the
// store and loads it, and prints the times and the data dir size. Then appends L log
// entries through a GroupCommitter (one producer, force_sync) and reopens (which verifies
// every log row) and replays them.
// Usage: storage_checkpoint_bench [dir] [records=1000000] [bytes=150] [log_entries=200000]
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "zkd/storage/group_commit.h"
#include "zkd/storage/store.h"

using namespace zkd::storage;

static double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Process CPU seconds: wall times are noisy on a shared machine.
static double cpu() {
  return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "/tmp/zkd-checkpoint-bench";
  int64_t n = argc > 2 ? std::atoll(argv[2]) : 1000000;
  size_t bytes = argc > 3 ? static_cast<size_t>(std::atoll(argv[3])) : 150;
  int64_t log_entries = argc > 4 ? std::atoll(argv[4]) : 200000;
  std::filesystem::remove_all(dir);
  // Records are packed as they are produced, as the tree's snapshot would do.
  auto t_pack = std::chrono::steady_clock::now();
  CheckpointRecords records;
  std::string r;
  for (int64_t i = 0; i < n; ++i) {
    r = "/bench/node-" + std::to_string(i);
    r.resize(bytes, static_cast<char>('a' + i % 26));
    records.add(r);
  }
  std::printf("pack %lld records: %.3f s\n", static_cast<long long>(n), since(t_pack));
  StoreConfig c;
  c.data_dir = dir;
  Status st;
  {
    auto s = open_store(c, &st);
    if (!s) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
    auto t = std::chrono::steady_clock::now();
    st = s->write_checkpoint(1, records);
    if (!st.ok) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
    std::printf("write_checkpoint: %lld records x %zu B in %.3f s\n", static_cast<long long>(n),
                bytes, since(t));
  }
  auto t = std::chrono::steady_clock::now();
  double c0 = cpu();
  auto s = open_store(c, &st);
  if (!s) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
  double open_s = since(t);
  int64_t count = 0, total = 0;
  t = std::chrono::steady_clock::now();
  st = s->load_checkpoint([&](std::string_view r) {
    ++count;
    total += static_cast<int64_t>(r.size());
  });
  if (!st.ok || count != n) return std::fprintf(stderr, "load: %s\n", st.message.c_str()), 1;
  std::printf(
      "open_store: %.3f s, load_checkpoint: %.3f s (%lld records, %lld bytes); "
      "open+load CPU %.3f s\n",
      open_s, since(t), static_cast<long long>(count), static_cast<long long>(total), cpu() - c0);
  StoreStats stats = s->stats();
  std::printf("data dir: %lld bytes, log dir: %lld bytes\n",
              static_cast<long long>(stats.data_dir_bytes),
              static_cast<long long>(stats.log_dir_bytes));
  s.reset();

  // Log: group commit throughput, then reopen (verifies every row) and replay.
  {
    auto store = open_store(c, &st);
    if (!store) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
    std::mutex mu;
    std::condition_variable cv;
    int64_t durable = 0;
    auto t0 = std::chrono::steady_clock::now();
    GroupCommitter gc(
        store.get(), {},
        [&](int64_t z) {
          std::lock_guard<std::mutex> l(mu);
          durable = z;
          cv.notify_all();
        },
        [](const std::string& m) { std::fprintf(stderr, "%s\n", m.c_str()); });
    for (int64_t z = 2; z < 2 + log_entries; ++z) gc.submit({z, std::string(bytes, 't')});
    {
      std::unique_lock<std::mutex> l(mu);
      cv.wait(l, [&] { return durable == 1 + log_entries; });
    }
    double secs = since(t0);
    auto gs = gc.stats();
    gc.stop();
    StoreStats ss = store->stats();
    std::printf(
        "group commit: %lld entries x %zu B in %.3f s (%.0f/s), %lld batches, "
        "fsync avg %.2f ms max %.2f ms\n",
        static_cast<long long>(log_entries), bytes, secs, log_entries / secs,
        static_cast<long long>(gs.batches),
        ss.fsync_total_ms / std::max<int64_t>(1, ss.fsync_count), ss.fsync_max_ms);
  }
  t = std::chrono::steady_clock::now();
  c0 = cpu();
  s = open_store(c, &st);
  if (!s) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
  open_s = since(t);
  double open_cpu = cpu() - c0;
  t = std::chrono::steady_clock::now();
  c0 = cpu();
  count = 0;
  st = s->replay_log(1, [&](int64_t, std::string_view) { ++count; });
  std::printf(
      "reopen with log (verifies all rows): %.3f s (CPU %.3f s), replay %lld entries: %.3f s "
      "(CPU %.3f s)\n",
      open_s, open_cpu, static_cast<long long>(count), since(t), cpu() - c0);
  stats = s->stats();
  std::printf("data dir: %lld bytes, log dir: %lld bytes\n",
              static_cast<long long>(stats.data_dir_bytes),
              static_cast<long long>(stats.log_dir_bytes));
  return 0;
}
