#!/usr/bin/python3
"""Differential check of zkd's 4lw and AdminServer output against a live Apache ZooKeeper
3.8 (Debian package).

ZooKeeper gets a state like FakeServerView's (two kazoo sessions, ephemerals /app/eph1 and
/app/eph2, data watches on /missing and /app/config, >128 txns so `hash` has a line). Then
every four-letter word goes to ZooKeeper and to zkd's formatter (zkd_ops_fake_exporter's
4lw port), and the replies are compared by shape: numbers, hex ids, dates, addresses and
directories are abstracted; line structure, keys, separators and number formats must match.
A second pair runs with `4lw.commands.whitelist=ruok, mntr ,bogus` and compares the
whitelist replies byte for byte. When the Jetty/Jackson jars are installed, the
AdminServer's command list and JSON keys are compared too.

Usage: zk_compat_test.py <zkd_ops_fake_exporter>   (exit 77 = skipped: no ZooKeeper/java)
"""
import contextlib
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

JAVA = "/usr/share/java"
BASE_JARS = ["zookeeper.jar", "zookeeper-jute.jar", "slf4j-api.jar", "slf4j-nop.jar",
             "netty-all.jar", "metrics-core.jar", "commons-cli.jar", "snappy-java.jar"]
ADMIN_JARS = ["jetty9-server.jar", "jetty9-servlet.jar", "jetty9-util.jar", "jetty9-http.jar",
              "jetty9-io.jar", "jetty9-security.jar", "jetty9-util-ajax.jar", "servlet-api.jar",
              "jackson-annotations.jar", "jackson-core.jar", "jackson-databind.jar"]
WORDS = ["ruok", "isro", "srvr", "stat", "cons", "conf", "envi", "dump", "wchs", "wchc",
         "wchp", "mntr", "dirs", "hash", "gtmk"]
failures = []


def check(cond, msg):
    if not cond:
        failures.append(msg)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def send4(port, word, timeout=10):
    data = word if isinstance(word, bytes) else word.encode()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        buf = b""
        while True:
            d = s.recv(65536)
            if not d:
                return buf.decode()
            buf += d


@contextlib.contextmanager
def zookeeper(tmp, name, whitelist, admin):
    port = free_port()
    admin_port = free_port() if admin else 0
    data = os.path.join(tmp, name)
    os.makedirs(data)
    cfg = os.path.join(tmp, name + ".cfg")
    with open(cfg, "w") as f:
        f.write("tickTime=2000\ndataDir=%s\nclientPort=%d\nclientPortAddress=127.0.0.1\n"
                "4lw.commands.whitelist=%s\n" % (data, port, whitelist))
        if admin:
            f.write("admin.enableServer=true\nadmin.serverAddress=127.0.0.1\n"
                    "admin.serverPort=%d\n" % admin_port)
        else:
            f.write("admin.enableServer=false\n")
    jars = BASE_JARS + (ADMIN_JARS if admin else [])
    cp = ":".join(os.path.join(JAVA, j) for j in jars)
    proc = subprocess.Popen(["java", "-cp", cp, "org.apache.zookeeper.server.quorum.QuorumPeerMain",
                             cfg], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while True:
            try:
                if "Mode:" in send4(port, "srvr", timeout=2):
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("ZooKeeper did not start")
            time.sleep(0.3)
        yield port, admin_port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def fake(exporter, whitelist):
    proc = subprocess.Popen([exporter, "--4lw-port=0", "--admin-port=0",
                             "--whitelist=" + whitelist], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        ports = {}
        for line in proc.stdout:
            line = line.strip()
            if line == "ready":
                break
            k, _, v = line.partition("=")
            ports[k] = int(v)
        yield ports["4lw_port"], ports["admin_port"]
    finally:
        proc.stdin.close()
        proc.wait(timeout=10)


def shape(line):
    line = re.sub(r"(Zookeeper version: |zk_version\t|zookeeper\.version=).*", r"\1VERSION", line)
    line = re.sub(r"^(dataDir|dataLogDir)=.*", r"\1=DIR", line)
    line = re.sub(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \S+ \d{4}", "DATE", line)
    line = re.sub(r"/?127\.0\.0\.1:\d+", "ADDR", line)
    line = re.sub(r"lop=[A-Z]+", "lop=OP", line)
    line = re.sub(r"0x[0-9a-f]+", "0xH", line)
    line = re.sub(r"/[A-Za-z0-9/_.-]+", "PATH", line)
    line = re.sub(r"\b\d+\.\d+\b", "F", line)
    line = re.sub(r"\b[0-9a-f]*\d[0-9a-f]*\b", "N", line)
    return line


def shapes(text):
    return [shape(l) for l in text.split("\n")]


def make_zk_state(port):
    sys.path.insert(0, "/usr/lib/python3/dist-packages")
    from kazoo.client import KazooClient
    a = KazooClient(hosts="127.0.0.1:%d" % port, timeout=10)
    a.start()
    a.ensure_path("/app/config")
    a.set("/app/config", b"hello world")
    a.create("/app/eph1", b"x", ephemeral=True)
    a.create("/app/eph2", b"y", ephemeral=True)
    a.ensure_path("/bulk")
    for _ in range(130):
        a.create("/bulk/n", b"v", sequence=True)
    a.get("/app/config", watch=lambda e: None)
    a.exists("/missing", watch=lambda e: None)
    b = KazooClient(hosts="127.0.0.1:%d" % port, timeout=10)
    b.start()
    b.get("/app/config", watch=lambda e: None)
    return [a, b]


def compare_words(zk_port, fake_port):
    zk = {w: send4(zk_port, w) for w in WORDS}
    ours = {w: send4(fake_port, w) for w in WORDS}
    # Exact texts.
    for w in ("ruok", "isro", "gtmk"):
        check(zk[w] == ours[w], "%s: zookeeper %r, zkd %r" % (w, zk[w], ours[w]))
    # stmk takes an 8-byte big-endian mask; telnet's close sequence just closes.
    for raw in (b"stmk" + struct.pack(">q", 1234), b"gtmk", b"stmk" + struct.pack(">q", 306),
                b"\xff\xf4\xff\xfd"):
        z, o = send4(zk_port, raw), send4(fake_port, raw)
        check(z == o, "%r: zookeeper %r, zkd %r" % (raw, z, o))
    # Same lines in the same order.
    for w in ("srvr", "conf", "wchs", "dirs"):
        check(shapes(zk[w]) == shapes(ours[w]),
              "%s shape differs:\n zookeeper %s\n zkd       %s" % (w, shapes(zk[w]), shapes(ours[w])))
    # Same kinds of lines (connection and bucket order is hash order in ZooKeeper).
    for w in ("stat", "cons", "dump", "wchc", "wchp", "hash"):
        check(set(shapes(zk[w])) == set(shapes(ours[w])),
              "%s line kinds differ:\n zookeeper %s\n zkd       %s"
              % (w, sorted(set(shapes(zk[w]))), sorted(set(shapes(ours[w])))))
        check(zk[w].endswith("\n") == ours[w].endswith("\n"), "%s: trailing newline" % w)
    # mntr: every ZooKeeper key (bar per-namespace sets), same number formats.
    def mntr(text):
        return [tuple(l.split("\t", 1)) for l in text.splitlines()]
    zk_m = [kv for kv in mntr(zk["mntr"]) if not kv[0].endswith("_per_namespace")]
    our_m = [kv for kv in mntr(ours["mntr"]) if not kv[0].startswith("zk_zkd_")]
    check([k for k, _ in zk_m] == [k for k, _ in our_m],
          "mntr keys differ: only zookeeper %s, only zkd %s"
          % (sorted({k for k, _ in zk_m} - {k for k, _ in our_m}),
             sorted({k for k, _ in our_m} - {k for k, _ in zk_m})))
    our_vals = dict(our_m)
    for k, v in zk_m:
        if k in our_vals and k != "zk_version" and k != "zk_server_state":
            check(shape(v) == shape(our_vals[k]),
                  "mntr %s: zookeeper %r, zkd %r (format)" % (k, v, our_vals[k]))
    # envi: zkd prints ZooKeeper's non-Java keys in ZooKeeper's order.
    zk_keys = [l.split("=", 1)[0] for l in zk["envi"].splitlines()[1:]]
    our_keys = [l.split("=", 1)[0] for l in ours["envi"].splitlines()[1:]]
    check(ours["envi"].startswith("Environment:\n"), "envi header")
    check([k for k in zk_keys if not k.startswith("java.")] == our_keys,
          "envi keys: zookeeper %s, zkd %s" % (zk_keys, our_keys))
    return len(WORDS)


def compare_whitelist(zk_port, fake_port):
    n = 0
    for w in WORDS + ["crst", "srst", "abcd"]:
        z, o = send4(zk_port, w), send4(fake_port, w)
        n += 1
        if "is not executed" in z or w == "abcd":
            check(z == o, "whitelist %s: zookeeper %r, zkd %r" % (w, z, o))
        else:
            check("is not executed" not in o, "whitelist %s: zkd refused, zookeeper ran it" % w)
    return n


def admin_json(port, name):
    with urllib.request.urlopen("http://127.0.0.1:%d/commands/%s" % (port, name), timeout=10) as r:
        return json.load(r)


def keyset(doc):
    if isinstance(doc, dict):
        return {k: keyset(v) for k, v in doc.items()} if doc else {}
    if isinstance(doc, list):
        merged = {}
        for item in doc:
            if isinstance(item, dict):
                for k in item:
                    merged[k] = None
        return sorted(merged) or []
    return None


def compare_admin(zk_admin, fake_admin):
    def listing(port):
        with urllib.request.urlopen("http://127.0.0.1:%d/commands" % port, timeout=10) as r:
            return re.findall(r'>([a-z_]+)</a>', r.read().decode())
    zk_list, our_list = listing(zk_admin), listing(fake_admin)
    check(zk_list == our_list, "admin /commands: zookeeper %s, zkd %s" % (zk_list, our_list))
    skip = {"environment", "system_properties", "monitor", "set_trace_mask"}
    for name in zk_list:
        if name in skip:
            continue
        z, o = admin_json(zk_admin, name), admin_json(fake_admin, name)
        zs, os_ = keyset(z), keyset(o)
        # Dynamic keys (session ids, paths, bucket times) are data, not schema.
        for k in ("expiry_time_to_session_ids", "session_id_to_ephemeral_paths",
                  "session_id_to_watched_paths", "path_to_session_ids"):
            for d in (zs, os_):
                if isinstance(d, dict) and k in d:
                    d[k] = "MAP"
        check(zs == os_, "admin %s keys:\n zookeeper %s\n zkd       %s" % (name, zs, os_))
    zm, om = admin_json(zk_admin, "monitor"), admin_json(fake_admin, "monitor")
    zk_keys = {k for k in zm if not k.endswith("_per_namespace")}
    our_keys = {k for k in om if not k.startswith("zkd_")}
    check(zk_keys == our_keys, "admin monitor keys differ: %s" % sorted(zk_keys ^ our_keys))
    z, o = admin_json(zk_admin, "nosuch"), admin_json(fake_admin, "nosuch")
    check(z == o, "admin unknown command: zookeeper %s, zkd %s" % (z, o))
    return len(zk_list)


def main():
    exporter = sys.argv[1]
    if not shutil.which("java") or not os.path.exists(os.path.join(JAVA, "zookeeper.jar")):
        print("SKIP: java or the Debian zookeeper package is missing")
        return 77
    admin = all(os.path.exists(os.path.join(JAVA, j)) for j in ADMIN_JARS)
    os.environ["TZ"] = "UTC"
    tmp = tempfile.mkdtemp(prefix="zkd-ops-compat-")
    try:
        with zookeeper(tmp, "all", "*", admin) as (zk_port, zk_admin), \
                fake(exporter, "*") as (fake_port, fake_admin):
            clients = make_zk_state(zk_port)
            try:
                words = compare_words(zk_port, fake_port)
                cmds = compare_admin(zk_admin, fake_admin) if admin else 0
            finally:
                for c in clients:
                    c.stop()
        with zookeeper(tmp, "wl", "ruok, mntr ,bogus", False) as (zk_port, _), \
                fake(exporter, "ruok, mntr ,bogus") as (fake_port, _):
            wl = compare_whitelist(zk_port, fake_port)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print("compared %d words, %d whitelist cases, %d admin commands%s"
          % (words, wl, cmds, "" if admin else " (no Jetty jars: admin skipped)"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
