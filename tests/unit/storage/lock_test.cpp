// The dataDir lock: a second opener is refused with the holder's pid.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_util.h"

namespace zkd::storage {
namespace {

using testing::config_for;
using testing::must_open;
using testing::TempDir;

TEST(DirLock, SecondOpenInProcessIsRefusedNamingThePid) {
  TempDir dir;
  auto first = must_open(config_for(dir));
  Status st;
  EXPECT_EQ(open_store(config_for(dir), &st), nullptr);
  EXPECT_FALSE(st.ok);
  EXPECT_NE(st.message.find("pid " + std::to_string(::getpid())), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("zkd.lock"), std::string::npos) << st.message;
  first.reset();
  EXPECT_NE(open_store(config_for(dir), &st), nullptr) << st.message;
}

TEST(DirLock, SecondProcessIsRefusedNamingThePid) {
  TempDir dir;
  auto first = must_open(config_for(dir));
  const std::string expect = "pid " + std::to_string(::getpid());
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Status st;
    auto s = open_store(config_for(dir), &st);
    ::_exit(!s && st.message.find(expect) != std::string::npos ? 0 : 1);
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus));
  EXPECT_EQ(WEXITSTATUS(wstatus), 0);
}

TEST(DirLock, LockIsReleasedWhenTheHolderDies) {
  TempDir dir;
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    Status st;
    auto s = open_store(config_for(dir), &st);
    ::_exit(s ? 0 : 1);  // exits without closing: the kernel drops the flock
  }
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_EQ(WEXITSTATUS(wstatus), 0);
  Status st;
  EXPECT_NE(open_store(config_for(dir), &st), nullptr) << st.message;
}

TEST(DirLock, SharedDataLogDirIsLockedToo) {
  TempDir a, b, logs;
  StoreConfig ca = config_for(a), cb = config_for(b);
  ca.data_log_dir = cb.data_log_dir = logs.path();
  auto first = must_open(ca);
  Status st;
  EXPECT_EQ(open_store(cb, &st), nullptr);
  EXPECT_NE(st.message.find(logs.path()), std::string::npos) << st.message;
  EXPECT_NE(st.message.find("pid " + std::to_string(::getpid())), std::string::npos) << st.message;
}

}  // namespace
}  // namespace zkd::storage
