// Minimal logging for the storage module: one line per event, through a replaceable
// sink. Default sink: std::cerr, prefixed with the level ("WARN storage: ...").
// The server installs its own sink at start-up (before open_store).
// Thread-safety: log() may be called from any thread; set_log_sink() must not race it.
#pragma once

#include <functional>
#include <string>

namespace zkd::storage {

enum class LogLevel { kInfo, kWarn, kError };

using LogSink = std::function<void(LogLevel level, const std::string& line)>;

void set_log_sink(LogSink sink);  // nullptr restores the default
void log(LogLevel level, const std::string& line);

}  // namespace zkd::storage
