#include "zkd/server/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace zkd::log {
namespace {
std::mutex mu;
FILE* out = nullptr;  // null = stderr
std::string path;
Level min_level = Level::kInfo;

const char* name(Level l) {
  switch (l) {
    case Level::kDebug: return "DEBUG";
    case Level::kInfo: return "INFO";
    case Level::kWarn: return "WARN";
    default: return "ERROR";
  }
}
}  // namespace

bool init(const std::string& dir, const std::string& level) {
  std::lock_guard<std::mutex> lock(mu);
  if (level == "DEBUG") min_level = Level::kDebug;
  if (level == "WARN") min_level = Level::kWarn;
  if (level == "ERROR") min_level = Level::kError;
  if (dir.empty()) return true;
  path = dir + "/zkd.log";
  out = std::fopen(path.c_str(), "a");
  return out != nullptr;
}

void reopen() {
  std::lock_guard<std::mutex> lock(mu);
  if (path.empty()) return;
  if (out) std::fclose(out);
  out = std::fopen(path.c_str(), "a");
}

bool enabled(Level level) { return level >= min_level; }

void write(Level level, const std::string& message) {
  if (level < min_level) return;
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  int ms = static_cast<int>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm;
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  char head[64];
  std::snprintf(head, sizeof head, "%s.%03dZ %-5s ", stamp, ms, name(level));
  std::string line = head + message + "\n";
  std::lock_guard<std::mutex> lock(mu);
  FILE* f = out ? out : stderr;
  std::fwrite(line.data(), 1, line.size(), f);
  std::fflush(f);
}

}  // namespace zkd::log
