// zkctl's shared command plumbing: global options, the lazily connected session, flag
// parsing, exit codes, and error reporting. Single-threaded except where noted (watch
// events arrive on the client's I/O thread and are printed under out_mu).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "zkd/client/sync_client.h"

namespace zkctl {

using zkd::client::SyncClient;

// Exit codes (documented in docs/zkctl.md; stable for scripts).
enum Exit : int {
  kOk = 0,
  kError = 1,         // any other failure (server error, I/O error, not whitelisted)
  kUsage = 2,         // bad arguments: unknown command/flag, bad path, data too large
  kNotConnected = 3,  // no server reachable, connection lost, timeout, session expired
  kNoNode = 4,
  kBadVersion = 5,
  kNoAuth = 6,  // NOAUTH or AUTHFAILED
  kNodeExists = 7,
  kNotEmpty = 8,
  kMismatch = 9,  // check: the servers disagree
};

struct Globals {
  std::string servers = "127.0.0.1:2181";
  int32_t session_timeout_ms = 30000;
  int32_t connect_timeout_ms = 10000;
  std::vector<std::string> auths;  // digest "user:password"
  bool json = false;
  int64_t max_data_bytes = 1048575 - 1024;  // jute.maxbuffer minus request overhead
};

// Parsed arguments of one command. Flags are keyed by name without dashes ("s", "depth").
struct Args {
  std::string cmd;
  std::vector<std::string> pos;
  std::map<std::string, std::string> flags;
  bool has(const std::string& f) const { return flags.count(f) != 0; }
  std::string get(const std::string& f, const std::string& def = "") const {
    auto it = flags.find(f);
    return it == flags.end() ? def : it->second;
  }
};

// `spec` lists accepted flags: "s" (bool -s), "v:" (-v VALUE), "depth:" (--depth VALUE),
// "overwrite" (--overwrite). Flags may appear anywhere; "--" ends them. A token like
// "-1" that is not a declared flag is positional. Returns "" or an error message.
std::string parse_flags(const std::vector<std::string>& tokens, size_t from,
                        const std::vector<std::string>& spec, Args* out);

class Ctx {
 public:
  Globals g;
  bool interactive = false;  // inside `zkctl shell`
  std::mutex out_mu;         // serializes stdout between main and I/O threads

  // The connected session; connects on first use. nullptr after printing an error
  // (then *exit_code is set).
  SyncClient* zk(int* exit_code);
  void disconnect();
  // zkCli's prompt state word: CONNECTED, CONNECTING, CLOSED, ...
  std::string state_label() const;
  // Watch/session events of the shared session go to this handler (the shell prints
  // them, watch queues them). It runs on the client's I/O thread.
  void set_on_event(std::function<void(const zkd::client::WatchEvent&)> fn);

  // Prints one line to stdout (adds '\n').
  void out(const std::string& line);
  // Reports an error on stderr ("zkctl: <msg>") — and as a JSON object on stdout in
  // json mode — and returns `exit_code`.
  int fail(int exit_code, const std::string& code, const std::string& message);
  // Maps a ZooKeeper error code to zkCli's message and our exit code.
  int zk_fail(int32_t err, const std::string& path);
  // Notes on stderr (skipped nodes etc.); never on stdout.
  void note(const std::string& msg);

 private:
  void dispatch_event(const zkd::client::WatchEvent& ev);

  std::unique_ptr<SyncClient> zk_;
  std::mutex event_mu_;  // guards on_event_ (set on main, read on the I/O thread)
  std::function<void(const zkd::client::WatchEvent&)> on_event_;
};

int exit_for(int32_t zk_err);
std::string zk_message(int32_t zk_err, const std::string& path);

// Path argument check; returns "" or a message naming the problem.
std::string check_path(const std::string& path);
// In a command: returns the usage failure from the calling function when `p` is not a
// valid path.
#define CHECK_PATH(ctx, p)                                            \
  do {                                                                \
    std::string why_ = check_path(p);                                 \
    if (!why_.empty()) return ctx.fail(kUsage, "BADARGUMENTS", why_); \
  } while (0)
// Data argument: "-" reads stdin (bounded by g.max_data_bytes). Returns false after
// reporting an error (exit code in *exit_code).
bool read_data_arg(Ctx& ctx, const std::string& arg, std::string* data, int* exit_code);

// Parses an integer argument; false on junk.
bool parse_int(const std::string& s, int64_t* v);

// One command. `spec` as for parse_flags; `min_pos`/`max_pos` bound positional args.
struct Command {
  const char* name;
  std::vector<std::string> spec;
  int min_pos;
  int max_pos;
  const char* usage;
  int (*run)(Ctx&, const Args&);
};
const std::vector<Command>& commands();
const Command* find_command(const std::string& name);

// Runs argv-style tokens (tokens[0] is the command). Used by main and the shell.
int run_command(Ctx& ctx, const std::vector<std::string>& tokens);

// Command groups (each in its own file).
void register_data_commands(std::vector<Command>* out);
void register_tree_commands(std::vector<Command>* out);
void register_cluster_commands(std::vector<Command>* out);

int shell_main(Ctx& ctx, const Args& a);

}  // namespace zkctl
