"""Bad input: one-line error naming the problem, the right exit code, no hang."""
import socket
import subprocess
import threading
import time

import pytest

from conftest import ZKCTL, Zkctl


def one_line_error(r):
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("zkctl: ")
    assert "Traceback" not in r.stderr and "terminate called" not in r.stderr
    return lines[0]


@pytest.mark.parametrize("args,code,needle", [
    (["frobnicate", "/a"], 2, "unknown command 'frobnicate'"),
    (["ls"], 2, "missing argument"),
    (["ls", "/a", "/b"], 2, "too many arguments"),
    (["ls", "-q", "/"], 2, "unknown flag '-q'"),
    (["ls", "noslash"], 2, "path must start with /"),
    (["get", "/a/"], 2, "must not end with /"),
    (["get", "/a//b"], 2, "empty node name"),
    (["stat", "/a/../b"], 2, "relative paths not allowed"),
    (["set", "-v", "abc", "/a", "x"], 2, "-v needs a version number"),
    (["create", "-t", "0", "/a"], 2, "-t needs a TTL"),
    (["create", "-e", "-t", "10", "/a"], 2, "TTLs cannot be used with ephemeral"),
    (["create", "-c", "-s", "/a"], 2, "-c cannot be combined"),
    (["create", "/a", "d", "world:anyone"], 2, "bad ACL"),
    (["setAcl", "/a", "world:anyone:xyz"], 2, "bad permissions"),
    (["-o", "yaml", "ls", "/"], 2, "output must be"),
    (["--timeout", "abc", "ls", "/"], 2, "positive number"),
    (["get", "-b", "-x", "/a"], 2, "cannot be combined"),
    (["find", "/", "--type", "weird"], 2, "--type must be"),
    (["tree", "--depth", "-3", "/"], 2, "--depth"),
])
def test_bad_arguments(zk, args, code, needle):
    r = zk.run(*args)
    assert r.returncode == code, r.stderr
    assert needle in one_line_error(r)
    assert r.stdout == ""


def test_missing_command_and_help(zk):
    r = zk.run()
    assert r.returncode == 2 and "usage: zkctl" in r.stdout
    r = zk.run("help")
    assert r.returncode == 0 and "exit codes" in r.stdout


def test_no_node_and_exists_codes(zk, base):
    r = zk.run("get", f"{base}/missing")
    assert r.returncode == 4
    assert one_line_error(r) == f"zkctl: Node does not exist: {base}/missing"
    r = zk.run("create", base)
    assert r.returncode == 7
    assert one_line_error(r) == f"zkctl: Node already exists: {base}"
    r = zk.run("create", f"{base}/no/parent")
    assert r.returncode == 4


@pytest.mark.parametrize("servers", ["127.0.0.1:1", "127.0.0.1:1,127.0.0.1:2",
                                     "localhost:1/chroot"])
def test_unreachable_servers(servers):
    t0 = time.time()
    r = Zkctl(servers).run("ls", "/", timeout=30)
    assert r.returncode == 3
    assert "not connected: cannot reach" in one_line_error(r)
    assert time.time() - t0 < 10


def test_bad_server_strings():
    for s in ["127.0.0.1:notaport", "127.0.0.1:70000", ",", ":2181"]:
        r = Zkctl(s).run("ls", "/")
        assert r.returncode == 2, (s, r.stderr)
        assert "bad server list" in one_line_error(r)


class FakeServer:
    """Accepts TCP connections and misbehaves: 'close' hangs up at once, 'silent' never
    answers, 'garbage' answers the handshake with an absurd frame length."""

    def __init__(self, mode):
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.conns = []
        self.stopped = False
        threading.Thread(target=self.loop, daemon=True).start()

    def loop(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            if self.mode == "close":
                c.close()
            elif self.mode == "garbage":
                c.recv(1024)
                c.sendall(b"\x7f\xff\xff\xff" + b"x" * 64)
                self.conns.append(c)
            else:
                self.conns.append(c)

    def stop(self):
        self.stopped = True
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.mark.parametrize("mode", ["close", "silent", "garbage"])
def test_misbehaving_server(mode):
    fake = FakeServer(mode)
    try:
        t0 = time.time()
        r = Zkctl(f"127.0.0.1:{fake.port}").run("--connect-timeout", "1500", "get", "/a",
                                                 timeout=30)
        assert r.returncode == 3
        msg = one_line_error(r)
        assert "not connected" in msg
        assert time.time() - t0 < 10
    finally:
        fake.stop()


def test_huge_data_on_stdin_is_refused(zk, base):
    r = zk.run("create", f"{base}/big", "-", input="x" * (2 << 20))
    assert r.returncode == 2
    assert "data too large" in one_line_error(r)
    assert zk.run("stat", f"{base}/big").returncode == 4


def test_endless_stdin_does_not_hang(zk, base):
    with open("/dev/zero", "rb") as zero:
        p = subprocess.run([ZKCTL, "-s", zk.server, "set", base, "-"], stdin=zero,
                           capture_output=True, timeout=30)
    assert p.returncode == 2 and b"data too large" in p.stderr


def test_server_rejecting_oversized_request(zk, base):
    # Past our own limit the server (jute.maxbuffer) drops the connection: a clean error.
    r = zk.run("--max-data-bytes", "3000000", "create", f"{base}/big", "-",
               input="y" * 1100000)
    assert r.returncode == 3
    assert "ConnectionLoss" in one_line_error(r)


def test_shell_bad_lines_continue(zk, base):
    script = f"bogus\nls\nget '{base}\nls {base}\n"
    r = zk.run("shell", input=script, timeout=30)
    assert r.returncode == 2
    assert r.stdout.splitlines() == ["[]"]
    assert len(r.stderr.strip().splitlines()) == 3


def test_silent_first_server_does_not_use_up_the_connect_timeout(zk, server):
    fake = FakeServer("silent")
    try:
        t0 = time.time()
        r = Zkctl(f"127.0.0.1:{fake.port},{server.addr}").run(
            "--connect-timeout", "4000", "ls", "/", timeout=30)
        assert r.returncode == 0, r.stderr
        assert "zookeeper" in r.stdout
        assert time.time() - t0 < 8
    finally:
        fake.stop()


def test_shell_against_unreachable_server_reports_and_exits_non_zero():
    r = Zkctl("127.0.0.1:1").run("shell", input="ls /\nquit\n", timeout=30)
    assert r.returncode == 3
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert lines and all("not connected: cannot reach 127.0.0.1:1" in l for l in lines)
