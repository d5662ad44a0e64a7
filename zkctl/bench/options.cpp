#include "zkctl/bench/options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace zkctl::bench {
namespace {

bool to_double(const char* s, double* out) {
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(s, &end);
  if (errno || end == s || *end) return false;
  *out = v;
  return true;
}

bool to_u64(const char* s, uint64_t* out) {
  char* end = nullptr;
  errno = 0;
  if (*s == '-') return false;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno || end == s || *end) return false;
  *out = v;
  return true;
}

bool to_int(const char* s, int lo, int hi, int* out) {
  uint64_t v = 0;
  if (!to_u64(s, &v) || v < uint64_t(lo) || v > uint64_t(hi)) return false;
  *out = int(v);
  return true;
}

bool parse_workload(std::string_view s, Options* o) {
  if (s == "get")
    o->workload = Workload::kGet;
  else if (s == "exists")
    o->workload = Workload::kExists;
  else if (s == "set")
    o->workload = Workload::kSet;
  else if (s == "create")
    o->workload = Workload::kCreate;
  else if (s == "delete")
    o->workload = Workload::kDelete;
  else if (s == "multi")
    o->workload = Workload::kMulti;
  else if (s.starts_with("mix:")) {
    std::string r(s.substr(4));
    if (!to_int(r.c_str(), 0, 100, &o->read_percent)) return false;
    o->workload = Workload::kMix;
  } else {
    return false;
  }
  return true;
}

bool parse_server(std::string_view s, Options* o) {
  size_t colon = s.rfind(':');
  if (colon == std::string_view::npos) {
    o->host = std::string(s);
    return !o->host.empty();
  }
  o->host = std::string(s.substr(0, colon));
  if (o->host.size() >= 2 && o->host.front() == '[' && o->host.back() == ']')
    o->host = o->host.substr(1, o->host.size() - 2);
  std::string p(s.substr(colon + 1));
  return !o->host.empty() && to_int(p.c_str(), 1, 65535, &o->port);
}

}  // namespace

const char* workload_name(Workload w) {
  switch (w) {
    case Workload::kGet:
      return "get";
    case Workload::kExists:
      return "exists";
    case Workload::kSet:
      return "set";
    case Workload::kCreate:
      return "create";
    case Workload::kDelete:
      return "delete";
    case Workload::kMix:
      return "mix";
    case Workload::kMulti:
      return "multi";
    case Workload::kConfig:
      return "config";
  }
  return "?";
}

const char* usage() {
  return "usage: bench [options]\n"
         "  --server HOST:PORT     server to load (127.0.0.1:2181)\n"
         "  --connections N        sessions/TCP connections (16)\n"
         "  --inflight N           requests in flight per connection (64)\n"
         "  --threads N            engine threads, connections split among them (1)\n"
         "  --workload W           get|exists|set|create|delete|mix:R|multi (get)\n"
         "                         mix:R = R% getData, the rest setData on random keys;\n"
         "                         multi = multi requests of --multi-ops creates\n"
         "  --value-size B         data bytes for set/create/keys (100)\n"
         "  --duration S           measured seconds (10), or\n"
         "  --ops N                stop after N measured operations (and --duration S caps it)\n"
         "  --warmup S             unmeasured seconds before measuring (1)\n"
         "  --rate OPS             open loop: offer OPS requests/s on a fixed schedule; latency\n"
         "                         is measured from the intended send time (0 = closed loop)\n"
         "  --keys N               key space for get/exists/set/mix; nodes to pre-create for\n"
         "                         delete (10000)\n"
         "  --root PATH            bench root znode (/zkbench); keys are ROOT/k0000000001...\n"
         "  --sequential           create: PERSISTENT_SEQUENTIAL nodes instead of unique names\n"
         "  --multi-ops N          creates per multi request (10)\n"
         "  --keep                 do not delete the bench root afterwards\n"
         "  --server-pid PID       also report that local process's CPU seconds while measuring\n"
         "  --session-timeout MS   requested session timeout (30000); idle sessions ping\n"
         "  --config FILE.yaml     keeper-bench style workload file (a supported subset: setup\n"
         "                         nodes; create/set/get/list/multi requests with weights)\n"
         "  -o json | --json       print one JSON object instead of text\n";
}

bool parse_options(int argc, char** argv, Options* o, std::string* error) {
  for (int i = 1; i < argc; i++) {
    std::string_view a = argv[i];
    std::string key(a);
    const char* val = nullptr;
    size_t eq = a.find('=');
    if (a.starts_with("--") && eq != std::string_view::npos) {
      key = std::string(a.substr(0, eq));
      val = argv[i] + eq + 1;
    }
    auto need = [&]() -> const char* {
      if (val) return val;
      if (i + 1 >= argc) return nullptr;
      return argv[++i];
    };
    auto bad = [&](const char* what) {
      *error =
          std::string("bad or missing value for ") + key + (what ? std::string(": ") + what : "");
      return false;
    };
    o->explicit_keys.insert(key == "--json" ? "-o" : key);
    if (key == "-h" || key == "--help") {
      o->help = true;
    } else if (key == "--json") {
      o->json = true;
    } else if (key == "--keep") {
      o->keep = true;
    } else if (key == "--sequential") {
      o->sequential = true;
    } else if (key == "-o") {
      const char* v = need();
      if (!v) return bad(nullptr);
      if (std::strcmp(v, "json") == 0)
        o->json = true;
      else if (std::strcmp(v, "text") == 0)
        o->json = false;
      else
        return bad("json|text");
    } else {
      const char* v = need();
      if (!v) return bad(nullptr);
      bool ok = true;
      if (key == "--server")
        ok = parse_server(v, o);
      else if (key == "--connections")
        ok = to_int(v, 1, 100000, &o->connections);
      else if (key == "--inflight")
        ok = to_int(v, 1, 1 << 20, &o->inflight);
      else if (key == "--threads")
        ok = to_int(v, 1, 256, &o->threads);
      else if (key == "--workload")
        ok = parse_workload(v, o);
      else if (key == "--value-size")
        ok = to_int(v, 0, 1 << 20, &o->value_size);
      else if (key == "--duration") {
        ok = to_double(v, &o->duration_s) && o->duration_s > 0;
        o->duration_set = true;
      } else if (key == "--ops")
        ok = to_u64(v, &o->ops) && o->ops > 0;
      else if (key == "--warmup")
        ok = to_double(v, &o->warmup_s) && o->warmup_s >= 0;
      else if (key == "--rate")
        ok = to_double(v, &o->rate) && o->rate >= 0;
      else if (key == "--keys")
        ok = to_int(v, 1, 100000000, &o->keys);
      else if (key == "--root") {
        o->root = v;
        ok = o->root.size() > 1 && o->root[0] == '/' && o->root.back() != '/';
      } else if (key == "--multi-ops")
        ok = to_int(v, 1, 10000, &o->multi_ops);
      else if (key == "--server-pid")
        ok = to_int(v, 1, 1 << 30, &o->server_pid);
      else if (key == "--session-timeout")
        ok = to_int(v, 1, 1 << 30, &o->session_timeout_ms);
      else if (key == "--config") {
        o->config = v;
        o->workload = Workload::kConfig;
        ok = !o->config.empty();
      } else {
        *error = "unknown option " + key;
        return false;
      }
      if (!ok) return bad(nullptr);
    }
  }
  if (o->threads > o->connections) {
    *error = "--threads must not exceed --connections";
    return false;
  }
  return true;
}

}  // namespace zkctl::bench
