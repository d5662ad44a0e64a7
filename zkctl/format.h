// Rendering of ZooKeeper values the way zkCli.sh prints them (Stat lines, ACL lines,
// event lines) and as JSON; parsing of zkCli's ACL syntax. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "zkctl/json.h"
#include "zkd/client/types.h"

namespace zkctl {

using zkd::client::ACLs;
using zkd::client::Stat;

// zkCli's StatPrinter: "cZxid = 0x...", "ctime = <date>", ... (11 lines).
std::vector<std::string> stat_lines(const Stat& s);
// {"czxid": .., "mzxid": .., "ctime": .., "mtime": .., "version": .., "cversion": ..,
//  "aversion": .., "ephemeralOwner": .., "dataLength": .., "numChildren": .., "pzxid": ..}
void stat_json(Json& j, const Stat& s);

// "cdrwa"-style permission string (zkCli order: c d r w a).
std::string perms_string(int32_t perms);
// Parses "cdrwa" letters; false on junk.
bool parse_perms(const std::string& s, int32_t* perms);
// Parses zkCli's ACL argument: "scheme:id:perms[,scheme:id:perms...]" (the id may
// contain ':' as in digest user:hash). Returns "" or the error.
std::string parse_acl(const std::string& s, ACLs* out);
// zkCli getAcl lines: "'world,'anyone" then ": cdrwa" per ACL.
std::vector<std::string> acl_lines(const ACLs& acl);
void acl_json(Json& j, const ACLs& acl);

// Node type from the stat's ephemeralOwner: "persistent", "ephemeral", "container",
// "ttl" (ttl_ms set).
std::string node_type(const Stat& s, int64_t* ttl_ms = nullptr);

std::string event_type_name(int32_t type);
std::string state_name(int32_t state);

// Sorts paths depth-first ("/a", "/a/b", "/a-b"), as a tree walk would print them.
void sort_paths_dfs(std::vector<std::string>* paths);
bool path_less_dfs(const std::string& a, const std::string& b);
std::string join_path(const std::string& parent, const std::string& child);

}  // namespace zkctl
