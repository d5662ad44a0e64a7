// Runtime: everything around the state thread that a running zkd needs: the store and
// its storage thread, the client listener, the AdminServer and the metrics endpoint.
// start() brings them up in order (store, recovery, listener, HTTP), stop() takes them
// down in reverse. Used by main only.
#pragma once

#include <memory>
#include <string>

#include "zkd/server/config.h"
#include "zkd/server/server.h"

namespace zkd::server {

class Runtime {
 public:
  Runtime(const ServerConfig& config, Server& server);
  ~Runtime();
  bool start(std::string* error);
  void stop();

 private:
  struct Parts;
  const ServerConfig& config_;
  Server& server_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace zkd::server
