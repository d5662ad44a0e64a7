"""Where the monitoring tests find zkd's /metrics.

ZKD_METRICS_TARGET=host:port points them at a running zkd (or any server exporting zkd's
metrics). Without it they start the fake exporter (zkd_ops_fake_exporter: zkd's real
/metrics code over a fake ServerView) on a free loopback port.
"""
import contextlib
import os
import socket
import subprocess


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def metrics_target(exporter_path):
    env_target = os.environ.get("ZKD_METRICS_TARGET")
    if env_target:
        yield env_target
        return
    proc = subprocess.Popen([exporter_path, "--metrics-port=0"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        ports = {}
        for line in proc.stdout:
            line = line.strip()
            if line == "ready" or not line:
                break
            key, _, value = line.partition("=")
            ports[key] = value
        if "metrics_port" not in ports:
            raise RuntimeError("fake exporter did not start: %r" % ports)
        yield "127.0.0.1:" + ports["metrics_port"]
    finally:
        proc.stdin.close()  # the exporter exits when stdin closes
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
