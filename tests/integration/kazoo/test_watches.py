"""Watches: one-shot data/child/exists watches, persistent and recursive (addWatch),
check/removeWatches, setWatches re-registration, notification wire format."""
import pytest
from kazoo.protocol.states import EventType

import jute
from helpers import EventSink
from jute import ERR, OP

CREATED, DELETED, CHANGED, CHILD = 1, 2, 3, 4
SYNC_CONNECTED = 3


def test_data_watch_fires_changed_once(kz, test_path):
    c, w = kz(), kz()
    c.create(test_path + "/n", b"a")
    sink = EventSink()
    w.get(test_path + "/n", watch=sink)
    c.set(test_path + "/n", b"b")
    ev = sink.get()
    assert (ev.type, ev.path) == (EventType.CHANGED, test_path + "/n")
    c.set(test_path + "/n", b"c")
    sink.none_within(0.5)


def test_child_watch_fires_on_create_and_delete_of_child(kz, test_path):
    c, w = kz(), kz()
    sink = EventSink()
    w.get_children(test_path, watch=sink)
    c.create(test_path + "/a")
    ev = sink.get()
    assert (ev.type, ev.path) == (EventType.CHILD, test_path)
    w.get_children(test_path, watch=sink)
    c.delete(test_path + "/a")
    assert sink.get().type == EventType.CHILD


def test_child_watch_not_fired_by_child_data_change(kz, test_path):
    c, w = kz(), kz()
    c.create(test_path + "/a")
    sink = EventSink()
    w.get_children(test_path, watch=sink)
    c.set(test_path + "/a", b"x")
    c.set(test_path, b"x")
    sink.none_within(0.5)


def test_exists_watch_on_missing_node_fires_created(kz, test_path):
    c, w = kz(), kz()
    sink = EventSink()
    assert w.exists(test_path + "/later", watch=sink) is None
    c.create(test_path + "/later")
    ev = sink.get()
    assert (ev.type, ev.path) == (EventType.CREATED, test_path + "/later")


def test_get_data_on_missing_node_sets_no_watch(raw, kz, test_path):
    r = raw()
    err, _, _ = r.call(OP["getData"], jute.path_watch_req(test_path + "/x", True))
    assert err == ERR["NONODE"]
    kz().create(test_path + "/x")
    r.ping()
    assert r.events == []


def test_delete_fires_node_deleted_to_data_and_child_watchers(kz, test_path):
    c, w = kz(), kz()
    c.create(test_path + "/n")
    data_sink, child_sink, parent_sink = EventSink(), EventSink(), EventSink()
    w.get(test_path + "/n", watch=data_sink)
    w.get_children(test_path + "/n", watch=child_sink)
    w.get_children(test_path, watch=parent_sink)
    c.delete(test_path + "/n")
    assert data_sink.get().type == EventType.DELETED
    assert child_sink.get().type == EventType.DELETED
    assert parent_sink.get().type == EventType.CHILD


def test_delete_sends_one_notification_per_connection(raw, kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    r = raw()
    r.call(OP["exists"], jute.path_watch_req(test_path + "/n", True))
    r.call(OP["getData"], jute.path_watch_req(test_path + "/n", True))
    r.call(OP["getChildren"], jute.path_watch_req(test_path + "/n", True))
    c.delete(test_path + "/n")
    r.wait_events(1)
    r.ping()
    assert [(e[0], e[2]) for e in r.events] == [(DELETED, test_path + "/n")]


def test_notification_wire_format(raw, kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    r = raw()
    r.call(OP["getData"], jute.path_watch_req(test_path + "/n", True))
    c.set(test_path + "/n", b"x")
    r.wait_events(1)
    typ, state, path, zxid = r.events[0]
    assert (typ, state, path) == (CHANGED, SYNC_CONNECTED, test_path + "/n")
    assert zxid == -1  # ZooKeeper 3.8 sends zxid -1 in notification headers


def test_watch_event_precedes_later_reply_on_same_connection(raw, test_path):
    r = raw()
    r.call(OP["create"], jute.create_req(test_path + "/n"))
    r.call(OP["getData"], jute.path_watch_req(test_path + "/n", True))
    xid = r.send_request(OP["setData"], jute.set_data_req(test_path + "/n", b"x"))
    f1 = jute.Reader(r.recv_frame())
    assert f1.i32() == -1  # the notification comes first
    f2 = jute.Reader(r.recv_frame())
    assert f2.i32() == xid


def test_set_acl_fires_no_watch(kz, test_path):
    from kazoo.security import OPEN_ACL_UNSAFE
    c, w = kz(), kz()
    c.create(test_path + "/n")
    sink = EventSink()
    w.get(test_path + "/n", watch=sink)
    c.set_acls(test_path + "/n", OPEN_ACL_UNSAFE)
    sink.none_within(0.5)


def add_watch(r, path, mode):
    err, body, _ = r.call(OP["addWatch"], jute.path_type_req(path, mode))
    return err, body.rest()


def test_add_watch_reply_has_four_byte_body(raw, test_path):
    r = raw()
    assert add_watch(r, test_path, 0) == (0, b"\0\0\0\0")
    assert add_watch(r, test_path + "/missing", 1) == (0, b"\0\0\0\0")


def test_persistent_watch_fires_repeatedly(raw, kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    r = raw()
    add_watch(r, test_path + "/n", 0)
    c.set(test_path + "/n", b"1")
    c.set(test_path + "/n", b"2")
    c.create(test_path + "/n/kid")
    c.delete(test_path + "/n/kid")
    c.delete(test_path + "/n")
    c.create(test_path + "/n")
    r.wait_events(6)
    r.ping()
    assert [e[0] for e in r.events] == [CHANGED, CHANGED, CHILD, CHILD, DELETED, CREATED]


def test_persistent_recursive_watch_covers_subtree_without_child_events(raw, kz, test_path):
    c = kz()
    r = raw()
    add_watch(r, test_path, 1)
    c.create(test_path + "/a")
    c.create(test_path + "/a/b")
    c.set(test_path + "/a/b", b"x")
    c.delete(test_path + "/a/b")
    r.wait_events(4)
    r.ping()
    assert [(e[0], e[2]) for e in r.events] == [
        (CREATED, test_path + "/a"), (CREATED, test_path + "/a/b"),
        (CHANGED, test_path + "/a/b"), (DELETED, test_path + "/a/b")]


def test_check_and_remove_watches_report_no_watcher(raw, test_path):
    r = raw()
    for op in ("checkWatches", "removeWatches"):
        for typ in (1, 2, 3):
            err, body, _ = r.call(OP[op], jute.path_type_req(test_path, typ))
            assert (err, body.remaining()) == (ERR["NOWATCHER"], 0), (op, typ)


def test_remove_watches_removes_data_watch(raw, kz, test_path):
    r = raw()
    r.call(OP["getData"], jute.path_watch_req(test_path, True))
    err, _, _ = r.call(OP["checkWatches"], jute.path_type_req(test_path, 2))
    assert err == 0
    err, _, _ = r.call(OP["checkWatches"], jute.path_type_req(test_path, 1))
    assert err == ERR["NOWATCHER"]
    err, body, _ = r.call(OP["removeWatches"], jute.path_type_req(test_path, 2))
    assert (err, body.remaining()) == (0, 0)
    kz().set(test_path, b"x")
    r.ping()
    assert r.events == []


def test_remove_any_watches_removes_child_and_data(raw, kz, test_path):
    r = raw()
    r.call(OP["getData"], jute.path_watch_req(test_path, True))
    r.call(OP["getChildren"], jute.path_watch_req(test_path, True))
    assert r.call(OP["removeWatches"], jute.path_type_req(test_path, 3))[0] == 0
    assert r.call(OP["checkWatches"], jute.path_type_req(test_path, 3))[0] == ERR["NOWATCHER"]
    c = kz()
    c.create(test_path + "/k")
    c.set(test_path, b"x")
    r.ping()
    assert r.events == []


def test_set_watches_fires_for_changes_missed_while_away(raw, kz, test_path):
    c = kz()
    c.create(test_path + "/changed")
    c.create(test_path + "/deleted")
    r0 = raw()
    _, _, zxid = r0.call(OP["sync"], jute.path_req("/"))
    c.set(test_path + "/changed", b"x")
    c.delete(test_path + "/deleted")
    c.create(test_path + "/created")
    c.create(test_path + "/kids")
    r = raw()
    req = jute.set_watches_req(zxid, data=[test_path + "/changed", test_path + "/deleted"],
                               exist=[test_path + "/created", test_path + "/never"],
                               child=[test_path])
    r.send_request(OP["setWatches"], req, xid=jute.XID_SET_WATCHES)
    xid, _, err, body = r.read_reply()
    assert (xid, err, body) == (jute.XID_SET_WATCHES, 0, b"")
    r.ping()
    got = sorted((e[0], e[2]) for e in r.events)
    assert got == sorted([(CHANGED, test_path + "/changed"), (DELETED, test_path + "/deleted"),
                          (CREATED, test_path + "/created"), (CHILD, test_path)])
    # /never is still watched: creating it now fires NodeCreated
    c.create(test_path + "/never")
    r.wait_events(5)


def test_set_watches_with_current_zxid_just_registers(raw, kz, test_path):
    c = kz()
    c.create(test_path + "/n")
    r = raw()
    _, _, zxid = r.call(OP["sync"], jute.path_req("/"))
    r.send_request(OP["setWatches"], jute.set_watches_req(zxid, data=[test_path + "/n"]),
                   xid=jute.XID_SET_WATCHES)
    r.read_reply()
    r.ping()
    assert r.events == []
    c.set(test_path + "/n", b"x")
    r.wait_events(1)
    assert (r.events[0][0], r.events[0][2]) == (CHANGED, test_path + "/n")


def test_set_watches2_registers_persistent_watches(raw, kz, test_path):
    c = kz()
    r = raw()
    _, _, zxid = r.call(OP["sync"], jute.path_req("/"))
    r.send_request(OP["setWatches2"],
                   jute.set_watches_req(zxid, persistent=[], recursive=[test_path]),
                   xid=jute.XID_SET_WATCHES)
    xid, _, err, body = r.read_reply()
    assert (xid, err, body) == (jute.XID_SET_WATCHES, 0, b"")
    c.create(test_path + "/a")
    c.create(test_path + "/a/b")
    r.wait_events(2)
    assert [e[0] for e in r.events] == [CREATED, CREATED]


@pytest.mark.parametrize("mode", [2, -1])
def test_add_watch_with_bad_mode(raw, test_path, mode):
    r = raw()
    err, _, _ = r.call(OP["addWatch"], jute.path_type_req(test_path, mode))
    assert err != 0


# ZooKeeper 3.8 keeps one watch mode per (connection, path): a later registration replaces
# the earlier mode. These three cases pin the observable effects.
def test_child_watch_after_recursive_watch_both_fire(raw, kz, test_path):
    c, r = kz(), raw()
    add_watch(r, test_path, 1)
    r.call(OP["getChildren"], jute.path_watch_req(test_path, True))
    c.create(test_path + "/x")
    r.wait_events(2)
    r.ping()
    assert [(e[0], e[2]) for e in r.events] == [(CREATED, test_path + "/x"), (CHILD, test_path)]


def test_recursive_watch_after_child_watch_swallows_child_event(raw, kz, test_path):
    c, r = kz(), raw()
    r.call(OP["getChildren"], jute.path_watch_req(test_path, True))
    add_watch(r, test_path, 1)
    c.create(test_path + "/x")
    r.wait_events(1)
    r.ping()
    assert [(e[0], e[2]) for e in r.events] == [(CREATED, test_path + "/x")]


def test_data_watch_after_recursive_watch_makes_it_one_shot(raw, kz, test_path):
    c, r = kz(), raw()
    add_watch(r, test_path, 1)
    r.call(OP["getData"], jute.path_watch_req(test_path, True))
    c.set(test_path, b"1")
    c.set(test_path, b"2")
    r.wait_events(1)
    r.ping()
    assert [(e[0], e[2]) for e in r.events] == [(CHANGED, test_path)]
