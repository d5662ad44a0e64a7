// Cluster commands: watch (stream events), 4lw (fan a four-letter word out to servers,
// replies side by side), check (do the servers of one ensemble agree?).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <future>
#include <map>
#include <sstream>
#include <thread>

#include "zkctl/cli.h"
#include "zkctl/format.h"
#include "zkctl/json.h"
#include "zkd/client/connect_string.h"
#include "zkd/client/four_letter.h"

namespace zkctl {

namespace {

namespace err = zkd::proto::err;
using zkd::client::WatchEvent;

volatile std::sig_atomic_t g_interrupted = 0;
void on_sigint(int) {
  g_interrupted = 1;
}

// --- watch ------------------------------------------------------------------------

struct EventQueue {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<WatchEvent> q;
};

int cmd_watch(Ctx& ctx, const Args& a) {
  const std::string& path = a.pos[0];
  CHECK_PATH(ctx, path);
  int64_t count = -1;
  if (a.has("count") && (!parse_int(a.get("count"), &count) || count <= 0)) {
    return ctx.fail(kUsage, "BADARGUMENTS", "watch: --count needs a positive number");
  }
  auto events = std::make_shared<EventQueue>();
  ctx.set_on_event([events](const WatchEvent& ev) {
    std::lock_guard<std::mutex> lk(events->mu);
    events->q.push_back(ev);
    events->cv.notify_all();
  });
  int rc = 0;
  SyncClient* zk = ctx.zk(&rc);
  if (!zk) return rc;
  bool recursive = a.has("R");
  int32_t mode = recursive ? zkd::proto::add_watch_mode::kPersistentRecursive
                           : zkd::proto::add_watch_mode::kPersistent;
  // Persistent watches need ZooKeeper 3.6+; older servers get one-shot watches re-armed
  // after each event (events between two re-arms can be missed there).
  bool one_shot = false;
  auto arm = [&]() -> int32_t {
    if (!one_shot) {
      auto r = zk->add_watch(path, mode);
      if (r.err != err::kUnimplemented && r.err != err::kMarshallingError) return r.err;
      if (recursive) return r.err;
      one_shot = true;
      ctx.note("server has no persistent watches; using one-shot watches");
    }
    auto ex = zk->exists(path, true);
    if (ex.ok()) {
      auto ch = zk->get_children(path, true);
      if (!ch.ok() && ch.err != err::kNoNode) return ch.err;
    } else if (ex.err != err::kNoNode) {
      return ex.err;
    }
    return 0;
  };
  int32_t e = arm();
  if (e) return ctx.zk_fail(e, path);
  std::signal(SIGINT, on_sigint);
  std::signal(SIGTERM, on_sigint);
  if (::isatty(2))
    ctx.note("watching " + path + (recursive ? " recursively" : "") + "; Ctrl-C to stop");
  int64_t seen = 0;
  bool rearm = false;
  while (!g_interrupted && (count < 0 || seen < count)) {
    WatchEvent ev;
    {
      std::unique_lock<std::mutex> lk(events->mu);
      events->cv.wait_for(lk, std::chrono::milliseconds(200), [&] { return !events->q.empty(); });
      if (events->q.empty()) continue;
      ev = events->q.front();
      events->q.pop_front();
    }
    if (ev.type == zkd::proto::event::kNone) {
      if (ev.state == zkd::proto::state::kDisconnected) {
        ctx.note("disconnected; reconnecting");
        rearm = true;
      } else if (ev.state == zkd::proto::state::kExpired) {
        return ctx.fail(kNotConnected, "SESSIONEXPIRED", "not connected: session expired");
      } else if (ev.state == zkd::proto::state::kSyncConnected && rearm) {
        rearm = false;
        if ((e = arm()) != 0) return ctx.zk_fail(e, path);
        ctx.note("reconnected; watch re-armed");
      }
      continue;
    }
    if (ctx.g.json) {
      Json j;
      j.begin_object().key("type").str(event_type_name(ev.type)).key("path").str(ev.path);
      j.key("state").str(state_name(ev.state)).end_object();
      ctx.out(j.text());
    } else {
      ctx.out(event_type_name(ev.type) + " " + ev.path);
    }
    ++seen;
    if (one_shot && (count < 0 || seen < count)) {
      if ((e = arm()) != 0) return ctx.zk_fail(e, path);
    }
  }
  ctx.set_on_event(nullptr);
  return kOk;
}

// --- 4lw --------------------------------------------------------------------------

struct ServerReply {
  std::string label;
  zkd::client::FourLetterReply reply;
  std::string status() const {
    if (!reply.ok) return "down";
    return reply.not_whitelisted() ? "not_whitelisted" : "ok";
  }
  std::string problem() const {
    if (!reply.ok) return "(down: " + reply.error + ")";
    return "(not in whitelist)";
  }
};

// Parses "--servers a,b" or the global server list into host/port pairs.
bool server_list(Ctx& ctx, const Args& a, std::vector<zkd::client::HostPort>* out, int* rc) {
  std::string spec = a.has("servers") ? a.get("servers") : ctx.g.servers;
  zkd::client::ConnectString cs;
  std::string e;
  if (!zkd::client::parse_connect_string(spec, &cs, &e)) {
    *rc = ctx.fail(kUsage, "BADARGUMENTS", a.cmd + ": bad server list: " + e);
    return false;
  }
  *out = cs.hosts;
  return true;
}

std::vector<ServerReply> fan_out(const std::vector<zkd::client::HostPort>& hosts,
                                 const std::string& word, int timeout_ms) {
  std::vector<std::future<zkd::client::FourLetterReply>> futs;
  for (const auto& hp : hosts) {
    futs.push_back(std::async(std::launch::async, [hp, word, timeout_ms] {
      return zkd::client::four_letter_word(hp.host, hp.port, word, timeout_ms);
    }));
  }
  std::vector<ServerReply> out;
  for (size_t i = 0; i < hosts.size(); ++i) {
    out.push_back({hosts[i].host + ":" + std::to_string(hosts[i].port), futs[i].get()});
  }
  return out;
}

std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  std::string line;
  while (std::getline(in, line)) v.push_back(line);
  return v;
}

// Renders rows of cells as space-padded columns.
void print_columns(Ctx& ctx, const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width;
  for (const auto& r : rows) {
    if (width.size() < r.size()) width.resize(r.size(), 0);
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  for (const auto& r : rows) {
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      line += r[i];
      if (i + 1 < r.size()) line += std::string(width[i] - r[i].size() + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    ctx.out(line);
  }
}

int cmd_4lw(Ctx& ctx, const Args& a) {
  const std::string& word = a.pos[0];
  if (word.size() != 4 ||
      !std::all_of(word.begin(), word.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    return ctx.fail(kUsage, "BADARGUMENTS",
                    "4lw: '" + word + "' is not a four-letter word (e.g. ruok, srvr, mntr)");
  }
  std::vector<zkd::client::HostPort> hosts;
  int rc = 0;
  if (!server_list(ctx, a, &hosts, &rc)) return rc;
  auto replies = fan_out(hosts, word, ctx.g.connect_timeout_ms);
  bool mntr = word == "mntr";
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("word").str(word).key("servers").begin_array();
    for (const auto& r : replies) {
      j.begin_object().key("server").str(r.label).key("status").str(r.status());
      if (!r.reply.ok) j.key("error").str(r.reply.error);
      j.key("reply").str(r.reply.text);
      if (mntr && r.status() == "ok") {
        j.key("values").begin_object();
        for (const auto& l : split_lines(r.reply.text)) {
          size_t tab = l.find('\t');
          if (tab != std::string::npos) j.key(l.substr(0, tab)).str(l.substr(tab + 1));
        }
        j.end_object();
      }
      j.end_object();
    }
    j.end_array().end_object();
    ctx.out(j.text());
  } else if (mntr) {
    std::vector<std::string> keys;
    std::vector<std::map<std::string, std::string>> vals(replies.size());
    for (size_t i = 0; i < replies.size(); ++i) {
      if (replies[i].status() != "ok") continue;
      for (const auto& l : split_lines(replies[i].reply.text)) {
        size_t tab = l.find('\t');
        if (tab == std::string::npos) continue;
        std::string k = l.substr(0, tab);
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
        vals[i][k] = l.substr(tab + 1);
      }
    }
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> head = {"key"};
    for (const auto& r : replies) head.push_back(r.label);
    rows.push_back(head);
    bool all_ok = std::all_of(replies.begin(), replies.end(),
                              [](const ServerReply& r) { return r.status() == "ok"; });
    if (!all_ok) {
      std::vector<std::string> st = {"status"};
      for (const auto& r : replies) st.push_back(r.status() == "ok" ? "ok" : r.problem());
      rows.push_back(st);
    }
    for (const auto& k : keys) {
      std::vector<std::string> row = {k};
      for (size_t i = 0; i < replies.size(); ++i) {
        auto it = vals[i].find(k);
        row.push_back(it == vals[i].end() ? "-" : it->second);
      }
      rows.push_back(row);
    }
    print_columns(ctx, rows);
  } else if (replies.size() == 1) {
    const auto& r = replies[0];
    if (r.status() == "ok") {
      std::string t = r.reply.text;
      if (!t.empty() && t.back() == '\n') t.pop_back();
      ctx.out(t);
    } else {
      ctx.out(r.problem());
    }
  } else {
    std::vector<std::vector<std::string>> cols;
    size_t height = 0;
    for (const auto& r : replies) {
      std::vector<std::string> col = {"== " + r.label + " =="};
      if (r.status() == "ok") {
        auto lines = split_lines(r.reply.text);
        col.insert(col.end(), lines.begin(), lines.end());
      } else {
        col.push_back(r.problem());
      }
      height = std::max(height, col.size());
      cols.push_back(col);
    }
    std::vector<std::vector<std::string>> rows(height);
    for (size_t i = 0; i < height; ++i) {
      for (const auto& c : cols) rows[i].push_back(i < c.size() ? c[i] : "");
    }
    print_columns(ctx, rows);
  }
  int code = kOk;
  for (const auto& r : replies) {
    if (r.status() == "down") {
      ctx.note(r.label + " is down: " + r.reply.error);
      code = kNotConnected;
    } else if (r.status() == "not_whitelisted") {
      ctx.note(r.label + ": '" + word + "' is not in 4lw.commands.whitelist");
      if (code == kOk) code = kError;
    }
  }
  return code;
}

// --- check ------------------------------------------------------------------------

struct ServerState {
  std::string label;
  bool up = false;
  std::string error;
  std::string mode;
  int64_t zxid = -1;
  int64_t nodes = -1;
  bool has_hash = false;
  std::map<int64_t, std::string> digests;  // zxid -> digest
};

std::vector<ServerState> probe(const std::vector<zkd::client::HostPort>& hosts, int timeout_ms) {
  auto srvr = fan_out(hosts, "srvr", timeout_ms);
  auto hash = fan_out(hosts, "hash", timeout_ms);
  std::vector<ServerState> out;
  for (size_t i = 0; i < hosts.size(); ++i) {
    ServerState s;
    s.label = srvr[i].label;
    if (srvr[i].status() != "ok") {
      s.error = srvr[i].status() == "down" ? srvr[i].reply.error : "srvr not whitelisted";
      out.push_back(s);
      continue;
    }
    for (const auto& l : split_lines(srvr[i].reply.text)) {
      if (l.rfind("Zxid: ", 0) == 0) parse_int(l.substr(6), &s.zxid);
      if (l.rfind("Mode: ", 0) == 0) s.mode = l.substr(6);
      if (l.rfind("Node count: ", 0) == 0) parse_int(l.substr(12), &s.nodes);
    }
    s.up = s.zxid >= 0;
    if (!s.up) s.error = "not serving: " + split_lines(srvr[i].reply.text).front();
    if (hash[i].status() == "ok") {
      s.has_hash = true;
      for (const auto& l : split_lines(hash[i].reply.text)) {
        size_t colon = l.find(": ");
        int64_t z;
        if (colon != std::string::npos && parse_int("0x" + l.substr(0, colon), &z)) {
          s.digests[z] = l.substr(colon + 2);
        }
      }
    }
    out.push_back(s);
  }
  return out;
}

std::string hex(int64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(v));
  return b;
}

// Returns "" when the servers agree, else what differs.
std::string compare(const std::vector<ServerState>& s, std::string* digest_note) {
  std::vector<std::string> diffs;
  bool zxid_same = true, nodes_same = true;
  for (const auto& x : s) {
    zxid_same = zxid_same && x.zxid == s[0].zxid;
    nodes_same = nodes_same && x.nodes == s[0].nodes;
  }
  if (!zxid_same) diffs.push_back("zxid differs");
  if (!nodes_same) diffs.push_back("node count differs");
  bool all_hash = std::all_of(
      s.begin(), s.end(), [](const ServerState& x) { return x.has_hash && !x.digests.empty(); });
  if (!all_hash) {
    *digest_note = "digest not compared ('hash' unavailable or no digest recorded yet)";
  } else {
    // Latest zxid for which every server recorded a digest.
    int64_t common = -1;
    for (const auto& [z, d] : s[0].digests) {
      bool everywhere = std::all_of(
          s.begin(), s.end(), [z = z](const ServerState& x) { return x.digests.count(z) != 0; });
      if (everywhere) common = std::max(common, z);
    }
    if (common < 0) {
      *digest_note = "digest not compared (no zxid with a digest on every server)";
    } else {
      bool same = std::all_of(s.begin(), s.end(), [&](const ServerState& x) {
        return x.digests.at(common) == s[0].digests.at(common);
      });
      if (!same) diffs.push_back("digest at zxid " + hex(common) + " differs");
      *digest_note = "digest compared at zxid " + hex(common);
    }
  }
  std::string out;
  for (const auto& d : diffs) out += (out.empty() ? "" : ", ") + d;
  return out;
}

int cmd_check(Ctx& ctx, const Args& a) {
  std::vector<zkd::client::HostPort> hosts;
  int rc = 0;
  if (!server_list(ctx, a, &hosts, &rc)) return rc;
  std::vector<ServerState> states;
  std::string verdict, digest_note;
  bool any_down = false;
  // A live ensemble may be mid-commit: retry a few times before calling it a mismatch.
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (attempt) std::this_thread::sleep_for(std::chrono::milliseconds(500));
    states = probe(hosts, ctx.g.connect_timeout_ms);
    any_down =
        std::any_of(states.begin(), states.end(), [](const ServerState& s) { return !s.up; });
    if (any_down) break;
    verdict = compare(states, &digest_note);
    if (verdict.empty()) break;
  }
  int code = any_down ? kNotConnected : verdict.empty() ? kOk : kMismatch;
  if (ctx.g.json) {
    Json j;
    j.begin_object().key("agree").boolean(code == kOk).key("servers").begin_array();
    for (const auto& s : states) {
      j.begin_object().key("server").str(s.label).key("up").boolean(s.up);
      if (!s.up) j.key("error").str(s.error);
      j.key("mode").str(s.mode).key("zxid").num(s.zxid).key("nodes").num(s.nodes);
      j.key("digest");
      if (s.digests.empty()) {
        j.null();
      } else {
        j.str(hex(s.digests.rbegin()->first) + ":" + s.digests.rbegin()->second);
      }
      j.end_object();
    }
    j.end_array();
    j.key("differences").str(any_down ? "server down" : verdict);
    j.key("digest_note").str(digest_note);
    j.end_object();
    ctx.out(j.text());
  } else {
    std::vector<std::vector<std::string>> rows = {{"server", "mode", "zxid", "nodes", "digest"}};
    for (const auto& s : states) {
      if (!s.up) {
        rows.push_back({s.label, "DOWN", "-", "-", s.error});
        continue;
      }
      std::string d = s.digests.empty()
                          ? "-"
                          : hex(s.digests.rbegin()->first) + ":" + s.digests.rbegin()->second;
      rows.push_back({s.label, s.mode, hex(s.zxid), std::to_string(s.nodes), d});
    }
    print_columns(ctx, rows);
    if (any_down) {
      ctx.out("verdict: UNKNOWN (a server is down or not serving)");
    } else if (code == kOk) {
      ctx.out("verdict: OK (" + std::to_string(states.size()) + " servers agree; " + digest_note +
              ")");
    } else {
      ctx.out("verdict: MISMATCH (" + verdict + ")");
    }
  }
  return code;
}

}  // namespace

void register_cluster_commands(std::vector<Command>* v) {
  v->push_back({"watch", {"R", "count:"}, 1, 1, "watch [-R] [--count N] path", cmd_watch});
  v->push_back({"4lw", {"servers:"}, 1, 1, "4lw WORD [--servers host:port,...]", cmd_4lw});
  v->push_back({"check", {"servers:"}, 0, 0, "check [--servers host:port,...]", cmd_check});
}

}  // namespace zkctl
