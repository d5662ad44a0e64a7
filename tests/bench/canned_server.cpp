// canned_server: a minimal epoll ZooKeeper-protocol responder that measures the load
// generator's ceiling. It accepts sessions and answers every request at once with a fixed
// reply keeping the request's xid: getData -> data (--value-size bytes) + Stat; exists and
// setData -> Stat; create -> the requested path; delete, ping and the rest -> header only;
// closeSession -> header, then close. It keeps no state, so it costs close to nothing per
// request. Single-threaded.
//
// usage: canned_server [--port P] [--value-size B]   (port 0 = any; prints "PORT <n>")
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "zkd/proto/jute.h"
#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace proto = zkd::proto;

namespace {

struct Client {
  int fd = -1;
  bool session = false;
  std::vector<char> in = std::vector<char>(256 << 10);
  size_t in_len = 0;
  std::string out;
  size_t out_off = 0;
  bool closing = false;
  bool out_armed = false;  // EPOLLOUT registered
};

std::string g_data;
proto::Stat g_stat;
int64_t g_next_session = 1;

void reply_header(proto::Writer& w, int32_t xid, int32_t err) {
  w.i32(xid);
  w.i64(1);
  w.i32(err);
}

// Answers one request frame; returns false if the connection should close.
bool handle(Client& c, const char* p, size_t n) {
  proto::Reader r(p, n);
  size_t pos = c.out.size();
  c.out.append(4, '\0');
  proto::Writer w(&c.out);
  if (!c.session) {
    proto::ConnectRequest req;
    proto::read(r, req);
    if (!r.ok()) return false;
    proto::ConnectResponse resp;
    resp.timeOut = req.timeOut > 0 ? req.timeOut : 30000;
    resp.sessionId = g_next_session++;
    resp.passwd.assign(16, '\0');
    resp.hasReadOnly = req.hasReadOnly;
    proto::write(w, resp);
    c.session = true;
  } else {
    proto::RequestHeader h;
    proto::read(r, h);
    if (!r.ok()) return false;
    switch (h.type) {
      case proto::op::kGetData:
        reply_header(w, h.xid, 0);
        w.bytes(g_data);
        proto::write(w, g_stat);
        break;
      case proto::op::kExists:
      case proto::op::kSetData:
        reply_header(w, h.xid, 0);
        proto::write(w, g_stat);
        break;
      case proto::op::kCreate: {
        std::string path = r.bytes();
        reply_header(w, h.xid, 0);
        w.bytes(path);
        break;
      }
      case proto::op::kGetChildren:
        reply_header(w, h.xid, 0);
        w.i32(0);
        break;
      case proto::op::kCloseSession:
        reply_header(w, h.xid, 0);
        c.closing = true;
        break;
      case proto::op::kMulti:
      case proto::op::kMultiRead:
        reply_header(w, h.xid, proto::err::kUnimplemented);
        break;
      default:
        reply_header(w, h.xid, 0);
        break;
    }
  }
  w.patch_i32(pos, static_cast<int32_t>(c.out.size() - pos - 4));
  return true;
}

// Reads what is there, answers every whole frame, writes the answers. False = drop client.
bool on_readable(Client& c) {
  for (;;) {
    if (c.in.size() - c.in_len < 4096) c.in.resize(c.in.size() * 2);
    ssize_t k = ::recv(c.fd, c.in.data() + c.in_len, c.in.size() - c.in_len, 0);
    if (k == 0) return false;
    if (k < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      return false;
    }
    bool more = size_t(k) == c.in.size() - c.in_len;
    c.in_len += size_t(k);
    size_t off = 0;
    while (c.in_len - off >= 4) {
      proto::Reader lr(c.in.data() + off, 4);
      int32_t len = lr.i32();
      if (len < 0 || len > proto::kDefaultMaxBuffer) return false;
      if (c.in_len - off - 4 < size_t(len)) {
        if (c.in.size() < size_t(len) + 4) c.in.resize(size_t(len) + 4);
        break;
      }
      if (!handle(c, c.in.data() + off + 4, size_t(len))) return false;
      off += 4 + size_t(len);
    }
    std::memmove(c.in.data(), c.in.data() + off, c.in_len - off);
    c.in_len -= off;
    if (!more) break;
  }
  return true;
}

// Writes pending output; returns false on a dead socket. *blocked: output remains.
bool flush(Client& c, bool* blocked) {
  while (c.out_off < c.out.size()) {
    ssize_t k = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (k > 0) {
      c.out_off += size_t(k);
    } else if (k < 0 && errno == EINTR) {
      continue;
    } else if (k < 0 && errno == EAGAIN) {
      break;
    } else {
      return false;
    }
  }
  *blocked = c.out_off < c.out.size();
  if (!*blocked) {
    c.out.clear();
    c.out_off = 0;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0;
  int value_size = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--port") == 0)
      port = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--value-size") == 0)
      value_size = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: canned_server [--port P] [--value-size B]\n");
      return 2;
    }
  }
  std::signal(SIGPIPE, SIG_IGN);
  g_data.assign(size_t(value_size), 'v');
  g_stat.czxid = g_stat.mzxid = g_stat.pzxid = 1;
  g_stat.dataLength = value_size;

  int ls = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  int one = 1;
  ::setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(uint16_t(port));
  if (::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(ls, 1024) != 0) {
    std::perror("canned_server: bind/listen");
    return 1;
  }
  socklen_t alen = sizeof addr;
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &alen);
  std::printf("PORT %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);

  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event lev{};
  lev.events = EPOLLIN;
  lev.data.fd = ls;
  epoll_ctl(ep, EPOLL_CTL_ADD, ls, &lev);
  std::unordered_map<int, std::unique_ptr<Client>> clients;
  std::vector<epoll_event> events(256);
  auto drop = [&](int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    clients.erase(fd);
  };
  for (;;) {
    int n = epoll_wait(ep, events.data(), int(events.size()), -1);
    if (n < 0 && errno != EINTR) return 1;
    for (int i = 0; i < n; i++) {
      int fd = events[i].data.fd;
      if (fd == ls) {
        for (;;) {
          int cfd = ::accept4(ls, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
          if (cfd < 0) break;
          ::setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          auto c = std::make_unique<Client>();
          c->fd = cfd;
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.fd = cfd;
          epoll_ctl(ep, EPOLL_CTL_ADD, cfd, &ev);
          clients[cfd] = std::move(c);
        }
        continue;
      }
      auto it = clients.find(fd);
      if (it == clients.end()) continue;
      Client& c = *it->second;
      bool blocked = false;
      if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !on_readable(c)) {
        drop(fd);
        continue;
      }
      if (!flush(c, &blocked) || (c.closing && !blocked)) {
        drop(fd);
        continue;
      }
      if (blocked != c.out_armed) {
        epoll_event ev{};
        ev.events = EPOLLIN | (blocked ? EPOLLOUT : 0u);
        ev.data.fd = fd;
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
        c.out_armed = blocked;
      }
    }
  }
}
