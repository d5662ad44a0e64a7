// Value types of the zkd client API: results, multi ops, watch events, options.
// Plain data; no behaviour beyond small constructors.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkd::client {

using proto::ACL;
using proto::ACLs;
using proto::Id;
using proto::Stat;

// A watch or session event. `type` is a proto::event value (kNone for session state
// changes), `state` a proto::state value. `path` is chroot-relative ("" for session
// events).
struct WatchEvent {
  int32_t type = proto::event::kNone;
  int32_t state = proto::state::kSyncConnected;
  std::string path;
};
using WatchCallback = std::function<void(const WatchEvent&)>;

struct Empty {};

struct DataResult {
  std::string data;
  bool data_null = false;  // the node's data is null (zkCli prints "null")
  Stat stat;
};

struct ChildrenResult {
  std::vector<std::string> children;  // names, in server order (unsorted)
  Stat stat;                          // filled by getChildren2 only
};

struct CreateResult {
  std::string path;  // actual path created (with sequence suffix), chroot-relative
  Stat stat;         // filled by create2/createContainer/createTTL only
};

struct AclResult {
  ACLs acl;
  Stat stat;
};

struct ClientInfo {
  std::string scheme;
  std::string user;
};

// One operation of a multi (write ops) or multiRead (getData/getChildren ops).
struct Op {
  int32_t type = proto::op::kCheck;
  std::string path;
  std::string data;
  bool data_null = false;
  ACLs acl;
  int32_t flags = 0;  // create mode
  int32_t version = -1;
  int64_t ttl = -1;

  static Op create(std::string path, std::string data, ACLs acl, int32_t mode);
  static Op remove(std::string path, int32_t version = -1);
  static Op set_data(std::string path, std::string data, int32_t version = -1);
  static Op check(std::string path, int32_t version);
  static Op get_data(std::string path);
  static Op get_children(std::string path);
};

// Result of one op. `type` is the reply type (proto::op::kError when err != 0).
struct OpResult {
  int32_t type = 0;
  int32_t err = 0;
  std::string path;                   // create
  std::string data;                   // getData
  std::vector<std::string> children;  // getChildren
  Stat stat;                          // create2 / setData / getData
};

struct Options {
  // "host:port[,host:port...][/chroot]".
  std::string servers = "127.0.0.1:2181";
  int32_t session_timeout_ms = 30000;
  // Per TCP connect + handshake attempt; 0 = max(1000, session_timeout / #hosts).
  int32_t connect_timeout_ms = 0;
  // Give up (state kClosed, last_error set) after this many full passes over the host
  // list without ever completing a handshake. 0 = keep trying until close().
  int32_t max_connect_rounds = 0;
  // Pause between two passes over the host list.
  int32_t reconnect_backoff_ms = 200;
  bool read_only = false;              // ask for a read-only session (readOnly byte)
  int64_t max_frame_bytes = 64 << 20;  // replies above this close the connection
  // Called on the client's I/O thread for watch and session events. Must not block
  // and must not call the synchronous API.
  WatchCallback watcher;
};

enum class State {
  kConnecting,  // no session yet, or reconnecting
  kConnected,
  kConnectedReadOnly,
  kAuthFailed,  // an auth packet was rejected; the server closed the connection
  kExpired,     // session expired (told by the server, or no server for the timeout)
  kClosed,      // close() was called, or connecting gave up (max_connect_rounds)
};
const char* state_name(State s);

}  // namespace zkd::client
