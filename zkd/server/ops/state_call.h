// call_with_timeout: the building block for a ServerView implementation. Posts `fn` to
// another thread (the server's state thread) through `post` and waits at most `timeout`
// for its result.
//
//   std::optional<ServerStats> ZkdServerView::stats() {
//     return ops::call_with_timeout(post_to_state_thread_, 2s, [this] { return
//     collect_stats(); });
//   }
//
// `post` returns false when the closure cannot be queued (queue full, shutting down); the
// result is then nullopt at once. On timeout the closure may still run later: it only writes
// into shared state owned jointly with the caller, so that is safe. `fn` must not call back
// into call_with_timeout on the same thread (the state thread must never wait on itself).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>

namespace zkd::ops {

using PostFn = std::function<bool(std::function<void()>)>;

template <typename Fn>
auto call_with_timeout(const PostFn& post, std::chrono::milliseconds timeout, Fn fn)
    -> std::optional<std::invoke_result_t<Fn&>> {
  using T = std::invoke_result_t<Fn&>;
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<T> result;
    bool done = false;
  };
  auto shared = std::make_shared<Shared>();
  bool queued = post([shared, fn = std::move(fn)]() mutable {
    T value = fn();
    std::lock_guard<std::mutex> lock(shared->mu);
    shared->result = std::move(value);
    shared->done = true;
    shared->cv.notify_all();
  });
  if (!queued) return std::nullopt;
  std::unique_lock<std::mutex> lock(shared->mu);
  if (!shared->cv.wait_for(lock, timeout, [&] { return shared->done; })) return std::nullopt;
  return std::move(shared->result);
}

}  // namespace zkd::ops
