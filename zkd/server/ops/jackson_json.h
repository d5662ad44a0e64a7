// Pretty-prints a Poco::JSON value the way ZooKeeper's AdminServer (Jackson's
// DefaultPrettyPrinter) does: `"key" : value`, two-space indent, arrays of scalars and
// empty containers inline ("[ 1, 2 ]", "[ ]", "{ }"), arrays of objects as "[ {" ... "}, {"
// ... "} ]", doubles as Java prints them, '/' not escaped. Pure; thread-safe.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <string>

namespace zkd::ops {

std::string jackson_pretty(const Poco::Dynamic::Var& value);

}  // namespace zkd::ops
