// ZooKeeper path rules (PathUtils.validatePath) and small path helpers.
#pragma once

#include <string>
#include <string_view>

namespace zkd::tree {

// True when `path` is a valid znode path: starts with '/', no trailing '/' (except the
// root), no empty, "." or ".." segments, no forbidden code points (U+0000, U+0001-001F,
// U+007F-009F, U+D800-F8FF, U+FFF0-FFFF).
bool valid_path(std::string_view path);

// "/a/b" -> "/a"; "/a" -> "/". REQUIRES: valid non-root path.
std::string_view parent_of(std::string_view path);
// "/a/b" -> "b".
std::string_view basename_of(std::string_view path);
// parent + "/" + name, without doubling the root slash.
std::string child_path(std::string_view parent, std::string_view name);

}  // namespace zkd::tree
