"""watch --count, 4lw fan-out (mntr table, whitelist refusals, down servers), check."""
import json
import subprocess
import time

from kazoo.client import KazooClient
import pytest

from conftest import ZKCTL, Server, Zkctl, four_letter


@pytest.fixture(scope="module")
def restricted():
    """A second server whose whitelist only has srvr and ruok."""
    s = Server(whitelist="srvr,ruok")
    yield s
    s.stop()


def start_watch(zk, *args):
    p = subprocess.Popen([ZKCTL, "-s", zk.server, *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    # Wait until the server lists the watch (wchp), at most 10 s.
    path = args[-1]
    port = int(zk.server.rsplit(":", 1)[1])
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            if path in four_letter(port, "wchp").splitlines():
                break
        except OSError:
            pass
        time.sleep(0.1)
    return p


def test_watch_recursive_counts_events(zk, base, server):
    p = start_watch(zk, "watch", "-R", "--count", "3", base)
    zk.ok("create", f"{base}/a")
    zk.ok("set", f"{base}/a", "x")
    zk.ok("delete", f"{base}/a")
    out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    assert out.splitlines() == [f"NodeCreated {base}/a", f"NodeDataChanged {base}/a",
                                f"NodeDeleted {base}/a"]


def test_watch_persistent_json(zk, base):
    p = start_watch(zk, "-o", "json", "watch", "--count", "2", base)
    zk.ok("create", f"{base}/c")
    zk.ok("set", base, "d")
    out, err = p.communicate(timeout=20)
    assert p.returncode == 0, err
    events = [json.loads(l) for l in out.splitlines()]
    assert events == [
        {"type": "NodeChildrenChanged", "path": base, "state": "SyncConnected"},
        {"type": "NodeDataChanged", "path": base, "state": "SyncConnected"},
    ]


def test_watch_interrupted_exits_cleanly(zk, base):
    p = start_watch(zk, "watch", base)
    p.send_signal(2)
    out, err = p.communicate(timeout=10)
    assert p.returncode == 0 and out == "" and "Traceback" not in err


def test_4lw_single_server(zk, server):
    assert zk.ok("4lw", "ruok") == "imok\n"
    out = zk.ok("4lw", "srvr")
    assert "Mode: standalone" in out.splitlines()


def test_4lw_mntr_table(zk, server, restricted):
    r = zk.run("4lw", "mntr", "--servers", f"{server.addr},{restricted.addr},127.0.0.1:1")
    assert r.returncode == 3  # one server down
    lines = r.stdout.splitlines()
    head = lines[0].split()
    assert head == ["key", server.addr, restricted.addr, "127.0.0.1:1"]
    status = lines[1]
    assert status.startswith("status") and "(not in whitelist)" in status
    assert "(down:" in status
    rows = {l.split()[0]: l.split() for l in lines[2:]}
    assert rows["zk_server_state"][1:] == ["standalone", "-", "-"]
    assert "zk_znode_count" in rows
    assert "down" in r.stderr and "not in 4lw.commands.whitelist" in r.stderr


def test_4lw_whitelist_refusal_is_not_down(zk, restricted):
    z = Zkctl(restricted.addr)
    r = z.run("4lw", "mntr")
    assert r.returncode == 1
    assert r.stdout.splitlines()[1].split(None, 1) == ["status", "(not in whitelist)"]
    r = z.run("4lw", "conf")
    assert r.returncode == 1 and r.stdout == "(not in whitelist)\n"
    j = json.loads(z.run("-o", "json", "4lw", "mntr").stdout)
    assert j["servers"][0]["status"] == "not_whitelisted"
    assert "is not executed because it is not in the whitelist" in j["servers"][0]["reply"]


def test_4lw_side_by_side_and_json(zk, server, restricted):
    out = zk.ok("4lw", "ruok", "--servers", f"{server.addr},{restricted.addr}")
    lines = out.splitlines()
    assert lines[0].split() == ["==", server.addr, "==", "==", restricted.addr, "=="]
    assert lines[1].split() == ["imok", "imok"]
    j = zk.json("4lw", "mntr")
    srv = j["servers"][0]
    assert srv["status"] == "ok" and srv["values"]["zk_server_state"] == "standalone"
    assert zk.run("4lw", "toolong").returncode == 2
    assert zk.run("4lw", "RUOK").returncode == 2


def test_check_single_server_agrees(zk, server):
    out = zk.ok("check")
    assert out.splitlines()[-1].startswith("verdict: OK")
    j = zk.json("check")
    assert j["agree"] is True and j["servers"][0]["mode"] == "standalone"
    srvr = four_letter(server.port, "srvr")
    assert f"Node count: {j['servers'][0]['nodes']}" in srvr.splitlines()


def test_check_detects_divergent_servers(zk, server, restricted):
    # Two unrelated servers hold different data: check must say they disagree.
    zk.ok("create", "/check-divergence")
    try:
        r = zk.run("check", "--servers", f"{server.addr},{restricted.addr}")
        assert r.returncode == 9, r.stdout + r.stderr
        assert "verdict: MISMATCH" in r.stdout
        r = zk.run("-o", "json", "check", "--servers", f"{server.addr},{restricted.addr}")
        j = json.loads(r.stdout)
        assert j["agree"] is False and "differs" in j["differences"]
    finally:
        zk.run("delete", "/check-divergence")
    r = zk.run("check", "--servers", f"{server.addr},127.0.0.1:1")
    assert r.returncode == 3 and "DOWN" in r.stdout
