// AdminServer: ZooKeeper's embedded HTTP admin interface (admin.serverAddress,
// admin.serverPort, admin.commandURL) on Poco::Net::HTTPServer.
//   GET <commandURL>            HTML list of commands
//   GET <commandURL>/<name>     JSON (admin_commands.h); query parameters are passed on
//   anything else               404
//
// Lifecycle: construct, start() (binds; throws Poco::Exception if the port is taken),
// stop() (waits for in-flight requests; also done by the destructor). Requests run on
// Poco worker threads (at most 4) and call the ServerView, which must outlive this object.
// start()/stop() are for the owning thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "zkd/server/ops/server_view.h"

namespace Poco::Net {
class HTTPServer;
}

namespace zkd::ops {

class AdminServer {
 public:
  AdminServer(ServerView& view, std::string address, uint16_t port,
              std::string command_url = "/commands", int idle_timeout_ms = 30000);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  void start();
  void stop();
  // The bound port (useful when constructed with port 0). REQUIRES: start() succeeded.
  uint16_t port() const { return bound_port_; }

 private:
  ServerView& view_;
  std::string address_;
  uint16_t port_;
  std::string command_url_;
  int idle_timeout_ms_;
  uint16_t bound_port_ = 0;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace zkd::ops
