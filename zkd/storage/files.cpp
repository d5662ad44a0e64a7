#include "zkd/storage/files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

namespace zkd::storage {

Status make_dirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error(dir + ": cannot create directory: " + ec.message());
  return Status::Ok();
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool has_zookeeper_data(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir + "/version-2", ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("snapshot.", 0) == 0 || name.rfind("log.", 0) == 0) return true;
  }
  return false;
}

int64_t sqlite_files_bytes(const std::string& path) {
  int64_t total = 0;
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st;
    if (::stat((path + suffix).c_str(), &st) == 0) total += st.st_size;
  }
  return total;
}

Status sync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::Error(dir + ": cannot open directory: " + std::strerror(errno));
  int rc = ::fsync(fd);
  int e = errno;
  ::close(fd);
  if (rc != 0) return Status::Error(dir + ": fsync: " + std::strerror(e));
  return Status::Ok();
}

Status remove_sqlite_files(const std::string& path) {
  // The database file first: a crash part-way must not leave a database without the WAL
  // that holds its content (it would open as an empty, valid database). Left-over -wal and
  // -shm files without their database are harmless and removed by the next attempt.
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::string p = path + suffix;
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) {
      return Status::Error(p + ": cannot remove: " + std::strerror(errno));
    }
  }
  return Status::Ok();
}

std::string move_aside(const std::string& path, std::string* err) {
  int n = 1;
  while (file_exists(path + ".corrupt-" + std::to_string(n))) ++n;
  std::string target = path + ".corrupt-" + std::to_string(n);
  // The -wal holds committed pages of this database: it must move with it, or a new
  // database created at `path` would replay it.
  for (const char* suffix : {"-wal", "-shm", ""}) {
    std::string from = path + suffix;
    if (!file_exists(from)) continue;
    if (::rename(from.c_str(), (target + suffix).c_str()) != 0) {
      *err = from + ": cannot move aside to " + target + suffix + ": " + std::strerror(errno);
      return "";
    }
  }
  return target;
}

std::unique_ptr<DirLock> DirLock::acquire(const std::string& dir, Status* status) {
  std::string path = dir + "/zkd.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    *status = Status::Error(path + ": cannot open lock file: " + std::strerror(errno));
    return nullptr;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    char buf[32] = {0};
    ssize_t n = ::pread(fd, buf, sizeof(buf) - 1, 0);
    std::string holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "unknown";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    ::close(fd);
    if (e == EWOULDBLOCK) {
      *status = Status::Error("dataDir " + dir + " is in use by another zkd process (pid " +
                              holder + " holds " + path + ")");
    } else {
      *status = Status::Error(path + ": flock: " + std::strerror(e));
    }
    return nullptr;
  }
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    *status = Status::Error(path + ": cannot write pid: " + std::strerror(errno));
    ::close(fd);
    return nullptr;
  }
  return std::unique_ptr<DirLock>(new DirLock(fd));
}

DirLock::~DirLock() {
  ::close(fd_);
}  // closing the description releases the flock

}  // namespace zkd::storage
