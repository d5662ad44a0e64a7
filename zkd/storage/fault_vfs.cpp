#include "zkd/storage/fault_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace zkd::storage::fault_vfs {
namespace {

// Our file object; the real VFS's file object lives right after it (szOsFile covers both).
struct File {
  sqlite3_file base;
  sqlite3_file* real;
  char path[256];
};

struct Armed {
  bool on = false;
  Op op = Op::kWrite;
  int64_t nth = 0;
  Error error = Error::kIo;
  bool sticky = true;
  std::string filter;
  int64_t seen = 0;  // matching ops since arm()
};

std::mutex g_mu;
Armed g_armed;  // GUARDED_BY(g_mu)
std::atomic<int64_t> g_writes{0}, g_syncs{0}, g_failures{0};
sqlite3_vfs* g_real = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods[4];

sqlite3_file* real(sqlite3_file* f) {
  return reinterpret_cast<File*>(f)->real;
}

// Returns the SQLite code to fail with, or SQLITE_OK.
int inject(sqlite3_file* f, Op op) {
  (op == Op::kWrite ? g_writes : g_syncs)++;
  std::lock_guard<std::mutex> lock(g_mu);
  if (!g_armed.on || g_armed.op != op) return SQLITE_OK;
  const File* file = reinterpret_cast<File*>(f);
  if (!g_armed.filter.empty() && !std::strstr(file->path, g_armed.filter.c_str())) {
    return SQLITE_OK;
  }
  ++g_armed.seen;
  if (g_armed.seen < g_armed.nth || (!g_armed.sticky && g_armed.seen > g_armed.nth)) {
    return SQLITE_OK;
  }
  ++g_failures;
  if (g_armed.error == Error::kNoSpace) return op == Op::kWrite ? SQLITE_FULL : SQLITE_IOERR_FSYNC;
  return op == Op::kWrite ? SQLITE_IOERR_WRITE : SQLITE_IOERR_FSYNC;
}

int x_close(sqlite3_file* f) {
  int rc = real(f)->pMethods->xClose(real(f));
  f->pMethods = nullptr;
  return rc;
}
int x_read(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return real(f)->pMethods->xRead(real(f), buf, n, off);
}
int x_write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  int rc = inject(f, Op::kWrite);
  if (rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xWrite(real(f), buf, n, off);
}
int x_truncate(sqlite3_file* f, sqlite3_int64 size) {
  return real(f)->pMethods->xTruncate(real(f), size);
}
int x_sync(sqlite3_file* f, int flags) {
  int rc = inject(f, Op::kSync);
  if (rc != SQLITE_OK) return rc;
  return real(f)->pMethods->xSync(real(f), flags);
}
int x_file_size(sqlite3_file* f, sqlite3_int64* size) {
  return real(f)->pMethods->xFileSize(real(f), size);
}
int x_lock(sqlite3_file* f, int l) {
  return real(f)->pMethods->xLock(real(f), l);
}
int x_unlock(sqlite3_file* f, int l) {
  return real(f)->pMethods->xUnlock(real(f), l);
}
int x_check_reserved(sqlite3_file* f, int* out) {
  return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int x_file_control(sqlite3_file* f, int op, void* arg) {
  return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int x_sector_size(sqlite3_file* f) {
  return real(f)->pMethods->xSectorSize(real(f));
}
int x_device_chars(sqlite3_file* f) {
  return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int x_shm_map(sqlite3_file* f, int pg, int sz, int extend, void volatile** pp) {
  return real(f)->pMethods->xShmMap(real(f), pg, sz, extend, pp);
}
int x_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void x_shm_barrier(sqlite3_file* f) {
  real(f)->pMethods->xShmBarrier(real(f));
}
int x_shm_unmap(sqlite3_file* f, int del) {
  return real(f)->pMethods->xShmUnmap(real(f), del);
}
int x_fetch(sqlite3_file* f, sqlite3_int64 off, int n, void** pp) {
  return real(f)->pMethods->xFetch(real(f), off, n, pp);
}
int x_unfetch(sqlite3_file* f, sqlite3_int64 off, void* p) {
  return real(f)->pMethods->xUnfetch(real(f), off, p);
}

int x_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  File* file = reinterpret_cast<File*>(f);
  file->real = reinterpret_cast<sqlite3_file*>(file + 1);
  file->path[0] = '\0';
  if (name) {
    std::strncpy(file->path, name, sizeof(file->path) - 1);
    file->path[sizeof(file->path) - 1] = '\0';
  }
  int rc = g_real->xOpen(g_real, name, file->real, flags, out_flags);
  if (rc != SQLITE_OK || !file->real->pMethods) {
    f->pMethods = nullptr;
    return rc;
  }
  int version = file->real->pMethods->iVersion;
  f->pMethods = &g_methods[version < 0 ? 0 : (version > 3 ? 3 : version)];
  return rc;
}
int x_delete(sqlite3_vfs*, const char* name, int sync_dir) {
  return g_real->xDelete(g_real, name, sync_dir);
}
int x_access(sqlite3_vfs*, const char* name, int flags, int* out) {
  return g_real->xAccess(g_real, name, flags, out);
}
int x_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_real->xFullPathname(g_real, name, n, out);
}
void* x_dl_open(sqlite3_vfs*, const char* name) {
  return g_real->xDlOpen(g_real, name);
}
void x_dl_error(sqlite3_vfs*, int n, char* msg) {
  g_real->xDlError(g_real, n, msg);
}
void (*x_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) {
  return g_real->xDlSym(g_real, h, sym);
}
void x_dl_close(sqlite3_vfs*, void* h) {
  g_real->xDlClose(g_real, h);
}
int x_randomness(sqlite3_vfs*, int n, char* out) {
  return g_real->xRandomness(g_real, n, out);
}
int x_sleep(sqlite3_vfs*, int us) {
  return g_real->xSleep(g_real, us);
}
int x_current_time(sqlite3_vfs*, double* t) {
  return g_real->xCurrentTime(g_real, t);
}
int x_get_last_error(sqlite3_vfs*, int n, char* msg) {
  return g_real->xGetLastError(g_real, n, msg);
}
int x_current_time64(sqlite3_vfs*, sqlite3_int64* t) {
  return g_real->xCurrentTimeInt64(g_real, t);
}

void build_methods() {
  for (int v = 0; v <= 3; ++v) {
    sqlite3_io_methods& m = g_methods[v];
    std::memset(&m, 0, sizeof(m));
    m.iVersion = v;
    m.xClose = x_close;
    m.xRead = x_read;
    m.xWrite = x_write;
    m.xTruncate = x_truncate;
    m.xSync = x_sync;
    m.xFileSize = x_file_size;
    m.xLock = x_lock;
    m.xUnlock = x_unlock;
    m.xCheckReservedLock = x_check_reserved;
    m.xFileControl = x_file_control;
    m.xSectorSize = x_sector_size;
    m.xDeviceCharacteristics = x_device_chars;
    if (v >= 2) {
      m.xShmMap = x_shm_map;
      m.xShmLock = x_shm_lock;
      m.xShmBarrier = x_shm_barrier;
      m.xShmUnmap = x_shm_unmap;
    }
    if (v >= 3) {
      m.xFetch = x_fetch;
      m.xUnfetch = x_unfetch;
    }
  }
}

}  // namespace

const char* install() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_real = sqlite3_vfs_find(nullptr);
    build_methods();
    std::memset(&g_vfs, 0, sizeof(g_vfs));
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(File)) + g_real->szOsFile;
    g_vfs.mxPathname = g_real->mxPathname;
    g_vfs.zName = "zkd-fault";
    g_vfs.xOpen = x_open;
    g_vfs.xDelete = x_delete;
    g_vfs.xAccess = x_access;
    g_vfs.xFullPathname = x_full_pathname;
    g_vfs.xDlOpen = x_dl_open;
    g_vfs.xDlError = x_dl_error;
    g_vfs.xDlSym = x_dl_sym;
    g_vfs.xDlClose = x_dl_close;
    g_vfs.xRandomness = x_randomness;
    g_vfs.xSleep = x_sleep;
    g_vfs.xCurrentTime = x_current_time;
    g_vfs.xGetLastError = x_get_last_error;
    g_vfs.xCurrentTimeInt64 = x_current_time64;
    sqlite3_vfs_register(&g_vfs, 0);
  });
  return "zkd-fault";
}

void arm(Op op, int64_t nth, Error error, bool sticky, const std::string& path_filter) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_armed = Armed{true, op, nth, error, sticky, path_filter, 0};
}

void disarm() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_armed = Armed{};
}

std::string install_from_env(std::string* err) {
  const char* env = std::getenv("ZKD_STORAGE_FAULT");
  if (!env || !*env) return "";
  std::string spec = env;
  std::vector<std::string> parts;
  size_t start = 0;
  while (parts.size() < 3) {
    size_t colon = spec.find(':', start);
    parts.push_back(spec.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) {
      start = spec.size() + 1;
      break;
    }
    start = colon + 1;
  }
  std::string filter = start <= spec.size() ? spec.substr(start) : "";
  char* end = nullptr;
  long long nth = parts.size() == 3 ? std::strtoll(parts[1].c_str(), &end, 10) : 0;
  bool ok = parts.size() == 3 && (parts[0] == "write" || parts[0] == "sync") && end &&
            *end == '\0' && nth >= 1 && (parts[2] == "enospc" || parts[2] == "eio");
  if (!ok) {
    *err = "ZKD_STORAGE_FAULT='" + spec + "': expected <write|sync>:<nth>:<enospc|eio>[:<path>]";
    return "";
  }
  const char* name = install();
  arm(parts[0] == "write" ? Op::kWrite : Op::kSync, nth,
      parts[2] == "enospc" ? Error::kNoSpace : Error::kIo, true, filter);
  return name;
}

int64_t writes() {
  return g_writes;
}
int64_t syncs() {
  return g_syncs;
}
int64_t failures() {
  return g_failures;
}
void reset_counts() {
  g_writes = 0;
  g_syncs = 0;
  g_failures = 0;
}

}  // namespace zkd::storage::fault_vfs
