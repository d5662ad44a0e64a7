// A fault-injecting SQLite VFS for tests: a shim over the default VFS that forwards every
// call, counts writes and syncs, and can be armed to fail the Nth write or sync with
// ENOSPC (SQLITE_FULL, as the unix VFS reports a full disk) or EIO (SQLITE_IOERR_WRITE /
// SQLITE_IOERR_FSYNC). Use it by setting StoreConfig::sqlite_vfs = fault_vfs::install().
//
// Thread-safety: all functions may be called from any thread (state is atomic / locked).
// The VFS is process-global; tests that arm it must not run in parallel in one process.
#pragma once

#include <cstdint>
#include <string>

namespace zkd::storage::fault_vfs {

enum class Op { kWrite, kSync };
enum class Error { kNoSpace, kIo };

// Registers the VFS once (not as the default) and returns its name, "zkd-fault".
const char* install();

// From now on, the nth (1-based) matching `op` fails with `error`, and so does every
// later matching op of that kind when `sticky` (a disk that stays full / broken).
// Only files whose path contains `path_filter` match ("" = every file).
void arm(Op op, int64_t nth, Error error, bool sticky = true, const std::string& path_filter = "");
void disarm();

// For tests that run the real server (tests/fault): reads ZKD_STORAGE_FAULT, formatted
// "<write|sync>:<nth>:<enospc|eio>[:<path substring>]", e.g. "sync:20:eio:zkd-log." (any log segment)
// (sticky). When set and valid, installs and arms the VFS and returns its name for
// StoreConfig::sqlite_vfs; returns "" when unset; sets *err and returns "" when malformed.
std::string install_from_env(std::string* err);

// Operations seen through the VFS since install() or reset_counts() (all files).
int64_t writes();
int64_t syncs();
int64_t failures();  // ops failed by injection
void reset_counts();

}  // namespace zkd::storage::fault_vfs
