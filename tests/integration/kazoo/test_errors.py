"""Error codes clients map to exceptions; bad paths; exists on a missing node."""
import pytest
from kazoo.exceptions import (BadArgumentsError, BadVersionError, NoNodeError, NodeExistsError,
                              NotEmptyError)

import jute
from jute import ERR, OP


def test_get_missing_node_raises_no_node(kz, test_path):
    with pytest.raises(NoNodeError):
        kz().get(test_path + "/missing")


def test_set_missing_node_raises_no_node(kz, test_path):
    with pytest.raises(NoNodeError):
        kz().set(test_path + "/missing", b"x")


def test_delete_missing_node_raises_no_node(kz, test_path):
    with pytest.raises(NoNodeError):
        kz().delete(test_path + "/missing")


def test_get_children_missing_node_raises_no_node(kz, test_path):
    with pytest.raises(NoNodeError):
        kz().get_children(test_path + "/missing")


def test_exists_missing_node_returns_none(kz, test_path):
    assert kz().exists(test_path + "/missing") is None


def test_exists_missing_node_is_nonode_without_body(raw, test_path):
    r = raw()
    xid = r.send_request(OP["exists"], jute.path_watch_req(test_path + "/missing"))
    rxid, zxid, err, body = r.read_reply()
    assert (rxid, err, body) == (xid, ERR["NONODE"], b"")
    assert zxid > 0


def test_error_replies_carry_no_body(raw, test_path):
    r = raw()
    cases = [
        (OP["getData"], jute.path_watch_req(test_path + "/missing")),
        (OP["create"], jute.create_req(test_path)),  # exists
        (OP["setData"], jute.set_data_req(test_path, b"x", 7)),  # bad version
        (OP["getChildren2"], jute.path_watch_req(test_path + "/missing")),
        (OP["getACL"], jute.path_req(test_path + "/missing")),
    ]
    for op, body in cases:
        xid = r.send_request(op, body)
        rxid, _, err, rest = r.read_reply()
        assert rxid == xid and err != 0 and rest == b"", (op, err, rest)


def test_create_existing_raises_node_exists(kz, test_path):
    with pytest.raises(NodeExistsError):
        kz().create(test_path)


def test_delete_node_with_children_raises_not_empty(kz, test_path):
    c = kz()
    c.create(test_path + "/a/b", makepath=True)
    with pytest.raises(NotEmptyError):
        c.delete(test_path + "/a")


def test_set_with_wrong_version_raises_bad_version(kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    with pytest.raises(BadVersionError):
        c.set(test_path + "/n", b"x", version=3)
    assert c.set(test_path + "/n", b"x", version=0).version == 1


def test_delete_with_wrong_version_raises_bad_version(kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    c.set(test_path + "/n", b"x")
    with pytest.raises(BadVersionError):
        c.delete(test_path + "/n", version=0)
    c.delete(test_path + "/n", version=1)
    assert c.exists(test_path + "/n") is None


def test_set_acl_with_wrong_aversion_raises_bad_version(kz, test_path):
    from kazoo.security import OPEN_ACL_UNSAFE
    c = kz()
    c.create(test_path + "/n")
    with pytest.raises(BadVersionError):
        c.set_acls(test_path + "/n", OPEN_ACL_UNSAFE, version=5)
    assert c.set_acls(test_path + "/n", OPEN_ACL_UNSAFE, version=0).aversion == 1


# Invalid paths whose parent exists (ZooKeeper looks the parent up before validating the
# whole path, so these are the cases that must give BADARGUMENTS).
BAD_SUFFIXES = ["/", "/.", "/..", "/ctrl\u0001char", "/nul\u0000char", "/del\u007fchar",
                "/c1\u0085char", "/private\ue000use", "/nonchar\ufffe"]


@pytest.mark.parametrize("suffix", BAD_SUFFIXES)
def test_create_with_bad_path_is_bad_arguments(raw, test_path, suffix):
    r = raw()
    err, body, _ = r.call(OP["create"], jute.create_req(test_path + suffix))
    assert err == ERR["BADARGUMENTS"], (suffix, err)


@pytest.mark.parametrize("path", ["", "noslash", "//a"])
def test_create_with_bad_absolute_path_is_bad_arguments(raw, path):
    r = raw()
    err, _, _ = r.call(OP["create"], jute.create_req(path))
    assert err == ERR["BADARGUMENTS"], (path, err)


@pytest.mark.parametrize("suffix", ["/missing/", "/missing//x", "/missing/./x"])
def test_create_bad_path_with_missing_parent_is_no_node(raw, test_path, suffix):
    # ZooKeeper 3.8 resolves the parent before validating the full path.
    r = raw()
    err, _, _ = r.call(OP["create"], jute.create_req(test_path + suffix))
    assert err == ERR["NONODE"], (suffix, err)


@pytest.mark.parametrize("op", ["getData", "exists", "getChildren"])
def test_read_with_bad_path_is_no_node(raw, test_path, op):
    # Reads are plain lookups in ZooKeeper 3.8: no path validation, so NONODE.
    r = raw()
    err, _, _ = r.call(OP[op], jute.path_watch_req(test_path + "/"))
    assert err == ERR["NONODE"], (op, err)


def test_kazoo_normalizes_relative_path_to_absolute(kz, test_path):
    # kazoo prefixes '/' itself; the server never sees the relative path.
    c = kz()
    c.create(test_path.lstrip("/") + "/rel")
    assert c.exists(test_path + "/rel")


def test_dot_inside_a_name_is_allowed(kz, test_path):
    c = kz()
    c.create(test_path + "/a.b")
    c.create(test_path + "/..c")
    assert sorted(c.get_children(test_path)) == ["..c", "a.b"]


def test_delete_root_is_rejected(raw):
    r = raw()
    err, _, _ = r.call(OP["delete"], jute.delete_req("/"))
    assert err != 0


def test_create_under_reserved_zookeeper_node_allowed_only_for_quota(raw):
    r = raw()
    err, _, _ = r.call(OP["create"], jute.create_req("/zookeeper"))
    assert err == ERR["NODEEXISTS"]
