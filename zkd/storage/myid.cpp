// dataDir/myid, as ZooKeeper reads it (QuorumPeerConfig): the file holds the server id
// as decimal text; surrounding whitespace is ignored.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "zkd/storage/store.h"

namespace zkd::storage {

bool read_myid(const std::string& data_dir, int64_t* id, std::string* err) {
  std::string path = data_dir + "/myid";
  std::ifstream in(path);
  if (!in) {
    *err = path + ": cannot read: " + std::strerror(errno);
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  size_t b = text.find_first_not_of(" \t\r\n");
  size_t e = text.find_last_not_of(" \t\r\n");
  std::string trimmed = b == std::string::npos ? "" : text.substr(b, e - b + 1);
  if (trimmed.empty()) {
    *err = path + ": empty, expected the server id";
    return false;
  }
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(trimmed.c_str(), &end, 10);
  if (errno != 0 || end == trimmed.c_str() || *end != '\0' || v < 0) {
    *err = path + ": '" + trimmed + "' is not a valid server id";
    return false;
  }
  *id = v;
  return true;
}

bool write_myid(const std::string& data_dir, int64_t id, std::string* err) {
  std::string path = data_dir + "/myid";
  std::ofstream out(path, std::ios::trunc);
  out << id << "\n";
  out.close();
  if (!out) {
    *err = path + ": cannot write: " + std::strerror(errno);
    return false;
  }
  return true;
}

}  // namespace zkd::storage
