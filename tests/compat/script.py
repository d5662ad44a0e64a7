"""The differential script: every opcode of protocol §1.4, errors, watches and their
notifications, sessions; and a corpus of malformed frames. Generated here, nothing binary
is stored."""
import struct

import jute
from jute import OP, Writer

# Steps where the target may differ from ZooKeeper on purpose (ZooKeeper bugs), by index
# in main_script(): index -> reason. Only honoured when the target is not ZooKeeper.
ACCEPTED = {}


def req(conn, op, body=b"", xid=None):
    return ("req", conn, OP[op] if isinstance(op, str) else op, body, xid)


def c(path, data=b"", flags=0, acl=jute.OPEN_ACL, ttl=None):
    return jute.create_req(path, data, acl, flags, ttl)


def pw(path, watch=False):
    return jute.path_watch_req(path, watch)


def main_script():
    import zkserver
    alice = zkserver.digest("alice", "pw")
    s = []
    add = s.append
    add(("connect", "A", {"timeout_ms": 10000}))
    add(("connect", "B", {"timeout_ms": 8000}))
    add(("connect", "N", {"timeout_ms": 8000, "with_ro": False}))  # pre-3.4 style handshake
    add(req("N", "ping", xid=-2))
    # initial tree
    add(req("A", "getChildren", pw("/")))
    add(req("A", "getChildren2", pw("/zookeeper")))
    add(req("A", "getData", pw("/zookeeper/config")))
    add(req("A", "getData", pw("/zookeeper/quota")))
    add(req("A", "getACL", jute.path_req("/zookeeper/config")))
    add(req("A", "exists", pw("/")))
    add(req("A", "getAllChildrenNumber", jute.path_req("/")))
    # creates of every mode and their errors
    add(req("A", "create", c("/c", b"hello")))
    add(req("A", "create", c("/c")))
    add(req("A", "create", c("/nope/x")))
    add(req("A", "create", c("/c/e", b"eph", flags=1)))
    add(req("A", "create", c("/c/e/x")))
    add(req("A", "create", c("/c/s-", flags=2)))
    add(req("A", "create", c("/c/es-", flags=3)))
    add(req("A", "create2", c("/c/n2", b"two")))
    add(req("A", "create2", c("/c/s2-", flags=2)))
    add(req("A", "createContainer", c("/cont", flags=4)))
    add(req("A", "createTTL", c("/ttl", b"t", flags=5, ttl=100000)))
    add(req("A", "createTTL", c("/ttl2", flags=5, ttl=0)))
    add(req("A", "createTTL", c("/ttl3", flags=0, ttl=1000)))
    add(req("A", "create", c("/c/")))
    add(req("A", "create", c("/c/.")))
    add(req("A", "create", c("noslash")))
    add(req("A", "create", c("/c/bad\u0001")))
    add(req("A", "create", c("/c/emptyacl", acl=[])))
    add(req("A", "create", c("/c/authacl", acl=[(31, "auth", "")])))
    add(req("A", "create", c("/c/badscheme", acl=[(31, "nosuch", "x")])))
    add(req("A", "create", c("/c/flags", flags=42)))
    add(req("A", "create", jute.create_req("/c/nullacl", b"", None, 0)))
    add(req("A", "create", jute.create_req("/c/nulldata", None, jute.OPEN_ACL, 0)))
    add(req("A", "getData", pw("/c/nulldata")))
    # reads
    add(req("A", "exists", pw("/c")))
    add(req("A", "exists", pw("/missing")))
    add(req("A", "getData", pw("/missing")))
    add(req("A", "getChildren", pw("/c")))
    add(req("A", "getChildren2", pw("/c")))
    add(req("A", "getChildren", pw("/c/e")))
    add(req("A", "getACL", jute.path_req("/c")))
    add(req("A", "getACL", jute.path_req("/missing")))
    # watches set by A, triggered by B
    add(req("A", "getData", pw("/c", True)))
    add(req("A", "getChildren", pw("/c", True)))
    add(req("A", "exists", pw("/later", True)))
    add(req("A", "exists", pw("/c/n2", True)))
    add(req("B", "setData", jute.set_data_req("/c", b"world", 0)))
    add(req("B", "setData", jute.set_data_req("/c", b"again", 0)))
    add(req("B", "create", c("/c/k")))
    add(req("B", "create", c("/later")))
    add(req("B", "delete", jute.delete_req("/c/n2")))
    add(("drain", "A"))
    add(req("B", "setData", jute.set_data_req("/c", b"no watch now")))
    add(("drain", "A"))
    # own-connection watch: notification before the reply
    add(req("A", "getData", pw("/c/k", True)))
    add(req("A", "setData", jute.set_data_req("/c/k", b"self")))
    # ACLs and auth
    add(req("A", "setACL", jute.set_acl_req("/c/k", [(31, "digest", alice), (1, "world", "anyone")], 0)))
    add(req("A", "setACL", jute.set_acl_req("/c/k", jute.OPEN_ACL, 0)))
    add(req("A", "getACL", jute.path_req("/c/k")))
    add(req("A", "setData", jute.set_data_req("/c/k", b"denied")))
    add(req("B", "auth", jute.auth_req("digest", b"alice:pw"), xid=-4))
    add(req("B", "getACL", jute.path_req("/c/k")))
    add(req("B", "setData", jute.set_data_req("/c/k", b"allowed")))
    add(req("B", "create", c("/c/k2", acl=[(31, "auth", "")])))
    add(req("B", "getACL", jute.path_req("/c/k2")))
    add(req("A", "getData", pw("/c/k2")))
    add(req("B", "whoAmI"))
    add(req("A", "whoAmI"))
    add(req("B", "setACL", jute.set_acl_req("/c/k", jute.OPEN_ACL, 1)))
    add(req("B", "setACL", jute.set_acl_req("/c/k", [], 1)))
    add(req("B", "auth", jute.auth_req("digest", b"super:superpw"), xid=-4))
    add(req("B", "whoAmI"))
    add(req("B", "delete", jute.delete_req("/c/k2")))
    # versions, deletes, cversion/sequence facts
    add(req("A", "delete", jute.delete_req("/c/k", 5)))
    add(req("A", "delete", jute.delete_req("/c")))
    add(req("A", "delete", jute.delete_req("/c/k", -1)))
    add(req("A", "delete", jute.delete_req("/missing")))
    add(req("A", "delete", jute.delete_req("/")))
    add(req("A", "create", c("/c/s-", flags=2)))
    add(req("A", "exists", pw("/c")))
    add(req("A", "sync", jute.path_req("/c")))
    add(req("A", "sync", jute.path_req("/missing")))
    add(req("A", "check", jute.check_req("/c", 9)))
    # multi
    add(req("A", "multi", jute.multi_req([
        (OP["create"], c("/m1", b"1")), (OP["setData"], jute.set_data_req("/m1", b"11", 0)),
        (OP["check"], jute.check_req("/m1", 1)), (OP["create2"], c("/m2", b"2")),
        (OP["createContainer"], c("/m3", flags=4)),
        (OP["createTTL"], c("/m4", flags=5, ttl=50000)),
        (OP["create"], c("/m1/s-", flags=2)), (OP["delete"], jute.delete_req("/m2"))])))
    add(req("A", "multi", jute.multi_req([
        (OP["create"], c("/f1")), (OP["delete"], jute.delete_req("/missing")),
        (OP["setData"], jute.set_data_req("/c", b"x"))])))
    add(req("A", "multi", jute.multi_req([
        (OP["check"], jute.check_req("/c", 99)), (OP["create"], c("/f2"))])))
    add(req("A", "multi", jute.multi_req([])))
    add(req("A", "multi", jute.multi_req([(OP["getData"], pw("/c"))])))
    add(req("A", "exists", pw("/f1")))
    add(req("A", "multiRead", jute.multi_req([
        (OP["getData"], pw("/c")), (OP["getData"], pw("/missing")),
        (OP["getChildren"], pw("/c")), (OP["getChildren"], pw("/missing"))])))
    add(req("A", "multiRead", jute.multi_req([
        (OP["getData"], pw("/c")), (OP["create"], c("/mixed"))])))
    # persistent / recursive watches
    add(req("A", "addWatch", jute.path_type_req("/pw", 0)))
    add(req("A", "addWatch", jute.path_type_req("/rw", 1)))
    add(req("A", "addWatch", jute.path_type_req("/bad", 7)))
    add(req("B", "create", c("/pw")))
    add(req("B", "setData", jute.set_data_req("/pw", b"1")))
    add(req("B", "create", c("/pw/kid")))
    add(req("B", "create", c("/rw")))
    add(req("B", "create", c("/rw/a")))
    add(req("B", "setData", jute.set_data_req("/rw/a", b"x")))
    add(req("B", "delete", jute.delete_req("/rw/a")))
    add(("drain", "A"))
    # check/removeWatches
    add(req("A", "getData", pw("/pw", True)))
    for typ in (1, 2, 3, 4, 5):
        add(req("A", "checkWatches", jute.path_type_req("/pw", typ)))
    add(req("A", "checkWatches", jute.path_type_req("/rw", 5)))
    add(req("A", "removeWatches", jute.path_type_req("/pw", 2)))
    add(req("A", "removeWatches", jute.path_type_req("/pw", 2)))
    add(req("A", "removeWatches", jute.path_type_req("/rw", 5)))
    add(req("A", "removeWatches", jute.path_type_req("/pw", 3)))
    add(req("A", "removeWatches", jute.path_type_req("/missing", 3)))
    add(req("B", "setData", jute.set_data_req("/pw", b"2")))
    add(req("B", "create", c("/rw/b")))
    add(("drain", "A"))
    # setWatches / setWatches2 (relative zxid 0: everything existing has changed)
    add(req("A", "setWatches", jute.set_watches_req(0, data=["/c", "/gone"], exist=["/pw", "/x1"],
                                                    child=["/c", "/gone2"]), xid=-8))
    add(("drain", "A"))
    add(req("A", "setWatches", lambda r: jute.set_watches_req(
        r.conns["A"].last_zxid, data=["/c"], exist=["/x2"], child=["/rw"]), xid=-8))
    add(("drain", "A"))
    add(req("A", "setWatches2", lambda r: jute.set_watches_req(
        r.conns["A"].last_zxid, data=[], exist=[], child=[], persistent=["/c"],
        recursive=["/rw"]), xid=-8))
    add(req("B", "create", c("/x1")))
    add(req("B", "create", c("/x2")))
    add(req("B", "setData", jute.set_data_req("/c", b"sw")))
    add(req("B", "create", c("/rw/c")))
    add(("drain", "A"))
    # ephemerals, counts, misc ops
    add(req("A", "create", c("/c/e2", flags=1)))
    add(req("B", "create", c("/c/eb", flags=1)))
    add(req("A", "getEphemerals", jute.path_req("/")))
    add(req("A", "getEphemerals", jute.path_req("/c/e")))
    add(req("A", "getEphemerals", jute.path_req(None)))
    add(req("A", "getEphemerals", jute.path_req("/nothing")))
    add(req("A", "getAllChildrenNumber", jute.path_req("/")))
    add(req("A", "getAllChildrenNumber", jute.path_req("/c")))
    add(req("A", "getAllChildrenNumber", jute.path_req("/missing")))
    add(req("A", "reconfig", jute.reconfig_req(None, None, None, -1)))
    add(req("A", "sasl", Writer().buf(b"token").bytes()))
    add(req("A", "deleteContainer", jute.path_req("/cont")))
    add(req("A", "ping", xid=-2))
    add(req("A", "getData", pw("/c")))
    # sessions: B closes -> its ephemeral goes, A's exists watch sees it
    add(req("A", "exists", pw("/c/eb", True)))
    add(req("B", "closeSession"))
    add(("expect_close", "B"))
    add(("drain", "A"))
    add(req("A", "getChildren", pw("/c")))
    # reconnect A's session on a new connection: old one is closed
    add(("connect", "A2", {"session_of": "A", "timeout_ms": 10000}))
    add(("expect_close", "A"))
    add(req("A2", "exists", pw("/c/e2")))
    add(req("A2", "getEphemerals", jute.path_req("/")))
    # bad password / unknown session -> expired-style reply and close
    add(("connect", "X", {"session_of": "A2", "bad_passwd": True}))
    add(("expect_close", "X"))
    add(("expect_close", "A2"))
    add(("connect", "A3", {"session_of": "A2"}))
    add(("connect", "Y", {"session_id": 0x1234}))
    add(("expect_close", "Y"))
    add(("connect", "Z", {"last_zxid": 1 << 40}))
    add(("expect_close", "Z"))
    # failing auth closes the connection
    add(("connect", "F", {}))
    add(req("F", "auth", jute.auth_req("nosuchscheme", b"x"), xid=-4))
    add(("expect_close", "F"))
    add(req("A3", "getData", pw("/c")))
    # session expiry: E's ephemeral goes away, A3's exists watch sees NodeDeleted
    add(("connect", "E", {"timeout_ms": 1000}))
    add(req("E", "create", c("/c/exp", flags=1)))
    add(req("A3", "exists", pw("/c/exp", True)))
    add(req("A3", "getChildren", pw("/c", True)))
    add(("drop", "E"))
    add(("sleep", 4))
    add(("drain", "A3"))
    add(req("A3", "exists", pw("/c/exp")))
    add(("connect", "E2", {"session_of": "E"}))
    # kill -9 and restart: data, stats, sequence counters and the live session survive
    add(("restart", True))
    add(("connect", "R", {"session_of": "A3"}))
    add(req("R", "getData", pw("/c")))
    add(req("R", "getChildren2", pw("/c")))
    add(req("R", "exists", pw("/c/e2")))
    add(req("R", "getEphemerals", jute.path_req("/")))
    add(req("R", "create", c("/c/s-", flags=2)))
    add(req("R", "getACL", jute.path_req("/c/k")))
    add(req("R", "getData", pw("/m1")))
    add(req("R", "getAllChildrenNumber", jute.path_req("/")))
    add(req("R", "closeSession"))
    add(("expect_close", "R"))
    add(("connect", "R2", {}))
    add(req("R2", "exists", pw("/c/e2")))
    # Last, because ZooKeeper 3.8 cannot replay its own log after this (FINDINGS #23):
    # a standalone check that succeeds gets no reply; the next request is answered normally.
    ACCEPTED[len(s)] = "ZooKeeper 3.8 bug: standalone check gets no reply (FINDINGS #12, #23)"
    add(req("R2", "check", jute.check_req("/c", 3)))
    add(req("R2", "getData", pw("/c")))
    return s


# ---- malformed frames: each case runs on its own fresh connection ----
def hdr(xid, op):
    return struct.pack(">ii", xid, op)


def fr(payload):
    return jute.frame(payload)


def malformed_cases():
    """(name, handshake_first, bytes)."""
    conn_ok = jute.connect_req()
    cases = [
        ("pre: negative length", False, struct.pack(">i", -1)),
        ("pre: zero length", False, struct.pack(">i", 0)),
        ("pre: huge length", False, struct.pack(">i", 0x7FFFFFF0)),
        ("pre: truncated connect", False, struct.pack(">i", 45) + conn_ok[:20]),
        ("pre: short connect record", False, fr(conn_ok[:20])),
        ("pre: connect with trailing garbage", False, fr(conn_ok + b"\x01\x02\x03")),
        ("pre: connect with negative passwd len", False,
         fr(Writer().i32(0).i64(0).i32(10000).i64(0).i32(-5).bytes())),
        ("pre: connect with long passwd", False,
         fr(Writer().i32(0).i64(0).i32(10000).i64(0).buf(b"p" * 40).bool(False).bytes())),
        ("pre: unknown 4-letter word", False, b"abcd"),
        ("pre: request before handshake", False, fr(hdr(1, OP["getData"]) + pw("/"))),
        ("post: negative length", True, struct.pack(">i", -7)),
        ("post: zero length", True, struct.pack(">i", 0)),
        ("post: length over maxbuffer", True, struct.pack(">i", 0xFFFFF + 1) + b"\0" * 64),
        ("post: truncated frame body", True, struct.pack(">i", 100) + hdr(1, 4) + b"\0\0"),
        ("post: header only xid", True, fr(struct.pack(">i", 1))),
        ("post: unknown opcode 999", True, fr(hdr(1, 999))),
        ("post: unused opcode 10", True, fr(hdr(1, 10))),
        ("post: createSession opcode", True, fr(hdr(1, -10))),
        ("post: getData missing watch byte", True, fr(hdr(1, 4) + jute.path_req("/"))),
        ("post: getData string longer than frame", True,
         fr(hdr(1, 4) + struct.pack(">i", 50) + b"/zoo")),
        ("post: getData negative string length", True,
         fr(hdr(1, 4) + struct.pack(">i", -3) + b"\0")),
        ("post: getData null path", True, fr(hdr(1, 4) + struct.pack(">i", -1) + b"\0")),
        ("post: create huge acl count", True,
         fr(hdr(1, 1) + Writer().str("/m").buf(b"").i32(1 << 30).bytes())),
        ("post: create truncated after path", True, fr(hdr(1, 1) + Writer().str("/m").bytes())),
        ("post: setData truncated version", True,
         fr(hdr(1, 5) + Writer().str("/").buf(b"x").bytes() + b"\0\0")),
        ("post: multi without terminator", True,
         fr(hdr(1, 14) + Writer().i32(1).bool(False).i32(-1).raw(c("/mm")).bytes())),
        ("post: multi with unknown inner op", True,
         fr(hdr(1, 14) + Writer().i32(77).bool(False).i32(-1).raw(c("/mm"))
            .i32(-1).bool(True).i32(-1).bytes())),
        ("post: setWatches truncated", True, fr(hdr(-8, 101) + struct.pack(">q", 0) + b"\0\0")),
        ("post: auth with type 1", True, fr(hdr(-4, 100) + Writer().i32(1).str("digest")
                                             .buf(b"u:p").bytes())),
        ("post: auth truncated", True, fr(hdr(-4, 100) + struct.pack(">i", 0))),
        ("post: ping with body", True, fr(hdr(-2, 11) + b"junk")),
        ("post: exists with extra trailing bytes", True, fr(hdr(1, 3) + pw("/") + b"tail")),
        ("post: second connect request", True, fr(conn_ok)),
        ("post: closeSession with body", True, fr(hdr(1, -11) + b"xx")),
        ("post: duplicate xids", True, fr(hdr(5, 3) + pw("/")) + fr(hdr(5, 3) + pw("/"))),
        ("post: addWatch truncated mode", True, fr(hdr(1, 106) + jute.path_req("/") + b"\0")),
        ("post: whoAmI with body", True, fr(hdr(1, 107) + b"\0\0\0\0")),
    ]
    return cases


def malformed_steps(name, handshake, data):
    steps = []
    if handshake:
        steps.append(("connect", "M", {"timeout_ms": 4000}))
    else:
        steps.append(("connect", "M", {"no_handshake": True}))
    steps.append(("raw", "M", data))
    # If the connection is still open, does it still answer? (a ping, xid -2)
    steps.append(("raw", "M", fr(hdr(-2, 11))))
    return steps
