// Internal: the I/O side of Client (socket, handshake, framing, xid matching, pings,
// reconnects). Owned by Client::Impl; only client.cpp and client_io.cpp include this.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "zkd/client/client.h"
#include "zkd/client/connect_string.h"

namespace zkd::client {

using Clock = std::chrono::steady_clock;

struct Packet {
  int32_t opcode = 0;
  std::string body;
  RawCallback cb;
  int32_t xid = 0;
};

struct Client::Impl {
  explicit Impl(Options o) : opts(std::move(o)) {}
  ~Impl();

  // --- set once before the thread starts ---
  Options opts;
  ConnectString cs;

  // --- shared with callers, guarded by mu ---
  mutable std::mutex mu;
  std::condition_variable cv;  // state changes
  std::vector<Packet> submitted;
  State state = State::kConnecting;
  int64_t session_id = 0;
  int32_t timeout_ms = 0;
  std::string server;
  std::string last_error;
  bool stop_requested = false;
  bool stopped = false;  // the I/O thread has finished

  int wake_fd = -1;  // eventfd: wakes poll() on submit/stop
  std::thread thread;

  void submit(Packet p);
  void set_state(State s);
  void run();  // the I/O thread body

  // --- I/O thread only ---
  int fd = -1;
  enum class Phase { kNone, kTcp, kHandshake, kOpen } phase = Phase::kNone;
  Clock::time_point deadline;   // connect/handshake deadline
  Clock::time_point last_recv;  // last byte from the server (kOpen)
  Clock::time_point last_send;  // last frame queued (kOpen)
  Clock::time_point next_attempt;
  Clock::time_point disconnected_since;
  bool ever_connected = false;
  bool close_sent = false;
  size_t host_index = 0;
  int rounds = 0;
  int64_t last_zxid = 0;
  std::string passwd = std::string(16, '\0');
  int32_t next_xid = 1;
  std::string out;                       // bytes not yet written
  std::string in;                        // bytes read, not yet parsed
  std::deque<Packet> waiting;            // submitted, not yet sent (no open connection)
  std::deque<Packet> pending;            // sent, awaiting a reply (xid order)
  std::deque<RawCallback> auth_pending;  // auth replies (xid -4) in send order
  std::vector<std::pair<std::string, std::string>> auth_infos;

  void drain_submitted();
  void send_packet(Packet p);
  void start_attempt();
  void connection_failed(const std::string& why);
  void on_open();
  bool on_frame(std::string_view frame);  // false: protocol error, drop connection
  bool handle_handshake(std::string_view frame);
  void fail_all(int32_t err);
  void emit(int32_t type, int32_t state, const std::string& path);
  bool do_read();
  bool do_write();
  int poll_timeout_ms(Clock::time_point now) const;
  void on_tick(Clock::time_point now);
  std::string host_label() const;
};

}  // namespace zkd::client
