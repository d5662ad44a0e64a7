// Tests of the zkd_client library against a live server whose address is in
// $ZK_SERVER (test_client.py starts the server and runs this binary).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "zkd/client/four_letter.h"
#include "zkd/client/sync_client.h"

namespace zc = zkd::client;
namespace err = zkd::proto::err;
namespace op = zkd::proto::op;

namespace {

std::string server() {
  const char* s = std::getenv("ZK_SERVER");
  return s ? s : "";
}

std::string unique(const std::string& name) {
  static std::atomic<int> n{0};
  return "/client_test_" + std::to_string(::getpid()) + "_" + name + "_" + std::to_string(n++);
}

// Collects watch events for assertions.
struct Events {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<zc::WatchEvent> v;
  zc::WatchCallback cb() {
    return [this](const zc::WatchEvent& e) {
      std::lock_guard<std::mutex> lk(mu);
      v.push_back(e);
      cv.notify_all();
    };
  }
  // Waits for an event of `type` on `path`.
  bool wait_for(int32_t type, const std::string& path, int ms = 5000) {
    std::unique_lock<std::mutex> lk(mu);
    return cv.wait_for(lk, std::chrono::milliseconds(ms), [&] {
      for (const auto& e : v) {
        if (e.type == type && e.path == path) return true;
      }
      return false;
    });
  }
};

// A TCP proxy to the server that the test can cut (close every connection and refuse
// new ones) and restore, to exercise disconnects, reconnects and expiry.
class Proxy {
 public:
  explicit Proxy(const std::string& target) {
    auto colon = target.rfind(':');
    target_port_ = static_cast<uint16_t>(std::stoi(target.substr(colon + 1)));
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    ::setsockopt(listen_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(listen_, 16);
    thread_ = std::thread([this] { loop(); });
  }
  ~Proxy() {
    stop_ = true;
    ::shutdown(listen_, SHUT_RDWR);
    thread_.join();
    ::close(listen_);
    cut();
  }
  std::string addr() const { return "127.0.0.1:" + std::to_string(port_); }
  // Drops every proxied connection; while cut, new connections are closed at once.
  void cut() {
    std::lock_guard<std::mutex> lk(mu_);
    cut_ = true;
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);
  }
  void restore() {
    std::lock_guard<std::mutex> lk(mu_);
    cut_ = false;
  }

 private:
  void loop() {
    while (!stop_) {
      int c = ::accept(listen_, nullptr, nullptr);
      if (c < 0) return;
      std::lock_guard<std::mutex> lk(mu_);
      if (cut_) {
        ::close(c);
        continue;
      }
      int s = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(target_port_);
      if (::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(c);
        ::close(s);
        continue;
      }
      fds_.push_back(c);
      fds_.push_back(s);
      std::thread([c, s] { pump(c, s); }).detach();
      std::thread([c, s] { pump(s, c); }).detach();
    }
  }
  static void pump(int from, int to) {
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(from, buf, sizeof buf, 0);
      if (n <= 0 || ::send(to, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
    }
    ::shutdown(to, SHUT_RDWR);
    ::shutdown(from, SHUT_RDWR);
  }
  int listen_ = -1;
  uint16_t port_ = 0;
  uint16_t target_port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  bool cut_ = false;
  std::vector<int> fds_;  // never closed while pumps may use them; leaked per test
  std::thread thread_;
};

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (server().empty()) GTEST_SKIP() << "ZK_SERVER not set";
  }
  std::unique_ptr<zc::SyncClient> connect(const std::string& suffix = "",
                                          zc::WatchCallback watcher = nullptr,
                                          int32_t timeout_ms = 10000) {
    zc::Options o;
    o.servers = server() + suffix;
    o.session_timeout_ms = timeout_ms;
    o.watcher = std::move(watcher);
    auto c = std::make_unique<zc::SyncClient>(o);
    std::string e;
    EXPECT_TRUE(c->connect(10000, &e)) << e;
    return c;
  }
};

TEST_F(ClientTest, PipelinedRequestsCompleteInOrder) {
  auto c = connect();
  std::string root = unique("pipe");
  ASSERT_TRUE(c->create(root, "", zc::open_acl_unsafe()).ok());
  constexpr int kN = 2000;
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int> order;
  for (int i = 0; i < kN; ++i) {
    c->async().create(root + "/n" + std::to_string(i), "v", false, zc::open_acl_unsafe(), 0,
                      [&, i](int32_t e, zc::CreateResult) {
                        std::lock_guard<std::mutex> lk(mu);
                        order.push_back(e == 0 ? i : -1);
                        cv.notify_all();
                      });
  }
  {
    std::unique_lock<std::mutex> lk(mu);
    ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(30), [&] { return order.size() == kN; }));
  }
  for (int i = 0; i < kN; ++i) ASSERT_EQ(order[i], i);
  auto n = c->get_all_children_number(root);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value, kN);
  auto ch = c->get_children2(root);
  ASSERT_TRUE(ch.ok());
  EXPECT_EQ(ch.value.children.size(), static_cast<size_t>(kN));
  EXPECT_EQ(ch.value.stat.numChildren, kN);
}

TEST_F(ClientTest, MultiIsAtomicAndReportsPerOpResults) {
  auto c = connect();
  std::string p = unique("multi");
  auto ok = c->multi({zc::Op::create(p, "a", zc::open_acl_unsafe(), 0), zc::Op::set_data(p, "b", 0),
                      zc::Op::check(p, 1)});
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok.value.size(), 3u);
  EXPECT_EQ(ok.value[0].type, op::kCreate);
  EXPECT_EQ(ok.value[0].path, p);
  EXPECT_EQ(ok.value[1].type, op::kSetData);
  EXPECT_EQ(ok.value[1].stat.version, 1);
  EXPECT_EQ(ok.value[2].err, 0);
  // Second op fails: first rolled back (0), failing one has its code, rest -2.
  auto bad = c->multi({zc::Op::set_data(p, "c", -1), zc::Op::check(p, 99), zc::Op::remove(p, -1)});
  ASSERT_TRUE(bad.ok());
  ASSERT_EQ(bad.value.size(), 3u);
  EXPECT_EQ(bad.value[0].err, 0);
  EXPECT_EQ(bad.value[1].err, err::kBadVersion);
  EXPECT_EQ(bad.value[2].err, err::kRuntimeInconsistency);
  auto d = c->get_data(p);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d.value.data, "b");
}

TEST_F(ClientTest, MultiReadReturnsEachResult) {
  auto c = connect();
  std::string p = unique("mread");
  ASSERT_TRUE(c->create(p, "data", zc::open_acl_unsafe()).ok());
  ASSERT_TRUE(c->create(p + "/k", "", zc::open_acl_unsafe()).ok());
  auto r = c->multi_read(
      {zc::Op::get_data(p), zc::Op::get_children(p), zc::Op::get_data(p + "/missing")});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r.value.size(), 3u);
  EXPECT_EQ(r.value[0].data, "data");
  EXPECT_EQ(r.value[0].stat.numChildren, 1);
  EXPECT_EQ(r.value[1].children, std::vector<std::string>{"k"});
  EXPECT_EQ(r.value[2].err, err::kNoNode);
}

TEST_F(ClientTest, ErrorsAndVersions) {
  auto c = connect();
  std::string p = unique("err");
  EXPECT_EQ(c->get_data(p).err, err::kNoNode);
  EXPECT_EQ(c->exists(p).err, err::kNoNode);
  ASSERT_TRUE(c->create(p, "x", zc::open_acl_unsafe()).ok());
  EXPECT_EQ(c->create(p, "x", zc::open_acl_unsafe()).err, err::kNodeExists);
  EXPECT_EQ(c->set_data(p, "y", 5).err, err::kBadVersion);
  ASSERT_TRUE(c->create(p + "/c", "", zc::open_acl_unsafe()).ok());
  EXPECT_EQ(c->remove(p, -1).err, err::kNotEmpty);
  auto ephemeral =
      c->create(p + "/e", "", zc::open_acl_unsafe(), zkd::proto::create_mode::kEphemeral);
  ASSERT_TRUE(ephemeral.ok());
  EXPECT_EQ(c->create(p + "/e/x", "", zc::open_acl_unsafe()).err, err::kNoChildrenForEphemerals);
  auto eph = c->get_ephemerals(p);
  ASSERT_TRUE(eph.ok());
  EXPECT_EQ(eph.value, std::vector<std::string>{p + "/e"});
}

TEST_F(ClientTest, CreateModesAndAcl) {
  auto c = connect();
  std::string p = unique("modes");
  ASSERT_TRUE(c->create(p, "", zc::open_acl_unsafe()).ok());
  auto s = c->create(p + "/s-", "", zc::open_acl_unsafe(),
                     zkd::proto::create_mode::kPersistentSequential);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value.path, p + "/s-0000000000");
  EXPECT_TRUE(
      c->create(p + "/c", "", zc::open_acl_unsafe(), zkd::proto::create_mode::kContainer).ok());
  EXPECT_TRUE(c->create(p + "/t", "", zc::open_acl_unsafe(),
                        zkd::proto::create_mode::kPersistentWithTTL, 60000)
                  .ok());
  zc::ACLs ro = {zc::ACL{zkd::proto::perm::kRead, zc::Id{"world", "anyone"}}};
  auto st = c->set_acl(p + "/c", ro, 0);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st.value.aversion, 1);
  auto acl = c->get_acl(p + "/c");
  ASSERT_TRUE(acl.ok());
  EXPECT_EQ(acl.value.acl, ro);
  EXPECT_EQ(c->set_data(p + "/c", "x").err, err::kNoAuth);
}

TEST_F(ClientTest, ChrootIsAppliedAndStripped) {
  auto plain = connect();
  std::string root = unique("chroot");
  ASSERT_TRUE(plain->create(root, "", zc::open_acl_unsafe()).ok());
  Events ev;
  auto c = connect(root, ev.cb());
  auto r =
      c->create("/x", "1", zc::open_acl_unsafe(), zkd::proto::create_mode::kEphemeralSequential);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value.path.rfind("/x", 0), 0u);
  EXPECT_TRUE(plain->exists(root + r.value.path).ok());
  auto ls = c->get_children("/");
  ASSERT_TRUE(ls.ok());
  EXPECT_EQ(ls.value.children.size(), 1u);
  auto eph = c->get_ephemerals("/");
  ASSERT_TRUE(eph.ok());
  EXPECT_EQ(eph.value, std::vector<std::string>{r.value.path});
  auto sy = c->sync("/");
  ASSERT_TRUE(sy.ok());
  EXPECT_EQ(sy.value, "/");
  ASSERT_EQ(c->exists("/w", true).err, err::kNoNode);
  ASSERT_TRUE(plain->create(root + "/w", "", zc::open_acl_unsafe()).ok());
  EXPECT_TRUE(ev.wait_for(zkd::proto::event::kNodeCreated, "/w"));
}

TEST_F(ClientTest, WatchesFireAndCanBeRemoved) {
  Events ev;
  auto c = connect("", ev.cb());
  auto other = connect();
  std::string p = unique("watch");
  ASSERT_TRUE(c->create(p, "", zc::open_acl_unsafe()).ok());
  ASSERT_TRUE(c->get_data(p, true).ok());
  ASSERT_TRUE(other->set_data(p, "x").ok());
  EXPECT_TRUE(ev.wait_for(zkd::proto::event::kNodeDataChanged, p));
  ASSERT_TRUE(c->add_watch(p, zkd::proto::add_watch_mode::kPersistentRecursive).ok());
  ASSERT_TRUE(other->create(p + "/deep", "", zc::open_acl_unsafe()).ok());
  EXPECT_TRUE(ev.wait_for(zkd::proto::event::kNodeCreated, p + "/deep"));
  // (ZooKeeper 3.8 accepts only Children/Data/Any here.)
  EXPECT_EQ(c->check_watches(p, zkd::proto::watcher_type::kAny).err, 0);
  EXPECT_EQ(c->remove_watches(p, zkd::proto::watcher_type::kAny).err, 0);
  EXPECT_EQ(c->check_watches(p, zkd::proto::watcher_type::kAny).err, err::kNoWatcher);
  EXPECT_EQ(c->remove_watches(p, zkd::proto::watcher_type::kAny).err, err::kNoWatcher);
}

TEST_F(ClientTest, AuthWhoAmIAndConfig) {
  auto c = connect();
  auto w = c->who_am_i();
  ASSERT_TRUE(w.ok());
  ASSERT_FALSE(w.value.empty());
  EXPECT_EQ(w.value[0].scheme, "ip");
  ASSERT_TRUE(c->add_auth("digest", "carol:pw").ok());
  w = c->who_am_i();
  ASSERT_TRUE(w.ok());
  bool found = false;
  for (const auto& ci : w.value) found = found || (ci.scheme == "digest" && ci.user == "carol");
  EXPECT_TRUE(found);
  std::string p = unique("auth");
  zc::ACLs mine = {zc::ACL{zkd::proto::perm::kAll, zc::Id{"auth", ""}}};
  ASSERT_TRUE(c->create(p, "s", mine).ok());
  auto stranger = connect();
  EXPECT_EQ(stranger->get_data(p).err, err::kNoAuth);
  EXPECT_TRUE(c->get_data(p).ok());
  EXPECT_TRUE(c->get_config().ok());
}

TEST_F(ClientTest, PingsKeepAnIdleSessionAlive) {
  auto c = connect("", nullptr, 4000);  // ZooKeeper's minimum with tickTime 2000
  int64_t sid = c->async().session_id();
  int32_t t = c->async().negotiated_timeout_ms();
  ASSERT_GT(t, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(t * 2));
  EXPECT_TRUE(c->exists("/").ok());
  EXPECT_EQ(c->async().session_id(), sid);
  EXPECT_EQ(c->async().state(), zc::State::kConnected);
}

TEST_F(ClientTest, SkipsUnreachableHostAndRawSubmitWorks) {
  zc::Options o;
  o.servers = "127.0.0.1:1," + server();
  zc::SyncClient c(o);
  std::string e;
  ASSERT_TRUE(c.connect(10000, &e)) << e;
  EXPECT_EQ(c.async().connected_server(), server());
  std::string body;
  zkd::proto::Writer w(&body);
  zkd::proto::write(w, zkd::proto::PathRequest{"/", false});
  std::promise<int32_t> done;
  c.async().submit(op::kGetAllChildrenNumber, body,
                   [&](int32_t err, int64_t zxid, zkd::proto::Reader& r) {
                     done.set_value(err == 0 && zxid > 0 && r.i32() >= 2 ? 0 : -1);
                   });
  EXPECT_EQ(done.get_future().get(), 0);
}

TEST_F(ClientTest, ClosedClientFailsCallsAndUnreachableGivesUp) {
  auto c = connect();
  c->close();
  EXPECT_EQ(c->exists("/").err, err::kConnectionLoss);
  zc::Options o;
  o.servers = "127.0.0.1:1";
  o.max_connect_rounds = 2;
  zc::SyncClient dead(o);
  std::string e;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(dead.connect(10000, &e));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_NE(e.find("refused"), std::string::npos) << e;
  EXPECT_EQ(dead.async().state(), zc::State::kClosed);
}

TEST_F(ClientTest, ReconnectsWithTheSameSessionAfterADrop) {
  Proxy proxy(server());
  Events ev;
  zc::Options o;
  o.servers = proxy.addr();
  o.session_timeout_ms = 10000;
  o.reconnect_backoff_ms = 100;
  o.watcher = ev.cb();
  zc::SyncClient c(o);
  std::string e;
  ASSERT_TRUE(c.connect(10000, &e)) << e;
  int64_t sid = c.async().session_id();
  std::string p = unique("reconnect");
  ASSERT_TRUE(c.create(p, "", zc::open_acl_unsafe(), zkd::proto::create_mode::kEphemeral).ok());
  proxy.cut();
  {
    std::unique_lock<std::mutex> lk(ev.mu);
    ASSERT_TRUE(ev.cv.wait_for(lk, std::chrono::seconds(10), [&] {
      for (const auto& x : ev.v) {
        if (x.state == zkd::proto::state::kDisconnected) return true;
      }
      return false;
    }));
  }
  // A request made while disconnected waits for the new connection.
  std::promise<int32_t> queued;
  c.async().exists(p, false, [&](int32_t err, zc::Stat) { queued.set_value(err); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  proxy.restore();
  ASSERT_TRUE(c.async().wait_connected(10000)) << zc::state_name(c.async().state());
  auto f = queued.get_future();
  ASSERT_EQ(f.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(f.get(), 0);
  EXPECT_EQ(c.async().session_id(), sid);
  EXPECT_TRUE(c.exists(p).ok());  // the ephemeral survived: same session
  c.close();
}

TEST_F(ClientTest, SessionExpiresWhenNoServerComesBack) {
  Proxy proxy(server());
  Events ev;
  zc::Options o;
  o.servers = proxy.addr();
  o.session_timeout_ms = 4000;
  o.reconnect_backoff_ms = 100;
  o.watcher = ev.cb();
  zc::SyncClient c(o);
  std::string e;
  ASSERT_TRUE(c.connect(10000, &e)) << e;
  auto watcher = connect();
  std::string p = unique("expire");
  ASSERT_TRUE(c.create(p, "", zc::open_acl_unsafe(), zkd::proto::create_mode::kEphemeral).ok());
  proxy.cut();
  {
    std::unique_lock<std::mutex> lk(ev.mu);
    ASSERT_TRUE(ev.cv.wait_for(lk, std::chrono::seconds(20), [&] {
      for (const auto& x : ev.v) {
        if (x.state == zkd::proto::state::kExpired) return true;
      }
      return false;
    }));
  }
  EXPECT_EQ(c.async().state(), zc::State::kExpired);
  EXPECT_EQ(c.exists("/").err, err::kSessionExpired);
  // The server expires it too, removing the ephemeral.
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    gone = watcher->exists(p).err == err::kNoNode;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone);
}

TEST_F(ClientTest, CallbacksMayChainRequests) {
  auto c = connect();
  std::string p = unique("chain");
  ASSERT_TRUE(c->create(p, "0", zc::open_acl_unsafe()).ok());
  // Closed loop as a load generator runs it: each reply submits the next request.
  constexpr int kChains = 8, kPerChain = 300;
  std::mutex mu;
  std::condition_variable cv;
  int finished = 0, failures = 0;
  zc::Client& ac = c->async();
  std::function<void(int)> step;
  std::vector<int> left(kChains, kPerChain);
  step = [&](int chain) {
    ac.set_data(p, "v", -1, [&, chain](int32_t e, zc::Stat) {
      std::lock_guard<std::mutex> lk(mu);
      if (e) ++failures;
      if (--left[chain] == 0) {
        ++finished;
        cv.notify_all();
      } else {
        step(chain);  // submit from the I/O thread
      }
    });
  };
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < kChains; ++i) step(i);
  std::unique_lock<std::mutex> lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(60), [&] { return finished == kChains; }));
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  EXPECT_EQ(failures, 0);
  lk.unlock();
  auto st = c->exists(p);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st.value.version, kChains * kPerChain);
  std::printf("chained %d setData in %lld ms\n", kChains * kPerChain, static_cast<long long>(ms));
}

TEST_F(ClientTest, FourLetterWord) {
  std::string s = server();
  auto colon = s.rfind(':');
  auto r = zc::four_letter_word(s.substr(0, colon),
                                static_cast<uint16_t>(std::stoi(s.substr(colon + 1))), "ruok");
  EXPECT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.text, "imok");
  auto down = zc::four_letter_word("127.0.0.1", 1, "ruok", 1000);
  EXPECT_FALSE(down.ok);
  EXPECT_FALSE(down.error.empty());
}

}  // namespace
