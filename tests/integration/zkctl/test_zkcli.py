"""zkctl's text output matches zkCli.sh's, line for line, on the same server."""
import subprocess

import pytest

from conftest import ZKCLI


def zkcli(server, *cmd):
    # zkCli.sh prints some results (create, errors) on stderr: look at both.
    r = subprocess.run([ZKCLI, "-server", server.addr, *cmd], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True, timeout=60)
    return r.stdout.splitlines()


def contains_block(haystack, block):
    n = len(block)
    return any(haystack[i:i + n] == block for i in range(len(haystack) - n + 1))


@pytest.fixture(scope="module")
def tree(zk, server):
    root = "/zkcli-compare"
    zk.ok("create", root, "top")
    zk.ok("create", f"{root}/b", "bee")
    zk.ok("create", f"{root}/a", "multi\nline")
    zk.ok("create", f"{root}/a/deep")
    zk.ok("create", f"{root}/ro", "r", "world:anyone:r,ip:127.0.0.1:cdrwa")
    zk.ok("set", f"{root}/b", "bee2")
    yield root
    zk.run("deleteall", root)


@pytest.mark.parametrize("cmd", [
    ["ls", "/zkcli-compare"],
    ["ls", "-s", "/zkcli-compare"],
    ["ls", "-R", "/zkcli-compare"],
    ["get", "/zkcli-compare/b"],
    ["get", "-s", "/zkcli-compare/a"],
    ["get", "/zkcli-compare/a/deep"],
    ["stat", "/zkcli-compare/b"],
    ["getAcl", "/zkcli-compare/ro"],
    ["getAcl", "-s", "/zkcli-compare"],
    ["getAllChildrenNumber", "/zkcli-compare"],
    ["sync", "/zkcli-compare"],
    ["whoami"],
])
def test_same_output_as_zkcli(zk, server, tree, cmd):
    ours = zk.ok(*cmd).splitlines()
    assert ours, "zkctl printed nothing"
    theirs = zkcli(server, *cmd)
    assert contains_block(theirs, ours), f"zkctl:\n{ours}\nzkCli.sh:\n{theirs}"


def test_same_error_text_as_zkcli(zk, server, tree):
    r = zk.run("get", "/zkcli-compare/nope")
    ours = r.stderr.strip().removeprefix("zkctl: ")
    assert ours in zkcli(server, "get", "/zkcli-compare/nope")


def test_create_message_as_zkcli(zk, server, tree):
    assert zk.ok("create", "/zkcli-compare/c1").splitlines() == ["Created /zkcli-compare/c1"]
    assert "Created /zkcli-compare/c2" in zkcli(server, "create", "/zkcli-compare/c2")
