"""Initial tree, sync, getEphemerals, getAllChildrenNumber, whoAmI, reply ordering,
large data near jute.maxbuffer, many children, unicode paths, 4lw basics."""
import socket

import pytest
from kazoo.exceptions import ConnectionLoss, ZookeeperError

import jute
import rawclient
from jute import ERR, OP


def test_fresh_server_tree(server_factory, kz):
    s = server_factory()
    c = kz(server=s)
    assert c.get_children("/") == ["zookeeper"]
    assert sorted(c.get_children("/zookeeper")) == ["config", "quota"]
    root = c.get("/")[1]
    assert (root.czxid, root.mzxid, root.pzxid, root.ctime, root.mtime) == (0, 0, 0, 0, 0)
    assert (root.version, root.cversion, root.aversion, root.numChildren) == (0, -1, 0, 1)
    zk = c.get("/zookeeper")[1]
    assert (zk.czxid, zk.cversion, zk.numChildren, zk.dataLength) == (0, -2, 2, 0)
    data, cfg = c.get("/zookeeper/config")
    assert data == b"" and cfg.aversion == -1 and cfg.czxid == 0
    assert c.get("/zookeeper/quota")[0] == b""


def test_fresh_server_counts(server_factory):
    s = server_factory()
    r = rawclient.open_session(s.host, s.port)
    try:
        err, body, _ = r.call(OP["getAllChildrenNumber"], jute.path_req("/"))
        assert (err, body.i32()) == (0, 3)
        assert "Node count: 5" in s.four_letter("srvr")
    finally:
        r.close_session()


def test_first_write_on_fresh_server_has_small_zxid(server_factory, kz):
    s = server_factory()
    c = kz(server=s)
    _, st = c.create("/a", include_data=True)
    assert 0 < st.czxid < 100


def test_sync_returns_path(kz, test_path):
    c = kz()
    assert c.sync(test_path) == test_path


def test_sync_raw_reply_echoes_path(raw, test_path):
    r = raw()
    err, body, _ = r.call(OP["sync"], jute.path_req(test_path))
    assert err == 0 and body.str() == test_path and body.remaining() == 0


def test_get_all_children_number_counts_descendants(raw, kz, test_path):
    c = kz()
    for p in ("/a", "/a/b", "/a/b/c", "/d"):
        c.create(test_path + p)
    r = raw()
    err, body, _ = r.call(OP["getAllChildrenNumber"], jute.path_req(test_path))
    assert (err, body.i32()) == (0, 4)
    err, body, _ = r.call(OP["getAllChildrenNumber"], jute.path_req(test_path + "/d"))
    assert (err, body.i32()) == (0, 0)
    err, body, _ = r.call(OP["getAllChildrenNumber"], jute.path_req(test_path + "/nope"))
    assert (err, body.remaining()) == (ERR["NONODE"], 0)


def test_get_ephemerals_lists_own_session_only(raw, kz, test_path):
    other = kz()
    other.create(test_path + "/theirs", ephemeral=True)
    r = raw()
    r.call(OP["create"], jute.create_req(test_path + "/e1", flags=1))
    r.call(OP["create"], jute.create_req(test_path + "/sub"))
    r.call(OP["create"], jute.create_req(test_path + "/sub/e2", flags=1))
    r.call(OP["create"], jute.create_req(test_path + "/p", flags=0))
    for prefix in (test_path, test_path + "/", "/", None):
        err, body, _ = r.call(OP["getEphemerals"], jute.path_req(prefix))
        assert err == 0
        assert sorted(body.strs()) == [test_path + "/e1", test_path + "/sub/e2"], prefix
    err, body, _ = r.call(OP["getEphemerals"], jute.path_req(test_path + "/sub"))
    assert body.strs() == [test_path + "/sub/e2"]
    err, body, _ = r.call(OP["getEphemerals"], jute.path_req(test_path + "/e"))
    assert body.strs() == [test_path + "/e1"]  # a string prefix, not a path prefix


def test_who_am_i_reports_ip_and_digest(raw):
    r = raw()
    err, body, _ = r.call(OP["whoAmI"])
    assert err == 0
    n = body.i32()
    assert [(body.str(), body.str()) for _ in range(n)] == [("ip", "127.0.0.1")]
    assert r.auth("digest", b"alice:pw") == 0
    err, body, _ = r.call(OP["whoAmI"])
    n = body.i32()
    assert [(body.str(), body.str()) for _ in range(n)] == [("ip", "127.0.0.1"),
                                                          ("digest", "alice")]


def test_replies_come_in_request_order_when_pipelined(raw, test_path):
    r = raw()
    xids = []
    for i in range(60):
        kind = i % 4
        if kind == 0:
            xids.append(r.send_request(OP["create"], jute.create_req(test_path + "/n%d" % i)))
        elif kind == 1:
            xids.append(r.send_request(OP["getData"], jute.path_watch_req(test_path)))
        elif kind == 2:
            xids.append(r.send_request(OP["exists"], jute.path_watch_req(test_path + "/x%d" % i)))
        else:
            xids.append(r.send_request(OP["sync"], jute.path_req(test_path)))
    got = [r.read_reply()[0] for _ in xids]
    assert got == xids


def test_read_your_writes_when_pipelined(raw, test_path):
    r = raw()
    x1 = r.send_request(OP["create"], jute.create_req(test_path + "/n", b"1"))
    x2 = r.send_request(OP["setData"], jute.set_data_req(test_path + "/n", b"22"))
    x3 = r.send_request(OP["getData"], jute.path_watch_req(test_path + "/n"))
    replies = [r.read_reply() for _ in range(3)]
    assert [x[0] for x in replies] == [x1, x2, x3]
    body = jute.Reader(replies[2][3])
    assert body.buf() == b"22" and body.stat()["version"] == 1


def test_get_children2_reply_layout(raw, kz, test_path):
    kz().create(test_path + "/k")
    r = raw()
    err, body, _ = r.call(OP["getChildren2"], jute.path_watch_req(test_path))
    assert err == 0 and body.strs() == ["k"]
    assert body.stat()["numChildren"] == 1 and body.remaining() == 0


def test_large_data_just_under_default_maxbuffer(kz, test_path):
    c = kz()
    blob = b"x" * (1024 * 1024 - 1024)
    c.create(test_path + "/big", blob)
    data, st = c.get(test_path + "/big")
    assert data == blob and st.dataLength == len(blob)


def test_request_frame_over_maxbuffer_closes_connection(raw, test_path):
    r = raw()
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        # the server may close while we are still sending (EPIPE) or right after
        r.send_request(OP["create"], jute.create_req(test_path + "/huge", b"x" * (1024 * 1024 + 10)))
        r.read_reply(timeout=5)


def test_jute_maxbuffer_property_lowers_limit(server_factory, kz):
    s = server_factory(props={"jute.maxbuffer": "100000"})
    c = kz(server=s)
    c.create("/ok", b"y" * 90000)
    r = rawclient.open_session(s.host, s.port)
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        r.send_request(OP["create"], jute.create_req("/toobig", b"y" * 150000))
        r.read_reply(timeout=5)
    r.close()
    assert c.exists("/toobig") is None


def test_many_children(kz, test_path):
    c = kz()
    n = 2000
    results = [c.create_async("%s/child-%05d" % (test_path, i), b"v") for i in range(n)]
    for a in results:
        a.get(timeout=30)
    children = c.get_children(test_path)
    assert len(children) == n
    assert sorted(children)[0] == "child-00000" and sorted(children)[-1] == "child-%05d" % (n - 1)
    assert c.get(test_path)[1].numChildren == n
    for a in [c.delete_async("%s/%s" % (test_path, ch)) for ch in children]:
        a.get(timeout=30)
    assert c.get(test_path)[1].numChildren == 0


UNICODE_NAMES = ["ünïcødé", "日本語", "space name", "Ωμέγα", "\u00a0nbsp"]


@pytest.mark.parametrize("name", UNICODE_NAMES)
def test_unicode_path_round_trip(kz, test_path, name):
    c = kz()
    c.create(test_path + "/" + name, name.encode("utf-8"))
    assert c.get_children(test_path) == [name]
    assert c.get(test_path + "/" + name)[0] == name.encode("utf-8")
    c.delete(test_path + "/" + name)


def test_supplementary_plane_char_in_path_is_bad_arguments(kz, test_path):
    # Java sees U+1F600 as a surrogate pair; PathUtils rejects U+D800..U+F8FF.
    from kazoo.exceptions import BadArgumentsError
    with pytest.raises(BadArgumentsError):
        kz().create(test_path + "/emoji-\U0001F600")


def test_four_letter_ruok_and_srvr(zk_server):
    assert zk_server.four_letter("ruok") == "imok"
    srvr = zk_server.four_letter("srvr")
    assert srvr.startswith("Zookeeper version: ")
    assert "Mode: standalone" in srvr


def test_unknown_opcode_gets_unimplemented_then_close(raw):
    r = raw()
    xid = r.send_request(999, b"")
    rxid, zxid, err, body = r.read_reply(timeout=3)
    assert (rxid, zxid, err, body) == (xid, -1, ERR["UNIMPLEMENTED"], b"")
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        r.recv_frame(timeout=3)


def test_garbled_known_request_is_marshalling_error_and_connection_stays(raw):
    r = raw()
    xid = r.send_request(OP["getData"], jute.path_req("/"))  # watch byte missing
    rxid, _, err, body = r.read_reply(timeout=3)
    assert (rxid, err, body) == (xid, ERR["MARSHALLINGERROR"], b"")
    assert r.ping() == 0


def test_failed_write_consumes_a_zxid_failed_read_does_not(raw, test_path):
    r = raw()
    _, _, z0 = r.call(OP["sync"], jute.path_req("/"))
    err, _, z1 = r.call(OP["create"], jute.create_req(test_path))  # NODEEXISTS
    assert err == ERR["NODEEXISTS"] and z1 == z0 + 1
    err, _, z2 = r.call(OP["setData"], jute.set_data_req(test_path, b"x", 99))  # BADVERSION
    assert err == ERR["BADVERSION"] and z2 == z1 + 1
    err, _, z3 = r.call(OP["getData"], jute.path_watch_req(test_path + "/missing"))
    assert err == ERR["NONODE"] and z3 == z2


def test_four_letter_isro_is_rw(zk_server):
    # kazoo's RWPinger expects exactly "rw" from a read-write server.
    assert zk_server.four_letter("isro") == "rw"


def test_four_letter_not_whitelisted_message(server_factory):
    s = server_factory(cfg={"4lw.commands.whitelist": "srvr"})
    assert s.four_letter("ruok") == "ruok is not executed because it is not in the whitelist.\n"
    assert s.four_letter("stat") == "stat is not executed because it is not in the whitelist.\n"
    assert "Mode: standalone" in s.four_letter("srvr")  # srvr is always allowed


def test_unknown_four_letter_word_closes_silently(zk_server):
    assert zk_server.four_letter("xyzw") == ""


def test_mntr_counts_checkpoints_and_the_startup_recovery(server_factory, kz):
    # snapshottime: one sample per checkpoint (ZooKeeper: per snapshot); dbinittime: one
    # sample for loading the data at start-up.
    import time
    s = server_factory(cfg={"snapCount": 100})
    c = kz(server=s)
    c.create("/cp", b"")
    for i in range(300):
        c.create("/cp/n%d" % i, b"x" * 10)

    def mntr():
        return dict(line.split("\t", 1) for line in s.four_letter("mntr").splitlines() if "\t" in line)

    deadline = time.time() + 15
    while int(mntr().get("zk_cnt_snapshottime", "0")) < 1 and time.time() < deadline:
        time.sleep(0.2)
    m = mntr()
    assert int(m["zk_cnt_snapshottime"]) >= 1, m.get("zk_cnt_snapshottime")
    assert int(m["zk_cnt_dbinittime"]) == 1
