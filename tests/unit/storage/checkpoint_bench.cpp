// Micro-benchmark (not a test): writes a checkpoint of N records of B bytes, reopens the
// store and loads it, and prints the times and the data dir size.
// Usage: storage_checkpoint_bench [dir] [records=1000000] [bytes=150]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "zkd/storage/store.h"

using namespace zkd::storage;

static double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "/tmp/zkd-checkpoint-bench";
  int64_t n = argc > 2 ? std::atoll(argv[2]) : 1000000;
  size_t bytes = argc > 3 ? static_cast<size_t>(std::atoll(argv[3])) : 150;
  std::filesystem::remove_all(dir);
  std::vector<std::string> records;
  records.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    std::string r = "/bench/node-" + std::to_string(i);
    r.resize(bytes, static_cast<char>('a' + i % 26));
    records.push_back(std::move(r));
  }
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
  std::printf("open_store: %.3f s, load_checkpoint: %.3f s (%lld records, %lld bytes)\n", open_s,
              since(t), static_cast<long long>(count), static_cast<long long>(total));
  StoreStats stats = s->stats();
  std::printf("data dir: %lld bytes, log dir: %lld bytes\n",
              static_cast<long long>(stats.data_dir_bytes),
              static_cast<long long>(stats.log_dir_bytes));
  return 0;
}
