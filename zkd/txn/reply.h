// Reply bodies for writes, built from the request (what the client asked, e.g. create
// vs create2) and the ApplyResult (what happened). Kept apart from apply because in an
// ensemble the server holding the client connection builds the reply, not the leader.
#pragma once

#include <string>
#include <string_view>

#include "zkd/txn/apply.h"

namespace zkd::txn {

// Returns the reply error code; appends the body (if any) to *out.
int32_t write_reply(int32_t opcode, std::string_view request_body, const ApplyResult& result,
                    std::string* out);

}  // namespace zkd::txn
