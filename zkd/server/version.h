// The version zkd reports. It starts with a ZooKeeper 3.8 version because tools parse
// "Zookeeper version: 3.x.y" (zkServer.sh, exporters) and clients gate features on it.
#pragma once

namespace zkd {
constexpr const char* kZkVersion = "3.8.4";
constexpr const char* kZkdVersion = "0.1.0";
constexpr const char* kVersionLine = "zkd 0.1.0 (ZooKeeper 3.8.4 compatible)";
}  // namespace zkd
