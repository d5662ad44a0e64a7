#include "zkctl/format.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "zkd/proto/ops.h"

namespace zkctl {

namespace {

std::string hex(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Java's Date.toString(): "Tue Dec 01 23:08:53 UTC 2026" in local time.
std::string java_date(int64_t ms) {
  time_t t = static_cast<time_t>(ms / 1000);
  if (ms < 0 && ms % 1000 != 0) --t;
  struct tm tm;
  localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Z %Y", &tm);
  return buf;
}

}  // namespace

std::vector<std::string> stat_lines(const Stat& s) {
  return {
      "cZxid = " + hex(s.czxid),
      "ctime = " + java_date(s.ctime),
      "mZxid = " + hex(s.mzxid),
      "mtime = " + java_date(s.mtime),
      "pZxid = " + hex(s.pzxid),
      "cversion = " + std::to_string(s.cversion),
      "dataVersion = " + std::to_string(s.version),
      "aclVersion = " + std::to_string(s.aversion),
      "ephemeralOwner = " + hex(s.ephemeralOwner),
      "dataLength = " + std::to_string(s.dataLength),
      "numChildren = " + std::to_string(s.numChildren),
  };
}

void stat_json(Json& j, const Stat& s) {
  j.begin_object();
  j.key("czxid").num(s.czxid);
  j.key("mzxid").num(s.mzxid);
  j.key("ctime").num(s.ctime);
  j.key("mtime").num(s.mtime);
  j.key("version").num(s.version);
  j.key("cversion").num(s.cversion);
  j.key("aversion").num(s.aversion);
  j.key("ephemeralOwner").num(s.ephemeralOwner);
  j.key("dataLength").num(s.dataLength);
  j.key("numChildren").num(s.numChildren);
  j.key("pzxid").num(s.pzxid);
  j.end_object();
}

std::string perms_string(int32_t p) {
  namespace perm = zkd::proto::perm;
  std::string s;
  if (p & perm::kCreate) s += 'c';
  if (p & perm::kDelete) s += 'd';
  if (p & perm::kRead) s += 'r';
  if (p & perm::kWrite) s += 'w';
  if (p & perm::kAdmin) s += 'a';
  return s;
}

bool parse_perms(const std::string& s, int32_t* perms) {
  namespace perm = zkd::proto::perm;
  int32_t p = 0;
  for (char c : s) {
    switch (c) {
      case 'c':
      case 'C':
        p |= perm::kCreate;
        break;
      case 'd':
      case 'D':
        p |= perm::kDelete;
        break;
      case 'r':
      case 'R':
        p |= perm::kRead;
        break;
      case 'w':
      case 'W':
        p |= perm::kWrite;
        break;
      case 'a':
      case 'A':
        p |= perm::kAdmin;
        break;
      default:
        return false;
    }
  }
  *perms = p;
  return !s.empty();
}

std::string parse_acl(const std::string& s, ACLs* out) {
  out->clear();
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    std::string part =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t first = part.find(':');
    size_t last = part.rfind(':');
    if (first == std::string::npos || first == last) {
      return "bad ACL '" + part + "': expected scheme:id:perms (e.g. world:anyone:cdrwa)";
    }
    zkd::client::ACL a;
    a.id.scheme = part.substr(0, first);
    a.id.id = part.substr(first + 1, last - first - 1);
    if (!parse_perms(part.substr(last + 1), &a.perms)) {
      return "bad permissions in ACL '" + part + "': use letters from cdrwa";
    }
    out->push_back(a);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return "";
}

std::vector<std::string> acl_lines(const ACLs& acl) {
  std::vector<std::string> v;
  for (const auto& a : acl) {
    v.push_back("'" + a.id.scheme + ",'" + a.id.id);
    v.push_back(": " + perms_string(a.perms));
  }
  return v;
}

void acl_json(Json& j, const ACLs& acl) {
  j.begin_array();
  for (const auto& a : acl) {
    j.begin_object();
    j.key("scheme").str(a.id.scheme).key("id").str(a.id.id);
    j.key("perms").str(perms_string(a.perms));
    j.end_object();
  }
  j.end_array();
}

std::string node_type(const Stat& s, int64_t* ttl_ms) {
  uint64_t o = static_cast<uint64_t>(s.ephemeralOwner);
  if (o == 0) return "persistent";
  if (s.ephemeralOwner == zkd::proto::kContainerOwner) return "container";
  if ((o & zkd::proto::kTtlOwnerMask) == zkd::proto::kTtlOwnerMask) {
    if (ttl_ms) *ttl_ms = static_cast<int64_t>(o & ~zkd::proto::kTtlOwnerMask);
    return "ttl";
  }
  return "ephemeral";
}

std::string event_type_name(int32_t t) {
  switch (t) {
    case -1:
      return "None";
    case 1:
      return "NodeCreated";
    case 2:
      return "NodeDeleted";
    case 3:
      return "NodeDataChanged";
    case 4:
      return "NodeChildrenChanged";
    case 5:
      return "DataWatchRemoved";
    case 6:
      return "ChildWatchRemoved";
    case 7:
      return "PersistentWatchRemoved";
  }
  return "Unknown(" + std::to_string(t) + ")";
}

std::string state_name(int32_t s) {
  switch (s) {
    case 0:
      return "Disconnected";
    case 3:
      return "SyncConnected";
    case 4:
      return "AuthFailed";
    case 5:
      return "ConnectedReadOnly";
    case 6:
      return "SaslAuthenticated";
    case -112:
      return "Expired";
    case 7:
      return "Closed";
  }
  return "Unknown(" + std::to_string(s) + ")";
}

bool path_less_dfs(const std::string& a, const std::string& b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    if (a[i] == '/') return true;  // "/a/b" before "/a-b": a separator sorts first
    if (b[i] == '/') return false;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

void sort_paths_dfs(std::vector<std::string>* paths) {
  std::sort(paths->begin(), paths->end(), path_less_dfs);
}

std::string join_path(const std::string& parent, const std::string& child) {
  if (parent == "/") return "/" + child;
  return parent + "/" + child;
}

}  // namespace zkctl
