#include "zkd/server/ops/metrics_collector.h"

#include <cmath>
#include <limits>

#include "zkd/server/ops/monitor.h"

namespace zkd::ops {

namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily family(std::string name, std::string help, MetricType type) {
  MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

ClientMetric value_metric(MetricType type, double v, std::vector<ClientMetric::Label> labels = {}) {
  ClientMetric m;
  m.label = std::move(labels);
  if (type == MetricType::Gauge) {
    m.gauge.value = v;
  } else {
    m.counter.value = v;
  }
  return m;
}

void add_value(std::vector<MetricFamily>& out, const std::string& name, const std::string& help,
               MetricType type, double v) {
  MetricFamily f = family(name, help, type);
  f.metric.push_back(value_metric(type, v));
  out.push_back(std::move(f));
}

double as_double(const MonitorValue& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  return 0;
}

void add_summary(std::vector<MetricFamily>& out, std::string_view name, bool advanced,
                 const ServerStats& stats) {
  Summary s;
  if (auto it = stats.summaries.find(std::string(name)); it != stats.summaries.end()) {
    s = it->second;
  }
  MetricFamily f =
      family(std::string(name), "ZooKeeper summary " + std::string(name), MetricType::Summary);
  ClientMetric m;
  m.summary.sample_count = static_cast<uint64_t>(std::max<int64_t>(s.count, 0));
  m.summary.sample_sum = static_cast<double>(s.sum);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto q = [&](double quantile, int64_t Summary::Percentiles::*field) {
    double v = s.percentiles && s.count > 0 ? static_cast<double>((*s.percentiles).*field) : nan;
    m.summary.quantile.push_back({quantile, v});
  };
  q(0.5, &Summary::Percentiles::p50);
  if (advanced) {
    q(0.9, &Summary::Percentiles::p90);
    q(0.99, &Summary::Percentiles::p99);
  }
  f.metric.push_back(std::move(m));
  out.push_back(std::move(f));
}

void add_labelled(std::vector<MetricFamily>& out, const std::string& name, const std::string& help,
                  const std::string& label, const std::map<std::string, int64_t>& values) {
  MetricFamily f = family(name, help, MetricType::Counter);
  for (const auto& [k, v] : values) {
    f.metric.push_back(value_metric(MetricType::Counter, static_cast<double>(v), {{label, k}}));
  }
  out.push_back(std::move(f));
}

}  // namespace

std::vector<MetricFamily> MetricsCollector::Collect() const {
  std::vector<MetricFamily> out;
  auto stats = view_.stats();
  add_value(out, "zkd_serving", "1 when the server answered this scrape, else 0", MetricType::Gauge,
            stats ? 1 : 0);
  if (!stats) return out;
  auto store = view_.store_stats();

  // Gauges and counters: reuse the mntr valuation so mntr and /metrics always agree.
  auto entries = monitor_entries(*stats, store ? &*store : nullptr);
  std::map<std::string, const MonitorValue*> by_name;
  for (const auto& [k, v] : entries) by_name[k] = &v;
  for (const MonitorKey& key : zk38_monitor_keys()) {
    std::string name(key.name);
    switch (key.kind) {
      case MonitorKind::kGauge:
        add_value(out, name, "ZooKeeper gauge " + name, MetricType::Gauge,
                  as_double(*by_name.at(name)));
        break;
      case MonitorKind::kCounter:
        add_value(out, name, "ZooKeeper counter " + name, MetricType::Counter,
                  as_double(*by_name.at(name)));
        break;
      case MonitorKind::kSummary:
        add_summary(out, key.name, false, *stats);
        break;
      case MonitorKind::kPercentileSummary:
        add_summary(out, key.name, true, *stats);
        break;
    }
  }

  StoreStats st = store.value_or(StoreStats{});
  add_value(out, "zkd_storage_failed",
            "1 after a failed fsync/append: zkd stopped acknowledging writes (sticky)",
            MetricType::Gauge, st.storage_failed ? 1 : 0);
  add_value(out, "zkd_data_dir_bytes", "Bytes used under dataDir", MetricType::Gauge,
            static_cast<double>(st.data_dir_bytes));
  add_value(out, "zkd_log_dir_bytes", "Bytes used under dataLogDir", MetricType::Gauge,
            static_cast<double>(st.log_dir_bytes));
  if (auto cfg = view_.config()) {
    add_value(out, "zkd_max_client_cnxns", "maxClientCnxns: connection limit per client IP",
              MetricType::Gauge, cfg->max_client_cnxns);
  }
  add_labelled(out, "zkd_rejected_frames", "Client frames rejected, by reason", "reason",
               stats->rejected_frames);
  add_labelled(out, "zkd_requests", "Requests completed, by operation", "op",
               stats->requests_by_op);
  return out;
}

}  // namespace zkd::ops
