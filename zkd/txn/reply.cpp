#include "zkd/txn/reply.h"

#include <vector>

#include "zkd/proto/ops.h"

namespace zkd::txn {

namespace op = proto::op;
namespace err = proto::err;

namespace {

// The op types of a multi request, in order (the Txn only knows "create").
std::vector<int32_t> multi_op_types(std::string_view body) {
  std::vector<int32_t> types;
  proto::Reader r(body);
  for (;;) {
    proto::MultiHeader h;
    proto::read(r, h);
    if (!r.ok() || h.done) break;
    types.push_back(h.type);
    switch (h.type) {
      case op::kCreate:
      case op::kCreate2:
      case op::kCreateContainer:
      case op::kCreateTTL: {
        proto::CreateRequest c;
        proto::read(r, c, h.type);
        break;
      }
      case op::kSetData: {
        proto::SetDataRequest s;
        proto::read(r, s);
        break;
      }
      default: {
        proto::PathVersionRequest d;
        proto::read(r, d);
        break;
      }
    }
  }
  return types;
}

void write_op_body(int32_t opcode, const OpResult& r, proto::Writer& w) {
  switch (opcode) {
    case op::kCreate:
      w.bytes(r.path);
      break;
    case op::kCreate2:
    case op::kCreateContainer:
    case op::kCreateTTL:
      w.bytes(r.path);
      proto::write(w, r.stat);
      break;
    case op::kSetData:
    case op::kSetACL:
    case op::kCheck:
      proto::write(w, r.stat);
      break;
    default:
      break;
  }
}

}  // namespace

int32_t write_reply(int32_t opcode, std::string_view request_body, const ApplyResult& result,
                    std::string* out) {
  proto::Writer w(out);
  if (opcode != op::kMulti || result.result.type == op::kError) {
    if (result.result.err != err::kOk) return result.result.err;
    write_op_body(opcode, result.result, w);
    return err::kOk;
  }
  std::vector<int32_t> types = multi_op_types(request_body);
  for (size_t i = 0; i < result.ops.size(); ++i) {
    const OpResult& r = result.ops[i];
    if (r.type == op::kError) {
      proto::write(w, proto::MultiHeader{op::kError, false, r.err});
      w.i32(r.err);
      continue;
    }
    int32_t type = i < types.size() ? types[i] : r.type;
    // As ZooKeeper 3.8 answers inside a multi: create and create2 report type create
    // with the path only; createTTL and createContainer report create2 with path + Stat.
    int32_t reported = type == op::kCreate2                                        ? op::kCreate
                       : (type == op::kCreateTTL || type == op::kCreateContainer) ? op::kCreate2
                                                                                   : type;
    proto::write(w, proto::MultiHeader{reported, false, 0});
    if (type != op::kCheck) write_op_body(reported, r, w);
  }
  proto::write(w, proto::MultiHeader{-1, true, -1});
  return err::kOk;
}

}  // namespace zkd::txn
