// The version text zkd reports where ZooKeeper reports its own (srvr, stat, mntr
// zk_version, envi zookeeper.version, AdminServer "version").
//
// Format: "3.8.4-zkd-<zkd version>, built on <yyyy-mm-dd HH:MM> UTC". It starts with the
// ZooKeeper release whose behaviour zkd implements, so tools that parse
// "Zookeeper version: 3.8..." (kazoo server_version, zkServer.sh, exporters) see a 3.8.x
// server; where ZooKeeper puts its git sha, zkd puts "zkd-" and its own version.
#pragma once

#include <string>
#include <string_view>

namespace zkd::ops {

inline constexpr std::string_view kZooKeeperCompatVersion = "3.8.4";

std::string version_string();

}  // namespace zkd::ops
