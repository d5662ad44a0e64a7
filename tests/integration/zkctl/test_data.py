"""zkCli-style data commands of zkctl: text output, -o json shapes, exit codes."""
import base64
import json

from kazoo.client import KazooClient
import pytest

STAT_KEYS = ["czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
             "ephemeralOwner", "dataLength", "numChildren", "pzxid"]
STAT_LINES = ["cZxid", "ctime", "mZxid", "mtime", "pZxid", "cversion", "dataVersion",
              "aclVersion", "ephemeralOwner", "dataLength", "numChildren"]


@pytest.fixture(scope="module")
def kz(server):
    c = KazooClient(hosts=server.addr, timeout=10)
    c.start(timeout=15)
    yield c
    c.stop()
    c.close()


def stat_names(text):
    return [line.split(" = ")[0] for line in text.splitlines()]


def test_ls_lists_sorted_children(zk, base):
    for name in ["b", "a", "c"]:
        zk.ok("create", f"{base}/{name}")
    assert zk.ok("ls", base) == "[a, b, c]\n"
    assert zk.json("ls", base) == {"path": base, "children": ["a", "b", "c"]}


def test_ls_root_contains_zookeeper(zk):
    out = zk.ok("ls", "/").strip()
    assert out.startswith("[") and "zookeeper" in out


def test_ls_stat_and_recursive(zk, base):
    zk.ok("create", f"{base}/x")
    zk.ok("create", f"{base}/x/y")
    out = zk.ok("ls", "-s", base).splitlines()
    assert out[0] == "[x]"
    assert [l.split(" = ")[0] for l in out[1:]] == STAT_LINES
    assert "numChildren = 1" in out
    assert zk.ok("ls", "-R", base).splitlines() == [base, f"{base}/x", f"{base}/x/y"]
    j = zk.json("ls", "-R", base)
    assert j["paths"] == [base, f"{base}/x", f"{base}/x/y"]
    j = zk.json("ls", "-s", base)
    assert list(j["stat"].keys()) == STAT_KEYS and j["stat"]["numChildren"] == 1


def test_create_get_set_stat(zk, base, kz):
    p = f"{base}/n"
    assert zk.ok("create", p, "hello") == f"Created {p}\n"
    assert kz.get(p)[0] == b"hello"
    assert zk.ok("get", p) == "hello\n"
    out = zk.ok("get", "-s", p).splitlines()
    assert out[0] == "hello" and stat_names("\n".join(out[1:])) == STAT_LINES
    assert zk.ok("set", p, "world") == ""
    assert kz.get(p)[0] == b"world"
    out = zk.ok("set", "-s", p, "again")
    assert "dataVersion = 2" in out.splitlines()
    st = zk.ok("stat", p).splitlines()
    assert stat_names("\n".join(st)) == STAT_LINES
    assert "dataLength = 5" in st
    kst = kz.exists(p)
    assert f"cZxid = {hex(kst.czxid)}" in st
    assert f"ephemeralOwner = 0x0" in st


def test_get_json_shape_and_binary(zk, base, kz):
    p = f"{base}/bin"
    kz.create(p, b"\x00\xffab")
    j = zk.json("get", p)
    assert j["path"] == p
    assert j["data"] is None  # not UTF-8
    assert base64.b64decode(j["data_base64"]) == b"\x00\xffab"
    assert j["data_null"] is False
    assert list(j["stat"].keys()) == STAT_KEYS
    assert j["stat"]["dataLength"] == 4
    assert zk.ok("get", "-b", p) == base64.b64encode(b"\x00\xffab").decode() + "\n"
    assert zk.ok("get", "-x", p) == "00ff6162\n"


def test_get_null_data_prints_null(zk, base):
    zk.ok("create", f"{base}/empty")
    assert zk.ok("get", f"{base}/empty") == "null\n"
    assert zk.json("get", f"{base}/empty")["data_null"] is True


def test_set_and_delete_versions(zk, base):
    p = f"{base}/v"
    zk.ok("create", p, "a")
    r = zk.run("set", "-v", "5", p, "b")
    assert r.returncode == 5 and "version No is not valid" in r.stderr
    zk.ok("set", "-v", "0", p, "b")
    r = zk.run("delete", "-v", "0", p)
    assert r.returncode == 5
    zk.ok("delete", "-v", "1", p)
    assert zk.run("stat", p).returncode == 4


def test_set_json(zk, base):
    j = zk.json("set", base, "x")
    assert j["path"] == base and j["stat"]["version"] == 1


def test_create_modes(zk, base, kz):
    out = zk.ok("create", "-s", f"{base}/seq-", "d")
    assert out.startswith(f"Created {base}/seq-") and len(out.strip()) == len(
        f"Created {base}/seq-") + 10
    j = zk.json("create", "-s", f"{base}/seq-")
    assert j["path"].startswith(f"{base}/seq-")
    assert list(j["stat"].keys()) == STAT_KEYS
    # Ephemeral: gone when the one-shot session closes.
    zk.ok("create", "-e", f"{base}/eph")
    assert kz.exists(f"{base}/eph") is None
    zk.ok("create", "-c", f"{base}/cont")
    assert kz.exists(f"{base}/cont") is not None
    zk.ok("create", "-t", "60000", f"{base}/ttl")
    assert kz.exists(f"{base}/ttl") is not None


def test_create_with_acl_and_get_acl(zk, base, kz):
    p = f"{base}/acl"
    zk.ok("create", p, "d", "world:anyone:r")
    assert zk.ok("getAcl", p) == "'world,'anyone\n: r\n"
    j = zk.json("getAcl", p)
    assert j["acl"] == [{"scheme": "world", "id": "anyone", "perms": "r"}]
    r = zk.run("set", p, "x")
    assert r.returncode == 6 and "Insufficient permission" in r.stderr
    out = zk.ok("getAcl", "-s", p).splitlines()
    assert out[:2] == ["'world,'anyone", ": r"] and stat_names("\n".join(out[2:])) == STAT_LINES


def test_set_acl_plain_versioned_recursive(zk, base, kz):
    p = f"{base}/sa"
    zk.ok("create", p)
    zk.ok("create", f"{p}/c")
    zk.ok("setAcl", p, "world:anyone:cdrwa")  # aversion 0 -> 1
    assert zk.run("setAcl", "-v", "0", p, "world:anyone:r").returncode == 5
    out = zk.ok("setAcl", "-s", "-v", "1", p, "world:anyone:rwa")
    assert "aclVersion = 2" in out.splitlines()
    zk.ok("setAcl", "-R", p, "world:anyone:cdrwa")
    acl, _ = kz.get_acls(f"{p}/c")
    assert acl[0].perms == 31
    assert zk.json("setAcl", "-R", p, "world:anyone:cdrwa") == {"path": p, "updated": 2}


def test_digest_auth(zk, base, kz):
    p = f"{base}/secret"
    zk.ok("--auth", "alice:pw", "create", p, "s", "auth::cdrwa")
    acl = zk.json("--auth", "alice:pw", "getAcl", p)["acl"]
    assert acl[0]["scheme"] == "digest" and acl[0]["id"].startswith("alice:")
    assert acl[0]["id"] != "alice:x"  # with ADMIN the digest is not masked
    r = zk.run("get", p)
    assert r.returncode == 6
    assert zk.ok("--auth", "alice:pw", "get", p) == "s\n"
    assert zk.run("--auth", "alice:wrong", "get", p).returncode == 6
    out = zk.ok("--auth", "alice:pw", "whoami")
    assert "digest: alice" in out.splitlines()


def test_whoami(zk):
    out = zk.ok("whoami").splitlines()
    assert out[0] == "Auth scheme: User" and "ip: 127.0.0.1" in out
    assert {"scheme": "ip", "user": "127.0.0.1"} in zk.json("whoami")["clients"]


def test_sync(zk, base):
    assert zk.ok("sync", base) == "Sync is OK\n"
    assert zk.json("sync", base) == {"path": base, "ok": True}
    assert zk.run("sync", "relative").returncode == 2


def test_delete_and_deleteall(zk, base, kz):
    zk.ok("create", f"{base}/d")
    zk.ok("create", f"{base}/d/e")
    r = zk.run("delete", f"{base}/d")
    assert r.returncode == 8 and "Node not empty" in r.stderr
    for i in range(30):
        kz.create(f"{base}/d/e/n{i}", b"x")
    zk.ok("deleteall", "-b", "7", f"{base}/d")
    assert kz.exists(f"{base}/d") is None
    assert zk.run("deleteall", f"{base}/nothere").returncode == 4
    zk.ok("create", f"{base}/q")
    assert zk.json("delete", f"{base}/q") == {"path": f"{base}/q", "deleted": 1}
    assert zk.run("deleteall", "/").returncode == 2


def test_config(zk):
    out = zk.ok("config")
    assert out == "" or "server." in out  # standalone: empty config
    j = zk.json("config")
    assert set(j.keys()) == {"config", "version", "servers", "stat"}
    assert zk.ok("config", "-c") == ""  # standalone: no members
    out = zk.ok("config", "-s").splitlines()
    assert stat_names("\n".join(out[-11:])) == STAT_LINES


def test_get_ephemerals_and_children_number(zk, base, kz):
    for i in range(3):
        zk.ok("create", f"{base}/c{i}")
    zk.ok("create", f"{base}/c0/g")
    assert zk.ok("getAllChildrenNumber", base) == "4\n"
    assert zk.json("getAllChildrenNumber", base) == {"path": base, "count": 4}
    # A fresh one-shot session owns no ephemerals.
    assert zk.ok("getEphemerals", base) == "[]\n"
    assert zk.json("getEphemerals") == {"path": "/", "ephemerals": []}


def test_add_and_remove_watches(zk, base):
    zk.ok("addWatch", base)
    zk.ok("addWatch", "-m", "PERSISTENT", base)
    assert zk.json("addWatch", base) == {"path": base, "mode": "PERSISTENT_RECURSIVE"}
    assert zk.run("addWatch", "-m", "BOGUS", base).returncode == 2
    # A new session holds no watches: the server says NOWATCHER.
    r = zk.run("removewatches", base)
    assert r.returncode == 1 and "No such watcher" in r.stderr


def test_shell_session_keeps_watches_and_auth(zk, base):
    script = "\n".join([
        f"create {base}/sh 'a b'",
        f"get {base}/sh",
        f"addWatch {base}/sh",
        f"removewatches {base}/sh -a",
        f"get -w {base}/sh",
        f"set {base}/sh changed",
        "addauth digest bob:pw",
        "whoami",
        f"create -e {base}/sh/e",
        f"getEphemerals {base}",
        f"ls -w {base}",
        f"create {base}/sh2",
        f"stat -w {base}/sh3",
        f"create {base}/sh3",
        f"stat {base}/missing",
        "quit",
    ]) + "\n"
    r = zk.run("shell", input=script)
    lines = r.stdout.splitlines()
    assert f"Created {base}/sh" in lines
    assert "a b" in lines
    assert "digest: bob" in lines
    assert f"[{base}/sh/e]" in lines
    assert (f"WatchedEvent state:SyncConnected type:NodeDataChanged path:{base}/sh" in lines)
    assert (f"WatchedEvent state:SyncConnected type:NodeChildrenChanged path:{base}" in lines)
    assert (f"WatchedEvent state:SyncConnected type:NodeCreated path:{base}/sh3" in lines)
    assert "Node does not exist" in r.stderr
    assert r.returncode == 4  # the last failing command's exit code


def test_chroot(zk, server, base, kz):
    kz.create(f"{base}/inner/x", b"1", makepath=True)
    r = zk.run("-s", f"{server.addr}{base}", "ls", "/", server=False)
    assert r.returncode == 0 and r.stdout == "[inner]\n"
    r = zk.run("-s", f"{server.addr}{base}", "create", "-s", "/inner/q-", server=False)
    assert r.stdout.startswith("Created /inner/q-")
    assert zk.run("-s", f"{server.addr}{base}", "ls", "-R", "/inner",
                  server=False).stdout.splitlines()[0] == "/inner"


def test_server_from_environment(zk, server):
    r = zk.run("ls", "/", server=False, env={"ZKCTL_SERVER": server.addr})
    assert r.returncode == 0 and "zookeeper" in r.stdout


def test_json_error_object(zk, base):
    r = zk.run("-o", "json", "get", f"{base}/none")
    assert r.returncode == 4
    j = json.loads(r.stdout)
    assert j["error"]["code"] == "NONODE" and j["error"]["exit"] == 4
    r = zk.run("get", f"{base}/none", "-o", "json")  # -o after the command works too
    assert json.loads(r.stdout)["error"]["code"] == "NONODE"


def test_data_from_stdin(zk, base, kz):
    zk.ok("create", f"{base}/in", "-", input="from stdin")
    assert kz.get(f"{base}/in")[0] == b"from stdin"
    zk.ok("set", f"{base}/in", "-", input="again")
    assert kz.get(f"{base}/in")[0] == b"again"
