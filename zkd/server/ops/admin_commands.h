// AdminServer commands: ZooKeeper 3.8's /commands/<name> JSON bodies for a standalone
// server, built from a ServerView. HTTP-free so tests call it directly; AdminServer
// (admin_server.h) serves it over Poco's HTTPServer.
//
// Every body is a pretty-printed JSON object with snake_case keys, "command" (the
// primary name) and "error" (null or a message). Unknown names answer
// {"command": "<name>", "error": "Unknown command: <name>"} with HTTP 200, as ZooKeeper.
// Thread-safe (calls ServerView, which may block up to its timeout).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "zkd/server/ops/server_view.h"

namespace zkd::ops {

struct AdminCommandSpec {
  std::string primary;               // e.g. "connection_stat_reset"
  std::vector<std::string> aliases;  // e.g. {"crst"}
};

// The commands zkd serves, sorted by primary name (the /commands listing order).
const std::vector<AdminCommandSpec>& admin_commands();

struct AdminResponse {
  int http_status = 200;
  std::string body;  // JSON
};

// `name` is a primary name or alias; `params` are the URL query parameters.
AdminResponse run_admin_command(std::string_view name, ServerView& view,
                                const std::map<std::string, std::string>& params = {});

// The /commands page: one "<a href=\"<url>/<name>\"><name></a>\n<br/>\n" per command.
std::string admin_command_listing(std::string_view command_url);

}  // namespace zkd::ops
