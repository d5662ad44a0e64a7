"""Start and stop a ZooKeeper-protocol server (Apache ZooKeeper 3.8 from the Debian package,
or zkd) standalone on a free loopback port with a fresh data dir, for benchmarks and tests.

Both get the same zoo.cfg keys: tickTime, dataDir, clientPort, clientPortAddress,
4lw.commands.whitelist=*, admin.enableServer=false (zkd additionally
metricsProvider.httpPort on another free port). Nothing here talks to a non-loopback address.
"""
import os
import shutil
import signal
import sys
import socket
import struct
import subprocess
import tempfile
import time

ZK_CLASSPATH = ":".join(
    "/usr/share/java/" + j
    for j in (
        "zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
        "netty-all.jar", "metrics-core.jar", "commons-cli.jar", "snappy-java.jar",
    )
)


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../lib'))
from ports import free_port  # noqa: E402


def four_letter(port, cmd, timeout=2.0):
    """Sends a 4lw command and returns the whole answer ('' on failure)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(cmd.encode())
            out = b""
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
            return out.decode(errors="replace")
    except OSError:
        return ""


def _frame(body):
    return struct.pack(">i", len(body)) + body


def _recv_exact(s, n):
    out = b""
    while len(out) < n:
        b = s.recv(n - len(out))
        if not b:
            raise OSError("closed")
        out += b
    return out


def get_data(port, path, timeout=2.0):
    """Opens a session and does getData(path) with the raw protocol. Returns the data bytes,
    or None if the server is not serving (no connection, no session, or an error reply)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(_frame(struct.pack(">iqiqi", 0, 0, 30000, 0, 16) + b"\0" * 16 + b"\0"))
            n = struct.unpack(">i", _recv_exact(s, 4))[0]
            resp = _recv_exact(s, n)
            if struct.unpack(">i", resp[4:8])[0] <= 0:
                return None
            p = path.encode()
            s.sendall(_frame(struct.pack(">ii", 1, 4) + struct.pack(">i", len(p)) + p + b"\0"))
            n = struct.unpack(">i", _recv_exact(s, 4))[0]
            reply = _recv_exact(s, n)
            xid, _zxid, err = struct.unpack(">iqi", reply[:16])
            if xid != 1 or err != 0:
                return None
            dlen = struct.unpack(">i", reply[16:20])[0]
            s.sendall(_frame(struct.pack(">ii", 2, -11)))
            return reply[20:20 + max(dlen, 0)]
    except (OSError, struct.error):
        return None


def du_bytes(path):
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.lstat(os.path.join(root, f)).st_blocks * 512
            except OSError:
                pass
    return total


class Server:
    """One standalone server process. kind: 'zookeeper' or 'zkd'."""

    def __init__(self, kind, zkd_bin=None, heap="2g", workdir=None, log=None):
        self.kind = kind
        self.zkd_bin = zkd_bin
        self.heap = heap
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix="zkbench-%s-" % kind)
        self.data_dir = os.path.join(self.dir, "data")
        os.makedirs(self.data_dir, exist_ok=True)
        self.port = free_port()
        self.cfg = os.path.join(self.dir, "zoo.cfg")
        self.log_path = log or os.path.join(self.dir, "server.log")
        self.proc = None
        lines = [
            "tickTime=2000",
            "dataDir=" + self.data_dir,
            "clientPort=%d" % self.port,
            "clientPortAddress=127.0.0.1",
            "4lw.commands.whitelist=*",
            "admin.enableServer=false",
        ]
        if kind == "zkd":
            lines.append("metricsProvider.httpPort=%d" % free_port())
        with open(self.cfg, "w") as f:
            f.write("\n".join(lines) + "\n")

    def command(self):
        if self.kind == "zookeeper":
            return ["java", "-Xmx%s" % self.heap, "-cp", ZK_CLASSPATH,
                    "org.apache.zookeeper.server.quorum.QuorumPeerMain", self.cfg]
        return [self.zkd_bin, self.cfg]

    def start(self, timeout=60.0):
        """Starts the process and waits until it answers 4lw srvr with a Mode line."""
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.command(), stdout=self.log, stderr=subprocess.STDOUT,
                                     cwd=self.dir, start_new_session=True)
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError("%s exited with %s during startup; log: %s"
                                   % (self.kind, self.proc.returncode, self.log_path))
            if "Mode:" in four_letter(self.port, "srvr", 0.5):
                return time.monotonic() - t0
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("%s did not become ready in %.0f s; log: %s"
                           % (self.kind, timeout, self.log_path))

    @property
    def pid(self):
        return self.proc.pid

    def cpu_s(self):
        """utime+stime of the server process (seconds)."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def stop(self, timeout=30.0):
        """Clean stop: SIGTERM, then SIGKILL if it does not exit in time."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()

    def cleanup(self):
        self.stop()
        if self.own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
