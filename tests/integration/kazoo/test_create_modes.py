"""Create modes: persistent, ephemeral, sequential naming, container, TTL."""
import pytest
from kazoo.exceptions import NoChildrenForEphemeralsError, NoNodeError, NodeExistsError

import jute
from helpers import wait_until
from jute import OP



def test_persistent_create_returns_path_and_zero_owner(kz, test_path):
    c = kz()
    assert c.create(test_path + "/p", b"v") == test_path + "/p"
    data, st = c.get(test_path + "/p")
    assert data == b"v"
    assert st.ephemeralOwner == 0


def test_create_include_data_returns_stat_of_new_node(kz, test_path):
    c = kz()
    path, st = c.create(test_path + "/p", b"abc", include_data=True)
    assert path == test_path + "/p"
    assert st.dataLength == 3 and st.version == 0 and st.czxid == st.mzxid == st.pzxid


def test_ephemeral_owner_is_session_id(kz, test_path):
    c = kz()
    c.create(test_path + "/e", ephemeral=True)
    _, st = c.get(test_path + "/e")
    assert st.ephemeralOwner == c.client_id[0]


def test_ephemeral_node_cannot_have_children(kz, test_path):
    c = kz()
    c.create(test_path + "/e", ephemeral=True)
    with pytest.raises(NoChildrenForEphemeralsError):
        c.create(test_path + "/e/child")


def test_ephemeral_removed_when_session_closed(kz, test_path):
    a, b = kz(), kz()
    a.create(test_path + "/e", ephemeral=True)
    assert b.exists(test_path + "/e")
    a.stop()
    a.close()
    assert b.exists(test_path + "/e") is None


def test_sequential_suffix_is_ten_digits_from_zero(kz, test_path):
    c = kz()
    assert c.create(test_path + "/s-", sequence=True) == test_path + "/s-0000000000"
    assert c.create(test_path + "/s-", sequence=True) == test_path + "/s-0000000001"


def test_sequential_suffix_counts_creates_not_deletes(kz, test_path):
    # ZooKeeper stores a create counter; Stat.cversion is reported as
    # 2*creates - numChildren (creates + deletes). The suffix is the create counter.
    c = kz()
    c.create(test_path + "/a")
    c.create(test_path + "/b")
    c.delete(test_path + "/a")
    assert c.get(test_path)[1].cversion == 3
    assert c.create(test_path + "/s", sequence=True) == test_path + "/s0000000002"
    assert c.get(test_path)[1].cversion == 4
    c.delete(test_path + "/b")
    c.delete(test_path + "/s0000000002")
    assert c.get(test_path)[1].cversion == 6
    assert c.create(test_path + "/s", sequence=True) == test_path + "/s0000000003"


def test_sequential_counter_survives_restart(server_factory, kz):
    s = server_factory()
    c = kz(server=s)
    c.create("/p")
    c.create("/p/a")
    c.delete("/p/a")
    assert c.create("/p/s", sequence=True) == "/p/s0000000001"
    c.stop()
    s.restart(hard=True)
    c = kz(server=s)
    assert c.get("/p")[1].cversion == 3
    assert c.create("/p/s", sequence=True) == "/p/s0000000002"


def test_sequential_counter_shared_across_prefixes_and_modes(kz, test_path):
    c = kz()
    assert c.create(test_path + "/x", sequence=True).endswith("x0000000000")
    assert c.create(test_path + "/y", sequence=True, ephemeral=True).endswith("y0000000001")
    assert c.create(test_path + "/x", sequence=True).endswith("x0000000002")


def test_sequential_with_trailing_slash_prefix(kz, test_path):
    c = kz()
    assert c.create(test_path + "/", sequence=True) == test_path + "/0000000000"


def test_create_existing_node_fails_node_exists(kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    with pytest.raises(NodeExistsError):
        c.create(test_path + "/n")


def test_create_without_parent_fails_no_node(kz, test_path):
    with pytest.raises(NoNodeError):
        kz().create(test_path + "/missing/child")


def test_makepath_creates_parents(kz, test_path):
    c = kz()
    c.create(test_path + "/a/b/c", b"x", makepath=True)
    assert c.get(test_path + "/a/b/c")[0] == b"x"


def test_container_create_reports_zero_owner_to_clients(raw, test_path):
    # Stored owner is Long.MIN_VALUE, but Stat shows 0 (DataTree getClientEphemeralOwner).
    r = raw()
    err, body, _ = r.call(OP["createContainer"], jute.create_req(test_path + "/c", b"d", flags=4))
    assert err == 0
    assert body.str() == test_path + "/c"
    st = body.stat()
    assert st["ephemeralOwner"] == 0
    assert body.remaining() == 0
    err, body, _ = r.call(OP["exists"], jute.path_watch_req(test_path + "/c"))
    assert body.stat()["ephemeralOwner"] == 0


def test_container_deleted_after_last_child_removed(server_factory, kz):
    s = server_factory(props={"znode.container.checkIntervalMs": "300"})
    c = kz(server=s)
    from rawclient import open_session
    r = open_session(s.host, s.port)
    try:
        err, _, _ = r.call(OP["createContainer"], jute.create_req("/cont", flags=4))
        assert err == 0
        c.create("/cont/child")
        c.delete("/cont/child")
        wait_until(lambda: c.exists("/cont") is None, timeout=10, what="container removal")
    finally:
        r.close_session()


def test_container_never_used_is_kept(server_factory, kz):
    s = server_factory(props={"znode.container.checkIntervalMs": "200"})
    c = kz(server=s)
    from rawclient import open_session
    r = open_session(s.host, s.port)
    try:
        assert r.call(OP["createContainer"], jute.create_req("/empty", flags=4))[0] == 0
        import time
        time.sleep(1.5)
        assert c.exists("/empty") is not None
    finally:
        r.close_session()


def test_ttl_create_reports_zero_owner_to_clients(raw, test_path):
    # Stored owner is 0xFF00..|ttl, but Stat shows 0 (DataTree getClientEphemeralOwner).
    r = raw()
    err, body, _ = r.call(OP["createTTL"], jute.create_req(test_path + "/t", flags=5, ttl=60000))
    assert err == 0
    assert body.str() == test_path + "/t"
    assert body.stat()["ephemeralOwner"] == 0
    err, body, _ = r.call(OP["getData"], jute.path_watch_req(test_path + "/t"))
    assert err == 0 and body.buf() == b"" and body.stat()["ephemeralOwner"] == 0


def test_ttl_sequential_create(raw, test_path):
    r = raw()
    err, body, _ = r.call(OP["createTTL"], jute.create_req(test_path + "/t-", flags=6, ttl=5000))
    assert err == 0
    assert body.str() == test_path + "/t-0000000000"


def test_ttl_zero_or_too_large_is_bad_arguments(raw, test_path):
    r = raw()
    for ttl in (0, -5, 0xFFFFFFFFFF + 1):
        err, _, _ = r.call(OP["createTTL"], jute.create_req(test_path + "/t", flags=5, ttl=ttl))
        assert err == jute.ERR["BADARGUMENTS"], ttl


def test_ttl_with_non_ttl_flags_is_bad_arguments(raw, test_path):
    r = raw()
    err, _, _ = r.call(OP["createTTL"], jute.create_req(test_path + "/t", flags=0, ttl=1000))
    assert err == jute.ERR["BADARGUMENTS"]


def test_ttl_unimplemented_without_extended_types(server_factory):
    s = server_factory(with_defaults=False)
    from rawclient import open_session
    r = open_session(s.host, s.port)
    try:
        err, _, _ = r.call(OP["createTTL"], jute.create_req("/t", flags=5, ttl=1000))
        assert err == jute.ERR["UNIMPLEMENTED"]
    finally:
        r.close_session()


def test_ttl_node_expires_when_childless(server_factory, kz):
    s = server_factory(props={"znode.container.checkIntervalMs": "200"})
    c = kz(server=s)
    from rawclient import open_session
    r = open_session(s.host, s.port)
    try:
        assert r.call(OP["createTTL"], jute.create_req("/ttl", flags=5, ttl=500))[0] == 0
        assert c.exists("/ttl") is not None
        wait_until(lambda: c.exists("/ttl") is None, timeout=10, what="ttl expiry")
    finally:
        r.close_session()


def test_ttl_node_with_child_is_kept(server_factory, kz):
    s = server_factory(props={"znode.container.checkIntervalMs": "200"})
    c = kz(server=s)
    from rawclient import open_session
    r = open_session(s.host, s.port)
    try:
        assert r.call(OP["createTTL"], jute.create_req("/ttl", flags=5, ttl=300))[0] == 0
        c.create("/ttl/child")
        import time
        time.sleep(1.5)
        assert c.exists("/ttl") is not None
    finally:
        r.close_session()


def test_create_flags_out_of_range_rejected(raw, test_path):
    r = raw()
    err, _, _ = r.call(OP["create"], jute.create_req(test_path + "/bad", flags=99))
    assert err != 0
