#include "zkd/server/runtime.h"

#include <random>

#include "zkd/server/log.h"
#include "zkd/server/store_durability.h"
#include "zkd/server/version.h"
#include "zkd/storage/log.h"
#include "zkd/storage/store.h"

namespace zkd::server {

struct Runtime::Parts {
  std::unique_ptr<storage::Store> store;
  std::unique_ptr<StoreDurability> durability;
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
  server_.set_four_letter_handler([this](const std::string& word, std::string* reply) {
    if (word == "ruok") {
      *reply = "imok";
      return true;
    }
    if (word == "srvr") {
      *reply = std::string("Zookeeper version: ") + kZkVersion + "-zkd-" + kZkdVersion +
               ", built on " + __DATE__ + "\nZxid: 0x" + std::to_string(server_.last_zxid()) +
               "\nMode: standalone\nNode count: " + std::to_string(server_.tree().node_count()) + "\n";
      return true;
    }
    return false;
  });
  return server_.listen(error);
}

void Runtime::stop() {
  // Everything submitted is made durable (and answered by nobody: the loop is gone),
  // then the storage threads end and the store closes, releasing the dataDir lock.
  if (parts_->durability) parts_->durability->stop();
  parts_->durability.reset();
  parts_->store.reset();
}

}  // namespace zkd::server
