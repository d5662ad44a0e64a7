#include "zkctl/cli.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <iostream>

#include "zkctl/json.h"
#include "zkd/client/connect_string.h"

namespace zkctl {

namespace err = zkd::proto::err;

std::string parse_flags(const std::vector<std::string>& tokens, size_t from,
                        const std::vector<std::string>& spec, Args* out) {
  auto lookup = [&](const std::string& name, bool* takes_value) {
    for (const auto& s : spec) {
      bool v = !s.empty() && s.back() == ':';
      std::string n = v ? s.substr(0, s.size() - 1) : s;
      if (n == name) {
        *takes_value = v;
        return true;
      }
    }
    return false;
  };
  bool flags_done = false;
  for (size_t i = from; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (flags_done || t.size() < 2 || t[0] != '-') {
      out->pos.push_back(t);
      continue;
    }
    if (t == "--") {
      flags_done = true;
      continue;
    }
    std::string name, value;
    bool inline_value = false;
    if (t.rfind("--", 0) == 0) {
      name = t.substr(2);
      size_t eq = name.find('=');
      if (eq != std::string::npos) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
        inline_value = true;
      }
      if (name.size() == 1) return "unknown flag '" + t + "'";
    } else {
      name = t.substr(1);
      if (name.size() != 1) {
        // "-1", "-5x": data or a negative number, not a flag.
        if (!std::isalpha(static_cast<unsigned char>(name[0]))) {
          out->pos.push_back(t);
          continue;
        }
        return "unknown flag '" + t + "'";
      }
    }
    bool takes_value = false;
    if (!lookup(name, &takes_value)) {
      if (t.size() >= 2 && std::isdigit(static_cast<unsigned char>(t[1]))) {
        out->pos.push_back(t);
        continue;
      }
      return "unknown flag '" + t + "'";
    }
    if (takes_value && !inline_value) {
      if (i + 1 >= tokens.size()) return "flag '" + t + "' needs a value";
      value = tokens[++i];
    } else if (!takes_value && inline_value) {
      return "flag '--" + name + "' takes no value";
    }
    out->flags[name] = value;
  }
  return "";
}

bool parse_int(const std::string& s, int64_t* v) {
  if (s.empty()) return false;
  const char* b = s.data();
  const char* e = b + s.size();
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    b += 2;
    base = 16;
  }
  auto [p, ec] = std::from_chars(b, e, *v, base);
  return ec == std::errc() && p == e;
}

SyncClient* Ctx::zk(int* exit_code) {
  if (zk_) {
    auto st = zk_->async().state();
    if (st == zkd::client::State::kConnected || st == zkd::client::State::kConnectedReadOnly ||
        st == zkd::client::State::kConnecting) {
      return zk_.get();
    }
    zk_.reset();  // expired/closed: start a new session
  }
  zkd::client::Options o;
  o.servers = g.servers;
  o.session_timeout_ms = g.session_timeout_ms;
  o.max_connect_rounds = 2;
  // Split the connect timeout over the hosts so a silent first host cannot use it all.
  zkd::client::ConnectString parsed;
  std::string ignored;
  if (zkd::client::parse_connect_string(g.servers, &parsed, &ignored)) {
    o.connect_timeout_ms =
        std::max<int32_t>(1000, g.connect_timeout_ms / static_cast<int32_t>(parsed.hosts.size()));
  }
  o.watcher = [this](const zkd::client::WatchEvent& ev) { dispatch_event(ev); };
  auto c = std::make_unique<SyncClient>(o, g.session_timeout_ms);
  std::string why;
  if (!c->connect(g.connect_timeout_ms, &why)) {
    zkd::client::ConnectString cs;
    std::string perr;
    if (!zkd::client::parse_connect_string(g.servers, &cs, &perr)) {
      *exit_code = fail(kUsage, "BADARGUMENTS", "bad server list: " + perr);
    } else {
      *exit_code = fail(kNotConnected, "CONNECTIONLOSS",
                        "not connected: cannot reach " + g.servers + " (" + why + ")");
    }
    return nullptr;
  }
  for (const auto& a : g.auths) {
    auto r = c->add_auth("digest", a);
    if (!r.ok()) {
      *exit_code = fail(exit_for(r.err), zkd::proto::error_name(r.err),
                        "authentication failed for user '" + a.substr(0, a.find(':')) + "'");
      return nullptr;
    }
  }
  zk_ = std::move(c);
  return zk_.get();
}

void Ctx::set_on_event(std::function<void(const zkd::client::WatchEvent&)> fn) {
  std::lock_guard<std::mutex> lk(event_mu_);
  on_event_ = std::move(fn);
}

void Ctx::dispatch_event(const zkd::client::WatchEvent& ev) {
  std::function<void(const zkd::client::WatchEvent&)> fn;
  {
    std::lock_guard<std::mutex> lk(event_mu_);
    fn = on_event_;
  }
  if (fn) fn(ev);
}

std::string Ctx::state_label() const {
  if (!zk_) return "CLOSED";
  return zkd::client::state_name(zk_->async().state());
}

void Ctx::disconnect() {
  if (zk_) {
    zk_->close();
    zk_.reset();
  }
}

void Ctx::out(const std::string& line) {
  std::lock_guard<std::mutex> lk(out_mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void Ctx::note(const std::string& msg) {
  std::lock_guard<std::mutex> lk(out_mu);
  std::fprintf(stderr, "zkctl: %s\n", msg.c_str());
}

int Ctx::fail(int exit_code, const std::string& code, const std::string& message) {
  note(message);
  if (g.json) {
    Json j;
    j.begin_object().key("error").begin_object();
    j.key("code").str(code).key("message").str(message).key("exit").num(exit_code);
    j.end_object().end_object();
    out(j.text());
  }
  return exit_code;
}

int exit_for(int32_t e) {
  switch (e) {
    case err::kOk:
      return kOk;
    case err::kNoNode:
      return kNoNode;
    case err::kBadVersion:
      return kBadVersion;
    case err::kNoAuth:
    case err::kAuthFailed:
      return kNoAuth;
    case err::kNodeExists:
      return kNodeExists;
    case err::kNotEmpty:
      return kNotEmpty;
    case err::kBadArguments:
    case err::kInvalidACL:
      return kUsage;
    case err::kConnectionLoss:
    case err::kSessionExpired:
    case err::kOperationTimeout:
    case err::kRequestTimeout:
    case err::kSessionMoved:
      return kNotConnected;
    default:
      return kError;
  }
}

std::string zk_message(int32_t e, const std::string& path) {
  switch (e) {
    case err::kNoNode:
      return "Node does not exist: " + path;
    case err::kNodeExists:
      return "Node already exists: " + path;
    case err::kBadVersion:
      return "version No is not valid : " + path;
    case err::kNotEmpty:
      return "Node not empty: " + path;
    case err::kNoAuth:
      return "Insufficient permission : " + path;
    case err::kNoChildrenForEphemerals:
      return "Ephemerals cannot have children: " + path;
    default:
      break;
  }
  const char* name = nullptr;
  switch (e) {
    case err::kUnimplemented:
      name = "Unimplemented";
      break;
    case err::kNoWatcher:
      name = "No such watcher";
      break;
    case err::kConnectionLoss:
      name = "ConnectionLoss";
      break;
    case err::kSessionExpired:
      name = "Session expired";
      break;
    case err::kBadArguments:
      name = "BadArguments";
      break;
    case err::kInvalidACL:
      name = "InvalidACL";
      break;
    case err::kAuthFailed:
      name = "AuthFailed";
      break;
    case err::kOperationTimeout:
      name = "OperationTimeout";
      break;
    case err::kMarshallingError:
      name = "MarshallingError";
      break;
    default:
      name = zkd::proto::error_name(e);
      break;
  }
  return std::string("KeeperErrorCode = ") + name + " for " + path;
}

int Ctx::zk_fail(int32_t e, const std::string& path) {
  std::string msg = zk_message(e, path);
  if (e == err::kConnectionLoss || e == err::kOperationTimeout || e == err::kSessionExpired) {
    msg = "not connected: " + msg;
  }
  return fail(exit_for(e), zkd::proto::error_name(e), msg);
}

std::string check_path(const std::string& path) {
  std::string why = zkd::client::validate_path(path);
  if (why.empty()) return "";
  return "invalid path '" + path + "': " + why;
}

bool read_data_arg(Ctx& ctx, const std::string& arg, std::string* data, int* exit_code) {
  if (arg != "-") {
    *data = arg;
  } else {
    if (ctx.interactive) {
      *exit_code =
          ctx.fail(kUsage, "BADARGUMENTS", "data '-' (stdin) is not available in the shell");
      return false;
    }
    data->clear();
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
      data->append(buf, n);
      if (static_cast<int64_t>(data->size()) > ctx.g.max_data_bytes) break;
    }
  }
  if (static_cast<int64_t>(data->size()) > ctx.g.max_data_bytes) {
    *exit_code = ctx.fail(kUsage, "BADARGUMENTS",
                          "data too large: more than " + std::to_string(ctx.g.max_data_bytes) +
                              " bytes (ZooKeeper's jute.maxbuffer limits a request to 1048575 "
                              "bytes; see --max-data-bytes)");
    return false;
  }
  return true;
}

const std::vector<Command>& commands() {
  static const std::vector<Command> all = [] {
    std::vector<Command> v;
    register_data_commands(&v);
    register_tree_commands(&v);
    register_cluster_commands(&v);
    v.push_back({"shell", {}, 0, 0, "shell", shell_main});
    return v;
  }();
  return all;
}

const Command* find_command(const std::string& name) {
  for (const auto& c : commands()) {
    if (name == c.name) return &c;
  }
  return nullptr;
}

namespace {

// Global options accepted after the command name too (long forms and -o).
// Returns "" or an error.
std::string take_globals(Ctx& ctx, std::vector<std::string>* tokens, bool* reconnect) {
  std::vector<std::string> rest;
  for (size_t i = 0; i < tokens->size(); ++i) {
    const std::string& t = (*tokens)[i];
    if (t == "--") {
      rest.insert(rest.end(), tokens->begin() + static_cast<long>(i), tokens->end());
      break;
    }
    std::string name = t, value;
    bool has_inline = false;
    size_t eq = t.find('=');
    if (t.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = t.substr(0, eq);
      value = t.substr(eq + 1);
      has_inline = true;
    }
    static const char* kGlobals[] = {"--server", "--timeout", "--connect-timeout", "--auth",
                                     "--output", "-o",        "--max-data-bytes"};
    bool is_global = false;
    for (const char* g : kGlobals) is_global = is_global || name == g;
    if (!is_global || i == 0) {
      rest.push_back(t);
      continue;
    }
    if (!has_inline) {
      if (i + 1 >= tokens->size()) return "flag '" + name + "' needs a value";
      value = (*tokens)[++i];
    }
    int64_t n = 0;
    if (name == "--server") {
      ctx.g.servers = value;
      *reconnect = true;
    } else if (name == "--auth") {
      ctx.g.auths.push_back(value);
      *reconnect = true;
    } else if (name == "-o" || name == "--output") {
      if (value != "json" && value != "text") return "output must be 'json' or 'text'";
      ctx.g.json = (value == "json");
    } else {
      if (!parse_int(value, &n) || n <= 0 || n > INT32_MAX) {
        return "flag '" + name + "' needs a positive number, got '" + value + "'";
      }
      if (name == "--timeout") {
        ctx.g.session_timeout_ms = static_cast<int32_t>(n);
        *reconnect = true;
      } else if (name == "--connect-timeout") {
        ctx.g.connect_timeout_ms = static_cast<int32_t>(n);
      } else {
        ctx.g.max_data_bytes = n;
      }
    }
  }
  *tokens = std::move(rest);
  return "";
}

}  // namespace

int run_command(Ctx& ctx, const std::vector<std::string>& in_tokens) {
  if (in_tokens.empty()) return kOk;
  std::vector<std::string> tokens = in_tokens;
  bool saved_json = ctx.g.json;
  bool reconnect = false;
  std::string e = take_globals(ctx, &tokens, &reconnect);
  if (!e.empty()) {
    int rc = ctx.fail(kUsage, "BADARGUMENTS", e);
    ctx.g.json = saved_json;
    return rc;
  }
  if (reconnect) ctx.disconnect();
  const Command* c = find_command(tokens[0]);
  int rc;
  if (!c) {
    rc = ctx.fail(kUsage, "BADARGUMENTS",
                  "unknown command '" + tokens[0] + "' (run 'zkctl help' for the list)");
  } else {
    Args a;
    a.cmd = tokens[0];
    e = parse_flags(tokens, 1, c->spec, &a);
    if (e.empty() && (static_cast<int>(a.pos.size()) < c->min_pos ||
                      (c->max_pos >= 0 && static_cast<int>(a.pos.size()) > c->max_pos))) {
      e = static_cast<int>(a.pos.size()) < c->min_pos ? "missing argument" : "too many arguments";
    }
    if (!e.empty()) {
      rc = ctx.fail(kUsage, "BADARGUMENTS", a.cmd + ": " + e + "; usage: " + c->usage);
    } else {
      rc = c->run(ctx, a);
    }
  }
  if (ctx.interactive) ctx.g.json = saved_json;
  return rc;
}

}  // namespace zkctl
