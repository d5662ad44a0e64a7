#!/usr/bin/python3
"""Smoke test of zkbench: ~2 s of get and of set against a real server (ZK_TARGET=zookeeper,
the default for now, or zkd), or against the canned-reply server (--canned PATH). Asserts the
run completes with zero errors and nonzero throughput, that -o json parses, and that the
text report has its ops/s line."""
import argparse
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zkserver  # noqa: E402


def run(zkbench, port, workload, extra=()):
    cmd = [zkbench, "--server", "127.0.0.1:%d" % port, "--workload", workload, "--duration", "2",
           "--warmup", "0.5", "--connections", "4", "--inflight", "16", "--keys", "200"] + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, "%s exited %d: %s" % (cmd, r.returncode, r.stderr)
    return r.stdout


def check(zkbench, port, pid, workloads):
    for w in workloads:
        out = json.loads(run(zkbench, port, w, ["-o", "json"] + (["--server-pid", str(pid)] if pid else [])))
        assert out["ok"] is True, out
        assert out["workload"] == w.split(":")[0], out
        assert out["errors"] == 0 and out["errors_by_code"] == {}, out
        assert out["ops"] > 0 and out["ops_per_s"] > 0, out
        assert 0 < out["latency_us"]["p50"] <= out["latency_us"]["p99"] <= out["latency_us"]["max"], out
        assert out["client_cpu_s"] > 0, out
        if pid:
            assert out["server_cpu_s"] >= 0, out
        print("%-7s %8.0f ops/s  p99 %.0f us" % (w, out["ops_per_s"], out["latency_us"]["p99"]))
    text = run(zkbench, port, workloads[0])
    assert re.search(r"^ops/s +[1-9]\d*", text, re.M), text
    assert re.search(r"^errors +0$", text, re.M), text
    # An open-loop run offers what was asked.
    out = json.loads(run(zkbench, port, workloads[0], ["-o", "json", "--rate", "2000"]))
    assert out["errors"] == 0 and abs(out["ops_per_s"] - 2000) < 200, out


def check_config(zkbench, port):
    """A keeper-bench style file: setup trees, weighted mix incl. multi, cleaned up after."""
    import tempfile
    cfg = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keeper_example.yaml")
    with tempfile.TemporaryDirectory() as d:
        r = subprocess.run([zkbench, "--config", cfg, "--server", "127.0.0.1:%d" % port,
                            "--warmup", "0", "--ops", "3000", "-o", "json"],
                           capture_output=True, text=True, timeout=120, cwd=d)
        assert r.returncode == 0, r.stderr
        out = json.loads(r.stdout)
        assert out["workload"] == "config" and out["ok"] is True, out
        assert out["ops"] == 3000 and out["errors"] == 0, out
        with open(os.path.join(d, "zkbench-config-output.json")) as f:
            assert json.load(f)["ops"] == 3000
    for node in ("/kb_a", "/kb_create", "/kb_tree"):
        assert zkserver.get_data(port, node) is None, node + " left behind"
    print("config  %8.0f ops/s" % out["ops_per_s"])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--zkbench", required=True)
    p.add_argument("--zkd-bin", default=os.environ.get("ZKD_BIN", ""))
    p.add_argument("--canned", help="run against this canned_server binary instead")
    a = p.parse_args()
    a.zkbench = os.path.abspath(a.zkbench)
    if a.canned:
        proc = subprocess.Popen([a.canned, "--port", "0"], stdout=subprocess.PIPE, text=True)
        try:
            port = int(proc.stdout.readline().split()[1])
            check(a.zkbench, port, proc.pid, ["get", "exists", "set", "create"])
        finally:
            proc.kill()
            proc.wait()
        return
    target = os.environ.get("ZK_TARGET", "zkd")
    if target == "zkd" and not os.access(a.zkd_bin, os.X_OK):
        sys.exit("ZK_TARGET=zkd but no zkd binary at %r" % a.zkd_bin)
    srv = zkserver.Server(target, zkd_bin=a.zkd_bin, heap="512m")
    try:
        srv.start()
        check(a.zkbench, srv.port, srv.pid, ["get", "set"])
        check_config(a.zkbench, srv.port)
        # The bench leaves nothing behind: its root is gone after the runs.
        assert zkserver.get_data(srv.port, "/zkbench") is None
        assert zkserver.get_data(srv.port, "/zookeeper") is not None
    finally:
        srv.cleanup()


if __name__ == "__main__":
    main()
