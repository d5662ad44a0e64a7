#include "zkctl/bench/keeper_config.h"

#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <sstream>
#include <unordered_map>

#include "zkctl/bench/rng.h"
#include "zkctl/bench/session.h"
#include "zkctl/bench/yaml_lite.h"
#include "zkd/proto/ops.h"
#include "zkd/proto/records.h"

namespace zkctl::bench {
namespace proto = zkd::proto;
namespace {

// Config runs draw from their own sequence (not the built-in workloads' one).
constexpr uint64_t kConfigSalt = 0x1234567;

std::string make_string(const StringSpec& s, Rng& rng) {
  if (!s.random) return s.constant;
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  int n = rng.between(s.size.min, s.size.max);
  std::string out(size_t(n), 'x');
  for (auto& ch : out) ch = kChars[rng.next() % (sizeof kChars - 1)];
  return out;
}

// Reads a config. Every function returns false with *err set on a value it cannot use.
class Reader {
 public:
  explicit Reader(std::string* err) : err_(err) {}

  bool fail(const std::string& why) {
    *err_ = why;
    return false;
  }
  bool number(const YNode* n, const char* what, double* out) {
    if (!n || n->kind != YNode::kScalar) return fail(std::string(what) + ": expected a number");
    char* end = nullptr;
    *out = std::strtod(n->scalar.c_str(), &end);
    if (end == n->scalar.c_str() || *end)
      return fail(std::string(what) + ": expected a number, got '" + n->scalar + "'");
    return true;
  }
  bool integer(const YNode* n, const char* what, int* out) {
    double d = 0;
    if (!number(n, what, &d)) return false;
    if (d < 0 || d > 1e9 || d != double(int(d)))
      return fail(std::string(what) + ": expected a non-negative integer");
    *out = int(d);
    return true;
  }
  // N, or {min_value: A, max_value: B}.
  bool size(const YNode* n, const char* what, SizeSpec* out) {
    if (n && n->kind == YNode::kMap) {
      if (!integer(n->get("min_value"), what, &out->min) ||
          !integer(n->get("max_value"), what, &out->max))
        return false;
      if (out->min > out->max) return fail(std::string(what) + ": min_value > max_value");
      return true;
    }
    if (!integer(n, what, &out->min)) return false;
    out->max = out->min;
    return true;
  }
  bool string(const YNode* n, const char* what, StringSpec* out) {
    if (n && n->kind == YNode::kScalar) {
      out->constant = n->scalar;
      return true;
    }
    if (n && n->kind == YNode::kMap && n->get("random_string")) {
      out->random = true;
      const YNode* r = n->get("random_string");
      return size(r->kind == YNode::kMap ? r->get("size") : nullptr, what, &out->size);
    }
    return fail(std::string(what) + ": expected a string or {random_string: {size: ...}}");
  }
  bool paths(const YNode& req, const char* what, PathSpec* out) {
    for (const YNode* p : req.all("path")) {
      if (p->kind == YNode::kScalar) {
        out->paths.push_back(p->scalar);
      } else if (p->kind == YNode::kSeq) {
        for (const auto& item : p->seq) {
          if (item.kind != YNode::kScalar)
            return fail(std::string(what) + ": path list of strings expected");
          out->paths.push_back(item.scalar);
        }
      } else if (p->kind == YNode::kMap && p->get("children_of") &&
                 p->get("children_of")->kind == YNode::kScalar) {
        out->children_of.push_back(p->get("children_of")->scalar);
      } else {
        return fail(std::string(what) + ": path must be a string, a list or {children_of: PATH}");
      }
    }
    for (const auto& p : out->paths)
      if (p.empty() || p[0] != '/')
        return fail(std::string(what) + ": path '" + p + "' is not absolute");
    if (out->paths.empty() && out->children_of.empty())
      return fail(std::string(what) + ": no path");
    return true;
  }

  bool request(const std::string& type, const YNode& n, bool in_multi, RequestSpec* r) {
    if (n.kind != YNode::kMap) return fail("request " + type + ": expected a mapping");
    if (n.get("weight") && !number(n.get("weight"), "weight", &r->weight)) return false;
    if (type == "create") {
      r->type = RequestSpec::kCreate;
      if (!paths(n, "create", &r->path)) return false;
      if (n.get("name_length") && !size(n.get("name_length"), "name_length", &r->name_length))
        return false;
      if (n.get("data") && !string(n.get("data"), "create data", &r->data)) return false;
      if (n.get("remove_factor") &&
          !number(n.get("remove_factor"), "remove_factor", &r->remove_factor))
        return false;
      if (in_multi && r->remove_factor > 0)
        return fail("remove_factor inside multi is not supported");
    } else if (type == "set") {
      r->type = RequestSpec::kSet;
      if (!paths(n, "set", &r->path)) return false;
      if (n.get("data") && !string(n.get("data"), "set data", &r->data)) return false;
    } else if (type == "get" || type == "list") {
      r->type = type == "get" ? RequestSpec::kGet : RequestSpec::kList;
      if (!paths(n, type.c_str(), &r->path)) return false;
    } else if (type == "multi" && !in_multi) {
      r->type = RequestSpec::kMulti;
      if (!size(n.get("size"), "multi size", &r->multi_size)) return false;
      bool reads = false, writes = false;
      for (const auto& [k, v] : n.map) {
        if (k == "size" || k == "weight") continue;
        RequestSpec sub;
        if (!request(k, v, true, &sub)) return false;
        (sub.type == RequestSpec::kGet || sub.type == RequestSpec::kList ? reads : writes) = true;
        r->multi_ops.push_back(std::move(sub));
      }
      if (r->multi_ops.empty()) return fail("multi without operations");
      if (reads && writes) return fail("multi mixes reads and writes (ZooKeeper rejects that)");
    } else {
      return fail("unsupported request type '" + type + "'");
    }
    if (r->weight < 0) return fail("negative weight");
    return true;
  }

  bool node(const YNode& n, SetupNode* out) {
    if (n.kind != YNode::kMap) return fail("setup node: expected a mapping");
    if (!string(n.get("name"), "setup node name", &out->name)) return false;
    if (n.get("data") && !string(n.get("data"), "setup node data", &out->data)) return false;
    if (n.get("repeat") && !integer(n.get("repeat"), "repeat", &out->repeat)) return false;
    if (!out->name.random && out->repeat > 1) return fail("setup node: repeat needs a random name");
    for (const YNode* c : n.all("node")) {
      out->children.emplace_back();
      if (!node(*c, &out->children.back())) return false;
    }
    return true;
  }

 private:
  std::string* err_;
};

void expand(const SetupNode& n, const std::string& parent, int depth, Rng& rng,
            std::vector<ConcreteNode>* out) {
  for (int i = 0; i < n.repeat; i++) {
    std::string path = (parent == "/" ? "" : parent) + "/" + make_string(n.name, rng);
    out->push_back({path, make_string(n.data, rng), depth});
    for (const auto& c : n.children) expand(c, path, depth + 1, rng, out);
  }
}

class ConfigMix : public ConfigWorkload {
 public:
  ConfigMix(const KeeperConfig& c, const std::vector<std::vector<std::string>>& pools, int t)
      : pools_(pools), rng_(uint64_t(t) + 101, kConfigSalt) {
    for (const auto& r : c.requests) specs_.push_back(&r);
    size_t k = 0;
    for (const auto& r : c.requests) {
      pool_index_[&r] = k++;
      for (const auto& m : r.multi_ops) pool_index_[&m] = k++;
    }
    prefix_tag_ = "t" + std::to_string(t);
  }

  bool next(int32_t xid, std::string* out, ReqInfo* info) override {
    if (!ready_.empty()) {  // removal of a node whose create has been answered
      info->opcode = proto::op::kDelete;
      info->tag = next_tag_++;
      encode_delete(out, xid, ready_.front());
      removing_.emplace(info->tag, std::move(ready_.front()));
      ready_.pop_front();
      return true;
    }
    const RequestSpec& r = pick(specs_);
    size_t pos = begin_frame(out);
    proto::Writer w(out);
    w.i32(xid);
    if (r.type == RequestSpec::kMulti) {
      bool reads =
          r.multi_ops[0].type == RequestSpec::kGet || r.multi_ops[0].type == RequestSpec::kList;
      info->opcode = reads ? proto::op::kMultiRead : proto::op::kMulti;
      w.i32(info->opcode);
      std::vector<const RequestSpec*> subs;
      for (const auto& m : r.multi_ops) subs.push_back(&m);
      int n = rng_.between(r.multi_size.min, r.multi_size.max);
      for (int i = 0; i < n; i++) {
        const RequestSpec& m = pick(subs);
        proto::write(w, proto::MultiHeader{op_of(m), false, -1});
        body(w, m, nullptr);
      }
      proto::write(w, proto::MultiHeader{-1, true, -1});
    } else {
      info->opcode = op_of(r);
      w.i32(info->opcode);
      body(w, r, info);
    }
    end_frame(out, pos);
    return true;
  }

  int32_t on_reply(const ReqInfo& req, int32_t err, proto::Reader& body) override {
    if (req.tag) settle(req, err);
    if (err != 0 || req.opcode != proto::op::kMulti) return err;
    for (;;) {  // a failed multi reports its cause inside
      proto::MultiHeader h;
      proto::read(body, h);
      if (!body.ok()) return kMalformedReply;
      if (h.done) return 0;
      if (h.err != 0) return h.err;
      if (h.type == proto::op::kCreate) body.bytes();
      if (h.type == proto::op::kSetData) {
        proto::Stat st;
        proto::read(body, st);
      }
    }
  }

  std::vector<std::string> leftovers() const override {
    std::vector<std::string> v(created_.begin(), created_.end());
    v.insert(v.end(), ready_.begin(), ready_.end());
    for (const auto& [_, p] : awaiting_) v.push_back(p);
    for (const auto& [_, p] : removing_) v.push_back(p);
    return v;
  }

 private:
  // A tagged create answered: its node may now be removed. A tagged delete answered: done,
  // or (failed) left for teardown.
  void settle(const ReqInfo& req, int32_t err) {
    auto& table = req.opcode == proto::op::kCreate ? awaiting_ : removing_;
    auto it = table.find(req.tag);
    if (it == table.end()) return;
    if (req.opcode == proto::op::kCreate && err == 0) ready_.push_back(std::move(it->second));
    if (req.opcode == proto::op::kDelete && err != 0) created_.push_back(std::move(it->second));
    table.erase(it);
  }

  static int32_t op_of(const RequestSpec& r) {
    switch (r.type) {
      case RequestSpec::kCreate:
        return proto::op::kCreate;
      case RequestSpec::kSet:
        return proto::op::kSetData;
      case RequestSpec::kGet:
        return proto::op::kGetData;
      case RequestSpec::kList:
        return proto::op::kGetChildren;
      case RequestSpec::kMulti:
        return proto::op::kMulti;
    }
    return proto::op::kGetData;
  }

  const RequestSpec& pick(const std::vector<const RequestSpec*>& specs) {
    double total = 0;
    for (const auto* s : specs) total += s->weight;
    double x = rng_.unit() * total;
    for (const auto* s : specs) {
      if (x < s->weight) return *s;
      x -= s->weight;
    }
    return *specs.back();
  }

  const std::string& path_of(const RequestSpec& r) {
    const auto& pool = pools_[pool_index_.at(&r)];
    return pool[rng_.next() % pool.size()];
  }

  // Request body (getData/getChildren carry a watch flag in multiRead too). `top` is the
  // request's info for a plain request, nullptr inside a multi.
  void body(proto::Writer& w, const RequestSpec& r, ReqInfo* top) {
    const std::string& p = path_of(r);
    switch (r.type) {
      case RequestSpec::kCreate: {
        std::string name = make_string(StringSpec{"", true, r.name_length}, rng_);
        std::string path = (p == "/" ? "" : p) + "/" + prefix_tag_ + "-" + name;
        w.bytes(path);
        w.bytes(make_string(r.data, rng_));
        w.i32(1);
        w.i32(proto::perm::kAll);
        w.bytes("world");
        w.bytes("anyone");
        w.i32(proto::create_mode::kPersistent);
        if (top && r.remove_factor > 0 && rng_.unit() < r.remove_factor) {
          top->tag = next_tag_++;
          awaiting_.emplace(top->tag, path);
        } else {
          created_.push_back(path);
        }
        break;
      }
      case RequestSpec::kSet:
        w.bytes(p);
        w.bytes(make_string(r.data, rng_));
        w.i32(-1);
        break;
      case RequestSpec::kGet:
      case RequestSpec::kList:
        w.bytes(p);
        w.boolean(false);
        break;
      case RequestSpec::kMulti:
        break;
    }
  }

  const std::vector<std::vector<std::string>>& pools_;
  Rng rng_;
  std::vector<const RequestSpec*> specs_;
  std::map<const RequestSpec*, size_t> pool_index_;
  std::string prefix_tag_;
  uint32_t next_tag_ = 1;
  std::unordered_map<uint32_t, std::string> awaiting_;  // creates to remove, not answered yet
  std::deque<std::string> ready_;                       // created, removal not sent yet
  std::unordered_map<uint32_t, std::string> removing_;  // removal sent, not answered yet
  std::vector<std::string> created_;
};

}  // namespace

bool load_keeper_config(const std::string& file, KeeperConfig* c, std::string* error) {
  std::ifstream in(file);
  if (!in) {
    *error = "cannot read " + file;
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  YNode root;
  if (!parse_yaml(ss.str(), &root, error)) {
    *error = file + ": " + *error;
    return false;
  }
  if (root.kind != YNode::kMap) {
    *error = file + ": expected a mapping at the top";
    return false;
  }
  Reader r(error);
  auto bad = [&]() {
    *error = file + ": " + *error;
    return false;
  };
  for (const auto& [k, v] : root.map) {
    double d = 0;
    if (k == "concurrency") {
      if (!r.integer(&v, "concurrency", &c->concurrency) || c->concurrency < 1) return bad();
    } else if (k == "iterations") {
      if (!r.number(&v, "iterations", &d) || d < 0) return bad();
      c->iterations = uint64_t(d);
    } else if (k == "timelimit") {
      if (!r.number(&v, "timelimit", &c->timelimit_s) || c->timelimit_s < 0) return bad();
    } else if (k == "delay" || k == "continue_on_errors") {
      c->notes.push_back(k + " ignored");
    } else if (k == "connections") {
      for (const auto& [ck, cv] : v.map) {
        const YNode* host = nullptr;
        if (ck == "host") host = &cv;
        if (ck == "connection") {
          host = cv.get("host");
          if (cv.get("sessions") && !r.integer(cv.get("sessions"), "sessions", &c->sessions))
            return bad();
          if (cv.get("session_timeout_ms") &&
              !r.integer(cv.get("session_timeout_ms"), "session_timeout_ms",
                         &c->session_timeout_ms))
            return bad();
          if (cv.get("secure") && cv.get("secure")->scalar == "true") {
            *error = "secure connections are not supported";
            return bad();
          }
        }
        if (host && host->kind == YNode::kScalar) {
          if (c->host.empty())
            c->host = host->scalar;
          else if (host->scalar != c->host)
            c->notes.push_back("host " + host->scalar + " ignored (one server per run)");
        }
      }
    } else if (k == "generator") {
      for (const auto& [gk, gv] : v.map) {
        if (gk == "setup") {
          for (const YNode* n : gv.all("node")) {
            c->setup.emplace_back();
            if (!r.node(*n, &c->setup.back())) return bad();
          }
        } else if (gk == "requests") {
          for (const auto& [rk, rv] : gv.map) {
            c->requests.emplace_back();
            if (!r.request(rk, rv, false, &c->requests.back())) return bad();
          }
        } else {
          *error = "unsupported generator key '" + gk + "'";
          return bad();
        }
      }
    } else if (k == "output") {
      if (const YNode* f = v.get("file")) {
        if (f->kind == YNode::kScalar)
          c->output_file = f->scalar;
        else if (f->get("path"))
          c->output_file = f->get("path")->scalar;
        if (f->kind == YNode::kMap && f->get("with_timestamp") &&
            f->get("with_timestamp")->scalar == "true")
          c->notes.push_back("output with_timestamp ignored");
      }
      if (const YNode* s = v.get("stdout")) c->output_stdout = s->scalar != "false";
    } else {
      *error = "unsupported key '" + k + "'";
      return bad();
    }
  }
  if (c->requests.empty()) {
    *error = "generator.requests is empty";
    return bad();
  }
  return true;
}

void apply_keeper_config(const KeeperConfig& c, Options* o) {
  auto unset = [&](const char* k) { return !o->explicit_keys.count(k); };
  if (!c.host.empty() && unset("--server")) {
    std::string err;
    size_t colon = c.host.rfind(':');
    o->host = c.host.substr(0, colon);
    if (colon != std::string::npos) o->port = std::atoi(c.host.c_str() + colon + 1);
  }
  if (c.concurrency && unset("--connections"))
    o->connections = c.concurrency * std::max(1, c.sessions);
  if (c.concurrency && unset("--inflight")) o->inflight = 1;
  if (c.iterations && unset("--ops") && unset("--duration")) o->ops = c.iterations;
  if (c.timelimit_s > 0 && unset("--duration")) {
    o->duration_s = c.timelimit_s;  // with iterations too: whichever comes first
    o->duration_set = true;
  }
  if (c.session_timeout_ms && unset("--session-timeout"))
    o->session_timeout_ms = c.session_timeout_ms;
  if (o->threads > o->connections) o->threads = o->connections;
}

std::vector<ConcreteNode> expand_setup(const KeeperConfig& c, uint64_t seed) {
  Rng rng(seed, kConfigSalt);
  std::vector<ConcreteNode> out;
  for (const auto& n : c.setup) expand(n, "/", 0, rng, &out);
  return out;
}

std::vector<const RequestSpec*> flatten_requests(const KeeperConfig& c) {
  std::vector<const RequestSpec*> v;
  for (const auto& r : c.requests) {
    v.push_back(&r);
    for (const auto& m : r.multi_ops) v.push_back(&m);
  }
  return v;
}

std::unique_ptr<ConfigWorkload> make_config_workload(
    const KeeperConfig& c, const std::vector<std::vector<std::string>>& pools, int t) {
  return std::make_unique<ConfigMix>(c, pools, t);
}

}  // namespace zkctl::bench
