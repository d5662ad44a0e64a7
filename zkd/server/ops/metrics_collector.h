// MetricsCollector: a prometheus-cpp Collectable that turns a ServerView snapshot into
// ZooKeeper PrometheusMetricsProvider's metric families at scrape time.
//
// Names are ZooKeeper's (no prefix, no _total): every mntr gauge and counter, and every
// summary as <name>{quantile=...}, <name>_count, <name>_sum (quantile 0.5; 0.5/0.9/0.99 for
// the percentile summaries such as readlatency). A quantile the server does not track is
// NaN. zkd adds: zkd_serving, zkd_storage_failed, zkd_data_dir_bytes, zkd_log_dir_bytes,
// zkd_max_client_cnxns, zkd_rejected_frames{reason}, zkd_requests{op}. Counters are typed
// `counter` without a _total suffix, exactly as ZooKeeper's simpleclient 0.9 exports them
// (prometheus-cpp 1.0 does not add one; promtool's lint notes it, see docs/operability.md).
//
// Thread-safe: Collect() runs on the exposer's HTTP thread and only calls ServerView.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <vector>

#include "zkd/server/ops/server_view.h"

namespace zkd::ops {

class MetricsCollector : public prometheus::Collectable {
 public:
  explicit MetricsCollector(ServerView& view) : view_(view) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  ServerView& view_;
};

}  // namespace zkd::ops
