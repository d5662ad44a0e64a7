// MetricsExporter: serves MetricsCollector at http://<host>:<port>/metrics with
// prometheus-cpp's Exposer (metricsProvider.httpHost / metricsProvider.httpPort).
// Binds in the constructor (throws std::exception if it cannot); serves on the
// Exposer's own threads until destroyed. The ServerView must outlive this object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "zkd/server/ops/server_view.h"

namespace prometheus {
class Exposer;
}

namespace zkd::ops {

class MetricsCollector;

class MetricsExporter {
 public:
  MetricsExporter(ServerView& view, const std::string& host, uint16_t port);
  ~MetricsExporter();
  MetricsExporter(const MetricsExporter&) = delete;
  MetricsExporter& operator=(const MetricsExporter&) = delete;

  uint16_t port() const;  // the bound port (useful with port 0)

 private:
  std::shared_ptr<MetricsCollector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace zkd::ops
