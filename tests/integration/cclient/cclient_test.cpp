// Scenario test for a ZooKeeper-protocol server driven by the Apache ZooKeeper C client
// (libzookeeper_mt, synchronous API). Usage: cclient_test HOST:PORT
// Prints one "PASS <scenario>" / "FAIL <scenario>: <why>" line per scenario; exit status is
// non-zero if any scenario failed. Each wait is bounded; the whole run takes a few seconds.
#define THREADED 1
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zookeeper/zookeeper.h>

#include <atomic>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
std::string g_hosts;

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

#define CHECK(cond)                                                                 \
  do {                                                                              \
    if (!(cond)) throw Failure(std::string("line ") + std::to_string(__LINE__) +     \
                               ": " #cond);                                         \
  } while (0)
#define CHECK_RC(expr, want)                                                        \
  do {                                                                              \
    int rc_ = (expr);                                                               \
    if (rc_ != (want))                                                              \
      throw Failure(std::string("line ") + std::to_string(__LINE__) + ": " #expr    \
                    " = " + zerror(rc_) + ", want " + zerror(want));                \
  } while (0)

// A loopback TCP relay in front of the server, so a scenario can cut a client's
// connection without closing its session (Cut) and let it reconnect later (Resume).
class Proxy {
 public:
  Proxy(std::string host, int port) : host_(std::move(host)), port_(port) {
    Listen(0);
    thread_ = std::thread([this] { Loop(); });
  }
  ~Proxy() {
    stop_ = true;
    thread_.join();
    CloseAll();
    if (listen_fd_ >= 0) close(listen_fd_);
  }
  std::string Address() const { return "127.0.0.1:" + std::to_string(local_port_); }
  // Drops all relayed connections and refuses new ones.
  void Cut() {
    std::lock_guard<std::mutex> lock(mu_);
    cut_ = true;
  }
  void Resume() {
    std::lock_guard<std::mutex> lock(mu_);
    cut_ = false;
  }

 private:
  void Listen(int port) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        listen(listen_fd_, 8) != 0)
      throw Failure("proxy listen failed");
    socklen_t len = sizeof a;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    local_port_ = ntohs(a.sin_port);
  }
  int Dial() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, host_.c_str(), &a.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      close(fd);
      return -1;
    }
    return fd;
  }
  void CloseAll() {
    for (auto& [a, b] : pairs_) {
      close(a);
      close(b);
    }
    pairs_.clear();
  }
  void Loop() {
    while (!stop_) {
      bool cut;
      {
        std::lock_guard<std::mutex> lock(mu_);
        cut = cut_;
      }
      if (cut) CloseAll();
      std::vector<pollfd> fds{{listen_fd_, POLLIN, 0}};
      for (auto& [a, b] : pairs_) {
        fds.push_back({a, POLLIN, 0});
        fds.push_back({b, POLLIN, 0});
      }
      if (poll(fds.data(), fds.size(), 20) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        int c = accept(listen_fd_, nullptr, nullptr);
        int s = cut ? -1 : Dial();
        if (c >= 0 && s >= 0) {
          pairs_.emplace_back(c, s);
        } else {
          if (c >= 0) close(c);
          if (s >= 0) close(s);
        }
      }
      std::vector<std::pair<int, int>> keep;
      for (size_t i = 0; i < pairs_.size(); ++i) {
        auto [a, b] = pairs_[i];
        bool ok = Pump(fds[1 + 2 * i], a, b) && Pump(fds[2 + 2 * i], b, a);
        if (ok) {
          keep.emplace_back(a, b);
        } else {
          close(a);
          close(b);
        }
      }
      pairs_ = keep;
    }
  }
  static bool Pump(const pollfd& p, int from, int to) {
    if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) return true;
    char buf[65536];
    ssize_t n = read(from, buf, sizeof buf);
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
      ssize_t w = write(to, buf + off, n - off);
      if (w <= 0) return false;
      off += w;
    }
    return true;
  }

  std::string host_;
  int port_;
  int listen_fd_ = -1;
  int local_port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  bool cut_ = false;
  std::vector<std::pair<int, int>> pairs_;  // (client fd, server fd); loop thread only
  std::thread thread_;
};

// Collects watch events delivered on the client's event thread.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<int, std::string>> q;  // (type, path)
  int state = 0;

  static void Fn(zhandle_t*, int type, int state, const char* path, void* ctx) {
    auto* self = static_cast<Events*>(ctx);
    std::lock_guard<std::mutex> lock(self->mu);
    if (type == ZOO_SESSION_EVENT) {
      self->state = state;
    } else {
      self->q.emplace_back(type, path ? path : "");
    }
    self->cv.notify_all();
  }
  bool WaitState(int want, int ms) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return state == want; });
  }
  // Next (type, path) or type -100 on timeout.
  std::pair<int, std::string> Next(int ms) {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::milliseconds(ms), [&] { return !q.empty(); }))
      return {-100, ""};
    auto e = q.front();
    q.pop_front();
    return e;
  }
};

// One client handle with its global watcher; closes the session on destruction.
struct Client {
  Events ev;
  zhandle_t* zh = nullptr;
  explicit Client(const clientid_t* cid = nullptr, int timeout_ms = 10000,
                  const std::string& hosts = g_hosts) {
    zh = zookeeper_init(hosts.c_str(), &Events::Fn, timeout_ms, cid, &ev, 0);
    if (!zh) throw Failure("zookeeper_init failed");
    if (!ev.WaitState(ZOO_CONNECTED_STATE, 10000)) throw Failure("not connected in 10 s");
  }
  ~Client() {
    if (zh) zookeeper_close(zh);
  }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
};

std::string Get(zhandle_t* zh, const std::string& path, Stat* st = nullptr) {
  std::vector<char> buf(1 << 20);
  int len = static_cast<int>(buf.size());
  Stat local;
  int rc = zoo_get(zh, path.c_str(), 0, buf.data(), &len, st ? st : &local);
  if (rc != ZOK) throw Failure("get " + path + ": " + zerror(rc));
  return len < 0 ? std::string() : std::string(buf.data(), len);
}

std::string Create(zhandle_t* zh, const std::string& path, const std::string& data,
                   int flags = 0) {
  char out[512];
  int rc = zoo_create(zh, path.c_str(), data.data(), static_cast<int>(data.size()),
                      &ZOO_OPEN_ACL_UNSAFE, flags, out, sizeof out);
  if (rc != ZOK) throw Failure("create " + path + ": " + zerror(rc));
  return out;
}

std::vector<std::string> Children(zhandle_t* zh, const std::string& path) {
  String_vector sv{};
  int rc = zoo_get_children(zh, path.c_str(), 0, &sv);
  if (rc != ZOK) throw Failure("get_children " + path + ": " + zerror(rc));
  std::vector<std::string> out(sv.data, sv.data + sv.count);
  deallocate_String_vector(&sv);
  return out;
}

void DeleteTree(zhandle_t* zh, const std::string& path) {
  String_vector sv{};
  if (zoo_get_children(zh, path.c_str(), 0, &sv) != ZOK) return;
  for (int i = 0; i < sv.count; ++i) DeleteTree(zh, path + "/" + sv.data[i]);
  deallocate_String_vector(&sv);
  zoo_delete(zh, path.c_str(), -1);
}

// ---- scenarios ----
const char* kBase = "/cclient";

void ConnectAndReadRoot() {
  Client c;
  CHECK(zoo_state(c.zh) == ZOO_CONNECTED_STATE);
  CHECK(zoo_client_id(c.zh)->client_id != 0);
  CHECK(zoo_recv_timeout(c.zh) == 10000);
  Stat st;
  CHECK_RC(zoo_exists(c.zh, "/zookeeper", 0, &st), ZOK);
  CHECK(st.numChildren == 2);
}

void CreateGetSetDelete() {
  Client c;
  std::string p = std::string(kBase) + "/cgsd";
  CHECK(Create(c.zh, p, "v1") == p);
  Stat st;
  CHECK(Get(c.zh, p, &st) == "v1");
  CHECK(st.version == 0 && st.dataLength == 2 && st.czxid == st.mzxid);
  Stat st2;
  CHECK_RC(zoo_set2(c.zh, p.c_str(), "value2", 6, 0, &st2), ZOK);
  CHECK(st2.version == 1 && st2.mzxid > st.mzxid && st2.czxid == st.czxid);
  CHECK(Get(c.zh, p) == "value2");
  CHECK_RC(zoo_delete(c.zh, p.c_str(), 1), ZOK);
  CHECK_RC(zoo_exists(c.zh, p.c_str(), 0, &st), ZNONODE);
}

void ErrorCodes() {
  Client c;
  std::string p = std::string(kBase) + "/err";
  Create(c.zh, p, "");
  Create(c.zh, p + "/kid", "");
  char out[256];
  CHECK_RC(zoo_create(c.zh, p.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, out, sizeof out),
           ZNODEEXISTS);
  CHECK_RC(zoo_create(c.zh, "/cclient/none/x", "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, out, sizeof out),
           ZNONODE);
  CHECK_RC(zoo_set(c.zh, p.c_str(), "x", 1, 42), ZBADVERSION);
  CHECK_RC(zoo_delete(c.zh, p.c_str(), -1), ZNOTEMPTY);
  CHECK_RC(zoo_delete(c.zh, "/cclient/none", -1), ZNONODE);
  Create(c.zh, p + "/eph", "", ZOO_EPHEMERAL);
  CHECK_RC(zoo_create(c.zh, (p + "/eph/x").c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, out,
                      sizeof out),
           ZNOCHILDRENFOREPHEMERALS);
  DeleteTree(c.zh, p);
}

void SequentialNames() {
  Client c;
  std::string p = std::string(kBase) + "/seq";
  Create(c.zh, p, "");
  CHECK(Create(c.zh, p + "/n-", "", ZOO_SEQUENCE) == p + "/n-0000000000");
  CHECK(Create(c.zh, p + "/n-", "", ZOO_SEQUENCE | ZOO_EPHEMERAL) == p + "/n-0000000001");
  DeleteTree(c.zh, p);
}

void EphemeralGoneAfterClose() {
  Client watcher;
  std::string p = std::string(kBase) + "/eph";
  {
    Client owner;
    Create(owner.zh, p, "x", ZOO_EPHEMERAL);
    Stat st;
    CHECK_RC(zoo_exists(watcher.zh, p.c_str(), 0, &st), ZOK);
    CHECK(st.ephemeralOwner == zoo_client_id(owner.zh)->client_id);
  }  // zookeeper_close sends closeSession
  Stat st;
  CHECK_RC(zoo_exists(watcher.zh, p.c_str(), 0, &st), ZNONODE);
}

void DataWatch() {
  Client c, w;
  std::string p = std::string(kBase) + "/dw";
  Create(c.zh, p, "a");
  std::vector<char> buf(64);
  int len = static_cast<int>(buf.size());
  Stat st;
  CHECK_RC(zoo_wget(w.zh, p.c_str(), &Events::Fn, &w.ev, buf.data(), &len, &st), ZOK);
  CHECK_RC(zoo_set(c.zh, p.c_str(), "b", 1, -1), ZOK);
  auto e = w.ev.Next(5000);
  CHECK(e.first == ZOO_CHANGED_EVENT && e.second == p);
  CHECK_RC(zoo_delete(c.zh, p.c_str(), -1), ZOK);
  CHECK(w.ev.Next(500).first == -100);  // one-shot: nothing more
}

void ChildWatch() {
  Client c, w;
  std::string p = std::string(kBase) + "/cw";
  Create(c.zh, p, "");
  String_vector sv{};
  CHECK_RC(zoo_wget_children(w.zh, p.c_str(), &Events::Fn, &w.ev, &sv), ZOK);
  deallocate_String_vector(&sv);
  Create(c.zh, p + "/k", "");
  auto e = w.ev.Next(5000);
  CHECK(e.first == ZOO_CHILD_EVENT && e.second == p);
  DeleteTree(c.zh, p);
}

void ExistsWatchOnMissingNode() {
  Client c, w;
  std::string p = std::string(kBase) + "/later";
  Stat st;
  CHECK_RC(zoo_wexists(w.zh, p.c_str(), &Events::Fn, &w.ev, &st), ZNONODE);
  Create(c.zh, p, "");
  auto e = w.ev.Next(5000);
  CHECK(e.first == ZOO_CREATED_EVENT && e.second == p);
  CHECK_RC(zoo_wexists(w.zh, p.c_str(), &Events::Fn, &w.ev, &st), ZOK);
  CHECK_RC(zoo_delete(c.zh, p.c_str(), -1), ZOK);
  e = w.ev.Next(5000);
  CHECK(e.first == ZOO_DELETED_EVENT && e.second == p);
}

void MultiSuccess() {
  Client c;
  std::string p = std::string(kBase) + "/multi";
  std::string a = p + "/a";
  char out[256];
  zoo_op_t ops[4];
  zoo_op_result_t res[4];
  zoo_create_op_init(&ops[0], p.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, out, sizeof out);
  zoo_create_op_init(&ops[1], a.c_str(), "1", 1, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  Stat st;
  zoo_set_op_init(&ops[2], a.c_str(), "22", 2, 0, &st);
  zoo_check_op_init(&ops[3], a.c_str(), 1);
  CHECK_RC(zoo_multi(c.zh, 4, ops, res), ZOK);
  for (auto& r : res) CHECK(r.err == ZOK);
  CHECK(std::string(out) == p);
  CHECK(st.version == 1);
  CHECK(Get(c.zh, a) == "22");
  DeleteTree(c.zh, p);
}

void MultiFailureIsAtomic() {
  Client c;
  std::string p = std::string(kBase) + "/mfail";
  zoo_op_t ops[3];
  zoo_op_result_t res[3];
  zoo_create_op_init(&ops[0], p.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  zoo_delete_op_init(&ops[1], "/cclient/does-not-exist", -1);
  const std::string p2 = p + "2";  // ops keep the pointer: must outlive zoo_multi
  zoo_create_op_init(&ops[2], p2.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, nullptr, 0);
  CHECK_RC(zoo_multi(c.zh, 3, ops, res), ZNONODE);
  CHECK(res[0].err == ZOK && res[1].err == ZNONODE && res[2].err == ZRUNTIMEINCONSISTENCY);
  Stat st;
  CHECK_RC(zoo_exists(c.zh, p.c_str(), 0, &st), ZNONODE);
}

void DigestAcl() {
  Client owner, other;
  std::string p = std::string(kBase) + "/acl";
  CHECK_RC(zoo_add_auth(owner.zh, "digest", "carol:pw", 8, nullptr, nullptr), ZOK);
  // add_auth is async; a following sync request is ordered after it on the connection.
  char out[256];
  CHECK_RC(zoo_create(owner.zh, p.c_str(), "s", 1, &ZOO_CREATOR_ALL_ACL, 0, out, sizeof out),
           ZOK);
  std::vector<char> buf(16);
  int len = static_cast<int>(buf.size());
  Stat st;
  CHECK_RC(zoo_get(other.zh, p.c_str(), 0, buf.data(), &len, &st), ZNOAUTH);
  ACL_vector acl{};
  CHECK_RC(zoo_get_acl(owner.zh, p.c_str(), &acl, &st), ZOK);
  CHECK(acl.count == 1 && std::string(acl.data[0].id.scheme) == "digest" &&
        std::string(acl.data[0].id.id).rfind("carol:", 0) == 0 && acl.data[0].perms == 31);
  deallocate_ACL_vector(&acl);
  CHECK_RC(zoo_add_auth(other.zh, "digest", "carol:pw", 8, nullptr, nullptr), ZOK);
  CHECK(Get(other.zh, p) == "s");
  CHECK_RC(zoo_delete(owner.zh, p.c_str(), -1), ZOK);
}

void ContainerAndTtl() {
  Client c;
  std::string p = std::string(kBase) + "/cont";
  char out[256];
  CHECK_RC(zoo_create(c.zh, p.c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE, ZOO_CONTAINER, out,
                      sizeof out),
           ZOK);
  Stat st;
  std::string t = std::string(kBase) + "/ttl";
  CHECK_RC(zoo_create2_ttl(c.zh, t.c_str(), "x", 1, &ZOO_OPEN_ACL_UNSAFE,
                           ZOO_PERSISTENT_WITH_TTL, 60000, out, sizeof out, &st),
           ZOK);
  CHECK(std::string(out) == t && st.dataLength == 1);
  CHECK_RC(zoo_create_ttl(c.zh, (t + "0").c_str(), "", 0, &ZOO_OPEN_ACL_UNSAFE,
                          ZOO_PERSISTENT_WITH_TTL, 0, out, sizeof out),
           ZBADARGUMENTS);
  CHECK_RC(zoo_delete(c.zh, p.c_str(), -1), ZOK);
  CHECK_RC(zoo_delete(c.zh, t.c_str(), -1), ZOK);
}

void GetChildren2Stat() {
  Client c;
  std::string p = std::string(kBase) + "/gc2";
  Create(c.zh, p, "");
  for (int i = 0; i < 5; ++i) Create(c.zh, p + "/k" + std::to_string(i), "");
  String_vector sv{};
  Stat st;
  CHECK_RC(zoo_get_children2(c.zh, p.c_str(), 0, &sv, &st), ZOK);
  CHECK(sv.count == 5 && st.numChildren == 5 && st.cversion == 5);
  deallocate_String_vector(&sv);
  CHECK(Children(c.zh, p).size() == 5);
  DeleteTree(c.zh, p);
}

void LargeData() {
  Client c;
  std::string p = std::string(kBase) + "/large";
  std::string blob(512 * 1024, 'z');
  blob[1000] = '\0';  // binary safe
  Create(c.zh, p, blob);
  CHECK(Get(c.zh, p) == blob);
  CHECK_RC(zoo_delete(c.zh, p.c_str(), -1), ZOK);
}

void RemoveWatches() {
  Client c;
  std::string p = std::string(kBase) + "/rw";
  Create(c.zh, p, "");
  std::vector<char> buf(8);
  int len = static_cast<int>(buf.size());
  Stat st;
  CHECK_RC(zoo_wget(c.zh, p.c_str(), &Events::Fn, &c.ev, buf.data(), &len, &st), ZOK);
  CHECK_RC(zoo_remove_watches(c.zh, p.c_str(), ZWATCHTYPE_DATA, &Events::Fn, &c.ev, 0), ZOK);
  auto e = c.ev.Next(500);  // the client may report the removal locally
  CHECK(e.first == 5 /* DataWatchRemoved */ || e.first == -100);
  CHECK_RC(zoo_remove_watches(c.zh, p.c_str(), ZWATCHTYPE_DATA, &Events::Fn, &c.ev, 0),
           ZNOWATCHER);
  CHECK_RC(zoo_delete(c.zh, p.c_str(), -1), ZOK);
}

std::pair<std::string, int> SplitHostPort(const std::string& hp) {
  auto colon = hp.rfind(':');
  return {hp.substr(0, colon), std::stoi(hp.substr(colon + 1))};
}

void ReconnectWithSessionIdAndPassword() {
  Client watcher;
  std::string p = std::string(kBase) + "/resume";
  auto [host, port] = SplitHostPort(g_hosts);
  Proxy proxy(host, port);
  auto* first = new Client(nullptr, 6000, proxy.Address());
  Create(first->zh, p, "", ZOO_EPHEMERAL);
  clientid_t cid = *zoo_client_id(first->zh);
  proxy.Cut();  // the first handle loses its connection; the session lives on
  CHECK(first->ev.WaitState(ZOO_CONNECTING_STATE, 5000));
  Client second(&cid, 6000);
  CHECK(zoo_client_id(second.zh)->client_id == cid.client_id);
  Stat st;
  CHECK_RC(zoo_exists(second.zh, p.c_str(), 0, &st), ZOK);
  CHECK(st.ephemeralOwner == cid.client_id);
  Create(second.zh, p + "-2", "", ZOO_EPHEMERAL);  // the resumed session can write
  zookeeper_close(first->zh);  // not connected: no closeSession reaches the server
  first->zh = nullptr;
  delete first;
  CHECK_RC(zoo_exists(watcher.zh, p.c_str(), 0, &st), ZOK);
}

void WatchesRestoredAfterReconnect() {
  // The C client re-registers watches with SetWatches(relativeZxid) after a reconnect;
  // a change made while it was away must fire on reconnection.
  Client writer;
  std::string p = std::string(kBase) + "/setwatches";
  std::string q = std::string(kBase) + "/setwatches-later";
  Create(writer.zh, p, "a");
  auto [host, port] = SplitHostPort(g_hosts);
  Proxy proxy(host, port);
  Client w(nullptr, 10000, proxy.Address());
  std::vector<char> buf(8);
  int len = static_cast<int>(buf.size());
  Stat st;
  CHECK_RC(zoo_wget(w.zh, p.c_str(), &Events::Fn, &w.ev, buf.data(), &len, &st), ZOK);
  CHECK_RC(zoo_wexists(w.zh, q.c_str(), &Events::Fn, &w.ev, &st), ZNONODE);
  proxy.Cut();
  CHECK(w.ev.WaitState(ZOO_CONNECTING_STATE, 5000));
  CHECK_RC(zoo_set(writer.zh, p.c_str(), "b", 1, -1), ZOK);
  Create(writer.zh, q, "");
  proxy.Resume();
  CHECK(w.ev.WaitState(ZOO_CONNECTED_STATE, 10000));
  std::vector<std::pair<int, std::string>> got;
  for (int i = 0; i < 2; ++i) got.push_back(w.ev.Next(5000));
  std::sort(got.begin(), got.end());
  CHECK(got.size() == 2 && got[0].first == ZOO_CREATED_EVENT && got[0].second == q &&
        got[1].first == ZOO_CHANGED_EVENT && got[1].second == p);
  CHECK_RC(zoo_delete(writer.zh, p.c_str(), -1), ZOK);
  CHECK_RC(zoo_delete(writer.zh, q.c_str(), -1), ZOK);
}

void ExpiredSessionIsReported() {
  clientid_t cid{};
  {
    Client c(nullptr, 4000);
    cid = *zoo_client_id(c.zh);
  }  // closed: the session no longer exists
  Events ev;
  zhandle_t* zh = zookeeper_init(g_hosts.c_str(), &Events::Fn, 4000, &cid, &ev, 0);
  CHECK(zh != nullptr);
  bool expired = ev.WaitState(ZOO_EXPIRED_SESSION_STATE, 10000);
  zookeeper_close(zh);
  CHECK(expired);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s HOST:PORT\n", argv[0]);
    return 2;
  }
  g_hosts = argv[1];
  zoo_set_debug_level(ZOO_LOG_LEVEL_ERROR);
  zoo_set_log_stream(stderr);
  {
    Client setup;
    char out[64];
    zoo_create(setup.zh, kBase, "", 0, &ZOO_OPEN_ACL_UNSAFE, 0, out, sizeof out);
  }
  const std::vector<std::pair<const char*, std::function<void()>>> scenarios = {
      {"connect_and_read_root", ConnectAndReadRoot},
      {"create_get_set_delete", CreateGetSetDelete},
      {"error_codes", ErrorCodes},
      {"sequential_names", SequentialNames},
      {"ephemeral_gone_after_close", EphemeralGoneAfterClose},
      {"data_watch_one_shot", DataWatch},
      {"child_watch", ChildWatch},
      {"exists_watch_on_missing_node", ExistsWatchOnMissingNode},
      {"multi_success", MultiSuccess},
      {"multi_failure_is_atomic", MultiFailureIsAtomic},
      {"digest_acl", DigestAcl},
      {"container_and_ttl", ContainerAndTtl},
      {"get_children2_stat", GetChildren2Stat},
      {"large_data", LargeData},
      {"remove_watches", RemoveWatches},
      {"reconnect_with_session_id_and_password", ReconnectWithSessionIdAndPassword},
      {"watches_restored_after_reconnect", WatchesRestoredAfterReconnect},
      {"expired_session_is_reported", ExpiredSessionIsReported},
  };
  int failed = 0;
  for (const auto& [name, fn] : scenarios) {
    auto t0 = Clock::now();
    try {
      fn();
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
      std::printf("PASS %s (%lld ms)\n", name, static_cast<long long>(ms.count()));
    } catch (const std::exception& e) {
      std::printf("FAIL %s: %s\n", name, e.what());
      ++failed;
    }
    std::fflush(stdout);
  }
  std::printf("%zu scenarios, %d failed\n", scenarios.size(), failed);
  return failed == 0 ? 0 : 1;
}
