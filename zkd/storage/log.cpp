#include "zkd/storage/log.h"

#include <iostream>
#include <mutex>

namespace zkd::storage {
namespace {

LogSink& sink() {
  static LogSink s;
  return s;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo:
      return "INFO";
    case LogLevel::kWarn:
      return "WARN";
    case LogLevel::kError:
      return "ERROR";
  }
  return "?";
}

}  // namespace

void set_log_sink(LogSink s) {
  sink() = std::move(s);
}

void log(LogLevel level, const std::string& line) {
  if (sink()) {
    sink()(level, line);
    return;
  }
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::cerr << level_name(level) << " storage: " << line << "\n";
}

}  // namespace zkd::storage
