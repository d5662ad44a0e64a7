// Blocking ZooKeeper session plumbing for the load generator: TCP connect + handshake, one
// synchronous request/reply (for setup and teardown), closeSession, and frame helpers.
// Every function works on a plain socket fd; none keeps state. Thread-safe as far as fds
// are not shared between threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zkd/proto/jute.h"

namespace zkctl::bench {

// Starts a length-prefixed frame in *out; returns the offset to pass to end_frame.
inline size_t begin_frame(std::string* out) {
  size_t pos = out->size();
  out->append(4, '\0');
  return pos;
}
inline void end_frame(std::string* out, size_t pos) {
  zkd::proto::Writer w(out);
  w.patch_i32(pos, static_cast<int32_t>(out->size() - pos - 4));
}

// Connects to host:port and creates a session (blocking, 10 s timeouts). Returns the fd
// (blocking, TCP_NODELAY) or -1 with *error set.
int open_session(const std::string& host, int port, int timeout_ms, std::string* error);

// Sends one framed request (header + body already encoded in `frame`) and reads frames
// until the reply with `xid`; returns false on I/O or framing failure. On success *err is
// the ReplyHeader error and *body the bytes after the ReplyHeader.
bool call(int fd, const std::string& frame, int32_t xid, int32_t* err, std::string* body,
          std::string* error);

// Best effort: sends closeSession and closes the fd.
void close_session(int fd);

// Encoders of the requests the bench uses, each appending one whole frame.
void encode_get_children(std::string* out, int32_t xid, std::string_view path);
void encode_create(std::string* out, int32_t xid, std::string_view path, std::string_view data,
                   int32_t flags);
void encode_delete(std::string* out, int32_t xid, std::string_view path);

// Synchronous helpers over call(): return the ZooKeeper error code, or INT32_MIN on I/O error.
int32_t sync_create(int fd, std::string_view path, std::string_view data, std::string* error);
int32_t sync_children(int fd, std::string_view path, std::vector<std::string>* names,
                      std::string* error);

}  // namespace zkctl::bench
