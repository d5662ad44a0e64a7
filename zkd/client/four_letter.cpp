#include "zkd/client/four_letter.h"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace zkd::client {

bool FourLetterReply::not_whitelisted() const {
  return text.find("is not executed because it is not in the whitelist") != std::string::npos;
}

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto d = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return d.count() < 0 ? 0 : static_cast<int>(d.count());
}

// Waits for `events` on fd until the deadline. 1 ready, 0 timeout, -1 error.
int wait_fd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return -1;
    return rc == 0 ? 0 : 1;
  }
}

}  // namespace

FourLetterReply four_letter_word(const std::string& host, uint16_t port, const std::string& word,
                                 int timeout_ms) {
  FourLetterReply r;
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
  if (rc != 0 || !res) {
    r.error = std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
    return r;
  }
  int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    ::freeaddrinfo(res);
    r.error = std::string("socket: ") + std::strerror(errno);
    return r;
  }
  rc = ::connect(fd, res->ai_addr, res->ai_addrlen);
  ::freeaddrinfo(res);
  if (rc != 0 && errno != EINPROGRESS) {
    r.error = std::strerror(errno);
    ::close(fd);
    return r;
  }
  if (rc != 0) {
    int w = wait_fd(fd, POLLOUT, deadline);
    int err = 0;
    socklen_t len = sizeof err;
    if (w > 0) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (w <= 0 || err != 0) {
      r.error = w == 0 ? "timed out connecting" : std::strerror(err ? err : errno);
      ::close(fd);
      return r;
    }
  }
  size_t sent = 0;
  while (sent < word.size()) {
    ssize_t n = ::send(fd, word.data() + sent, word.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (wait_fd(fd, POLLOUT, deadline) <= 0) break;
      continue;
    }
    break;
  }
  if (sent < word.size()) {
    r.error = "could not send the command";
    ::close(fd);
    return r;
  }
  char buf[8192];
  for (;;) {
    int w = wait_fd(fd, POLLIN, deadline);
    if (w == 0) {
      r.error = "timed out reading the reply";
      break;
    }
    if (w < 0) {
      r.error = std::strerror(errno);
      break;
    }
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.text.append(buf, static_cast<size_t>(n));
      if (r.text.size() > (64u << 20)) {
        r.error = "reply too large";
        break;
      }
      continue;
    }
    if (n == 0) {
      r.ok = true;
      break;
    }
    if (errno == EAGAIN || errno == EINTR) continue;
    // A reset after the reply was sent still means we have the reply.
    if (errno == ECONNRESET && !r.text.empty()) {
      r.ok = true;
    } else {
      r.error = std::strerror(errno);
    }
    break;
  }
  ::close(fd);
  return r;
}

}  // namespace zkd::client
