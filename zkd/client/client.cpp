// Client's public methods: lifecycle, and the typed operations (encode the request with
// the chroot applied, decode the reply body, strip the chroot from returned paths).
#include "zkd/client/client.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include "zkd/client/client_io.h"
#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkd::client {

namespace op = proto::op;

const char* state_name(State s) {
  switch (s) {
    case State::kConnecting:
      return "CONNECTING";
    case State::kConnected:
      return "CONNECTED";
    case State::kConnectedReadOnly:
      return "CONNECTEDREADONLY";
    case State::kAuthFailed:
      return "AUTH_FAILED";
    case State::kExpired:
      return "EXPIRED";
    case State::kClosed:
      return "CLOSED";
  }
  return "UNKNOWN";
}

Op Op::create(std::string path, std::string data, ACLs acl, int32_t mode) {
  Op o;
  o.type = op::kCreate;
  o.path = std::move(path);
  o.data = std::move(data);
  o.acl = std::move(acl);
  o.flags = mode;
  return o;
}
Op Op::remove(std::string path, int32_t version) {
  Op o;
  o.type = op::kDelete;
  o.path = std::move(path);
  o.version = version;
  return o;
}
Op Op::set_data(std::string path, std::string data, int32_t version) {
  Op o;
  o.type = op::kSetData;
  o.path = std::move(path);
  o.data = std::move(data);
  o.version = version;
  return o;
}
Op Op::check(std::string path, int32_t version) {
  Op o;
  o.type = op::kCheck;
  o.path = std::move(path);
  o.version = version;
  return o;
}
Op Op::get_data(std::string path) {
  Op o;
  o.type = op::kGetData;
  o.path = std::move(path);
  return o;
}
Op Op::get_children(std::string path) {
  Op o;
  o.type = op::kGetChildren;
  o.path = std::move(path);
  return o;
}

Client::Client(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Client::~Client() {
  if (impl_->thread.joinable()) {
    {
      std::lock_guard<std::mutex> lk(impl_->mu);
      impl_->stop_requested = true;
    }
    uint64_t one = 1;
    ssize_t n = ::write(impl_->wake_fd, &one, sizeof one);
    (void)n;
    impl_->thread.join();
  }
}

bool Client::start(std::string* error) {
  if (!parse_connect_string(impl_->opts.servers, &impl_->cs, error)) return false;
  if (impl_->opts.session_timeout_ms <= 0) {
    *error = "session timeout must be positive";
    return false;
  }
  impl_->wake_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->wake_fd < 0) {
    *error = "eventfd failed";
    return false;
  }
  Impl* im = impl_.get();
  impl_->thread = std::thread([im] { im->run(); });
  return true;
}

bool Client::wait_connected(int timeout_ms) {
  std::unique_lock<std::mutex> lk(impl_->mu);
  impl_->cv.wait_for(lk, std::chrono::milliseconds(timeout_ms),
                     [&] { return impl_->state != State::kConnecting; });
  return impl_->state == State::kConnected || impl_->state == State::kConnectedReadOnly;
}

void Client::close(int timeout_ms) {
  if (!impl_->thread.joinable()) return;
  State st = state();
  if (st == State::kConnected || st == State::kConnectedReadOnly) {
    Packet p;
    p.opcode = op::kCloseSession;
    impl_->submit(std::move(p));
    std::unique_lock<std::mutex> lk(impl_->mu);
    impl_->cv.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] {
      return impl_->state != State::kConnected && impl_->state != State::kConnectedReadOnly;
    });
  }
  {
    std::lock_guard<std::mutex> lk(impl_->mu);
    impl_->stop_requested = true;
    if (impl_->state != State::kExpired && impl_->state != State::kAuthFailed) {
      impl_->state = State::kClosed;
    }
  }
  uint64_t one = 1;
  ssize_t n = ::write(impl_->wake_fd, &one, sizeof one);
  (void)n;
  impl_->thread.join();
}

State Client::state() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->state;
}
int64_t Client::session_id() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->session_id;
}
int32_t Client::negotiated_timeout_ms() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->timeout_ms;
}
std::string Client::connected_server() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->server;
}
std::string Client::last_error() const {
  std::lock_guard<std::mutex> lk(impl_->mu);
  return impl_->last_error;
}
const std::string& Client::chroot() const {
  return impl_->cs.chroot;
}

void Client::submit(int32_t opcode, std::string body, RawCallback cb) {
  Packet p;
  p.opcode = opcode;
  p.body = std::move(body);
  p.cb = std::move(cb);
  impl_->submit(std::move(p));
}

namespace {

// Sends `opcode` with a body built by `enc`, decodes a successful reply with `dec`.
template <class T, class Enc, class Dec>
void call(Client* c, int32_t opcode, Enc enc, Dec dec, Callback<T> cb) {
  std::string body;
  proto::Writer w(&body);
  enc(w);
  c->submit(opcode, std::move(body),
            [cb = std::move(cb), dec](int32_t err, int64_t, proto::Reader& r) {
              T out{};
              if (err == 0) {
                dec(r, out);
                if (!r.ok()) err = proto::err::kMarshallingError;
              }
              if (cb) cb(err, std::move(out));
            });
}

void no_body(proto::Reader&, Empty&) {}

}  // namespace

void Client::create(const std::string& path, std::string data, bool data_null, ACLs acl,
                    int32_t mode, Callback<CreateResult> cb) {
  proto::CreateRequest req;
  req.path = prepend_chroot(chroot(), path);
  req.data = std::move(data);
  req.data_null = data_null;
  req.acl = std::move(acl);
  req.flags = mode;
  std::string root = chroot();
  call<CreateResult>(
      this, op::kCreate, [&](proto::Writer& w) { proto::write(w, req, op::kCreate); },
      [root](proto::Reader& r, CreateResult& out) { out.path = strip_chroot(root, r.bytes()); },
      std::move(cb));
}

void Client::create2(const std::string& path, std::string data, bool data_null, ACLs acl,
                     int32_t mode, int64_t ttl, Callback<CreateResult> cb) {
  int32_t opcode = op::kCreate2;
  if (mode == proto::create_mode::kContainer) opcode = op::kCreateContainer;
  if (mode == proto::create_mode::kPersistentWithTTL ||
      mode == proto::create_mode::kPersistentSequentialWithTTL) {
    opcode = op::kCreateTTL;
  }
  proto::CreateRequest req;
  req.path = prepend_chroot(chroot(), path);
  req.data = std::move(data);
  req.data_null = data_null;
  req.acl = std::move(acl);
  req.flags = mode;
  req.ttl = ttl;
  std::string root = chroot();
  call<CreateResult>(
      this, opcode, [&](proto::Writer& w) { proto::write(w, req, opcode); },
      [root](proto::Reader& r, CreateResult& out) {
        out.path = strip_chroot(root, r.bytes());
        proto::read(r, out.stat);
      },
      std::move(cb));
}

void Client::remove(const std::string& path, int32_t version, Callback<Empty> cb) {
  proto::PathVersionRequest req{prepend_chroot(chroot(), path), version};
  call<Empty>(
      this, op::kDelete, [&](proto::Writer& w) { proto::write(w, req); }, no_body, std::move(cb));
}

void Client::exists(const std::string& path, bool watch, Callback<Stat> cb) {
  proto::PathWatchRequest req{prepend_chroot(chroot(), path), watch};
  call<Stat>(
      this, op::kExists, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, Stat& s) { proto::read(r, s); }, std::move(cb));
}

static void read_data(proto::Reader& r, DataResult& d) {
  d.data = r.bytes(&d.data_null);
  proto::read(r, d.stat);
}

void Client::get_data(const std::string& path, bool watch, Callback<DataResult> cb) {
  proto::PathWatchRequest req{prepend_chroot(chroot(), path), watch};
  call<DataResult>(
      this, op::kGetData, [&](proto::Writer& w) { proto::write(w, req); }, read_data,
      std::move(cb));
}

void Client::get_config(bool watch, Callback<DataResult> cb) {
  proto::PathWatchRequest req{"/zookeeper/config", watch};
  call<DataResult>(
      this, op::kGetData, [&](proto::Writer& w) { proto::write(w, req); }, read_data,
      std::move(cb));
}

void Client::set_data(const std::string& path, std::string data, int32_t version,
                      Callback<Stat> cb) {
  proto::SetDataRequest req;
  req.path = prepend_chroot(chroot(), path);
  req.data = std::move(data);
  req.version = version;
  call<Stat>(
      this, op::kSetData, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, Stat& s) { proto::read(r, s); }, std::move(cb));
}

void Client::get_acl(const std::string& path, Callback<AclResult> cb) {
  proto::PathRequest req;
  req.path = prepend_chroot(chroot(), path);
  call<AclResult>(
      this, op::kGetACL, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, AclResult& a) {
        proto::read(r, a.acl);
        proto::read(r, a.stat);
      },
      std::move(cb));
}

void Client::set_acl(const std::string& path, ACLs acl, int32_t version, Callback<Stat> cb) {
  proto::SetACLRequest req;
  req.path = prepend_chroot(chroot(), path);
  req.acl = std::move(acl);
  req.version = version;
  call<Stat>(
      this, op::kSetACL, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, Stat& s) { proto::read(r, s); }, std::move(cb));
}

void Client::get_children(const std::string& path, bool watch, Callback<ChildrenResult> cb) {
  proto::PathWatchRequest req{prepend_chroot(chroot(), path), watch};
  call<ChildrenResult>(
      this, op::kGetChildren, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, ChildrenResult& c) { proto::read(r, c.children); }, std::move(cb));
}

void Client::get_children2(const std::string& path, bool watch, Callback<ChildrenResult> cb) {
  proto::PathWatchRequest req{prepend_chroot(chroot(), path), watch};
  call<ChildrenResult>(
      this, op::kGetChildren2, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, ChildrenResult& c) {
        proto::read(r, c.children);
        proto::read(r, c.stat);
      },
      std::move(cb));
}

void Client::sync(const std::string& path, Callback<std::string> cb) {
  proto::PathRequest req;
  req.path = prepend_chroot(chroot(), path);
  std::string root = chroot();
  call<std::string>(
      this, op::kSync, [&](proto::Writer& w) { proto::write(w, req); },
      [root](proto::Reader& r, std::string& p) { p = strip_chroot(root, r.bytes()); },
      std::move(cb));
}

void Client::check_watches(const std::string& path, int32_t type, Callback<Empty> cb) {
  proto::PathTypeRequest req{prepend_chroot(chroot(), path), type};
  call<Empty>(
      this, op::kCheckWatches, [&](proto::Writer& w) { proto::write(w, req); }, no_body,
      std::move(cb));
}

void Client::remove_watches(const std::string& path, int32_t type, Callback<Empty> cb) {
  proto::PathTypeRequest req{prepend_chroot(chroot(), path), type};
  call<Empty>(
      this, op::kRemoveWatches, [&](proto::Writer& w) { proto::write(w, req); }, no_body,
      std::move(cb));
}

void Client::add_watch(const std::string& path, int32_t mode, Callback<Empty> cb) {
  proto::PathTypeRequest req{prepend_chroot(chroot(), path), mode};
  // The reply carries a 4-byte ErrorResponse body; its code is the header's.
  call<Empty>(
      this, op::kAddWatch, [&](proto::Writer& w) { proto::write(w, req); }, no_body, std::move(cb));
}

void Client::get_ephemerals(const std::string& prefix, Callback<std::vector<std::string>> cb) {
  proto::PathRequest req;
  req.path = prepend_chroot(chroot(), prefix.empty() ? "/" : prefix);
  std::string root = chroot();
  call<std::vector<std::string>>(
      this, op::kGetEphemerals, [&](proto::Writer& w) { proto::write(w, req); },
      [root](proto::Reader& r, std::vector<std::string>& v) {
        proto::read(r, v);
        for (auto& p : v) p = strip_chroot(root, p);
      },
      std::move(cb));
}

void Client::get_all_children_number(const std::string& path, Callback<int32_t> cb) {
  proto::PathRequest req;
  req.path = prepend_chroot(chroot(), path);
  call<int32_t>(
      this, op::kGetAllChildrenNumber, [&](proto::Writer& w) { proto::write(w, req); },
      [](proto::Reader& r, int32_t& n) { n = r.i32(); }, std::move(cb));
}

void Client::who_am_i(Callback<std::vector<ClientInfo>> cb) {
  call<std::vector<ClientInfo>>(
      this, op::kWhoAmI, [](proto::Writer&) {},
      [](proto::Reader& r, std::vector<ClientInfo>& v) {
        int32_t n = r.count(8);
        v.resize(static_cast<size_t>(n));
        for (auto& ci : v) {
          ci.scheme = r.bytes();
          ci.user = r.bytes();
        }
      },
      std::move(cb));
}

void Client::add_auth(const std::string& scheme, const std::string& credentials,
                      Callback<Empty> cb) {
  proto::AuthPacket ap;
  ap.scheme = scheme;
  ap.auth = credentials;
  call<Empty>(
      this, op::kAuth, [&](proto::Writer& w) { proto::write(w, ap); }, no_body, std::move(cb));
}

namespace {

void encode_ops(proto::Writer& w, const std::vector<Op>& ops, const std::string& root) {
  for (const Op& o : ops) {
    proto::MultiHeader h{o.type, false, -1};
    proto::write(w, h);
    std::string path = prepend_chroot(root, o.path);
    switch (o.type) {
      case op::kCreate:
      case op::kCreate2:
      case op::kCreateContainer:
      case op::kCreateTTL: {
        proto::CreateRequest req;
        req.path = path;
        req.data = o.data;
        req.data_null = o.data_null;
        req.acl = o.acl;
        req.flags = o.flags;
        req.ttl = o.ttl;
        proto::write(w, req, o.type);
        break;
      }
      case op::kDelete:
      case op::kCheck:
        proto::write(w, proto::PathVersionRequest{path, o.version});
        break;
      case op::kSetData: {
        proto::SetDataRequest req;
        req.path = path;
        req.data = o.data;
        req.data_null = o.data_null;
        req.version = o.version;
        proto::write(w, req);
        break;
      }
      case op::kGetData:
      case op::kGetChildren:  // GetDataRequest / GetChildrenRequest with watch=false
        proto::write(w, proto::PathWatchRequest{path, false});
        break;
      default:
        break;
    }
  }
  proto::write(w, proto::MultiHeader{-1, true, -1});
}

void decode_results(proto::Reader& r, std::vector<OpResult>& out, const std::string& root) {
  for (;;) {
    proto::MultiHeader h;
    proto::read(r, h);
    if (!r.ok() || h.done) return;
    OpResult res;
    res.type = h.type;
    res.err = h.err;
    switch (h.type) {
      case op::kCreate:
        res.path = strip_chroot(root, r.bytes());
        break;
      case op::kCreate2:
      case op::kCreateContainer:
      case op::kCreateTTL:
        res.path = strip_chroot(root, r.bytes());
        proto::read(r, res.stat);
        break;
      case op::kSetData:
        proto::read(r, res.stat);
        break;
      case op::kGetData:
        res.data = r.bytes();
        proto::read(r, res.stat);
        break;
      case op::kGetChildren:
        proto::read(r, res.children);
        break;
      case op::kError:
        res.err = r.i32();
        break;
      default:  // delete, check: no body
        break;
    }
    out.push_back(std::move(res));
  }
}

}  // namespace

void Client::multi(const std::vector<Op>& ops, Callback<std::vector<OpResult>> cb) {
  std::string root = chroot();
  call<std::vector<OpResult>>(
      this, op::kMulti, [&](proto::Writer& w) { encode_ops(w, ops, root); },
      [root](proto::Reader& r, std::vector<OpResult>& v) { decode_results(r, v, root); },
      std::move(cb));
}

void Client::multi_read(const std::vector<Op>& ops, Callback<std::vector<OpResult>> cb) {
  std::string root = chroot();
  call<std::vector<OpResult>>(
      this, op::kMultiRead, [&](proto::Writer& w) { encode_ops(w, ops, root); },
      [root](proto::Reader& r, std::vector<OpResult>& v) { decode_results(r, v, root); },
      std::move(cb));
}

}  // namespace zkd::client
