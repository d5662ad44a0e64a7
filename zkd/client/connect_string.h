// Parsing of ZooKeeper connect strings ("h1:p1,h2:p2/chroot") and the client-side
// chroot mapping (prepend on requests, strip from replies and events), as the Java
// client and kazoo do. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zkd::client {

struct HostPort {
  std::string host;
  uint16_t port = 2181;
};

struct ConnectString {
  std::vector<HostPort> hosts;
  std::string chroot;  // "" or "/app" (no trailing slash)
};

// Parses "h:p[,h:p...][/chroot]". A missing port means 2181; "[v6]:p" is accepted.
// Returns false and sets *error on a malformed string (empty host list, bad port,
// bad chroot path).
bool parse_connect_string(std::string_view s, ConnectString* out, std::string* error);

// Checks a znode path the way ZooKeeper's PathUtils does (leading '/', no empty or
// "."/".." segments, no trailing '/', no control characters). `sequential` allows a
// trailing '/' (the server appends the sequence number). Returns "" when valid, else
// the reason.
std::string validate_path(std::string_view path, bool sequential = false);

// "/app" + "/x" -> "/app/x"; "/app" + "/" -> "/app".
std::string prepend_chroot(std::string_view chroot, std::string_view path);
// Strips the chroot from a server path: "/app/x" -> "/x", "/app" -> "/". Paths outside
// the chroot are returned unchanged.
std::string strip_chroot(std::string_view chroot, std::string_view path);

}  // namespace zkd::client
