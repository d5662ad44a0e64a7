#include "zkctl/bench/workload.h"

#include <cstdio>

#include "zkctl/bench/rng.h"
#include "zkctl/bench/session.h"
#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkctl::bench {
namespace proto = zkd::proto;
namespace {

std::string key_name(const std::string& dir, uint64_t i) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "/k%010llu", static_cast<unsigned long long>(i));
  return dir + buf;
}

void header(proto::Writer& w, int32_t xid, int32_t type) {
  w.i32(xid);
  w.i32(type);
}

// getData / exists / setData / mix on uniformly random keys.
class KeyOps : public Generator {
 public:
  KeyOps(const Layout& l, int32_t read_op, int read_percent, int t)
      : l_(l), read_op_(read_op), read_percent_(read_percent), rng_(uint64_t(t) + 7) {}

  bool next(int32_t xid, std::string* out, ReqInfo* info) override {
    const std::string& path = l_.keys[rng_.below(uint32_t(l_.keys.size()))];
    bool read = read_percent_ >= 100 || (read_percent_ > 0 && int(rng_.below(100)) < read_percent_);
    size_t pos = begin_frame(out);
    proto::Writer w(out);
    if (read) {
      header(w, xid, read_op_);
      w.bytes(path);
      w.boolean(false);
    } else {
      header(w, xid, proto::op::kSetData);
      w.bytes(path);
      w.bytes(l_.value);
      w.i32(-1);
    }
    end_frame(out, pos);
    info->opcode = read ? read_op_ : proto::op::kSetData;
    return true;
  }

  // Replies come back in request order, so the oldest queued kind is this reply's.
  int32_t on_reply(const ReqInfo& req, int32_t err, proto::Reader& body) override {
    if (err != 0) return err;
    if (req.opcode == proto::op::kGetData) {
      bool is_null = false;
      std::string data = body.bytes(&is_null);
      if (data.size() != l_.value.size()) return kMalformedReply;
    }
    proto::Stat st;
    proto::read(body, st);
    return body.ok() ? 0 : kMalformedReply;
  }

 private:
  const Layout& l_;
  int32_t read_op_;
  int read_percent_;
  Rng rng_;
};

// Creates of new nodes under ROOT/c: unique names t<thread>-<counter>, or sequential.
class Creates : public Generator {
 public:
  Creates(const Options& o, const Layout& l, int t) : l_(l), sequential_(o.sequential) {
    prefix_ = l.create_dir + "/t" + std::to_string(t) + (sequential_ ? "-" : "-n");
  }
  bool next(int32_t xid, std::string* out, ReqInfo* info) override {
    info->opcode = proto::op::kCreate;
    if (sequential_) {
      encode_create(out, xid, prefix_, l_.value, proto::create_mode::kPersistentSequential);
    } else {
      path_ = prefix_;
      path_ += std::to_string(n_++);
      encode_create(out, xid, path_, l_.value, proto::create_mode::kPersistent);
    }
    return true;
  }
  int32_t on_reply(const ReqInfo& req, int32_t err, proto::Reader& body) override {
    if (err != 0) return err;
    bool is_null = false;
    body.bytes(&is_null);
    return body.ok() && !is_null ? 0 : kMalformedReply;
  }

 private:
  const Layout& l_;
  bool sequential_;
  std::string prefix_;
  std::string path_;
  uint64_t n_ = 0;
};

// multi of K creates of unique nodes under ROOT/c; a request counts as one op.
class MultiCreates : public Generator {
 public:
  MultiCreates(const Options& o, const Layout& l, int t) : l_(l), k_(o.multi_ops) {
    prefix_ = l.create_dir + "/m" + std::to_string(t) + "-n";
  }
  bool next(int32_t xid, std::string* out, ReqInfo* info) override {
    size_t pos = begin_frame(out);
    proto::Writer w(out);
    header(w, xid, proto::op::kMulti);
    info->opcode = proto::op::kMulti;
    for (int i = 0; i < k_; i++) {
      proto::write(w, proto::MultiHeader{proto::op::kCreate, false, -1});
      path_ = prefix_;
      path_ += std::to_string(n_++);
      w.bytes(path_);
      w.bytes(l_.value);
      w.i32(1);
      w.i32(proto::perm::kAll);
      w.bytes("world");
      w.bytes("anyone");
      w.i32(proto::create_mode::kPersistent);
    }
    proto::write(w, proto::MultiHeader{-1, true, -1});
    end_frame(out, pos);
    return true;
  }
  // A failed multi still has ReplyHeader.err == 0; the per-op results say it failed.
  int32_t on_reply(const ReqInfo& req, int32_t err, proto::Reader& body) override {
    if (err != 0) return err;
    for (int i = 0; i <= k_; i++) {
      proto::MultiHeader h;
      proto::read(body, h);
      if (!body.ok()) return kMalformedReply;
      if (h.done) return i == k_ ? 0 : kMalformedReply;
      if (h.err != 0) return h.err;  // the first failing op's code; later ones are -2
      if (h.type != proto::op::kCreate) return kMalformedReply;
      body.bytes();
    }
    return kMalformedReply;
  }

 private:
  const Layout& l_;
  int k_;
  std::string prefix_;
  std::string path_;
  uint64_t n_ = 0;
};

// A finite list of paths, every n-th starting at t: create (with data) or delete.
class PathList : public Generator {
 public:
  PathList(const std::vector<std::string>& paths, const std::vector<std::string>* datas,
           bool create, int t, int n)
      : paths_(paths), datas_(datas), create_(create), i_(size_t(t)), step_(size_t(n)) {}
  bool next(int32_t xid, std::string* out, ReqInfo* info) override {
    if (i_ >= paths_.size()) return false;
    info->opcode = create_ ? proto::op::kCreate : proto::op::kDelete;
    if (create_) {
      const std::string& data = datas_->size() == 1 ? (*datas_)[0] : (*datas_)[i_];
      encode_create(out, xid, paths_[i_], data, proto::create_mode::kPersistent);
    } else {
      encode_delete(out, xid, paths_[i_]);
    }
    i_ += step_;
    return true;
  }

 private:
  const std::vector<std::string>& paths_;
  const std::vector<std::string>* datas_;  // for creates
  bool create_;
  size_t i_;
  size_t step_;
};

}  // namespace

Layout make_layout(const Options& o) {
  Layout l;
  l.root = o.root;
  l.value.resize(size_t(o.value_size));
  for (size_t i = 0; i < l.value.size(); i++) l.value[i] = char('a' + i % 26);
  l.create_dir = o.root + "/c";
  l.delete_dir = o.root + "/d";
  switch (o.workload) {
    case Workload::kGet:
    case Workload::kExists:
    case Workload::kSet:
    case Workload::kMix:
      l.keys.reserve(size_t(o.keys));
      for (int i = 1; i <= o.keys; i++) l.keys.push_back(key_name(o.root, uint64_t(i)));
      break;
    case Workload::kDelete:
      l.doomed.reserve(size_t(o.keys));
      for (int i = 1; i <= o.keys; i++) l.doomed.push_back(key_name(l.delete_dir, uint64_t(i)));
      break;
    case Workload::kCreate:
    case Workload::kMulti:
    case Workload::kConfig:  // config runs bring their own layout
      break;
  }
  return l;
}

std::unique_ptr<Generator> make_workload(const Options& o, const Layout& l, int t, int n) {
  switch (o.workload) {
    case Workload::kGet:
      return std::make_unique<KeyOps>(l, proto::op::kGetData, 100, t);
    case Workload::kExists:
      return std::make_unique<KeyOps>(l, proto::op::kExists, 100, t);
    case Workload::kSet:
      return std::make_unique<KeyOps>(l, proto::op::kGetData, 0, t);
    case Workload::kMix:
      return std::make_unique<KeyOps>(l, proto::op::kGetData, o.read_percent, t);
    case Workload::kCreate:
      return std::make_unique<Creates>(o, l, t);
    case Workload::kMulti:
      return std::make_unique<MultiCreates>(o, l, t);
    case Workload::kDelete:
      return make_deletes(l.doomed, t, n);
    case Workload::kConfig:
      break;  // config runs use make_config_workload
  }
  return nullptr;
}

std::unique_ptr<Generator> make_creates(const std::vector<std::string>& paths,
                                        const std::vector<std::string>& datas, int t, int n) {
  return std::make_unique<PathList>(paths, &datas, true, t, n);
}

std::unique_ptr<Generator> make_deletes(const std::vector<std::string>& paths, int t, int n) {
  return std::make_unique<PathList>(paths, nullptr, false, t, n);
}

}  // namespace zkctl::bench
