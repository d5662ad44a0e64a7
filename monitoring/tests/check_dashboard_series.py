#!/usr/bin/python3
"""Starts a real Prometheus that scrapes zkd's /metrics every second and loads zkd's alert
rules, then checks through Prometheus's HTTP API that
  * the target is up,
  * every Grafana dashboard query returns at least one series,
  * every metric name used by the dashboard and the alert rules exists,
  * every alert rule evaluates without error.
Usage: check_dashboard_series.py <zkd_ops_fake_exporter> <monitoring dir>
(ZKD_METRICS_TARGET=host:port scrapes a running zkd instead of the fake exporter.)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

from zkd_target import free_port, metrics_target

PROMQL_WORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "offset", "bool", "inf", "nan",
}


def api(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        doc = json.load(r)
    if doc.get("status") != "success":
        raise RuntimeError("%s: %s" % (url, doc))
    return doc["data"]


def grafana_to_promql(expr):
    return (expr.replace("$__rate_interval", "30s").replace('"$job"', '".+"')
            .replace('"$instance"', '".+"'))


def metric_names(expr):
    e = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)       # strings
    e = re.sub(r"\{[^}]*\}", " ", e)                    # label matchers
    e = re.sub(r"\[[^\]]*\]", " ", e)                   # ranges
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    names = set()
    for m in re.finditer(r"[a-zA-Z_:][a-zA-Z0-9_:]*", e):
        rest = e[m.end():].lstrip()
        if rest.startswith("("):
            continue  # a function
        if m.group(0).lower() in PROMQL_WORDS:
            continue
        names.add(m.group(0))
    return names


def dashboard_queries(path):
    with open(path) as f:
        dash = json.load(f)
    exprs = []
    for panel in dash["panels"]:
        for t in panel.get("targets", []):
            exprs.append((panel["title"], t["expr"]))
    for var in dash["templating"]["list"]:
        q = var.get("definition", "")
        m = re.match(r"label_values\((.*),\s*\w+\)$", q)
        if m:
            exprs.append(("variable " + var["name"], m.group(1)))
    return exprs


def rule_exprs(path):
    # The rules file is YAML; every expression sits on an "expr:" line.
    exprs = []
    with open(path) as f:
        for line in f:
            m = re.match(r"\s*expr:\s*(.*)$", line)
            if m:
                exprs.append(m.group(1).strip())
    return exprs


def main():
    exporter, monitoring = sys.argv[1], os.path.abspath(sys.argv[2])
    rules = os.path.join(monitoring, "rules", "zkd.rules.yml")
    dashboard = os.path.join(monitoring, "grafana", "zkd-overview.json")
    tmp = tempfile.mkdtemp(prefix="zkd-prom-")
    prom = None
    failures = []
    try:
        with metrics_target(exporter) as target:
            port = free_port()
            cfg = os.path.join(tmp, "prometheus.yml")
            with open(cfg, "w") as f:
                f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                        "rule_files:\n  - %s\n"
                        "scrape_configs:\n  - job_name: zkd\n    static_configs:\n"
                        "      - targets: ['%s']\n" % (rules, target))
            prom = subprocess.Popen(
                ["/usr/bin/prometheus", "--config.file=" + cfg,
                 "--storage.tsdb.path=" + os.path.join(tmp, "data"),
                 "--web.listen-address=127.0.0.1:%d" % port, "--log.level=warn"],
                stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "prom.log"), "w"))
            base = "http://127.0.0.1:%d" % port
            deadline = time.time() + 60
            up = False
            while time.time() < deadline and not up:
                time.sleep(0.5)
                try:
                    targets = api(base, "/api/v1/targets")["activeTargets"]
                    up = any(t["health"] == "up" for t in targets)
                except OSError:
                    pass
            if not up:
                print(open(os.path.join(tmp, "prom.log")).read()[-3000:])
                print("FAIL: Prometheus never scraped %s successfully" % target)
                return 1
            time.sleep(6)  # several scrapes, so rate() has samples and rules evaluated

            present = set(api(base, "/api/v1/label/__name__/values"))
            queries = dashboard_queries(dashboard)
            for title, expr in queries:
                promql = grafana_to_promql(expr)
                result = api(base, "/api/v1/query", query=promql)["result"]
                if not result:
                    failures.append("dashboard panel %r: no series for %s" % (title, promql))
                for name in metric_names(promql) - present:
                    failures.append("dashboard panel %r: metric %s not exported" % (title, name))
            for expr in rule_exprs(rules):
                for name in metric_names(expr) - present:
                    failures.append("alert rule %r: metric %s not exported" % (expr, name))
            groups = api(base, "/api/v1/rules")["groups"]
            rules_seen = [r for g in groups for r in g["rules"]]
            if len(rules_seen) != len(rule_exprs(rules)):
                failures.append("Prometheus loaded %d rules, file has %d"
                                % (len(rules_seen), len(rule_exprs(rules))))
            for r in rules_seen:
                if r.get("health") != "ok":
                    failures.append("rule %s health %s: %s"
                                    % (r["name"], r.get("health"), r.get("lastError")))
            print("checked %d dashboard queries, %d rules, %d exported metric names"
                  % (len(queries), len(rules_seen), len(present)))
    finally:
        if prom:
            prom.terminate()
            try:
                prom.wait(timeout=15)
            except subprocess.TimeoutExpired:
                prom.kill()
                prom.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
