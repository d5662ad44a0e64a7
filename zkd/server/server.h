// Server: the state thread. One epoll loop owns client connections, the DataTree, the
// watches, the sessions and the write pipeline:
//
//   frame -> request queue of its connection (per-session FIFO)
//         -> write: prep (Txn, zxid) -> Durability.submit -> ... durable -> apply -> reply
//         -> read:  executed when every earlier request of the connection is answered
//
// Invariants (asserted):
//  - A Txn is applied only when durable_zxid() >= its zxid (persist before reply).
//  - Txns are applied in zxid order; replies leave in each connection's request order.
//  - A watch event is queued on its connection before any later reply on it.
//
// Thread-safety: everything runs on the thread that calls run(), except stop(), wake()
// and post(), which other threads (signal watcher, storage thread,
// AdminServer, metrics) use.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <string>
#include <unordered_map>
#include <vector>

#include "zkd/server/checkpoint_builder.h"
#include "zkd/server/config.h"
#include "zkd/server/connection.h"
#include "zkd/server/durability.h"
#include "zkd/server/server_stats.h"
#include "zkd/session/session_table.h"
#include "zkd/tree/data_tree.h"
#include "zkd/tree/watch_manager.h"
#include "zkd/txn/apply.h"
#include "zkd/txn/prep.h"

namespace zkd::storage {
class Store;
}

namespace zkd::server {

class Server {
 public:
  explicit Server(const ServerConfig& config);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Loads the checkpoint and replays the log tail. Before listen()/run().
  bool recover(storage::Store* store, std::string* error);
  void set_durability(Durability* d) { durability_ = d; }
  void set_session_secret(uint64_t secret) { sessions_.set_secret(secret); }
  // Binds the client port. Returns false with a one-line reason.
  bool listen(std::string* error);
  int bound_port() const { return bound_port_; }

  void run();
  void stop();  // any thread
  void wake();  // any thread: durability progress or a posted task
  // Queues a task for the state thread without waiting. False when stopping or full.
  bool post(std::function<void()> task);

  // Answers a four-letter word (on the state thread); nullopt = close without a reply.
  using FourLetterHandler =
      std::function<std::optional<std::string>(std::string_view word, int64_t argument)>;
  void set_four_letter_handler(FourLetterHandler h) { four_letter_ = std::move(h); }

  // --- State-thread views for 4lw / admin / metrics (call on the state thread). ---
  const ServerConfig& config() const { return config_; }
  const tree::DataTree& tree() const { return tree_; }
  const tree::WatchManager& watches() const { return watches_; }
  const session::SessionTable& sessions() const { return sessions_; }
  const std::unordered_map<uint64_t, std::unique_ptr<Connection>>& connections() const {
    return conns_;
  }
  int64_t last_zxid() const { return applied_zxid_; }
  size_t outstanding_requests() const { return inflight_.size(); }
  ServerStats& stats() { return stats_; }
  void reset_connection_stats();
  int64_t uptime_ms() const;
  bool storage_failed() const { return durability_ && durability_->failed(); }

 private:
  struct Inflight {
    int64_t zxid;
    txn::Txn txn;
    uint64_t conn_id;  // 0 when the server itself asked (expiry, reaper)
  };

  void accept_all();
  void on_readable(Connection& c);
  void parse_frames(Connection& c);
  bool handle_first_bytes(Connection& c);
  bool handle_connect(Connection& c, std::string_view frame);
  void handle_request(Connection& c, std::string_view frame);
  void submit_write(const txn::WriteRequest& req, uint64_t conn_id);
  void drain(Connection& c);
  void execute_read(Connection& c, PendingRequest& r);
  void handle_auth(Connection& c, PendingRequest& r);
  void process_durable();
  void abandon_inflight();
  void apply_one(Inflight& in);
  void finish_write(Connection& c, const txn::Txn& t, const txn::ApplyResult& result);
  void send_connect_response(Connection& c, int32_t timeout_ms, int64_t session_id,
                             const std::string& passwd);
  void send_reply(Connection& c, int32_t xid, int64_t zxid, int32_t err, std::string_view body,
                  int32_t opcode, int64_t received_ms);
  // Counts a reply in the server's and the connection's stats; returns the latency.
  int64_t record_reply(Connection& c, int32_t xid, int64_t zxid, int32_t opcode, int64_t latency,
                       size_t bytes);
  void deliver_events(const std::vector<tree::WatchEvent>& events);
  void queue_frame(Connection& c, std::string_view frame);
  void flush(Connection& c);
  void update_interest(Connection& c);
  void close_connection(uint64_t id, const char* why);
  void on_tick(int64_t now_ms);
  void reap_containers(int64_t now_ms);
  void maybe_checkpoint();
  // Starts building a checkpoint of the state at applied_zxid_ (checkpoint_builder.h).
  void start_checkpoint();
  // Builds up to max_nodes more of it; once whole, hands it to durability.
  void advance_checkpoint(int64_t max_nodes);
  void run_tasks();
  int64_t now_ms() const;   // monotonic
  int64_t wall_ms() const;  // txn times (decided here, carried in the Txn)

  ServerConfig config_;
  tree::DataTree tree_;
  tree::WatchManager watches_;
  session::SessionTable sessions_;
  txn::Prepper prepper_;
  txn::Applier applier_;
  Durability* durability_ = nullptr;
  FourLetterHandler four_letter_;
  ServerStats stats_;

  int epoll_fd_ = -1;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  int bound_port_ = 0;
  std::atomic<bool> stopping_{false};
  uint64_t next_conn_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;
  std::unordered_map<int, uint64_t> conn_by_fd_;
  std::unordered_map<int64_t, uint64_t> conn_by_session_;
  std::unordered_map<std::string, int> conns_per_ip_;
  std::vector<uint64_t> dirty_;

  int64_t next_zxid_ = 1;
  int64_t applied_zxid_ = 0;
  int64_t last_checkpoint_zxid_ = 0;
  int64_t log_bytes_since_checkpoint_ = 0;  // submitted since the last checkpoint request
  // The checkpoint being built between requests, if any (at most one at a time).
  std::unique_ptr<CheckpointBuilder> checkpoint_;
  int64_t checkpoint_started_ms_ = 0;
  int64_t checkpoint_slices_ = 0;
  std::deque<Inflight> inflight_;
  int64_t next_tick_ms_ = 0;
  int64_t next_reap_ms_ = 0;
  int64_t start_ms_ = 0;

  std::mutex tasks_mu_;
  std::deque<std::function<void()>> tasks_;
};

}  // namespace zkd::server
