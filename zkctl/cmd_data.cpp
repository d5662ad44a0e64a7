// zkCli.sh's data commands: ls, create, get, set, stat, delete, deleteall, getAcl,
// setAcl, addauth, whoami, sync, config, addWatch, removewatches, getEphemerals,
// getAllChildrenNumber. Text output matches zkCli.sh; -o json gives stable objects.
#include <algorithm>

#include "zkctl/cli.h"
#include "zkctl/format.h"
#include "zkctl/json.h"
#include "zkctl/walk.h"
#include "zkd/client/connect_string.h"

namespace zkctl {

namespace {

namespace err = zkd::proto::err;
namespace cm = zkd::proto::create_mode;
using zkd::client::Op;

#define ZK_OR_RETURN(ctx, var)    \
  int rc_ = 0;                    \
  SyncClient* var = ctx.zk(&rc_); \
  if (!var) return rc_

void print_stat(Ctx& ctx, const Stat& s) {
  for (const auto& l : stat_lines(s)) ctx.out(l);
}

// set, setAcl and stat: {"path", "stat"} with -o json, else the Stat lines when asked.
void print_path_stat(Ctx& ctx, const std::string& path, const Stat& s, bool text_stat) {
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("stat");
    stat_json(j, s);
    j.end_object();
    ctx.out(j.text());
  } else if (text_stat) {
    print_stat(ctx, s);
  }
}

std::string list_text(std::vector<std::string> v, bool sort) {
  if (sort) std::sort(v.begin(), v.end());
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += ", ";
    s += v[i];
  }
  return s + "]";
}

void str_array(Json& j, const std::vector<std::string>& v) {
  j.begin_array();
  for (const auto& s : v) j.str(s);
  j.end_array();
}

int cmd_ls(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  ZK_OR_RETURN(ctx, zk);
  if (a.has("R")) {
    std::vector<NodeInfo> nodes;
    std::string failed;
    WalkOptions wo;
    int32_t e = walk(*zk, path, wo, &nodes, &failed);
    if (e) return ctx.zk_fail(e, failed);
    // zkCli lists breadth-first (ZKUtil.listSubTreeBFS), children sorted.
    std::stable_sort(nodes.begin(), nodes.end(),
                     [](const NodeInfo& x, const NodeInfo& y) { return x.depth < y.depth; });
    if (ctx.g.json) {
      Json j;
      j.begin_object().key("path").str(path).key("paths").begin_array();
      for (const auto& n : nodes) j.str(n.path);
      j.end_array().end_object();
      ctx.out(j.text());
    } else {
      for (const auto& n : nodes) ctx.out(n.path);
    }
    return kOk;
  }
  auto r = zk->get_children2(path, a.has("w"));
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  auto children = r.value.children;
  std::sort(children.begin(), children.end());
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("children");
    str_array(j, children);
    if (a.has("s")) {
      j.key("stat");
      stat_json(j, r.value.stat);
    }
    j.end_object();
    ctx.out(j.text());
    return kOk;
  }
  ctx.out(list_text(children, true));
  if (a.has("s")) print_stat(ctx, r.value.stat);
  return kOk;
}

int cmd_create(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  bool seq = a.has("s"), eph = a.has("e"), container = a.has("c"), ttl_flag = a.has("t");
  std::string why = zkd::client::validate_path(path, seq);
  if (!why.empty()) return ctx.fail(kUsage, "BADARGUMENTS", "invalid path '" + path + "': " + why);
  if (container && (seq || eph || ttl_flag)) {
    return ctx.fail(kUsage, "BADARGUMENTS", "create: -c cannot be combined with -s, -e or -t");
  }
  if (ttl_flag && eph) {
    return ctx.fail(kUsage, "BADARGUMENTS", "create: TTLs cannot be used with ephemeral nodes");
  }
  int64_t ttl = -1;
  if (ttl_flag && (!parse_int(a.get("t"), &ttl) || ttl <= 0 || ttl > zkd::proto::kMaxTtlMs)) {
    return ctx.fail(kUsage, "BADARGUMENTS",
                    "create: -t needs a TTL in milliseconds (1.." +
                        std::to_string(zkd::proto::kMaxTtlMs) + "), got '" + a.get("t") + "'");
  }
  int32_t mode = cm::kPersistent;
  if (container)
    mode = cm::kContainer;
  else if (ttl_flag)
    mode = seq ? cm::kPersistentSequentialWithTTL : cm::kPersistentWithTTL;
  else if (eph)
    mode = seq ? cm::kEphemeralSequential : cm::kEphemeral;
  else if (seq)
    mode = cm::kPersistentSequential;
  std::string data;
  bool data_null = a.pos.size() < 2;
  if (!data_null) {
    int rc = 0;
    if (!read_data_arg(ctx, a.pos[1], &data, &rc)) return rc;
  }
  ACLs acl = zkd::client::open_acl_unsafe();
  if (a.pos.size() >= 3) {
    std::string e = parse_acl(a.pos[2], &acl);
    if (!e.empty()) return ctx.fail(kUsage, "BADARGUMENTS", "create: " + e);
  }
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->create(path, data, acl, mode, ttl, data_null);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(r.value.path).key("stat");
    stat_json(j, r.value.stat);
    j.end_object();
    ctx.out(j.text());
  } else {
    ctx.out("Created " + r.value.path);
  }
  return kOk;
}

void data_json(Json& j, const zkd::client::DataResult& d) {
  j.key("data");
  if (d.data_null || !valid_utf8(d.data)) {
    j.null();
  } else {
    j.str(d.data);
  }
  j.key("data_base64").str(base64_encode(d.data));
  j.key("data_null").boolean(d.data_null);
}

int cmd_get(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  if (a.has("b") && a.has("x")) {
    return ctx.fail(kUsage, "BADARGUMENTS", "get: -b and -x cannot be combined");
  }
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->get_data(path, a.has("w"));
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path);
    data_json(j, r.value);
    j.key("stat");
    stat_json(j, r.value.stat);
    j.end_object();
    ctx.out(j.text());
    return kOk;
  }
  if (a.has("b")) {
    ctx.out(base64_encode(r.value.data));
  } else if (a.has("x")) {
    ctx.out(hex_encode(r.value.data));
  } else {
    ctx.out(r.value.data_null ? "null" : r.value.data);
  }
  if (a.has("s")) print_stat(ctx, r.value.stat);
  return kOk;
}

bool version_flag(Ctx& ctx, const Args& a, int32_t* version, int* rc) {
  *version = -1;
  if (!a.has("v")) return true;
  int64_t v;
  if (!parse_int(a.get("v"), &v) || v < -1 || v > INT32_MAX) {
    *rc = ctx.fail(kUsage, "BADARGUMENTS",
                   a.cmd + ": -v needs a version number, got '" + a.get("v") + "'");
    return false;
  }
  *version = static_cast<int32_t>(v);
  return true;
}

int cmd_set(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  int32_t version;
  int rc = 0;
  if (!version_flag(ctx, a, &version, &rc)) return rc;
  std::string data;
  if (!read_data_arg(ctx, a.pos[1], &data, &rc)) return rc;
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->set_data(path, data, version);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  print_path_stat(ctx, path, r.value, a.has("s"));
  return kOk;
}

int cmd_stat(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->exists(path, a.has("w"));
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  print_path_stat(ctx, path, r.value, true);
  return kOk;
}

int cmd_delete(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  int32_t version;
  int rc = 0;
  if (!version_flag(ctx, a, &version, &rc)) return rc;
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->remove(path, version);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("deleted").num(1).end_object();
    ctx.out(j.text());
  }
  return kOk;
}

int cmd_deleteall(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  int64_t batch = 1000;
  if (a.has("b") && (!parse_int(a.get("b"), &batch) || batch <= 0)) {
    return ctx.fail(kUsage, "BADARGUMENTS", "deleteall: -b needs a positive batch size");
  }
  if (path == "/" || path == "/zookeeper" || path.rfind("/zookeeper/", 0) == 0) {
    return ctx.fail(kUsage, "BADARGUMENTS", "deleteall: refusing to delete " + path);
  }
  ZK_OR_RETURN(ctx, zk);
  std::vector<NodeInfo> nodes;
  std::string failed;
  Progress prog("deleteall");
  WalkOptions wo;
  wo.progress = [&](size_t n) { prog.update(n); };
  int32_t e = walk(*zk, path, wo, &nodes, &failed);
  if (e) {
    prog.done();
    return ctx.zk_fail(e, failed);
  }
  // Deepest first, in batches of one multi each (as ZKUtil.deleteRecursive).
  std::reverse(nodes.begin(), nodes.end());
  std::stable_sort(nodes.begin(), nodes.end(),
                   [](const NodeInfo& x, const NodeInfo& y) { return x.depth > y.depth; });
  size_t deleted = 0;
  for (size_t i = 0; i < nodes.size(); i += static_cast<size_t>(batch)) {
    std::vector<Op> ops;
    for (size_t k = i; k < nodes.size() && k < i + static_cast<size_t>(batch); ++k) {
      ops.push_back(Op::remove(nodes[k].path));
    }
    auto r = zk->multi(ops);
    bool all_ok = r.ok();
    if (all_ok) {
      for (const auto& res : r.value) all_ok = all_ok && res.err == 0;
    }
    if (!all_ok) {  // fall back to one by one, tolerating nodes already gone
      if (r.err == err::kConnectionLoss || r.err == err::kOperationTimeout) {
        prog.done();
        return ctx.zk_fail(r.err, path);
      }
      for (const auto& op : ops) {
        auto d = zk->remove(op.path, -1);
        if (!d.ok() && d.err != err::kNoNode) {
          prog.done();
          return ctx.zk_fail(d.err, op.path);
        }
      }
    }
    deleted += ops.size();
    prog.update(deleted);
  }
  prog.done();
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("deleted").num(static_cast<int64_t>(deleted));
    j.end_object();
    ctx.out(j.text());
  }
  return kOk;
}

int cmd_get_acl(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->get_acl(path);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("acl");
    acl_json(j, r.value.acl);
    j.key("stat");
    stat_json(j, r.value.stat);
    j.end_object();
    ctx.out(j.text());
    return kOk;
  }
  for (const auto& l : acl_lines(r.value.acl)) ctx.out(l);
  if (a.has("s")) print_stat(ctx, r.value.stat);
  return kOk;
}

int cmd_set_acl(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  ACLs acl;
  std::string e = parse_acl(a.pos[1], &acl);
  if (!e.empty()) return ctx.fail(kUsage, "BADARGUMENTS", "setAcl: " + e);
  int32_t version;
  int rc = 0;
  if (!version_flag(ctx, a, &version, &rc)) return rc;
  ZK_OR_RETURN(ctx, zk);
  if (a.has("R")) {
    std::vector<NodeInfo> nodes;
    std::string failed;
    int32_t we = walk(*zk, path, WalkOptions{}, &nodes, &failed);
    if (we) return ctx.zk_fail(we, failed);
    for (const auto& n : nodes) {
      auto r = zk->set_acl(n.path, acl, -1);
      if (!r.ok() && r.err != err::kNoNode) return ctx.zk_fail(r.err, n.path);
    }
    if (ctx.g.json) {
      Json j;
      j.begin_object().key("path").str(path).key("updated").num(static_cast<int64_t>(nodes.size()));
      j.end_object();
      ctx.out(j.text());
    }
    return kOk;
  }
  auto r = zk->set_acl(path, acl, version);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  print_path_stat(ctx, path, r.value, a.has("s"));
  return kOk;
}

int cmd_addauth(Ctx& ctx, const Args& a) {
  const std::string& scheme = a.pos[0];
  std::string cred = a.pos.size() > 1 ? a.pos[1] : "";
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->add_auth(scheme, cred);
  if (!r.ok()) {
    return ctx.fail(exit_for(r.err), zkd::proto::error_name(r.err),
                    "addauth " + scheme + " failed: " + zkd::proto::error_name(r.err));
  }
  // Remembered so that a reconnect of the shell's session re-authenticates.
  if (scheme == "digest") ctx.g.auths.push_back(cred);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("scheme").str(scheme).key("ok").boolean(true).end_object();
    ctx.out(j.text());
  }
  return kOk;
}

int cmd_whoami(Ctx& ctx, const Args&) {
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->who_am_i();
  if (!r.ok()) return ctx.zk_fail(r.err, "whoami");
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("clients").begin_array();
    for (const auto& ci : r.value) {
      j.begin_object().key("scheme").str(ci.scheme).key("user").str(ci.user).end_object();
    }
    j.end_array().end_object();
    ctx.out(j.text());
    return kOk;
  }
  ctx.out("Auth scheme: User");
  for (const auto& ci : r.value) ctx.out(ci.scheme + ": " + ci.user);
  return kOk;
}

int cmd_sync(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->sync(path);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("ok").boolean(true).end_object();
    ctx.out(j.text());
  } else {
    ctx.out("Sync is OK");
  }
  return kOk;
}

// "server.1=h:2888:3888:participant;0.0.0.0:2181" lines + "version=100000000" ->
// "100000000 h:2181,..." (zkCli's config -c).
std::string config_client_form(const std::string& cfg, std::vector<std::string>* servers,
                               std::string* version) {
  size_t start = 0;
  while (start < cfg.size()) {
    size_t nl = cfg.find('\n', start);
    std::string line = cfg.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
    start = nl == std::string::npos ? cfg.size() : nl + 1;
    if (line.rfind("version=", 0) == 0) {
      *version = line.substr(8);
    } else if (line.rfind("server.", 0) == 0) {
      size_t eq = line.find('=');
      size_t semi = line.find(';');
      if (eq == std::string::npos || semi == std::string::npos) continue;
      std::string client = line.substr(semi + 1);
      std::string host = line.substr(eq + 1, line.find(':', eq) - eq - 1);
      size_t colon = client.rfind(':');
      std::string chost = colon == std::string::npos ? "" : client.substr(0, colon);
      std::string cport = colon == std::string::npos ? client : client.substr(colon + 1);
      if (chost.empty() || chost == "0.0.0.0") chost = host;
      servers->push_back(chost + ":" + cport);
    }
  }
  std::string s = *version + " ";
  for (size_t i = 0; i < servers->size(); ++i) s += (i ? "," : "") + (*servers)[i];
  return s;
}

int cmd_config(Ctx& ctx, const Args& a) {
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->get_config(a.has("w"));
  if (!r.ok()) return ctx.zk_fail(r.err, "/zookeeper/config");
  const std::string& cfg = r.value.data;
  std::vector<std::string> servers;
  std::string version;
  std::string client_form = config_client_form(cfg, &servers, &version);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("config").str(cfg).key("version").str(version).key("servers");
    str_array(j, servers);
    j.key("stat");
    stat_json(j, r.value.stat);
    j.end_object();
    ctx.out(j.text());
    return kOk;
  }
  if (a.has("c")) {
    if (!servers.empty() || !version.empty()) ctx.out(client_form);
  } else if (!cfg.empty()) {
    std::string t = cfg;
    if (!t.empty() && t.back() == '\n') t.pop_back();
    ctx.out(t);
  }
  if (a.has("s")) print_stat(ctx, r.value.stat);
  return kOk;
}

int cmd_add_watch(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  std::string mode_name = a.get("m", "PERSISTENT_RECURSIVE");
  int32_t mode;
  if (mode_name == "PERSISTENT") {
    mode = zkd::proto::add_watch_mode::kPersistent;
  } else if (mode_name == "PERSISTENT_RECURSIVE") {
    mode = zkd::proto::add_watch_mode::kPersistentRecursive;
  } else {
    return ctx.fail(
        kUsage, "BADARGUMENTS",
        "addWatch: -m must be PERSISTENT or PERSISTENT_RECURSIVE, got '" + mode_name + "'");
  }
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->add_watch(path, mode);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("mode").str(mode_name).end_object();
    ctx.out(j.text());
  }
  return kOk;
}

int cmd_remove_watches(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  namespace wt = zkd::proto::watcher_type;
  int n = a.has("c") + a.has("d") + a.has("a");
  if (n > 1) return ctx.fail(kUsage, "BADARGUMENTS", "removewatches: use only one of -c, -d, -a");
  int32_t type = wt::kAny;
  std::string tname = "any";
  if (a.has("c")) {
    type = wt::kChildren;
    tname = "children";
  } else if (a.has("d")) {
    type = wt::kData;
    tname = "data";
  }
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->remove_watches(path, type);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("type").str(tname).end_object();
    ctx.out(j.text());
  }
  return kOk;
}

int cmd_get_ephemerals(Ctx& ctx, const Args& a) {
  std::string path = a.pos.empty() ? "/" : a.pos[0];
  CHECK_PATH(ctx, path);
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->get_ephemerals(path);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("ephemerals");
    str_array(j, r.value);
    j.end_object();
    ctx.out(j.text());
  } else {
    ctx.out(list_text(r.value, false));
  }
  return kOk;
}

int cmd_get_all_children_number(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  ZK_OR_RETURN(ctx, zk);
  auto r = zk->get_all_children_number(path);
  if (!r.ok()) return ctx.zk_fail(r.err, path);
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("count").num(r.value).end_object();
    ctx.out(j.text());
  } else {
    ctx.out(std::to_string(r.value));
  }
  return kOk;
}

}  // namespace

void register_data_commands(std::vector<Command>* v) {
  v->push_back({"ls", {"s", "w", "R"}, 1, 1, "ls [-s] [-w] [-R] path", cmd_ls});
  v->push_back({"create",
                {"s", "e", "c", "t:"},
                1,
                3,
                "create [-s] [-e] [-c] [-t ttl] path [data|-] [acl]",
                cmd_create});
  v->push_back({"get", {"s", "w", "b", "x"}, 1, 1, "get [-s] [-w] [-b] [-x] path", cmd_get});
  v->push_back({"set", {"s", "v:"}, 2, 2, "set [-s] [-v version] path data|-", cmd_set});
  v->push_back({"stat", {"w"}, 1, 1, "stat [-w] path", cmd_stat});
  v->push_back({"delete", {"v:"}, 1, 1, "delete [-v version] path", cmd_delete});
  v->push_back({"deleteall", {"b:"}, 1, 1, "deleteall path [-b batch size]", cmd_deleteall});
  v->push_back({"getAcl", {"s"}, 1, 1, "getAcl [-s] path", cmd_get_acl});
  v->push_back(
      {"setAcl", {"s", "v:", "R"}, 2, 2, "setAcl [-s] [-v version] [-R] path acl", cmd_set_acl});
  v->push_back({"addauth", {}, 1, 2, "addauth scheme auth", cmd_addauth});
  v->push_back({"whoami", {}, 0, 0, "whoami", cmd_whoami});
  v->push_back({"sync", {}, 1, 1, "sync path", cmd_sync});
  v->push_back({"config", {"c", "w", "s"}, 0, 0, "config [-c] [-w] [-s]", cmd_config});
  v->push_back({"addWatch", {"m:"}, 1, 1, "addWatch [-m mode] path", cmd_add_watch});
  v->push_back({"removewatches",
                {"c", "d", "a"},
                1,
                1,
                "removewatches path [-c|-d|-a]",
                cmd_remove_watches});
  v->push_back({"getEphemerals", {}, 0, 1, "getEphemerals [path]", cmd_get_ephemerals});
  v->push_back(
      {"getAllChildrenNumber", {}, 1, 1, "getAllChildrenNumber path", cmd_get_all_children_number});
}

}  // namespace zkctl
