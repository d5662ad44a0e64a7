// Request generators: what the engine sends. One Generator per engine thread (not shared,
// not thread-safe). next() appends exactly one whole frame; the engine assigns xids and
// matches replies in order, then hands each reply back through on_reply().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zkctl/bench/options.h"
#include "zkd/proto/jute.h"

namespace zkctl::bench {

// Not a ZooKeeper code (those are <= 0): a reply whose body did not decode.
constexpr int32_t kMalformedReply = 1;

// What the engine keeps about a request until its reply: its type, and a tag the
// generator may use to recognise it (0 when unused).
struct ReqInfo {
  int32_t opcode = 0;
  uint32_t tag = 0;
};

class Generator {
 public:
  virtual ~Generator() = default;
  // Appends one framed request with `xid` to *out and fills *info. Returns false when the
  // workload has nothing more to send (a finite list); *out is then unchanged.
  virtual bool next(int32_t xid, std::string* out, ReqInfo* info) = 0;
  // Called for every reply, in each connection's request order, with the request's info
  // and ReplyHeader.err. Returns the error to
  // count: err itself, an error found inside the body (a failed multi has err == 0), or
  // kMalformedReply when a successful reply's body does not decode as expected.
  virtual int32_t on_reply(const ReqInfo& req, int32_t err, zkd::proto::Reader& body) {
    return err;
  }
};

// The bench's znode layout, shared read-only by all threads after construction.
struct Layout {
  std::string root;                 // e.g. /zkbench
  std::string value;                // value_size bytes
  std::vector<std::string> keys;    // ROOT/k0000000001.. (get/exists/set/mix)
  std::vector<std::string> doomed;  // ROOT/d/k0000000001.. (delete workload)
  std::string create_dir;           // ROOT/c (create and multi)
  std::string delete_dir;           // ROOT/d
};

// Builds the layout the workload needs (key names, value bytes).
Layout make_layout(const Options& o);

// The measured workload for thread `t` of `n`.
std::unique_ptr<Generator> make_workload(const Options& o, const Layout& l, int t, int n);

// Finite lists, split round-robin among n threads: creates and deletes. datas[i] is the
// data of paths[i]; a single-element datas is shared by all paths.
std::unique_ptr<Generator> make_creates(const std::vector<std::string>& paths,
                                        const std::vector<std::string>& datas, int t, int n);
std::unique_ptr<Generator> make_deletes(const std::vector<std::string>& paths, int t, int n);

}  // namespace zkctl::bench
