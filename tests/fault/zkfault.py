"""Small launcher for the fault tests: starts real zkd processes on free loopback ports.

Each ZkdProcess owns a config file in its work dir and keeps the dataDir across restarts,
so a test can kill -9 it and start it again on the same state.
"""
import atexit
import ctypes
import glob
import logging
import os
import signal
import socket
import subprocess
import sys
import time

logging.getLogger("kazoo").setLevel(logging.CRITICAL)  # reconnect chatter while zkd is down

SKIP = 77  # ctest SKIP_RETURN_CODE for these tests
_spawned = []  # every Popen, killed at exit so a failing test leaves no zkd behind
_libc = ctypes.CDLL(None, use_errno=True)


def _die_with_parent():
    _libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: no orphan when ctest kills the test


@atexit.register
def _kill_leftovers():
    for p in _spawned:
        if p.poll() is None:
            p.kill()
            p.wait()


def zkd_bin():
    if os.environ.get("ZK_TARGET") == "zookeeper":
        return "java"
    path = os.environ.get("ZKD_BIN") or (sys.argv[1] if len(sys.argv) > 1 else "")
    if not path or not os.access(path, os.X_OK):
        sys.exit("usage: test.py ZKD_BIN (or set ZKD_BIN); got %r" % path)
    return os.path.abspath(path)


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../lib'))
from ports import free_port  # noqa: E402


def newest_log_segment(log_dir):
    """Path of zkd's newest log segment (dataLogDir/zkd-log.<first zxid hex>.db)."""
    segs = sorted(glob.glob(os.path.join(log_dir, "zkd-log.[0-9a-f]*.db")))
    return segs[-1] if segs else os.path.join(log_dir, "zkd-log.0000000000000000.db")


def four_letter(port, word, timeout=2.0):
    """Sends a four-letter word; returns the reply, or None when the server does not answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(word.encode())
            chunks = []
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
            data = b"".join(chunks)
            # This branch's zkd framed 4lw replies (fixed on main, which sends plain text
            # like ZooKeeper); accept both so the fault tests do not depend on that fix.
            if len(data) >= 4 and int.from_bytes(data[:4], "big") == len(data) - 4:
                data = data[4:]
            return data.decode(errors="replace")
    except OSError:
        return None


class ZkdProcess:
    def __init__(self, binary, work_dir, data_dir=None, port=None, log_dir=None, **cfg):
        self.binary = binary
        self.work_dir = work_dir
        self.data_dir = data_dir or os.path.join(work_dir, "data")
        self.port = port or free_port()
        self.log_dir = log_dir
        os.makedirs(self.data_dir, exist_ok=True)
        self.cfg = {
            "tickTime": 500,
            "dataDir": self.data_dir,
            "clientPort": self.port,
            "clientPortAddress": "127.0.0.1",
            "minSessionTimeout": 1000,
            "maxSessionTimeout": 10000,
            "admin.enableServer": "false",
            "admin.serverPort": free_port(),
            "metricsProvider.httpPort": free_port(),  # never the shared default 7000
            "4lw.commands.whitelist": "*",
        }
        self.cfg.update(cfg)
        self.cfg_path = os.path.join(work_dir, "zoo-%d.cfg" % self.port)
        self.proc = None
        self.stderr_path = os.path.join(work_dir, "zkd-%d.stderr" % self.port)

    def write_cfg(self):
        with open(self.cfg_path, "w") as f:
            for k, v in self.cfg.items():
                f.write("%s=%s\n" % (k, v))

    def spawn(self, extra_args=()):
        """Starts zkd without waiting. Returns the Popen."""
        self.write_cfg()
        args = [self.binary]
        if self.log_dir:
            args.append("-Dzkd.log.dir=" + self.log_dir)
        args += list(extra_args) + [self.cfg_path]
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(args, stdout=self.stderr, stderr=self.stderr, preexec_fn=_die_with_parent)
        _spawned.append(self.proc)
        return self.proc

    def start(self, timeout=15.0):
        self.spawn()
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("zkd exited with %d at startup: %s" %
                                   (self.proc.returncode, self.output()[-2000:]))
            if four_letter(self.port, "ruok", 0.5) == "imok":
                return self
            time.sleep(0.02)
        raise RuntimeError("zkd did not answer ruok within %.0fs" % timeout)

    def output(self):
        """stderr/stdout of every run, plus zkd.log when a log dir is set."""
        text = ""
        for p in [self.stderr_path] + ([os.path.join(self.log_dir, "zkd.log")] if self.log_dir else []):
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    text += f.read()
        return text

    def hosts(self):
        return "127.0.0.1:%d" % self.port

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()

    def terminate(self, timeout=10.0):
        """SIGTERM; returns (exit code, seconds taken). Kills -9 on timeout (code None)."""
        t0 = time.time()
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill9()
            rc = None
        return rc, time.time() - t0

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


ZK_CLASSPATH = ":".join("/usr/share/java/%s.jar" % j for j in (
    "zookeeper", "zookeeper-jute", "slf4j-api", "slf4j-nop", "netty-all", "metrics-core",
    "commons-cli", "snappy-java"))


class ZooKeeperProcess(ZkdProcess):
    """Apache ZooKeeper 3.8 (Debian package) behind the same interface: the oracle that
    shows a test's assertions describe ZooKeeper (ZK_TARGET=zookeeper)."""

    def spawn(self, extra_args=()):
        self.write_cfg()
        self.stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen(
            ["java", "-cp", ZK_CLASSPATH, "org.apache.zookeeper.server.quorum.QuorumPeerMain", self.cfg_path],
            stdout=self.stderr, stderr=self.stderr, preexec_fn=_die_with_parent)
        _spawned.append(self.proc)
        return self.proc

    def start(self, timeout=30.0):
        super().start(timeout)
        # ruok answers before ZooKeeper serves; srvr shows "Mode:" once it does.
        deadline = time.time() + timeout
        while "Mode:" not in (four_letter(self.port, "srvr", 0.5) or ""):
            if time.time() > deadline:
                raise RuntimeError("ZooKeeper did not serve within %.0fs" % timeout)
            time.sleep(0.05)
        return self


def target():
    return os.environ.get("ZK_TARGET", "zkd")


def make_server(binary, work_dir, **kw):
    """A ZkdProcess, or a ZooKeeperProcess when ZK_TARGET=zookeeper."""
    if target() == "zookeeper":
        kw.pop("log_dir", None)
        return ZooKeeperProcess(binary, work_dir, **kw)
    return ZkdProcess(binary, work_dir, **kw)


class Failures:
    """Collects check failures so a test reports all of them, then exits non-zero."""

    def __init__(self):
        self.items = []
        self.label = ""  # prefixed to messages (the current case)

    def check(self, cond, msg):
        if not cond:
            msg = self.label + msg
            self.items.append(msg)
            print("FAIL: " + msg, flush=True)
        return cond

    def finish(self, name):
        if self.items:
            print("%s: %d failure(s)" % (name, len(self.items)), flush=True)
            sys.exit(1)
        print("%s: OK" % name, flush=True)
        sys.exit(0)
