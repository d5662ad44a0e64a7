// Crash recovery: a writer process is killed with SIGKILL in the middle of group commit;
// every zxid it saw acknowledged (on_durable) must be there after reopen, and the log
// must be a gap-free prefix of what was submitted.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "test_util.h"
#include "zkd/storage/group_commit.h"

namespace zkd::storage {
namespace {

using testing::config_for;
using testing::must_open;
using testing::replay_all;
using testing::TempDir;

// Child: appends forever through a GroupCommitter, checkpointing now and then, and writes
// each durable zxid to `fd` (8 bytes) only after on_durable reported it.
[[noreturn]] void writer(const StoreConfig& config, int fd) {
  Status st;
  auto store = open_store(config, &st);
  if (!store) ::_exit(2);
  GroupCommitter gc(
      store.get(), {},
      [fd](int64_t z) {
        if (::write(fd, &z, sizeof(z)) != sizeof(z)) ::_exit(3);
      },
      [](const std::string&) { ::_exit(4); });
  for (int64_t z = store->last_logged_zxid() + 1;; ++z) {
    gc.submit({z, "txn-" + std::to_string(z)});
    if (z % 5000 == 0) gc.request_checkpoint(z - 2000, {"state-" + std::to_string(z)});
  }
}

TEST(Crash, AcknowledgedEntriesSurviveSigkill) {
  TempDir dir;
  StoreConfig c = config_for(dir);
  int64_t acked = 0;
  for (int round = 0; round < 3; ++round) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(fds[0]);
      writer(c, fds[1]);
    }
    ::close(fds[1]);
    // Let it run for a while, reading acknowledgements, then kill it mid-flight.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(400 + 200 * round);
    int64_t z = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::read(fds[0], &z, sizeof(z)) != sizeof(z)) break;
      acked = std::max(acked, z);
    }
    ::kill(child, SIGKILL);
    while (::read(fds[0], &z, sizeof(z)) == sizeof(z)) acked = std::max(acked, z);
    ::close(fds[0]);
    int wstatus = 0;
    ::waitpid(child, &wstatus, 0);
    ASSERT_TRUE(WIFSIGNALED(wstatus)) << "writer exited with " << WEXITSTATUS(wstatus);

    auto s = must_open(c);
    EXPECT_GE(s->last_logged_zxid(), acked) << "round " << round;
    auto log = replay_all(s.get(), s->checkpoint_zxid());
    int64_t expect = s->checkpoint_zxid() + 1;
    for (auto& [zxid, txn] : log) {
      ASSERT_EQ(zxid, expect) << "gap in the log, round " << round;
      ASSERT_EQ(txn, "txn-" + std::to_string(zxid));
      ++expect;
    }
    EXPECT_EQ(expect - 1, s->last_logged_zxid());
    if (s->checkpoint_zxid() > 0) {
      std::vector<std::string> recs;
      ASSERT_TRUE(s->load_checkpoint([&](std::string_view r) { recs.emplace_back(r); }).ok);
      ASSERT_EQ(recs.size(), 1u);
      EXPECT_EQ(recs[0], "state-" + std::to_string(s->checkpoint_zxid() + 2000));
    }
  }
  EXPECT_GT(acked, 0);
}

}  // namespace
}  // namespace zkd::storage
