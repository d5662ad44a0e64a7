"""Tree tools: tree, du, find, grep, cp (same and other cluster), export/import."""
import base64
import json
import os

from kazoo.client import KazooClient
import pytest

from conftest import Server, Zkctl


@pytest.fixture(scope="module")
def kz(server):
    c = KazooClient(hosts=server.addr, timeout=10)
    c.start(timeout=15)
    yield c
    c.stop()
    c.close()


@pytest.fixture
def sample(zk, base, kz):
    kz.create(f"{base}/app/config", b"port=1\nhost=db", makepath=True)
    kz.create(f"{base}/app/locks/l1", b"", makepath=True)
    kz.create(f"{base}/app/bin", b"\x00\x01\x02")
    kz.create(f"{base}/other", b"needle in data")
    return base


def test_tree_text_and_depth(zk, sample):
    out = zk.ok("tree", sample).splitlines()
    assert out == [
        sample,
        "├── app",
        "│   ├── bin",
        "│   ├── config",
        "│   └── locks",
        "│       └── l1",
        "└── other",
    ]
    out = zk.ok("tree", "--depth", "1", sample).splitlines()
    assert out == [sample, "├── app", "└── other"]


def test_tree_json(zk, sample):
    j = zk.json("tree", "--depth", "1", sample)
    assert j["path"] == sample
    assert [c["name"] for c in j["children"]] == ["app", "other"]
    assert j["children"][0]["children"] == []


def test_du(zk, sample):
    size = len(b"port=1\nhost=db") + 3 + len(b"needle in data")
    assert zk.ok("du", sample) == f"{size}\t7\t{sample}\n"
    assert zk.json("du", sample) == {"path": sample, "bytes": size, "nodes": 7}


def test_find_by_name_and_owner(zk, server, sample):
    assert zk.ok("find", sample, "--name", "l*").splitlines() == [
        f"{sample}/app/locks", f"{sample}/app/locks/l1"]
    assert zk.json("find", sample, "--name", "c*")["matches"] == [f"{sample}/app/config"]
    # An ephemeral owned by a live session: find it by its owner.
    c = KazooClient(hosts=server.addr, timeout=10)
    c.start(timeout=15)
    try:
        c.create(f"{sample}/eph", b"", ephemeral=True)
        sid = hex(c.client_id[0])
        assert zk.ok("find", sample, "--ephemeral-owner", sid).splitlines() == [f"{sample}/eph"]
        assert zk.ok("find", sample, "--type", "ephemeral").splitlines() == [f"{sample}/eph"]
    finally:
        c.stop()
        c.close()
    assert zk.ok("find", sample, "--ephemeral-owner", "0x1234") == ""


def test_grep(zk, sample):
    assert zk.ok("grep", "needle", sample) == f"{sample}/other: needle in data\n"
    assert zk.ok("grep", "-i", "HOST", sample) == f"{sample}/app/config: host=db\n"
    assert zk.ok("grep", "-l", "=", sample) == f"{sample}/app/config\n"
    j = zk.json("grep", "port", sample)
    assert j["matches"] == [{"path": f"{sample}/app/config", "line": "port=1"}]


def test_cp_within_cluster(zk, sample, kz):
    zk.ok("cp", f"{sample}/app", f"{sample}/copy")
    assert kz.get(f"{sample}/copy/config")[0] == b"port=1\nhost=db"
    assert kz.get(f"{sample}/copy/bin")[0] == b"\x00\x01\x02"
    assert kz.exists(f"{sample}/copy/locks/l1") is not None
    r = zk.run("cp", f"{sample}/app", f"{sample}/copy")
    assert r.returncode == 7 and "already exists" in r.stderr
    zk.ok("cp", "--overwrite", f"{sample}/app", f"{sample}/copy")
    assert zk.run("cp", f"{sample}/app", f"{sample}/app/inside").returncode == 2


def test_cp_to_other_cluster(zk, sample):
    other = Server()
    try:
        zk.ok("cp", f"{sample}/app", "/imported/app", "--to-server", other.addr)
        z2 = Zkctl(other.addr)
        assert z2.ok("get", "/imported/app/config") == "port=1\nhost=db\n"
        assert z2.ok("ls", "/imported/app") == "[bin, config, locks]\n"
    finally:
        other.stop()
    r = zk.run("cp", f"{sample}/app", "/x", "--to-server", "127.0.0.1:1")
    assert r.returncode == 3


def test_export_import_round_trip(zk, sample, kz, tmp_path):
    kz.create(f"{sample}/app/ro", b"readonly",
              acl=[__import__("kazoo.security", fromlist=["x"]).make_acl(
                  "world", "anyone", read=True)])
    c = KazooClient(hosts=zk.server, timeout=10)
    c.start(timeout=15)
    try:
        c.create(f"{sample}/app/eph", b"", ephemeral=True)
        f = tmp_path / "backup.json"
        r = zk.run("export", f"{sample}/app", str(f))
        assert r.returncode == 0
        assert f"skipping ephemeral node {sample}/app/eph" in r.stderr
    finally:
        c.stop()
        c.close()
    doc = json.loads(f.read_text())
    assert doc["format"] == "zkctl-export" and doc["root"] == f"{sample}/app"
    paths = [n["path"] for n in doc["nodes"]]
    assert f"{sample}/app/eph" not in paths
    node = {n["path"]: n for n in doc["nodes"]}
    assert base64.b64decode(node[f"{sample}/app/bin"]["data_base64"]) == b"\x00\x01\x02"
    assert node[f"{sample}/app/ro"]["acl"] == [{"scheme": "world", "id": "anyone", "perms": "r"}]
    before = zk.ok("ls", "-R", f"{sample}/app")
    zk.ok("deleteall", f"{sample}/app")
    zk.ok("import", str(f))
    assert zk.ok("ls", "-R", f"{sample}/app") == before
    assert kz.get(f"{sample}/app/bin")[0] == b"\x00\x01\x02"
    assert zk.ok("getAcl", f"{sample}/app/ro") == "'world,'anyone\n: r\n"
    # Import again: refuses without --overwrite, changes nothing.
    r = zk.run("import", str(f))
    assert r.returncode == 7
    kz.set(f"{sample}/app/config", b"changed")
    zk.ok("import", "--overwrite", str(f))
    assert kz.get(f"{sample}/app/config")[0] == b"port=1\nhost=db"
    # Import under another path, reading the file from stdin.
    j = zk.json("import", "-", f"{sample}/restored", input=f.read_text())
    assert j["path"] == f"{sample}/restored" and j["created"] == len(doc["nodes"])
    assert kz.get(f"{sample}/restored/config")[0] == b"port=1\nhost=db"


def test_export_to_stdout_and_bad_import(zk, sample, tmp_path):
    doc = json.loads(zk.ok("export", f"{sample}/other", "-"))
    assert [n["path"] for n in doc["nodes"]] == [f"{sample}/other"]
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    r = zk.run("import", str(bad))
    assert r.returncode == 2 and "invalid JSON" in r.stderr and "Traceback" not in r.stderr
    bad.write_text('{"format": "other"}')
    assert zk.run("import", str(bad)).returncode == 2
    assert zk.run("import", str(tmp_path / "missing.json")).returncode == 2
