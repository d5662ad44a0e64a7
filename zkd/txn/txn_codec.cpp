#include "zkd/proto/ops.h"
#include "zkd/txn/txn.h"

namespace zkd::txn {
namespace {

void write_data(proto::Writer& w, const Txn& t) {
  if (t.data_null) {
    w.null();
  } else {
    w.bytes(t.data);
  }
}

void write_body(proto::Writer& w, const Txn& t);
bool read_body(proto::Reader& r, Txn& t, int depth);

void write_body(proto::Writer& w, const Txn& t) {
  namespace op = proto::op;
  w.i32(t.type);
  switch (t.type) {
    case op::kCreate:
      w.bytes(t.path);
      write_data(w, t);
      proto::write(w, t.acl);
      w.i64(t.owner);
      w.i32(t.parent_cversion);
      break;
    case op::kDelete:
    case op::kDeleteContainer:
      w.bytes(t.path);
      break;
    case op::kSetData:
      w.bytes(t.path);
      write_data(w, t);
      w.i32(t.version);
      break;
    case op::kSetACL:
      w.bytes(t.path);
      proto::write(w, t.acl);
      w.i32(t.version);
      break;
    case op::kCheck:
      w.bytes(t.path);
      w.i32(t.version);
      break;
    case op::kMulti:
      w.i32(static_cast<int32_t>(t.ops.size()));
      for (const auto& o : t.ops) write_body(w, o);
      break;
    case op::kCreateSession:
      w.i32(t.timeout_ms);
      break;
    case op::kCloseSession:
      proto::write(w, t.paths);
      break;
    case op::kError:
      w.i32(t.err);
      break;
    default:
      break;
  }
}

bool read_body(proto::Reader& r, Txn& t, int depth) {
  namespace op = proto::op;
  t.type = r.i32();
  switch (t.type) {
    case op::kCreate:
      t.path = r.bytes();
      t.data = r.bytes(&t.data_null);
      proto::read(r, t.acl);
      t.owner = r.i64();
      t.parent_cversion = r.i32();
      break;
    case op::kDelete:
    case op::kDeleteContainer:
      t.path = r.bytes();
      break;
    case op::kSetData:
      t.path = r.bytes();
      t.data = r.bytes(&t.data_null);
      t.version = r.i32();
      break;
    case op::kSetACL:
      t.path = r.bytes();
      proto::read(r, t.acl);
      t.version = r.i32();
      break;
    case op::kCheck:
      t.path = r.bytes();
      t.version = r.i32();
      break;
    case op::kMulti: {
      if (depth > 0) return false;  // multis do not nest
      int32_t n = r.count(4);
      t.ops.resize(static_cast<size_t>(n));
      for (auto& o : t.ops) {
        if (!read_body(r, o, depth + 1)) return false;
      }
      break;
    }
    case op::kCreateSession:
      t.timeout_ms = r.i32();
      break;
    case op::kCloseSession:
      proto::read(r, t.paths);
      break;
    case op::kError:
      t.err = r.i32();
      break;
    default:
      return false;
  }
  return r.ok();
}

}  // namespace

std::string encode(const Txn& t) {
  std::string out;
  out.reserve(64 + t.path.size() + t.data.size());
  proto::Writer w(&out);
  w.i32(kTxnFormat);
  w.i64(t.session_id);
  w.i32(t.cxid);
  w.i64(t.zxid);
  w.i64(t.time_ms);
  write_body(w, t);
  return out;
}

bool decode(std::string_view bytes, Txn* t) {
  proto::Reader r(bytes);
  if (r.i32() != kTxnFormat) return false;
  t->session_id = r.i64();
  t->cxid = r.i32();
  t->zxid = r.i64();
  t->time_ms = r.i64();
  return read_body(r, *t, 0) && r.at_end();
}

}  // namespace zkd::txn
