#include "zkctl/bench/report.h"

#include <cstdio>

#include "zkd/proto/ops.h"

namespace zkctl::bench {
namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string code_name(int32_t code) {
  if (code == kMalformedReply) return "MALFORMED_REPLY";
  return zkd::proto::error_name(code);
}

double us(uint64_t ns) {
  return double(ns) / 1000.0;
}

double ops_per_s(const Report& r) {
  return r.elapsed_s > 0 ? double(r.result.ops) / r.elapsed_s : 0;
}

std::string workload_label(const Options& o) {
  std::string w = workload_name(o.workload);
  if (o.workload == Workload::kMix) w += ":" + std::to_string(o.read_percent);
  if (o.workload == Workload::kMulti) w += "(" + std::to_string(o.multi_ops) + " creates)";
  if (o.workload == Workload::kConfig) w += " " + o.config;
  return w;
}

}  // namespace

std::string render_text(const Report& r) {
  const Options& o = *r.opts;
  const Histogram& h = r.result.latency_ns;
  std::string s;
  s += "workload " + workload_label(o) + "  server " + o.host + ":" + std::to_string(o.port) +
       "  " + std::to_string(o.connections) + " conns x " + std::to_string(o.inflight) +
       " inflight  threads " + std::to_string(o.threads) + "  value " +
       std::to_string(o.value_size) + " B  " +
       (o.rate > 0 ? "open loop at " + fmt("%g", o.rate) + " ops/s" : std::string("closed loop")) +
       "\n";
  s += "ops/s      " + fmt("%.0f", ops_per_s(r)) + "  (" + std::to_string(r.result.ops) +
       " ops in " + fmt("%.2f", r.elapsed_s) + " s)\n";
  s += "errors     " + std::to_string(r.result.errors);
  for (const auto& [code, n] : r.result.errors_by_code) {
    s += "  " + code_name(code) + "=" + std::to_string(n);
  }
  if (r.result.lost) s += "  lost=" + std::to_string(r.result.lost);
  s += "\n";
  s += "latency us p50 " + fmt("%.0f", us(h.percentile(0.50))) + "  p90 " +
       fmt("%.0f", us(h.percentile(0.90))) + "  p99 " + fmt("%.0f", us(h.percentile(0.99))) +
       "  p999 " + fmt("%.0f", us(h.percentile(0.999))) + "  max " + fmt("%.0f", us(h.max())) +
       "  mean " + fmt("%.0f", h.mean() / 1000.0) + "\n";
  if (r.result.by_op.size() > 1) {
    for (const auto& [op, st] : r.result.by_op) {
      char line[200];
      std::snprintf(line, sizeof line,
                    "  %-12s ops %llu  errors %llu  p50 %.0f  p99 %.0f  p999 %.0f\n",
                    zkd::proto::op_name(op), static_cast<unsigned long long>(st.ops),
                    static_cast<unsigned long long>(st.errors), us(st.latency_ns.percentile(0.5)),
                    us(st.latency_ns.percentile(0.99)), us(st.latency_ns.percentile(0.999)));
      s += line;
    }
  }
  double cpu = r.client_user_s + r.client_sys_s;
  s += "client cpu " + fmt("%.2f", cpu) + " s (user " + fmt("%.2f", r.client_user_s) + ", sys " +
       fmt("%.2f", r.client_sys_s) +
       ") = " + fmt("%.0f", r.elapsed_s > 0 ? 100.0 * cpu / r.elapsed_s : 0) + "% of one core\n";
  if (r.server_cpu_s >= 0) {
    s += "server cpu " + fmt("%.2f", r.server_cpu_s) +
         " s = " + fmt("%.0f", r.elapsed_s > 0 ? 100.0 * r.server_cpu_s / r.elapsed_s : 0) +
         "% of one core\n";
  }
  s += "setup " + fmt("%.2f", r.setup_s) + " s, teardown " + fmt("%.2f", r.teardown_s) +
       " s (not measured)\n";
  if (!r.result.fatal.empty()) s += "FAILED: " + r.result.fatal + "\n";
  return s;
}

std::string render_json(const Report& r) {
  const Options& o = *r.opts;
  const Histogram& h = r.result.latency_ns;
  std::string s = "{";
  auto num = [&](const char* k, double v, const char* f = "%.3f") {
    s += std::string("\"") + k + "\":" + fmt(f, v) + ",";
  };
  s += "\"workload\":\"" + std::string(workload_name(o.workload)) + "\",";
  s += "\"server\":\"" + o.host + ":" + std::to_string(o.port) + "\",";
  num("connections", o.connections, "%.0f");
  num("inflight", o.inflight, "%.0f");
  num("threads", o.threads, "%.0f");
  num("value_size", o.value_size, "%.0f");
  if (o.workload == Workload::kMix) num("read_percent", o.read_percent, "%.0f");
  if (o.workload == Workload::kMulti) num("multi_ops", o.multi_ops, "%.0f");
  num("rate", o.rate, "%.1f");
  num("duration_s", r.elapsed_s);
  num("ops", double(r.result.ops), "%.0f");
  num("ops_per_s", ops_per_s(r), "%.1f");
  num("errors", double(r.result.errors), "%.0f");
  s += "\"errors_by_code\":{";
  bool first = true;
  for (const auto& [code, n] : r.result.errors_by_code) {
    if (!first) s += ",";
    first = false;
    s += "\"" + code_name(code) + "\":" + std::to_string(n);
  }
  s += "},";
  num("lost", double(r.result.lost), "%.0f");
  s += "\"latency_us\":{";
  s += "\"min\":" + fmt("%.1f", us(h.min())) + ",\"p50\":" + fmt("%.1f", us(h.percentile(0.5))) +
       ",\"p90\":" + fmt("%.1f", us(h.percentile(0.9))) +
       ",\"p99\":" + fmt("%.1f", us(h.percentile(0.99))) +
       ",\"p999\":" + fmt("%.1f", us(h.percentile(0.999))) +
       ",\"max\":" + fmt("%.1f", us(h.max())) + ",\"mean\":" + fmt("%.1f", h.mean() / 1000.0) +
       "},";
  s += "\"by_op\":{";
  first = true;
  for (const auto& [op, st] : r.result.by_op) {
    if (!first) s += ",";
    first = false;
    s += "\"" + std::string(zkd::proto::op_name(op)) + "\":{\"ops\":" + std::to_string(st.ops) +
         ",\"errors\":" + std::to_string(st.errors) +
         ",\"p50_us\":" + fmt("%.1f", us(st.latency_ns.percentile(0.5))) +
         ",\"p99_us\":" + fmt("%.1f", us(st.latency_ns.percentile(0.99))) +
         ",\"p999_us\":" + fmt("%.1f", us(st.latency_ns.percentile(0.999))) + "}";
  }
  s += "},";
  num("client_cpu_s", r.client_user_s + r.client_sys_s);
  num("client_user_s", r.client_user_s);
  num("client_sys_s", r.client_sys_s);
  if (r.server_cpu_s >= 0) num("server_cpu_s", r.server_cpu_s);
  num("setup_s", r.setup_s);
  num("teardown_s", r.teardown_s);
  s += "\"ok\":" + std::string(r.result.fatal.empty() ? "true" : "false");
  if (!r.result.fatal.empty()) {
    std::string esc;
    for (char c : r.result.fatal) {
      if (c == '"' || c == '\\') esc += '\\';
      if (static_cast<unsigned char>(c) >= 0x20) esc += c;
    }
    s += ",\"fatal\":\"" + esc + "\"";
  }
  s += "}\n";
  return s;
}

}  // namespace zkctl::bench
