#!/usr/bin/python3
"""promtool check metrics on zkd's /metrics.

Parse errors fail. Lint findings fail too, except the three kinds ZooKeeper's own metric
names trigger (znode_count "should not have _count suffix", *_time_ms "abbreviated units",
connection_rejected "counter metrics should have _total suffix"): zkd keeps ZooKeeper's
names and types on purpose so existing dashboards and rules work.
Usage: check_metrics_lint.py <zkd_ops_fake_exporter>
"""
import subprocess
import sys
import urllib.request

from zkd_target import metrics_target

ALLOWED = (
    'non-histogram and non-summary metrics should not have "_count" suffix',
    "metric names should not contain abbreviated units",
    'counter metrics should have "_total" suffix',
)


def main():
    with metrics_target(sys.argv[1]) as target:
        body = urllib.request.urlopen("http://%s/metrics" % target, timeout=10).read()
    res = subprocess.run(["promtool", "check", "metrics"], input=body,
                         capture_output=True, timeout=60)
    out = (res.stdout + res.stderr).decode()
    if res.returncode not in (0, 3):
        print(out)
        print("FAIL: promtool exit code %d" % res.returncode)
        return 1
    bad = [l for l in out.splitlines() if l.strip() and not any(a in l for a in ALLOWED)]
    if bad:
        print("\n".join(bad))
        print("FAIL: unexpected lint findings")
        return 1
    names = {l.split()[2] for l in body.decode().splitlines() if l.startswith("# TYPE ")}
    for required in ("znode_count", "readlatency", "zkd_storage_failed", "zkd_rejected_frames"):
        if required not in names:
            print("FAIL: %s missing" % required)
            return 1
    print("OK: %d metric families; %d allowed ZooKeeper-name lint findings"
          % (len(names), len(out.splitlines())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
