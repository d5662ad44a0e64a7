#include "zkd/server/ops/metrics_exporter.h"

#include <prometheus/exposer.h>

#include "zkd/server/ops/metrics_collector.h"

namespace zkd::ops {

MetricsExporter::MetricsExporter(ServerView& view, const std::string& host, uint16_t port)
    : collector_(std::make_shared<MetricsCollector>(view)) {
  // civetweb wants IPv6 literals in brackets: "[::]:7000".
  std::string bind =
      host.find(':') != std::string::npos && host.front() != '[' ? "[" + host + "]" : host;
  exposer_ = std::make_unique<prometheus::Exposer>(bind + ":" + std::to_string(port), 2);
  exposer_->RegisterCollectable(collector_, "/metrics");
}

MetricsExporter::~MetricsExporter() {
  exposer_.reset();  // stop serving before the collector goes away
}

uint16_t MetricsExporter::port() const {
  auto ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : static_cast<uint16_t>(ports.front());
}

}  // namespace zkd::ops
