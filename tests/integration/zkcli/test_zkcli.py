"""zkCli.sh (Apache ZooKeeper 3.8 CLI) against the server. zkCli mixes log lines into its
output, so every check matches whole lines exactly (like grep -x).

`cli(...)` runs one one-shot command (`zkCli.sh -server H:P cmd args`, exit status
checked); `batch([...])` feeds several commands on stdin to one zkCli process (one JVM
start instead of many) and returns all output lines (stdout + stderr)."""
import re
import subprocess

import pytest

ZKCLI = "/usr/share/zookeeper/bin/zkCli.sh"
STAT_KEYS = ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion",
             "aclVersion", "ephemeralOwner", "dataLength", "numChildren"]


@pytest.fixture
def cli(zk_server):
    def run(*args, rc=0):
        p = subprocess.run([ZKCLI, "-server", zk_server.hostport] + list(args),
                           capture_output=True, text=True, timeout=60)
        lines = p.stdout.splitlines() + p.stderr.splitlines()
        assert p.returncode == rc, (args, p.returncode, lines)
        return lines
    return run


@pytest.fixture
def batch(zk_server):
    def run(commands):
        p = subprocess.run([ZKCLI, "-server", zk_server.hostport],
                           input="\n".join(commands + ["quit"]) + "\n",
                           capture_output=True, text=True, timeout=60)
        return p.stdout.splitlines() + p.stderr.splitlines()
    return run


def has_line(lines, exact):
    return exact in lines


def stat_block(lines):
    return {m.group(1): m.group(2) for l in lines
            for m in [re.fullmatch(r"(\w+) = (.*)", l)] if m and m.group(1) in STAT_KEYS}


def test_create_get_set_one_shot(cli):
    assert has_line(cli("create", "/cli1", "hello"), "Created /cli1")
    assert has_line(cli("get", "/cli1"), "hello")
    cli("set", "/cli1", "world")
    assert has_line(cli("get", "/cli1"), "world")


def test_errors_exit_1_with_message(cli):
    assert has_line(cli("get", "/cli-missing", rc=1), "Node does not exist: /cli-missing")
    cli("create", "/cli2")
    assert has_line(cli("create", "/cli2", rc=1), "Node already exists: /cli2")


def test_ls_and_stat(batch):
    lines = batch(["create /cli3 abc", "create /cli3/b", "create /cli3/a", "ls /cli3",
                   "ls -R /cli3", "ls /zookeeper", "stat /cli3"])
    assert has_line(lines, "Created /cli3/a")
    assert has_line(lines, "[a, b]")
    assert has_line(lines, "/cli3/b")
    assert has_line(lines, "[config, quota]")
    st = stat_block(lines)
    assert st["dataLength"] == "3" and st["numChildren"] == "2"
    assert st["cversion"] == "2" and st["dataVersion"] == "0" and st["aclVersion"] == "0"
    assert st["ephemeralOwner"] == "0x0"
    assert re.fullmatch(r"0x[0-9a-f]+", st["cZxid"]) and st["cZxid"] == st["mZxid"]
    assert int(st["pZxid"], 16) > int(st["cZxid"], 16)


def test_get_with_stat_and_versions(batch):
    lines = batch(["create /cli5 v", "set -v 7 /cli5 x", "set -v 0 /cli5 w", "get -s /cli5"])
    assert has_line(lines, "version No is not valid : /cli5")
    assert has_line(lines, "w") and has_line(lines, "dataVersion = 1")


def test_sequential_ephemeral_container_ttl(batch, cli):
    lines = batch(["create /cli7", "create -s /cli7/n- x", "create -e /cli7/eph",
                   "create -s -e /cli7/n- y", "getEphemerals /cli7", "create -c /cli7c",
                   "create -t 60000 /cli7t x", "get /cli7t"])
    assert has_line(lines, "Created /cli7/n-0000000000")
    assert has_line(lines, "Created /cli7/eph")
    assert has_line(lines, "Created /cli7/n-0000000002")
    assert has_line(lines, "[/cli7/eph, /cli7/n-0000000002]") or \
        has_line(lines, "[/cli7/n-0000000002, /cli7/eph]")
    assert has_line(lines, "Created /cli7c") and has_line(lines, "Created /cli7t")
    assert has_line(lines, "x")
    # the ephemerals died with that zkCli session
    assert has_line(cli("ls", "/cli7"), "[n-0000000000]")


def test_delete_not_empty_and_deleteall(batch):
    lines = batch(["create /cli9", "create /cli9/k", "create /cli9/k/j", "delete /cli9",
                   "deleteall /cli9", "ls /cli9"])
    assert has_line(lines, "Node not empty: /cli9")
    assert has_line(lines, "Node does not exist: /cli9")


def test_acls(batch):
    lines = batch(["create /cli11", "getAcl /cli11", "setAcl /cli11 world:anyone:r",
                   "getAcl /cli11", "addauth digest u1:p1", "create /cli11d x digest:u1:"
                   "fpT/y03U+EjItKZOSLGvjnJlyng=:cdrwa", "getAcl /cli11d", "get /cli11d",
                   "whoami"])
    assert has_line(lines, "'world,'anyone")
    assert has_line(lines, ": cdrwa")
    assert has_line(lines, ": r")
    assert has_line(lines, "Auth scheme: User")
    assert has_line(lines, "ip: 127.0.0.1")
    assert has_line(lines, "digest: u1")
    assert has_line(lines, "'digest,'u1:fpT/y03U+EjItKZOSLGvjnJlyng=")
    assert has_line(lines, "x")  # readable by u1 after addauth


def test_acl_denied(batch):
    lines = batch(["create /cli14 x world:anyone:c", "get /cli14"])
    assert has_line(lines, "Insufficient permission : /cli14")


def test_counts_sync_config(batch):
    lines = batch(["create /cli12", "create /cli12/a", "create /cli12/a/b",
                   "getAllChildrenNumber /cli12", "sync /cli12", "get /zookeeper/config"])
    assert has_line(lines, "2")
    assert has_line(lines, "Sync is OK")
    assert not any(l.startswith("server.") for l in lines)
