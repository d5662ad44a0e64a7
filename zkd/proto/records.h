// ZooKeeper's jute records (zookeeper.jute) as plain structs, with encode/decode.
//
// write(Writer&, const T&) appends the record; read(Reader&, T&) fills it and leaves
// failure in the Reader's sticky flag. Strings that may be null on the wire keep that
// fact in a `*_null` member where the server's answer depends on it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zkd/proto/jute.h"

namespace zkd::proto {

struct Id {
  std::string scheme;
  std::string id;
  bool operator==(const Id&) const = default;
  auto operator<=>(const Id&) const = default;
};

struct ACL {
  int32_t perms = 0;
  Id id;
  bool operator==(const ACL&) const = default;
  auto operator<=>(const ACL&) const = default;
};
using ACLs = std::vector<ACL>;

struct Stat {
  int64_t czxid = 0;
  int64_t mzxid = 0;
  int64_t ctime = 0;
  int64_t mtime = 0;
  int32_t version = 0;
  int32_t cversion = 0;
  int32_t aversion = 0;
  int64_t ephemeralOwner = 0;
  int32_t dataLength = 0;
  int32_t numChildren = 0;
  int64_t pzxid = 0;
  bool operator==(const Stat&) const = default;
};
constexpr size_t kStatBytes = 68;

struct ConnectRequest {
  int32_t protocolVersion = 0;
  int64_t lastZxidSeen = 0;
  int32_t timeOut = 0;
  int64_t sessionId = 0;
  std::string passwd;
  bool readOnly = false;
  bool hasReadOnly = false;  // pre-3.4 clients omit the trailing byte
};

struct ConnectResponse {
  int32_t protocolVersion = 0;
  int32_t timeOut = 0;
  int64_t sessionId = 0;
  std::string passwd;
  bool readOnly = false;
  bool hasReadOnly = true;  // echo the request's shape
};

struct RequestHeader {
  int32_t xid = 0;
  int32_t type = 0;
};

struct ReplyHeader {
  int32_t xid = 0;
  int64_t zxid = 0;
  int32_t err = 0;
};

struct CreateRequest {  // create, create2, createContainer; createTTL adds ttl
  std::string path;
  std::string data;
  bool data_null = false;
  ACLs acl;
  bool acl_null = false;
  int32_t flags = 0;
  int64_t ttl = -1;
};

struct PathVersionRequest {  // delete, check
  std::string path;
  int32_t version = -1;
};

struct PathWatchRequest {  // exists, getData, getChildren, getChildren2
  std::string path;
  bool watch = false;
  bool path_null = false;  // last, so {path, watch} initializers stay right
};

struct SetDataRequest {
  std::string path;
  std::string data;
  bool data_null = false;
  int32_t version = -1;
};

struct SetACLRequest {
  std::string path;
  ACLs acl;
  bool acl_null = false;
  int32_t version = -1;
};

struct PathRequest {  // getACL, sync, getEphemerals, getAllChildrenNumber, deleteContainer
  std::string path;
  bool path_null = false;
};

struct PathTypeRequest {  // checkWatches, removeWatches (type), addWatch (mode)
  std::string path;
  int32_t type = 0;
};

struct AuthPacket {
  int32_t type = 0;
  std::string scheme;
  std::string auth;
};

struct SetWatches {  // opcode 101 has the first three lists; 105 adds the persistent ones
  int64_t relativeZxid = 0;
  std::vector<std::string> data, exist, child, persistent, persistentRecursive;
};

struct ReconfigRequest {
  std::string joiningServers, leavingServers, newMembers;
  int64_t curConfigId = -1;
};

struct MultiHeader {
  int32_t type = -1;
  bool done = true;
  int32_t err = -1;
};

struct WatcherEvent {
  int32_t type = 0;
  int32_t state = 0;
  std::string path;
};

void write(Writer& w, const Id& v);
void write(Writer& w, const ACL& v);
void write(Writer& w, const ACLs& v);
void write(Writer& w, const Stat& v);
void write(Writer& w, const ConnectRequest& v);
void write(Writer& w, const ConnectResponse& v);
void write(Writer& w, const RequestHeader& v);
void write(Writer& w, const ReplyHeader& v);
void write(Writer& w, const MultiHeader& v);
void write(Writer& w, const WatcherEvent& v);
void write(Writer& w, const std::vector<std::string>& v);

void read(Reader& r, Id& v);
void read(Reader& r, ACL& v);
void read(Reader& r, ACLs& v, bool* is_null = nullptr);
void read(Reader& r, Stat& v);
void read(Reader& r, ConnectRequest& v);
void read(Reader& r, ConnectResponse& v);
void read(Reader& r, RequestHeader& v);
void read(Reader& r, ReplyHeader& v);
void read(Reader& r, MultiHeader& v);
void read(Reader& r, WatcherEvent& v);
void read(Reader& r, std::vector<std::string>& v);

// Request bodies. `opcode` selects the variant where one struct serves several ops
// (createTTL carries ttl; setWatches2 carries the persistent lists).
void read(Reader& r, CreateRequest& v, int32_t opcode);
void write(Writer& w, const CreateRequest& v, int32_t opcode);
void read(Reader& r, PathVersionRequest& v);
void write(Writer& w, const PathVersionRequest& v);
void read(Reader& r, PathWatchRequest& v);
void write(Writer& w, const PathWatchRequest& v);
void read(Reader& r, SetDataRequest& v);
void write(Writer& w, const SetDataRequest& v);
void read(Reader& r, SetACLRequest& v);
void write(Writer& w, const SetACLRequest& v);
void read(Reader& r, PathRequest& v);
void write(Writer& w, const PathRequest& v);
void read(Reader& r, PathTypeRequest& v);
void write(Writer& w, const PathTypeRequest& v);
void read(Reader& r, AuthPacket& v);
void write(Writer& w, const AuthPacket& v);
void read(Reader& r, SetWatches& v, int32_t opcode);
void write(Writer& w, const SetWatches& v, int32_t opcode);
void read(Reader& r, ReconfigRequest& v);
void write(Writer& w, const ReconfigRequest& v);

}  // namespace zkd::proto
