// Tree tools: tree, du, find, grep, cp, export, import. All fetch subtrees with
// walk() (pipelined); cp/import recreate nodes with their data, ACLs and types.
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "zkctl/cli.h"
#include "zkctl/format.h"
#include "zkctl/json.h"
#include "zkctl/walk.h"
#include "zkd/client/connect_string.h"

namespace zkctl {

namespace {

namespace err = zkd::proto::err;
namespace cm = zkd::proto::create_mode;

int walk_or_fail(Ctx& ctx, SyncClient& zk, const std::string& root, WalkOptions wo,
                 const char* what, std::vector<NodeInfo>* nodes) {
  Progress prog(what);
  auto user_progress = wo.progress;
  wo.progress = [&](size_t n) { prog.update(n); };
  std::string failed;
  int32_t e = walk(zk, root, wo, nodes, &failed);
  prog.done();
  if (e) return ctx.zk_fail(e, failed);
  return kOk;
}

bool depth_flag(Ctx& ctx, const Args& a, int* depth, int* rc) {
  *depth = -1;
  if (!a.has("depth")) return true;
  int64_t d;
  if (!parse_int(a.get("depth"), &d) || d < 0 || d > 100000) {
    *rc = ctx.fail(kUsage, "BADARGUMENTS", a.cmd + ": --depth needs a number >= 0");
    return false;
  }
  *depth = static_cast<int>(d);
  return true;
}

void tree_json(Json& j, const std::map<std::string, const NodeInfo*>& idx, const NodeInfo& n) {
  j.begin_object();
  std::string name = n.path == "/" ? "/" : n.path.substr(n.path.rfind('/') + 1);
  j.key("name").str(name).key("path").str(n.path);
  j.key("dataLength").num(n.stat.dataLength).key("numChildren").num(n.stat.numChildren);
  j.key("children").begin_array();
  for (const auto& c : n.children) {
    auto it = idx.find(join_path(n.path, c));
    if (it != idx.end()) tree_json(j, idx, *it->second);
  }
  j.end_array().end_object();
}

void tree_text(Ctx& ctx, const std::map<std::string, const NodeInfo*>& idx, const NodeInfo& n,
               const std::string& prefix) {
  std::vector<const NodeInfo*> kids;
  for (const auto& c : n.children) {
    auto it = idx.find(join_path(n.path, c));
    if (it != idx.end()) kids.push_back(it->second);
  }
  for (size_t i = 0; i < kids.size(); ++i) {
    bool last = i + 1 == kids.size();
    const std::string& p = kids[i]->path;
    ctx.out(prefix + (last ? "└── " : "├── ") + p.substr(p.rfind('/') + 1));
    tree_text(ctx, idx, *kids[i], prefix + (last ? "    " : "│   "));
  }
}

int cmd_tree(Ctx& ctx, const Args& a) {
  std::string path = a.pos.empty() ? "/" : a.pos[0];
  CHECK_PATH(ctx, path);
  int depth, rc = 0;
  if (!depth_flag(ctx, a, &depth, &rc)) return rc;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  std::vector<NodeInfo> nodes;
  WalkOptions wo;
  wo.max_depth = depth;
  if ((rc = walk_or_fail(ctx, *zk, path, wo, "tree", &nodes)) != kOk) return rc;
  std::map<std::string, const NodeInfo*> idx;
  for (const auto& n : nodes) idx[n.path] = &n;
  if (ctx.g.json) {
    Json j;
    tree_json(j, idx, nodes.front());
    ctx.out(j.text());
  } else {
    ctx.out(path);
    tree_text(ctx, idx, nodes.front(), "");
  }
  return kOk;
}

int cmd_du(Ctx& ctx, const Args& a) {
  std::string path = a.pos.empty() ? "/" : a.pos[0];
  CHECK_PATH(ctx, path);
  int rc = 0;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  std::vector<NodeInfo> nodes;
  if ((rc = walk_or_fail(ctx, *zk, path, WalkOptions{}, "du", &nodes)) != kOk) return rc;
  int64_t bytes = 0;
  for (const auto& n : nodes) bytes += n.stat.dataLength;
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("bytes").num(bytes);
    j.key("nodes").num(static_cast<int64_t>(nodes.size())).end_object();
    ctx.out(j.text());
  } else {
    ctx.out(std::to_string(bytes) + "\t" + std::to_string(nodes.size()) + "\t" + path);
  }
  return kOk;
}

int cmd_find(Ctx& ctx, const Args& a) {
  std::string path = a.pos.empty() ? "/" : a.pos[0];
  CHECK_PATH(ctx, path);
  int64_t owner = 0;
  if (a.has("ephemeral-owner") && !parse_int(a.get("ephemeral-owner"), &owner)) {
    return ctx.fail(kUsage, "BADARGUMENTS",
                    "find: --ephemeral-owner needs a session id (0x... or decimal)");
  }
  std::string type = a.get("type");
  if (!type.empty() && type != "persistent" && type != "ephemeral" && type != "container" &&
      type != "ttl") {
    return ctx.fail(kUsage, "BADARGUMENTS",
                    "find: --type must be persistent, ephemeral, container or ttl");
  }
  int depth, rc = 0;
  if (!depth_flag(ctx, a, &depth, &rc)) return rc;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  std::vector<NodeInfo> nodes;
  WalkOptions wo;
  wo.max_depth = depth;
  if ((rc = walk_or_fail(ctx, *zk, path, wo, "find", &nodes)) != kOk) return rc;
  std::vector<std::string> matches;
  for (const auto& n : nodes) {
    std::string name = n.path == "/" ? "/" : n.path.substr(n.path.rfind('/') + 1);
    if (a.has("name") && fnmatch(a.get("name").c_str(), name.c_str(), 0) != 0) continue;
    if (a.has("ephemeral-owner") && n.stat.ephemeralOwner != owner) continue;
    if (!type.empty() && node_type(n.stat) != type) continue;
    matches.push_back(n.path);
  }
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("matches").begin_array();
    for (const auto& m : matches) j.str(m);
    j.end_array().end_object();
    ctx.out(j.text());
  } else {
    for (const auto& m : matches) ctx.out(m);
  }
  return kOk;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int cmd_grep(Ctx& ctx, const Args& a) {
  const std::string& pattern = a.pos[0];
  std::string path = a.pos.size() > 1 ? a.pos[1] : "/";
  CHECK_PATH(ctx, path);
  bool icase = a.has("i");
  std::string needle = icase ? lower(pattern) : pattern;
  int rc = 0;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  std::vector<NodeInfo> nodes;
  WalkOptions wo;
  wo.data = true;
  if ((rc = walk_or_fail(ctx, *zk, path, wo, "grep", &nodes)) != kOk) return rc;
  Json j;
  j.begin_object().key("pattern").str(pattern).key("path").str(path).key("matches").begin_array();
  for (const auto& n : nodes) {
    std::istringstream in(n.data);
    std::string line;
    bool any = false;
    while (std::getline(in, line)) {
      std::string hay = icase ? lower(line) : line;
      if (hay.find(needle) == std::string::npos) continue;
      any = true;
      if (a.has("l")) break;
      if (ctx.g.json) {
        j.begin_object().key("path").str(n.path).key("line").str(line).end_object();
      } else {
        ctx.out(n.path + ": " + line);
      }
    }
    if (any && a.has("l")) {
      if (ctx.g.json) {
        j.begin_object().key("path").str(n.path).end_object();
      } else {
        ctx.out(n.path);
      }
    }
  }
  j.end_array().end_object();
  if (ctx.g.json) ctx.out(j.text());
  return kOk;
}

// --- export / import / cp -------------------------------------------------------

bool is_system(const std::string& p) {
  return p == "/zookeeper" || p.rfind("/zookeeper/", 0) == 0;
}

// Walks `root` with data and ACLs, leaving out ephemerals (noted on stderr) and the
// /zookeeper system subtree (unless the root is inside it).
int fetch_for_copy(Ctx& ctx, SyncClient& zk, const std::string& root, std::vector<NodeInfo>* out) {
  WalkOptions wo;
  wo.data = true;
  wo.acl = true;
  bool skip_system = !is_system(root);
  wo.skip = [skip_system](const std::string& p) { return skip_system && is_system(p); };
  std::vector<NodeInfo> all;
  int rc = walk_or_fail(ctx, zk, root, wo, "reading", &all);
  if (rc != kOk) return rc;
  if (skip_system && root == "/") ctx.note("skipping the /zookeeper system subtree");
  for (auto& n : all) {
    if (node_type(n.stat) == "ephemeral") {
      char owner[32];
      std::snprintf(owner, sizeof owner, "0x%llx",
                    static_cast<unsigned long long>(n.stat.ephemeralOwner));
      ctx.note("skipping ephemeral node " + n.path + " (owner session " + owner + ")");
      continue;
    }
    for (const auto& acl : n.acl) {
      // Without ADMIN on a node the server masks digest ids as "user:x".
      if (acl.id.scheme == "digest" && acl.id.id.size() > 2 &&
          acl.id.id.compare(acl.id.id.size() - 2, 2, ":x") == 0) {
        ctx.note("ACL of " + n.path + " is masked by the server (" + acl.id.id +
                 "): authenticate with --auth as a user with ADMIN on it to copy it exactly");
        break;
      }
    }
    out->push_back(std::move(n));
  }
  return kOk;
}

std::string rebase(const std::string& path, const std::string& from, const std::string& to) {
  std::string rel = path == from ? "" : (from == "/" ? path : path.substr(from.size()));
  if (rel.empty()) return to;
  return to == "/" ? rel : to + rel;
}

// Creates `nodes` (DFS order, paths under src_root) below dst_root on `zk`. ACLs are
// applied after all creates, deepest first, so restrictive ACLs do not block children.
int restore(Ctx& ctx, SyncClient& zk, const std::vector<NodeInfo>& nodes,
            const std::string& src_root, const std::string& dst_root, bool overwrite,
            size_t* created_out) {
  using zkd::client::ACLs;
  // Missing ancestors of the destination: plain persistent nodes.
  if (dst_root != "/") {
    std::string p;
    size_t pos = 1;
    while ((pos = dst_root.find('/', pos)) != std::string::npos) {
      p = dst_root.substr(0, pos);
      auto r = zk.create(p, "", zkd::client::open_acl_unsafe(), cm::kPersistent, -1, true);
      if (!r.ok() && r.err != err::kNodeExists) return ctx.zk_fail(r.err, p);
      ++pos;
    }
  }
  if (!overwrite) {  // refuse before changing anything
    for (const auto& n : nodes) {
      std::string dst = rebase(n.path, src_root, dst_root);
      if (dst == "/") continue;
      auto r = zk.exists(dst);
      if (r.ok()) {
        return ctx.fail(kNodeExists, "NODEEXISTS",
                        "Node already exists: " + dst + " (use --overwrite to replace)");
      }
      if (r.err != err::kNoNode) return ctx.zk_fail(r.err, dst);
    }
  }
  Progress prog("writing");
  size_t created = 0;
  std::vector<std::pair<std::string, const ACLs*>> acl_fixups;
  ACLs open = zkd::client::open_acl_unsafe();
  for (const auto& n : nodes) {
    std::string dst = rebase(n.path, src_root, dst_root);
    int64_t ttl = -1;
    std::string type = node_type(n.stat, &ttl);
    int32_t mode = type == "container" ? cm::kContainer
                   : type == "ttl"     ? cm::kPersistentWithTTL
                                       : cm::kPersistent;
    bool exists = dst == "/";
    if (!exists) {
      auto r = zk.create(dst, n.data, open, mode, type == "ttl" ? ttl : -1, n.data_null);
      if (r.err == err::kNodeExists && overwrite) {
        exists = true;
      } else if (!r.ok()) {
        prog.done();
        return ctx.zk_fail(r.err, dst);
      } else {
        ++created;
      }
    }
    bool acl_differs = !exists && n.acl != open;
    if (exists && overwrite) {
      // Only write what differs: a node we may read but not write stays untouched
      // when it already holds the right content.
      auto cur = zk.get_data(dst);
      if (cur.ok() && (cur.value.data != n.data || cur.value.data_null != n.data_null) &&
          !(dst == "/" && n.data_null)) {
        auto r = zk.set_data(dst, n.data, -1);
        if (!r.ok()) {
          prog.done();
          return ctx.zk_fail(r.err, dst);
        }
      }
      auto acl = zk.get_acl(dst);
      acl_differs = !acl.ok() || acl.value.acl != n.acl;
    }
    if (!n.acl.empty() && acl_differs) acl_fixups.emplace_back(dst, &n.acl);
    prog.update(created);
  }
  for (auto it = acl_fixups.rbegin(); it != acl_fixups.rend(); ++it) {
    auto r = zk.set_acl(it->first, *it->second, -1);
    if (!r.ok()) {
      prog.done();
      return ctx.zk_fail(r.err, it->first);
    }
  }
  prog.done();
  *created_out = created;
  return kOk;
}

void node_json(Json& j, const NodeInfo& n) {
  int64_t ttl = 0;
  std::string type = node_type(n.stat, &ttl);
  j.begin_object();
  j.key("path").str(n.path).key("type").str(type);
  if (type == "ttl") j.key("ttl").num(ttl);
  j.key("data_base64").str(base64_encode(n.data)).key("data_null").boolean(n.data_null);
  j.key("acl");
  acl_json(j, n.acl);
  j.key("stat");
  stat_json(j, n.stat);
  j.end_object();
}

int cmd_export(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  const std::string& file = a.pos[1];
  CHECK_PATH(ctx, path);
  int rc = 0;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  std::vector<NodeInfo> nodes;
  if ((rc = fetch_for_copy(ctx, *zk, path, &nodes)) != kOk) return rc;
  std::string text =
      "{\"format\": \"zkctl-export\", \"version\": 1, \"root\": " + json_quote(path) +
      ", \"nodes\": [\n";
  for (size_t i = 0; i < nodes.size(); ++i) {
    Json j;
    node_json(j, nodes[i]);
    text += "  " + j.text() + (i + 1 < nodes.size() ? ",\n" : "\n");
  }
  text += "]}\n";
  if (file == "-") {
    std::lock_guard<std::mutex> lk(ctx.out_mu);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return kOk;
  }
  std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) return ctx.fail(kError, "IOERROR", "export: cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), file.c_str()) != 0) {
    return ctx.fail(kError, "IOERROR", "export: cannot rename " + tmp + " to " + file);
  }
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("path").str(path).key("file").str(file);
    j.key("nodes").num(static_cast<int64_t>(nodes.size())).end_object();
    ctx.out(j.text());
  } else {
    ctx.note("exported " + std::to_string(nodes.size()) + " nodes under " + path + " to " + file);
  }
  return kOk;
}

// Reads an export file into nodes (paths as in the file) and its root.
std::string load_export(const std::string& file, std::vector<NodeInfo>* nodes, std::string* root) {
  std::string text;
  if (file == "-") {
    std::ostringstream ss;
    ss << std::cin.rdbuf();
    text = ss.str();
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) return "cannot read " + file;
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
  }
  try {
    Poco::JSON::Parser parser;
    auto top = parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    if (!top || top->optValue<std::string>("format", "") != "zkctl-export") {
      return file + " is not a zkctl export (missing \"format\": \"zkctl-export\")";
    }
    if (top->optValue<int>("version", 0) != 1) return file + ": unsupported export version";
    *root = top->getValue<std::string>("root");
    auto arr = top->getArray("nodes");
    if (!arr) return file + ": no \"nodes\" array";
    for (size_t i = 0; i < arr->size(); ++i) {
      auto o = arr->getObject(static_cast<unsigned>(i));
      if (!o) return file + ": node " + std::to_string(i) + " is not an object";
      NodeInfo n;
      n.path = o->getValue<std::string>("path");
      if (!zkd::client::validate_path(n.path).empty()) return file + ": bad path " + n.path;
      if (n.path != *root && n.path.rfind(*root == "/" ? "/" : *root + "/", 0) != 0) {
        return file + ": node " + n.path + " is outside the export root " + *root;
      }
      std::string type = o->optValue<std::string>("type", "persistent");
      if (type == "container") {
        n.stat.ephemeralOwner = zkd::proto::kContainerOwner;
      } else if (type == "ttl") {
        int64_t ttl = o->getValue<int64_t>("ttl");
        n.stat.ephemeralOwner =
            static_cast<int64_t>(zkd::proto::kTtlOwnerMask | static_cast<uint64_t>(ttl));
      } else if (type == "ephemeral") {
        n.stat.ephemeralOwner = 1;
      } else if (type != "persistent") {
        return file + ": node " + n.path + " has unknown type '" + type + "'";
      }
      if (!base64_decode(o->optValue<std::string>("data_base64", ""), &n.data)) {
        return file + ": bad base64 data for " + n.path;
      }
      n.data_null = o->optValue<bool>("data_null", false);
      auto acls = o->getArray("acl");
      for (size_t k = 0; acls && k < acls->size(); ++k) {
        auto ao = acls->getObject(static_cast<unsigned>(k));
        zkd::client::ACL acl;
        acl.id.scheme = ao->getValue<std::string>("scheme");
        acl.id.id = ao->getValue<std::string>("id");
        if (!parse_perms(ao->getValue<std::string>("perms"), &acl.perms)) {
          return file + ": bad perms in ACL of " + n.path;
        }
        n.acl.push_back(acl);
      }
      nodes->push_back(std::move(n));
    }
  } catch (const Poco::Exception& e) {
    return file + ": invalid JSON (" + e.displayText() + ")";
  } catch (const std::exception& e) {
    return file + ": invalid export (" + e.what() + ")";
  }
  std::sort(nodes->begin(), nodes->end(),
            [](const NodeInfo& x, const NodeInfo& y) { return path_less_dfs(x.path, y.path); });
  return "";
}

int cmd_import(Ctx& ctx, const Args& a) {
  const std::string& file = a.pos[0];
  std::vector<NodeInfo> nodes;
  std::string root;
  std::string e = load_export(file, &nodes, &root);
  if (!e.empty()) return ctx.fail(kUsage, "BADARGUMENTS", "import: " + e);
  std::string dst = a.pos.size() > 1 ? a.pos[1] : root;
  CHECK_PATH(ctx, dst);
  std::vector<NodeInfo> keep;
  for (auto& n : nodes) {
    if (node_type(n.stat) == "ephemeral") {
      ctx.note("skipping ephemeral node " + n.path);
      continue;
    }
    keep.push_back(std::move(n));
  }
  int rc = 0;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  size_t created = 0;
  if ((rc = restore(ctx, *zk, keep, root, dst, a.has("overwrite"), &created)) != kOk) return rc;
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("file").str(file).key("path").str(dst);
    j.key("nodes").num(static_cast<int64_t>(keep.size()));
    j.key("created").num(static_cast<int64_t>(created)).end_object();
    ctx.out(j.text());
  } else {
    ctx.note("imported " + std::to_string(keep.size()) + " nodes into " + dst);
  }
  return kOk;
}

int cmd_cp(Ctx& ctx, const Args& a) {
  const std::string& src = a.pos[0];
  const std::string& dst = a.pos[1];
  for (const auto& p : {src, dst}) {
    CHECK_PATH(ctx, p);
  }
  bool remote = a.has("to-server");
  if (!remote && (dst == src || dst.rfind(src == "/" ? "/" : src + "/", 0) == 0)) {
    return ctx.fail(kUsage, "BADARGUMENTS", "cp: destination " + dst + " is inside " + src);
  }
  int rc = 0;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  std::vector<NodeInfo> nodes;
  if ((rc = fetch_for_copy(ctx, *zk, src, &nodes)) != kOk) return rc;
  SyncClient* target = zk;
  std::unique_ptr<SyncClient> other;
  if (remote) {
    zkd::client::Options o;
    o.servers = a.get("to-server");
    o.session_timeout_ms = ctx.g.session_timeout_ms;
    o.max_connect_rounds = 2;
    other = std::make_unique<SyncClient>(o, ctx.g.session_timeout_ms);
    std::string why;
    if (!other->connect(ctx.g.connect_timeout_ms, &why)) {
      zkd::client::ConnectString cs;
      std::string perr;
      if (!zkd::client::parse_connect_string(o.servers, &cs, &perr)) {
        return ctx.fail(kUsage, "BADARGUMENTS", "cp: bad --to-server: " + perr);
      }
      return ctx.fail(kNotConnected, "CONNECTIONLOSS",
                      "not connected: cannot reach " + o.servers + " (" + why + ")");
    }
    for (const auto& au : ctx.g.auths) other->add_auth("digest", au);
    target = other.get();
  }
  size_t created = 0;
  rc = restore(ctx, *target, nodes, src, dst, a.has("overwrite"), &created);
  if (other) other->close();
  if (rc != kOk) return rc;
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("from").str(src).key("to").str(dst);
    if (remote) j.key("to_server").str(a.get("to-server"));
    j.key("nodes").num(static_cast<int64_t>(nodes.size()));
    j.key("created").num(static_cast<int64_t>(created)).end_object();
    ctx.out(j.text());
  }
  return kOk;
}

}  // namespace

void register_tree_commands(std::vector<Command>* v) {
  v->push_back({"tree", {"depth:"}, 0, 1, "tree [--depth N] [path]", cmd_tree});
  v->push_back({"du", {}, 0, 1, "du [path]", cmd_du});
  v->push_back({"find",
                {"name:", "ephemeral-owner:", "type:", "depth:"},
                0,
                1,
                "find [path] [--name GLOB] [--ephemeral-owner SESSIONID] "
                "[--type persistent|ephemeral|container|ttl] [--depth N]",
                cmd_find});
  v->push_back({"grep", {"i", "l"}, 1, 2, "grep [-i] [-l] TEXT [path]", cmd_grep});
  v->push_back({"cp",
                {"to-server:", "overwrite"},
                2,
                2,
                "cp SRC DST [--to-server host:port[,...][/chroot]] [--overwrite]",
                cmd_cp});
  v->push_back({"export", {}, 2, 2, "export path FILE|-", cmd_export});
  v->push_back({"import", {"overwrite"}, 1, 2, "import FILE|- [path] [--overwrite]", cmd_import});
}

}  // namespace zkctl
