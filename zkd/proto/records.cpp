#include "zkd/proto/records.h"

#include "zkd/proto/ops.h"

namespace zkd::proto {

void write(Writer& w, const Id& v) {
  w.bytes(v.scheme);
  w.bytes(v.id);
}
void write(Writer& w, const ACL& v) {
  w.i32(v.perms);
  write(w, v.id);
}
void write(Writer& w, const ACLs& v) {
  w.i32(static_cast<int32_t>(v.size()));
  for (const auto& a : v) write(w, a);
}
void write(Writer& w, const Stat& v) {
  w.i64(v.czxid);
  w.i64(v.mzxid);
  w.i64(v.ctime);
  w.i64(v.mtime);
  w.i32(v.version);
  w.i32(v.cversion);
  w.i32(v.aversion);
  w.i64(v.ephemeralOwner);
  w.i32(v.dataLength);
  w.i32(v.numChildren);
  w.i64(v.pzxid);
}
void write(Writer& w, const ConnectRequest& v) {
  w.i32(v.protocolVersion);
  w.i64(v.lastZxidSeen);
  w.i32(v.timeOut);
  w.i64(v.sessionId);
  w.bytes(v.passwd);
  if (v.hasReadOnly) w.boolean(v.readOnly);
}
void write(Writer& w, const ConnectResponse& v) {
  w.i32(v.protocolVersion);
  w.i32(v.timeOut);
  w.i64(v.sessionId);
  w.bytes(v.passwd);
  if (v.hasReadOnly) w.boolean(v.readOnly);
}
void write(Writer& w, const RequestHeader& v) {
  w.i32(v.xid);
  w.i32(v.type);
}
void write(Writer& w, const ReplyHeader& v) {
  w.i32(v.xid);
  w.i64(v.zxid);
  w.i32(v.err);
}
void write(Writer& w, const MultiHeader& v) {
  w.i32(v.type);
  w.boolean(v.done);
  w.i32(v.err);
}
void write(Writer& w, const WatcherEvent& v) {
  w.i32(v.type);
  w.i32(v.state);
  w.bytes(v.path);
}
void write(Writer& w, const std::vector<std::string>& v) {
  w.i32(static_cast<int32_t>(v.size()));
  for (const auto& s : v) w.bytes(s);
}

void read(Reader& r, Id& v) {
  v.scheme = r.bytes();
  v.id = r.bytes();
}
void read(Reader& r, ACL& v) {
  v.perms = r.i32();
  read(r, v.id);
}
void read(Reader& r, ACLs& v, bool* is_null) {
  int32_t raw = r.i32();
  if (is_null) *is_null = (raw == -1);
  if (raw == -1) {
    v.clear();
    return;
  }
  // An ACL is at least perms + two string lengths.
  if (raw < 0 || static_cast<size_t>(raw) * 12 > r.remaining()) {
    r.fail();
    return;
  }
  v.resize(static_cast<size_t>(raw));
  for (auto& a : v) read(r, a);
}
void read(Reader& r, Stat& v) {
  v.czxid = r.i64();
  v.mzxid = r.i64();
  v.ctime = r.i64();
  v.mtime = r.i64();
  v.version = r.i32();
  v.cversion = r.i32();
  v.aversion = r.i32();
  v.ephemeralOwner = r.i64();
  v.dataLength = r.i32();
  v.numChildren = r.i32();
  v.pzxid = r.i64();
}
void read(Reader& r, ConnectRequest& v) {
  v.protocolVersion = r.i32();
  v.lastZxidSeen = r.i64();
  v.timeOut = r.i32();
  v.sessionId = r.i64();
  v.passwd = r.bytes();
  v.hasReadOnly = r.remaining() >= 1;
  v.readOnly = v.hasReadOnly ? r.boolean() : false;
}
void read(Reader& r, ConnectResponse& v) {
  v.protocolVersion = r.i32();
  v.timeOut = r.i32();
  v.sessionId = r.i64();
  v.passwd = r.bytes();
  v.hasReadOnly = r.remaining() >= 1;
  v.readOnly = v.hasReadOnly ? r.boolean() : false;
}
void read(Reader& r, RequestHeader& v) {
  v.xid = r.i32();
  v.type = r.i32();
}
void read(Reader& r, ReplyHeader& v) {
  v.xid = r.i32();
  v.zxid = r.i64();
  v.err = r.i32();
}
void read(Reader& r, MultiHeader& v) {
  v.type = r.i32();
  v.done = r.boolean();
  v.err = r.i32();
}
void read(Reader& r, WatcherEvent& v) {
  v.type = r.i32();
  v.state = r.i32();
  v.path = r.bytes();
}
void read(Reader& r, std::vector<std::string>& v) {
  int32_t n = r.count(4);
  v.resize(static_cast<size_t>(n));
  for (auto& s : v) s = r.bytes();
}

void read(Reader& r, CreateRequest& v, int32_t opcode) {
  v.path = r.bytes();
  v.data = r.bytes(&v.data_null);
  read(r, v.acl, &v.acl_null);
  v.flags = r.i32();
  v.ttl = (opcode == op::kCreateTTL) ? r.i64() : -1;
}
void write(Writer& w, const CreateRequest& v, int32_t opcode) {
  w.bytes(v.path);
  if (v.data_null) {
    w.null();
  } else {
    w.bytes(v.data);
  }
  write(w, v.acl);
  w.i32(v.flags);
  if (opcode == op::kCreateTTL) w.i64(v.ttl);
}
void read(Reader& r, PathVersionRequest& v) {
  v.path = r.bytes();
  v.version = r.i32();
}
void write(Writer& w, const PathVersionRequest& v) {
  w.bytes(v.path);
  w.i32(v.version);
}
void read(Reader& r, PathWatchRequest& v) {
  v.path = r.bytes(&v.path_null);
  v.watch = r.boolean();
}
void write(Writer& w, const PathWatchRequest& v) {
  w.bytes(v.path);
  w.boolean(v.watch);
}
void read(Reader& r, SetDataRequest& v) {
  v.path = r.bytes();
  v.data = r.bytes(&v.data_null);
  v.version = r.i32();
}
void write(Writer& w, const SetDataRequest& v) {
  w.bytes(v.path);
  if (v.data_null) {
    w.null();
  } else {
    w.bytes(v.data);
  }
  w.i32(v.version);
}
void read(Reader& r, SetACLRequest& v) {
  v.path = r.bytes();
  read(r, v.acl, &v.acl_null);
  v.version = r.i32();
}
void write(Writer& w, const SetACLRequest& v) {
  w.bytes(v.path);
  write(w, v.acl);
  w.i32(v.version);
}
void read(Reader& r, PathRequest& v) { v.path = r.bytes(&v.path_null); }
void write(Writer& w, const PathRequest& v) {
  if (v.path_null) {
    w.null();
  } else {
    w.bytes(v.path);
  }
}
void read(Reader& r, PathTypeRequest& v) {
  v.path = r.bytes();
  v.type = r.i32();
}
void write(Writer& w, const PathTypeRequest& v) {
  w.bytes(v.path);
  w.i32(v.type);
}
void read(Reader& r, AuthPacket& v) {
  v.type = r.i32();
  v.scheme = r.bytes();
  v.auth = r.bytes();
}
void write(Writer& w, const AuthPacket& v) {
  w.i32(v.type);
  w.bytes(v.scheme);
  w.bytes(v.auth);
}
void read(Reader& r, SetWatches& v, int32_t opcode) {
  v.relativeZxid = r.i64();
  read(r, v.data);
  read(r, v.exist);
  read(r, v.child);
  if (opcode == op::kSetWatches2) {
    read(r, v.persistent);
    read(r, v.persistentRecursive);
  }
}
void write(Writer& w, const SetWatches& v, int32_t opcode) {
  w.i64(v.relativeZxid);
  write(w, v.data);
  write(w, v.exist);
  write(w, v.child);
  if (opcode == op::kSetWatches2) {
    write(w, v.persistent);
    write(w, v.persistentRecursive);
  }
}
void read(Reader& r, ReconfigRequest& v) {
  v.joiningServers = r.bytes();
  v.leavingServers = r.bytes();
  v.newMembers = r.bytes();
  v.curConfigId = r.i64();
}
void write(Writer& w, const ReconfigRequest& v) {
  w.bytes(v.joiningServers);
  w.bytes(v.leavingServers);
  w.bytes(v.newMembers);
  w.i64(v.curConfigId);
}

}  // namespace zkd::proto
