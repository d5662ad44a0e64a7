"""Start/stop a ZooKeeper-protocol server (zkd or Apache ZooKeeper 3.8) for tests.

Target is chosen by env ZK_TARGET=zkd|zookeeper (default zkd). zkd binary from env
ZKD_BIN (default <repo>/build/bin/zkd). Each server gets a temp dataDir and a free
loopback port; restart() reuses both. Every wait is bounded.

Command lines:
  zookeeper: java -Xmx256m -D<k>=<v>... -cp <debian jars> QuorumPeerMain zoo.cfg
  zkd:       $ZKD_BIN -D<k>=<v>... zoo.cfg
"""
import atexit
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ZK_CLASSPATH = ":".join(
    "/usr/share/java/" + j
    for j in ("zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
              "netty-all.jar", "metrics-core.jar", "commons-cli.jar", "snappy-java.jar"))
ZK_MAIN = "org.apache.zookeeper.server.quorum.QuorumPeerMain"

# A fixed super user for tests: super:superpw.
SUPER_USER = "super"
SUPER_PASSWORD = "superpw"


def target():
    t = os.environ.get("ZK_TARGET", "zkd")
    if t not in ("zkd", "zookeeper"):
        raise ValueError("ZK_TARGET must be zkd or zookeeper, got %r" % t)
    return t


def zkd_bin():
    return os.environ.get("ZKD_BIN", os.path.join(REPO, "build", "bin", "zkd"))


def digest(user, password):
    """ZooKeeper digest id: user:base64(sha1(user:password))."""
    import base64
    import hashlib
    h = hashlib.sha1(("%s:%s" % (user, password)).encode()).digest()
    return "%s:%s" % (user, base64.b64encode(h).decode())


from ports import free_port  # noqa: E402,F401  (re-exported for the suites)


def four_letter(port, cmd, timeout=3.0, host="127.0.0.1"):
    """Send a 4lw, return the full text answer ('' on error)."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(cmd.encode())
            chunks = []
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
            return b"".join(chunks).decode(errors="replace")
    except OSError:
        return ""


class ServerError(RuntimeError):
    pass


_live = weakref.WeakSet()


@atexit.register
def _kill_leftovers():
    for s in list(_live):
        s.kill9()


def _die_with_parent():
    """preexec_fn: SIGKILL the server if the test process dies (e.g. a ctest timeout)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Server:
    """One server process. Not thread-safe; owned by one test/fixture."""

    def __init__(self, kind=None, cfg=None, props=None, tick_time=200, name="zk"):
        self.kind = kind or target()
        self.cfg = dict(cfg or {})
        self.props = dict(props or {})
        self.tick_time = tick_time
        self.workdir = tempfile.mkdtemp(prefix="zktest-%s-%s-" % (name, self.kind))
        self.data_dir = os.path.join(self.workdir, "data")
        os.makedirs(self.data_dir)
        self.port = free_port()
        # Free ports for the HTTP endpoints too, so parallel servers never collide.
        self.admin_port = free_port()
        self.metrics_port = free_port()
        self.proc = None
        self.log_path = os.path.join(self.workdir, "server.log")
        self._log = None

    # ---- configuration ----
    @property
    def host(self):
        return "127.0.0.1"

    @property
    def hostport(self):
        return "127.0.0.1:%d" % self.port

    def _write_cfg(self):
        cfg = {
            "tickTime": str(self.tick_time),
            "dataDir": self.data_dir,
            "clientPort": str(self.port),
            "clientPortAddress": "127.0.0.1",
            "4lw.commands.whitelist": "*",
            "admin.enableServer": "false",
            "maxClientCnxns": "0",
            "maxSessionTimeout": "30000",
            "admin.serverPort": str(self.admin_port),
            "metricsProvider.httpPort": str(self.metrics_port),
        }
        cfg.update({k: str(v) for k, v in self.cfg.items()})
        path = os.path.join(self.workdir, "zoo.cfg")
        with open(path, "w") as f:
            for k, v in cfg.items():
                if v in (None, "None"):
                    continue  # cfg={key: None} removes a default key
                f.write("%s=%s\n" % (k, v))
        return path

    def command(self):
        cfg_path = self._write_cfg()
        dopts = ["-D%s=%s" % (k, v) for k, v in self.props.items()]
        if self.kind == "zookeeper":
            cp = ZK_CLASSPATH
            if os.environ.get("ZK_LOG"):  # ZK_LOG=1: ZooKeeper logs into server.log
                cp = cp.replace("slf4j-nop.jar", "slf4j-simple.jar")
            return ["java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"] + dopts + [
                "-cp", cp, ZK_MAIN, cfg_path]
        b = zkd_bin()
        if not os.path.exists(b):
            raise ServerError("zkd binary not found at %s (set ZKD_BIN)" % b)
        return [b] + dopts + [cfg_path]

    # ---- lifecycle ----
    def start(self, timeout=30.0):
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("already running")
        self._log = open(self.log_path, "ab")
        # PDEATHSIG fires when the *thread* that forked exits, so only use it from the
        # main thread.
        main = threading.current_thread() is threading.main_thread()
        self.proc = subprocess.Popen(self.command(), stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, cwd=self.workdir,
                                     start_new_session=True,
                                     preexec_fn=_die_with_parent if main else None)
        _live.add(self)
        self.wait_ready(timeout)
        return self

    def is_running(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise ServerError("server exited with %s during startup:\n%s" %
                                  (self.proc.returncode, self.log_tail()))
            out = four_letter(self.port, "srvr", timeout=1.0)
            if "Mode:" in out:
                return
            time.sleep(0.1)
        raise ServerError("server not ready after %.0fs:\n%s" % (timeout, self.log_tail()))

    def log_tail(self, n=40):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return "(no log)"

    def _wait_exit(self, timeout):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self, timeout=15.0):
        """SIGTERM, wait; SIGKILL if it does not exit in time. Returns exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self._wait_exit(timeout)
        self._close_log()
        return self.proc.returncode

    def kill9(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_log()

    def restart(self, hard=False, timeout=30.0):
        """Stop (SIGTERM, or SIGKILL if hard) and start again on the same dataDir and port."""
        if hard:
            self.kill9()
        else:
            self.stop()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # port may linger briefly
            try:
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", self.port))
                s.close()
                break
            except OSError:
                time.sleep(0.1)
        return self.start(timeout)

    def _close_log(self):
        if self._log:
            self._log.close()
            self._log = None

    def cleanup(self):
        self.kill9()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def four_letter(self, cmd, timeout=3.0):
        return four_letter(self.port, cmd, timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()


def default_props():
    """Properties every test server gets: TTL nodes enabled, a known super user."""
    return {
        "zookeeper.extendedTypesEnabled": "true",
        "zookeeper.DigestAuthenticationProvider.superDigest": digest(SUPER_USER, SUPER_PASSWORD),
    }
