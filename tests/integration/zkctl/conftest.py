"""Fixtures for driving the zkctl binary against a real server.

The server is Apache ZooKeeper 3.8 from the Debian package (ZK_TARGET=zookeeper, the
default for now) or zkd (ZK_TARGET=zkd; binary from $ZKD_BIN, default build/bin/zkd).
Every server listens on a free 127.0.0.1 port and is stopped at the end.
"""
import os
import shutil
import sys
import socket
import subprocess
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
ZKCTL = os.environ.get("ZKCTL_BIN", os.path.join(REPO, "build", "bin", "zkctl"))
TARGET = os.environ.get("ZK_TARGET", "zkd")
ZKD_BIN = os.environ.get("ZKD_BIN") or os.environ.get(
    "ZKD_BIN_DEFAULT", os.path.join(REPO, "build", "bin", "zkd"))
ZK_CP = ":".join("/usr/share/java/" + j for j in [
    "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
    "netty-all.jar", "metrics-core.jar", "commons-cli.jar", "snappy-java.jar"])
ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../../lib'))
from ports import free_port  # noqa: E402


def four_letter(port, word, timeout=2.0):
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(word.encode())
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out.decode(errors="replace")
            out += chunk


class Server:
    def __init__(self, whitelist="*", extra=""):
        self.port = free_port()
        # zkd serves /metrics on 7000 by default (two servers would clash): a port of its own.
        self.metrics_port = free_port()
        self.dir = tempfile.mkdtemp(prefix="zkctl-test-")
        os.makedirs(os.path.join(self.dir, "data"))
        self.cfg = os.path.join(self.dir, "zoo.cfg")
        with open(self.cfg, "w") as f:
            f.write(f"tickTime=2000\ndataDir={self.dir}/data\nclientPort={self.port}\n"
                    f"clientPortAddress=127.0.0.1\n4lw.commands.whitelist={whitelist}\n"
                    f"admin.enableServer=false\nextendedTypesEnabled=true\n"
                    f"metricsProvider.httpPort={self.metrics_port}\n{extra}")
        self.log = open(os.path.join(self.dir, "server.log"), "w")
        if TARGET == "zkd":
            if not os.access(ZKD_BIN, os.X_OK):
                raise RuntimeError(f"ZK_TARGET=zkd but no zkd binary at {ZKD_BIN} (set ZKD_BIN)")
            cmd = [ZKD_BIN, self.cfg]
        elif TARGET != "zookeeper":
            raise RuntimeError(f"ZK_TARGET must be zookeeper or zkd, not {TARGET!r}")
        else:
            cmd = ["java", "-cp", ZK_CP, "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                   self.cfg]
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{TARGET} exited early; see {self.dir}/server.log")
            try:
                if "Mode:" in four_letter(self.port, "srvr", 1.0):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{TARGET} did not become ready on port {self.port}")

    @property
    def addr(self):
        return f"127.0.0.1:{self.port}"

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.stop()


class Zkctl:
    """Runs the zkctl binary against one server; every call is bounded in time."""

    def __init__(self, server_addr):
        self.server = server_addr

    def run(self, *args, input=None, timeout=30, server=True, env=None):
        cmd = [ZKCTL]
        if server:
            cmd += ["-s", self.server]
        cmd += list(args)
        e = dict(os.environ)
        e.pop("ZKCTL_SERVER", None)
        if env:
            e.update(env)
        return subprocess.run(cmd, input=input, capture_output=True, timeout=timeout,
                              env=e, text=isinstance(input, str) or input is None)

    def ok(self, *args, **kw):
        r = self.run(*args, **kw)
        assert r.returncode == 0, f"zkctl {args} -> {r.returncode}: {r.stderr}"
        return r.stdout

    def json(self, *args, **kw):
        import json
        return json.loads(self.ok("-o", "json", *args, **kw))


@pytest.fixture(scope="module")
def zk(server):
    return Zkctl(server.addr)


_counter = [0]


@pytest.fixture
def base(zk):
    """A fresh persistent node per test, removed afterwards."""
    _counter[0] += 1
    path = f"/t{os.getpid()}_{_counter[0]}"
    zk.ok("create", path)
    yield path
    zk.run("deleteall", path)
