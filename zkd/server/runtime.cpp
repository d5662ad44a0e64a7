#include "zkd/server/runtime.h"

#include <random>

#include "zkd/server/log.h"
#include "zkd/server/ops/admin_server.h"
#include "zkd/server/ops/four_letter.h"
#include "zkd/server/ops/metrics_exporter.h"
#include "zkd/server/state_view.h"
#include "zkd/server/store_durability.h"
#include "zkd/storage/log.h"
#include "zkd/storage/store.h"

namespace zkd::server {

struct Runtime::Parts {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<StoreDurability> durability;
  std::unique_ptr<StateView> state_view;
  std::unique_ptr<PostingView> posting_view;
  std::unique_ptr<ops::AdminServer> admin;
  std::unique_ptr<ops::MetricsExporter> metrics;
  ops::FourLetterConfig four_letter;
};

Runtime::Runtime(const ServerConfig& config, Server& server)
    : config_(config), server_(server), parts_(std::make_unique<Parts>()) {}

Runtime::~Runtime() { stop(); }

namespace {
// Sessions' passwords derive from their id and a per-database secret, kept in the store
// so a restarted server accepts the passwords it handed out.
bool load_session_secret(storage::Store& store, Server& server, std::string* error) {
  std::string secret = store.get_meta("session_secret");
  if (secret.empty()) {
    std::random_device rd;
    uint64_t v = (static_cast<uint64_t>(rd()) << 32) ^ rd();
    secret = std::to_string(v);
    storage::Status st = store.set_meta("session_secret", secret);
    if (!st.ok) {
      *error = st.message;
      return false;
    }
  }
  server.set_session_secret(std::stoull(secret));
  return true;
}
}  // namespace

bool Runtime::start(std::string* error) {
  storage::set_log_sink([](storage::LogLevel level, const std::string& line) {
    log::write(level == storage::LogLevel::kInfo   ? log::Level::kInfo
               : level == storage::LogLevel::kWarn ? log::Level::kWarn
                                                   : log::Level::kError,
               "storage: " + line);
  });
  storage::StoreConfig sc;
  sc.data_dir = config_.data_dir;
  sc.data_log_dir = config_.data_log_dir;
  sc.force_sync = config_.force_sync;
  sc.snap_retain_count = config_.snap_retain_count;
  sc.log_segment_bytes = config_.txn_log_size_limit_kb * 1024;
  sc.autopurge = config_.purge_interval_hours > 0;
  storage::Status st;
  parts_->store = storage::open_store(sc, &st);
  if (!parts_->store) {
    *error = st.message;
    return false;
  }
  if (!load_session_secret(*parts_->store, server_, error)) return false;
  if (!server_.recover(parts_->store.get(), error)) return false;
  parts_->durability = std::make_unique<StoreDurability>(parts_->store.get(), server_);
  server_.set_durability(parts_->durability.get());
  parts_->state_view = std::make_unique<StateView>(server_, parts_->store.get());
  parts_->posting_view = std::make_unique<PostingView>(server_, *parts_->state_view);
  parts_->four_letter =
      ops::parse_four_letter_whitelist(config_.four_letter_whitelist, config_.read_only_mode);
  // 4lw run on the state thread, so they read the server directly.
  server_.set_four_letter_handler(
      [this](std::string_view word, int64_t argument) -> std::optional<std::string> {
        ops::FourLetterResult r =
            ops::run_four_letter(word, *parts_->state_view, parts_->four_letter, argument);
        if (r.action == ops::FourLetterResult::Action::kReply) return r.text;
        return std::nullopt;
      });
  if (!server_.listen(error)) return false;
  try {
    if (config_.admin_enabled) {
      parts_->admin = std::make_unique<ops::AdminServer>(
          *parts_->posting_view, config_.admin_address, static_cast<uint16_t>(config_.admin_port),
          config_.admin_command_url);
      parts_->admin->start();
      log::info("AdminServer on " + config_.admin_address + ":" +
                std::to_string(parts_->admin->port()) + config_.admin_command_url);
    }
    if (config_.metrics_enabled) {
      parts_->metrics = std::make_unique<ops::MetricsExporter>(
          *parts_->posting_view, config_.metrics_host, static_cast<uint16_t>(config_.metrics_port));
      log::info("Prometheus metrics on " + config_.metrics_host + ":" +
                std::to_string(parts_->metrics->port()) + "/metrics");
    }
  } catch (const std::exception& e) {
    *error = std::string("cannot start the HTTP endpoints: ") + e.what();
    return false;
  }
  return true;
}

void Runtime::stop() {
  // HTTP endpoints first: they call into the state thread, which is gone by now.
  if (parts_->admin) parts_->admin->stop();
  parts_->admin.reset();
  parts_->metrics.reset();
  // Everything submitted is made durable (and answered by nobody: the loop is gone),
  // then the storage threads end and the store closes, releasing the dataDir lock.
  if (parts_->durability) parts_->durability->stop();
  parts_->durability.reset();
  parts_->store.reset();
}

}  // namespace zkd::server
