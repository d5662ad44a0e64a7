"""Sessions: handshake, timeout negotiation, expiry deletes ephemerals, reconnect with
session id + password, closeSession, ping, expired-session handshake."""
import socket
import time

import pytest
from kazoo.protocol.states import EventType, KazooState

import jute
import rawclient
from helpers import EventSink, wait_until
from jute import OP


def test_handshake_response_layout(zk_server):
    c = rawclient.RawConn(zk_server.host, zk_server.port)
    try:
        resp = c.connect(timeout_ms=10000)
        assert resp["protocol"] == 0
        assert resp["timeout"] == 10000
        assert resp["session_id"] != 0
        assert len(resp["passwd"]) == 16
        assert resp["read_only"] is False
        assert len(resp["raw"]) == 4 + 4 + 8 + 4 + 16 + 1
    finally:
        c.close_session()


def test_handshake_without_readonly_byte_gets_reply_without_it(zk_server):
    c = rawclient.RawConn(zk_server.host, zk_server.port)
    try:
        resp = c.connect(with_ro=False)
        assert resp["read_only"] is None
        assert len(resp["raw"]) == 4 + 4 + 8 + 4 + 16
        assert c.ping() == 0
    finally:
        c.close_session()


def test_session_timeout_clamped_to_min_and_max(server_factory):
    s = server_factory(cfg={"minSessionTimeout": "1000", "maxSessionTimeout": "5000"})
    for asked, got in ((10, 1000), (3000, 3000), (60000, 5000)):
        c = rawclient.open_session(s.host, s.port, timeout_ms=asked)
        assert c.negotiated_timeout == got, asked
        c.close_session()


def test_default_session_bounds_are_2_and_20_ticks(server_factory):
    s = server_factory(tick_time=100, cfg={"maxSessionTimeout": None})
    lo = rawclient.open_session(s.host, s.port, timeout_ms=1)
    hi = rawclient.open_session(s.host, s.port, timeout_ms=10 ** 6)
    assert (lo.negotiated_timeout, hi.negotiated_timeout) == (200, 2000)
    lo.close_session()
    hi.close_session()


def test_session_ids_are_distinct(zk_server):
    ids = set()
    for _ in range(5):
        c = rawclient.open_session(zk_server.host, zk_server.port)
        ids.add(c.session_id)
        c.close_session()
    assert len(ids) == 5


def test_ping_reply_header(raw):
    r = raw()
    r.send_request(OP["ping"], b"", xid=jute.XID_PING)
    xid, zxid, err, body = r.read_reply()
    assert (xid, err, body) == (jute.XID_PING, 0, b"")
    assert zxid > 0


def test_close_session_replies_then_closes_connection(raw, kz, test_path):
    r = raw()
    r.call(OP["create"], jute.create_req(test_path + "/e", flags=1))
    xid = r.send_request(OP["closeSession"])
    rxid, _, err, body = r.read_reply()
    assert (rxid, err, body) == (xid, 0, b"")
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        r.recv_frame(timeout=3)
    assert kz().exists(test_path + "/e") is None


def test_session_expiry_deletes_ephemerals_and_fires_watches(kz, test_path):
    w = kz()
    r = rawclient.open_session(w.hosts[0][0], w.hosts[0][1], timeout_ms=1000)
    r.call(OP["create"], jute.create_req(test_path + "/e1", flags=1))
    r.call(OP["create"], jute.create_req(test_path + "/e2-", flags=3))
    sink = EventSink()
    assert w.exists(test_path + "/e1", watch=sink)
    r.close()  # drop the TCP connection without closeSession
    ev = sink.get(timeout=10)
    assert (ev.type, ev.path) == (EventType.DELETED, test_path + "/e1")
    assert w.get_children(test_path) == []


def test_expired_session_reconnect_gets_zero_timeout_and_close(kz, test_path):
    w = kz()
    host, port = w.hosts[0]
    r = rawclient.open_session(host, port, timeout_ms=1000)
    sid, pw = r.session_id, r.passwd
    r.call(OP["create"], jute.create_req(test_path + "/e", flags=1))
    r.close()
    wait_until(lambda: w.exists(test_path + "/e") is None, timeout=10, what="expiry")
    c = rawclient.RawConn(host, port)
    resp = c.connect(session_id=sid, passwd=pw)
    assert (resp["timeout"], resp["session_id"], resp["passwd"]) == (0, 0, b"\0" * 16)
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        c.recv_frame(timeout=3)


def test_reconnect_with_session_id_keeps_ephemerals(kz, test_path):
    w = kz()
    host, port = w.hosts[0]
    r = rawclient.open_session(host, port, timeout_ms=2000)
    sid, pw = r.session_id, r.passwd
    r.call(OP["create"], jute.create_req(test_path + "/e", flags=1))
    r.close()
    time.sleep(0.5)
    r2 = rawclient.RawConn(host, port)
    resp = r2.connect(session_id=sid, passwd=pw, timeout_ms=2000)
    assert resp["session_id"] == sid and resp["passwd"] == pw and resp["timeout"] == 2000
    deadline = time.monotonic() + 3.0  # longer than the session timeout, kept alive by pings
    while time.monotonic() < deadline:
        assert r2.ping() == 0
        time.sleep(0.3)
    assert w.exists(test_path + "/e").ephemeralOwner == sid
    r2.close_session()
    assert w.exists(test_path + "/e") is None


def test_reconnect_with_wrong_password_is_expired_style(raw, zk_server):
    r = raw()
    c = rawclient.RawConn(zk_server.host, zk_server.port)
    bad = bytes(16) if r.passwd != bytes(16) else b"\1" * 16
    resp = c.connect(session_id=r.session_id, passwd=bad)
    assert (resp["timeout"], resp["session_id"]) == (0, 0)
    c.close()
    # ZooKeeper 3.8 closes the owner's connection *before* checking the password
    # (CLIENT_RECONNECT), but the session itself stays valid.
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        r.ping()
    again = rawclient.RawConn(zk_server.host, zk_server.port)
    resp = again.connect(session_id=r.session_id, passwd=r.passwd)
    assert resp["session_id"] == r.session_id
    assert again.ping() == 0
    r.sock = again.sock  # let the fixture close this session


def test_second_connection_for_session_closes_first(kz, test_path):
    w = kz()
    host, port = w.hosts[0]
    a = rawclient.open_session(host, port, timeout_ms=5000)
    b = rawclient.RawConn(host, port)
    b.connect(session_id=a.session_id, passwd=a.passwd, timeout_ms=5000)
    assert b.ping() == 0
    with pytest.raises((rawclient.ConnectionClosed, OSError, socket.timeout)):
        a.ping()
    b.close_session()


def test_client_ahead_of_server_zxid_is_refused(zk_server):
    c = rawclient.RawConn(zk_server.host, zk_server.port)
    c.send_frame(jute.connect_req(last_zxid=1 << 40))
    with pytest.raises((rawclient.ConnectionClosed, OSError)):
        c.recv_frame(timeout=3)


def test_kazoo_session_survives_server_restart(server_factory, kz):
    s = server_factory()
    # generous session timeout: a restart on a loaded 2-core machine can take seconds
    c = kz(server=s, timeout=25.0)
    c.create("/e", ephemeral=True)
    sid = c.client_id[0]
    states = []
    c.add_listener(states.append)
    t0 = time.monotonic()
    # Hard restart: with SIGTERM, ZooKeeper 3.8 sometimes answers a reconnect that lands
    # while it is shutting down as "session expired" (FINDINGS #26).
    s.restart(hard=True)
    restart_s = time.monotonic() - t0
    wait_until(lambda: c.state == KazooState.CONNECTED and KazooState.SUSPENDED in states,
               timeout=40, what="reconnect (states %r, restart took %.1fs)" % (states, restart_s))
    assert c.client_id[0] == sid, (states, restart_s, s.log_tail(200))
    assert c.exists("/e").ephemeralOwner == sid


def test_ephemerals_survive_restart_until_session_expires(server_factory, kz):
    s = server_factory()
    r = rawclient.open_session(s.host, s.port, timeout_ms=1500)
    r.call(OP["create"], jute.create_req("/e", flags=1))
    r.close()
    s.restart(hard=True)
    c = kz(server=s)
    # Session restored from disk: node is there right after restart, gone after timeout.
    wait_until(lambda: c.exists("/e") is None, timeout=15, what="expiry after restart")


def test_persistent_data_survives_kill9(server_factory, kz):
    s = server_factory()
    c = kz(server=s)
    for i in range(20):
        c.create("/n%02d" % i, b"v%d" % i)
    c.set("/n05", b"changed")
    c.stop()
    s.restart(hard=True)
    c = kz(server=s)
    assert len(c.get_children("/")) == 21
    assert c.get("/n05")[0] == b"changed"
    assert c.get("/n05")[1].version == 1
