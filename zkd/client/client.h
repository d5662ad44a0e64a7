// Asynchronous, pipelined ZooKeeper client.
//
// One Client is one session over one TCP connection at a time. Requests are written as
// soon as they are submitted (many in flight); replies arrive in request order and are
// matched by xid. A single I/O thread (poll) owns the socket: it connects (host list,
// per-attempt timeout), does the handshake, sends pings after 1/3 of the negotiated
// timeout of idleness, declares the connection dead after 2/3 of it without any byte
// from the server, reconnects to the next host with the same session, and declares the
// session expired when no server took it back within the session timeout.
//
// Thread-safety: every public method may be called from any thread. Callbacks (reply
// callbacks and Options::watcher) run on the I/O thread, in reply order; they must not
// block and must not call SyncClient, but they may submit new requests (pipelined
// load generators chain requests this way). Never call close() or destroy the Client
// from a callback (it joins the I/O thread). A callback always runs exactly once: with the
// server's reply, or with CONNECTIONLOSS (connection dropped after sending),
// SESSIONEXPIRED, AUTHFAILED or CONNECTIONLOSS on close().
//
// Chroot: paths given to and returned by the typed methods are chroot-relative; the
// client prepends/strips the chroot of the connect string. submit() is raw: no chroot.
//
// Watches are not re-registered after a reconnect (as kazoo): the watcher receives a
// Disconnected session event and the application re-arms what it needs.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zkd/client/types.h"
#include "zkd/proto/jute.h"

namespace zkd::client {

template <class T>
using Callback = std::function<void(int32_t err, T result)>;
// Raw reply: err from the ReplyHeader, the header's zxid, and a reader over the body
// (empty when err != 0 or the op has no body).
using RawCallback = std::function<void(int32_t err, int64_t zxid, proto::Reader& body)>;

class Client {
 public:
  explicit Client(Options options);
  ~Client();  // stops the I/O thread without closing the session (it will expire)
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Parses the connect string and starts the I/O thread. False (with *error) on a bad
  // connect string.
  bool start(std::string* error);
  // Waits until the session is connected. False on timeout or when the client gave up
  // (see state() and last_error()).
  bool wait_connected(int timeout_ms);
  // Sends closeSession and waits (bounded) for its reply, then stops the I/O thread.
  // Pending callbacks complete with their reply or CONNECTIONLOSS.
  void close(int timeout_ms = 2000);

  State state() const;
  int64_t session_id() const;
  int32_t negotiated_timeout_ms() const;
  std::string connected_server() const;  // "host:port" or ""
  std::string last_error() const;        // last connection-level problem, human readable
  const std::string& chroot() const;

  // --- typed operations (paths chroot-relative) ---
  // create (opcode 1): result path only. `mode` is a proto::create_mode value.
  void create(const std::string& path, std::string data, bool data_null, ACLs acl, int32_t mode,
              Callback<CreateResult> cb);
  // create2 (15), createContainer (19) for kContainer, createTTL (21) for TTL modes.
  void create2(const std::string& path, std::string data, bool data_null, ACLs acl, int32_t mode,
               int64_t ttl, Callback<CreateResult> cb);
  void remove(const std::string& path, int32_t version, Callback<Empty> cb);
  void exists(const std::string& path, bool watch, Callback<Stat> cb);  // NONODE if absent
  void get_data(const std::string& path, bool watch, Callback<DataResult> cb);
  void set_data(const std::string& path, std::string data, int32_t version, Callback<Stat> cb);
  void get_acl(const std::string& path, Callback<AclResult> cb);
  void set_acl(const std::string& path, ACLs acl, int32_t version, Callback<Stat> cb);
  void get_children(const std::string& path, bool watch, Callback<ChildrenResult> cb);
  void get_children2(const std::string& path, bool watch, Callback<ChildrenResult> cb);
  void sync(const std::string& path, Callback<std::string> cb);
  // multi (14) of create/delete/setData/check ops; multiRead (22) of getData/getChildren.
  // The callback's err is the header error (0 even if an op failed: inspect results).
  void multi(const std::vector<Op>& ops, Callback<std::vector<OpResult>> cb);
  void multi_read(const std::vector<Op>& ops, Callback<std::vector<OpResult>> cb);
  // type is a proto::watcher_type value.
  void check_watches(const std::string& path, int32_t type, Callback<Empty> cb);
  void remove_watches(const std::string& path, int32_t type, Callback<Empty> cb);
  // mode is a proto::add_watch_mode value.
  void add_watch(const std::string& path, int32_t mode, Callback<Empty> cb);
  void get_ephemerals(const std::string& prefix, Callback<std::vector<std::string>> cb);
  void get_all_children_number(const std::string& path, Callback<int32_t> cb);
  void who_am_i(Callback<std::vector<ClientInfo>> cb);
  // getData("/zookeeper/config") — never chrooted, as the Java client's getConfig.
  void get_config(bool watch, Callback<DataResult> cb);
  // Auth packet (xid -4), e.g. ("digest", "user:password"). Remembered and re-sent after
  // reconnects. AUTHFAILED moves the client to kAuthFailed.
  void add_auth(const std::string& scheme, const std::string& credentials, Callback<Empty> cb);

  // Raw request: `body` is the encoded request record (no header), sent as-is.
  void submit(int32_t opcode, std::string body, RawCallback cb);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zkd::client
