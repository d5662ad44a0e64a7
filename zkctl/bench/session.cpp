#include "zkctl/bench/session.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkctl::bench {
namespace proto = zkd::proto;
namespace {

constexpr int32_t kMaxReplyBytes = 512 << 20;  // getChildren of a huge bench root is big

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}

bool read_all(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t k = ::recv(fd, p, n, 0);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return false;
    p += k;
    n -= size_t(k);
  }
  return true;
}

bool read_frame(int fd, std::string* frame, std::string* error) {
  char lenb[4];
  if (!read_all(fd, lenb, 4)) {
    *error = "connection closed or timed out while reading a reply";
    return false;
  }
  proto::Reader r(lenb, 4);
  int32_t len = r.i32();
  if (len < 0 || len > kMaxReplyBytes) {
    *error = "bad reply frame length " + std::to_string(len);
    return false;
  }
  frame->resize(size_t(len));
  if (!read_all(fd, frame->data(), size_t(len))) {
    *error = "connection closed while reading a reply body";
    return false;
  }
  return true;
}

void encode_open_acl(proto::Writer& w) {
  w.i32(1);
  w.i32(proto::perm::kAll);
  w.bytes("world");
  w.bytes("anyone");
}

}  // namespace

int open_session(const std::string& host, int port, int timeout_ms, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port_s = std::to_string(port);
  int rc = ::getaddrinfo(host.c_str(), port_s.c_str(), &hints, &res);
  if (rc != 0) {
    *error = "resolve " + host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  std::string last = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{10, 0};  // bounds connect() and every blocking read/write below
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    last = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0) {
    *error = "connect " + host + ":" + port_s + ": " + last;
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  std::string out;
  size_t pos = begin_frame(&out);
  proto::Writer w(&out);
  proto::ConnectRequest req;
  req.timeOut = timeout_ms;
  req.passwd.assign(16, '\0');
  req.hasReadOnly = true;
  proto::write(w, req);
  end_frame(&out, pos);
  std::string frame;
  if (!write_all(fd, out.data(), out.size()) || !read_frame(fd, &frame, error)) {
    if (error->empty()) *error = "handshake failed";
    *error = "session handshake with " + host + ":" + port_s + ": " + *error;
    ::close(fd);
    return -1;
  }
  proto::Reader r(frame);
  proto::ConnectResponse resp;
  proto::read(r, resp);
  if (!r.ok() || resp.timeOut <= 0 || resp.sessionId == 0) {
    *error = "server refused the session (timeOut " + std::to_string(resp.timeOut) + ")";
    ::close(fd);
    return -1;
  }
  return fd;
}

bool call(int fd, const std::string& frame, int32_t xid, int32_t* err, std::string* body,
          std::string* error) {
  if (!write_all(fd, frame.data(), frame.size())) {
    *error = std::string("send: ") + std::strerror(errno);
    return false;
  }
  std::string reply;
  for (;;) {
    if (!read_frame(fd, &reply, error)) return false;
    proto::Reader r(reply);
    proto::ReplyHeader h;
    proto::read(r, h);
    if (!r.ok()) {
      *error = "short reply header";
      return false;
    }
    if (h.xid == proto::xid::kNotification || h.xid == proto::xid::kPing) continue;
    if (h.xid != xid) {
      *error = "reply xid " + std::to_string(h.xid) + " != request xid " + std::to_string(xid);
      return false;
    }
    *err = h.err;
    body->assign(r.pos(), r.remaining());
    return true;
  }
}

void close_session(int fd) {
  if (fd < 0) return;
  std::string out;
  size_t pos = begin_frame(&out);
  proto::Writer w(&out);
  proto::write(w, proto::RequestHeader{INT32_MAX - 1, proto::op::kCloseSession});
  end_frame(&out, pos);
  timeval tv{0, 200000};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  (void)::send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

void encode_get_children(std::string* out, int32_t xid, std::string_view path) {
  size_t pos = begin_frame(out);
  proto::Writer w(out);
  w.i32(xid);
  w.i32(proto::op::kGetChildren);
  w.bytes(path);
  w.boolean(false);
  end_frame(out, pos);
}

void encode_create(std::string* out, int32_t xid, std::string_view path, std::string_view data,
                   int32_t flags) {
  size_t pos = begin_frame(out);
  proto::Writer w(out);
  w.i32(xid);
  w.i32(proto::op::kCreate);
  w.bytes(path);
  w.bytes(data);
  encode_open_acl(w);
  w.i32(flags);
  end_frame(out, pos);
}

void encode_delete(std::string* out, int32_t xid, std::string_view path) {
  size_t pos = begin_frame(out);
  proto::Writer w(out);
  w.i32(xid);
  w.i32(proto::op::kDelete);
  w.bytes(path);
  w.i32(-1);
  end_frame(out, pos);
}

int32_t sync_create(int fd, std::string_view path, std::string_view data, std::string* error) {
  std::string frame, body;
  encode_create(&frame, 1, path, data, proto::create_mode::kPersistent);
  int32_t err = 0;
  if (!call(fd, frame, 1, &err, &body, error)) return INT32_MIN;
  return err;
}

int32_t sync_children(int fd, std::string_view path, std::vector<std::string>* names,
                      std::string* error) {
  std::string frame, body;
  encode_get_children(&frame, 2, path);
  int32_t err = 0;
  if (!call(fd, frame, 2, &err, &body, error)) return INT32_MIN;
  names->clear();
  if (err != 0) return err;
  proto::Reader r(body);
  proto::read(r, *names);
  if (!r.ok()) {
    *error = "malformed getChildren reply";
    return INT32_MIN;
  }
  return 0;
}

}  // namespace zkctl::bench
