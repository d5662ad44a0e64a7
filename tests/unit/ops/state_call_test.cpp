#include "zkd/server/ops/state_call.h"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <thread>

namespace zkd::ops {
namespace {

using namespace std::chrono_literals;

// A minimal "state thread": runs posted closures in order.
class Loop {
 public:
  Loop() : thread_([this] { run(); }) {}
  ~Loop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  bool post(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mu_);
    if (paused_full_) return false;
    q_.push_back(std::move(f));
    cv_.notify_all();
    return true;
  }
  void refuse_posts() {
    std::lock_guard<std::mutex> lock(mu_);
    paused_full_ = true;
  }

 private:
  void run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait(lock, [&] { return stop_ || !q_.empty(); });
      if (q_.empty()) return;
      auto f = std::move(q_.front());
      q_.pop_front();
      lock.unlock();
      f();
      lock.lock();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> q_;
  bool stop_ = false;
  bool paused_full_ = false;
  std::thread thread_;
};

TEST(StateCallTest, ReturnsTheValueComputedOnTheOtherThread) {
  Loop loop;
  PostFn post = [&](std::function<void()> f) { return loop.post(std::move(f)); };
  std::thread::id caller = std::this_thread::get_id();
  auto r = call_with_timeout(post, 2s, [&] { return std::this_thread::get_id() != caller; });
  ASSERT_TRUE(r.has_value());
  EXPECT_TRUE(*r);
}

TEST(StateCallTest, TimesOutWhenTheThreadIsBusyAndSurvivesTheLateRun) {
  Loop loop;
  PostFn post = [&](std::function<void()> f) { return loop.post(std::move(f)); };
  std::atomic<bool> ran{false};
  loop.post([] { std::this_thread::sleep_for(300ms); });  // the state thread is busy
  auto r = call_with_timeout(post, 20ms, [&] {
    ran = true;
    return 1;
  });
  EXPECT_FALSE(r.has_value());
  std::this_thread::sleep_for(400ms);
  EXPECT_TRUE(ran);  // ran after the caller gave up, without touching freed memory
}

TEST(StateCallTest, NulloptWhenPostIsRefused) {
  Loop loop;
  loop.refuse_posts();
  PostFn post = [&](std::function<void()> f) { return loop.post(std::move(f)); };
  EXPECT_FALSE(call_with_timeout(post, 1s, [] { return 1; }).has_value());
}

}  // namespace
}  // namespace zkd::ops
