// Leveled, line-per-event logging to stderr or a file (zkd.log.dir/zkd.log).
// Thread-safe: each line is written with one fwrite under a mutex. reopen() (on SIGHUP)
// lets logrotate move the file away.
#pragma once

#include <string>

namespace zkd::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

// dir empty = stderr. Returns false (and keeps stderr) when the file cannot be opened.
bool init(const std::string& dir, const std::string& level);
void reopen();
void write(Level level, const std::string& message);
bool enabled(Level level);

inline void debug(const std::string& m) { write(Level::kDebug, m); }
inline void info(const std::string& m) { write(Level::kInfo, m); }
inline void warn(const std::string& m) { write(Level::kWarn, m); }
inline void error(const std::string& m) { write(Level::kError, m); }

}  // namespace zkd::log
