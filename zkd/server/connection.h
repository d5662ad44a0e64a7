// Connection: one client TCP connection as the state thread sees it: buffers, the
// session it carries, its auth ids and its queue of requests in arrival order.
//
// Owned by the Server (state thread only). Replies leave strictly in request order: a
// request's reply is queued only when every earlier request of the connection has one.
#pragma once

#include <cstdint>
#include <deque>
#include <string>

#include "zkd/tree/acl.h"

namespace zkd::server {

struct PendingRequest {
  int32_t xid = 0;
  int32_t opcode = 0;
  std::string body;
  int64_t zxid = 0;      // a write: the zxid of its Txn; 0 for a read
  bool done = false;     // a write whose Txn has been applied; `reply` is ready
  std::string reply;     // the full reply frame once done
  int64_t received_ms = 0;
};

struct ConnectionStats {
  int64_t packets_received = 0;
  int64_t packets_sent = 0;
  int64_t established_ms = 0;  // wall clock
  int32_t last_opcode = -100;  // none yet
  int32_t last_cxid = 0;
  int64_t last_zxid = 0;
  int64_t last_response_ms = 0;  // wall clock
  int64_t last_latency_ms = 0;
  int64_t min_latency_ms = -1;
  int64_t max_latency_ms = 0;
  int64_t total_latency_ms = 0;
  int64_t latency_count = 0;
};

struct Connection {
  enum class State { kNew, kHandshake, kConnected, kClosing };

  uint64_t id = 0;
  int fd = -1;
  std::string remote_ip;
  int remote_port = 0;
  State state = State::kNew;
  std::string in;
  std::string out;
  size_t out_offset = 0;
  bool want_write = false;
  bool reading_paused = false;
  bool close_after_flush = false;

  int64_t session_id = 0;
  int32_t timeout_ms = 0;
  bool readonly_byte = true;  // echo the handshake's shape
  tree::AuthIds auth;
  std::deque<PendingRequest> queue;
  ConnectionStats stats;

  size_t unsent() const { return out.size() - out_offset; }
};

}  // namespace zkd::server
