// Four-letter words: ZooKeeper 3.8's exact reply text for a command sent as the first
// 4 bytes of a connection, built from a ServerView snapshot.
//
// Server usage (IO thread of the new connection, before any handshake):
//   if (auto word = ops::four_letter_word(first4)) {
//     int64_t arg = 0;                                  // stmk only: read 8 more bytes
//     auto r = ops::run_four_letter(*word, view, four_letter_config, arg);
//     if (r.action == FourLetterResult::Action::kReply) write r.text;
//     close the connection (after the write drained).
//   }
// run_four_letter calls ServerView methods, which may block up to the view's timeout,
// so call it off the state thread. Thread-safe (the trace mask is an atomic).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "zkd/server/ops/server_view.h"
#include "zkd/server/ops/whitelist.h"

namespace zkd::ops {

inline constexpr std::string_view kNotServing =
    "This ZooKeeper instance is not currently serving requests";

struct FourLetterResult {
  enum class Action {
    kReply,  // write text, then close
    kClose,  // unknown word or "telnet close": close without writing
  };
  Action action = Action::kClose;
  std::string text;
};

FourLetterResult run_four_letter(std::string_view word, ServerView& view,
                                 const FourLetterConfig& config, int64_t argument = 0);

// The individual replies, for the AdminServer and tests. Each returns the exact bytes.
std::string format_srvr(ServerView& view, bool with_clients);  // srvr, stat
std::string format_cons(ServerView& view);
std::string format_conf(ServerView& view);
std::string format_envi(ServerView& view);
std::string format_dump(ServerView& view);
std::string format_wchs(ServerView& view);
std::string format_wchc(ServerView& view);
std::string format_wchp(ServerView& view);
std::string format_mntr(ServerView& view);
std::string format_dirs(ServerView& view);
std::string format_hash(ServerView& view);
std::string format_isro(ServerView& view);

// gtmk/stmk: zkd keeps ZooKeeper's trace mask (default 306) so tools that set and read it
// work; zkd has no request tracing, so the mask has no other effect.
int64_t trace_mask();
void set_trace_mask(int64_t mask);

}  // namespace zkd::ops
