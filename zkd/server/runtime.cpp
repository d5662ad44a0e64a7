#include "zkd/server/runtime.h"

#include "zkd/server/log.h"
#include "zkd/server/version.h"

namespace zkd::server {

struct Runtime::Parts {};

Runtime::Runtime(const ServerConfig& config, Server& server)
    : config_(config), server_(server), parts_(std::make_unique<Parts>()) {}

Runtime::~Runtime() { stop(); }

bool Runtime::start(std::string* error) {
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

void Runtime::stop() {}

}  // namespace zkd::server
