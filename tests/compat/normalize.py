"""Decode server frames into field lists and normalize server-specific values.

A decoded frame is a list of (name, kind, value). Every byte of the frame is covered:
bytes left after decoding become a ("trailing", "hex", ...) field, so comparing the
rendered fields is a byte-for-byte comparison modulo the normalized kinds:
  zxid  -> Z<n>, n = order of first appearance (0 and -1 kept literally)
  time  -> T (0 kept)
  sid   -> S<n>, order of first appearance (0 kept)
  passwd-> P<len> (all-zero kept as hex)
Children name lists, getEphemerals lists and whoAmI lists are sorted: ZooKeeper returns
them in hash order (unspecified).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))

import jute  # noqa: E402
from jute import OP, Reader  # noqa: E402


def _stat(r, out, prefix="stat."):
    kinds = dict(czxid="zxid", mzxid="zxid", ctime="time", mtime="time", version="int",
                 cversion="int", aversion="int", ephemeralOwner="sid", dataLength="int",
                 numChildren="int", pzxid="zxid")
    st = jute.read_stat(r)
    for k in jute.STAT_FIELDS:
        out.append((prefix + k, kinds[k], st[k]))


def _buf(r, out, name):
    b = r.buf()
    out.append((name, "bytes", None if b is None else b.hex()))


def _str(r, out, name):
    out.append((name, "str", r.str()))


def _strs(r, out, name, sort=False):
    v = r.strs()
    if v is not None and sort:
        v = sorted(v)
    out.append((name, "strs", v))


def _acl(r, out):
    out.append(("acl", "acl", r.acl()))


def _multi(r, out):
    i = 0
    while True:
        typ, done, err = r.i32(), r.bool(), r.i32()
        out.append(("m%d.hdr" % i, "int", (typ, done, err)))
        if done:
            return
        p = "m%d." % i
        if typ == OP["create"]:
            _str(r, out, p + "path")
        elif typ in (OP["create2"], OP["createTTL"], OP["createContainer"]):
            _str(r, out, p + "path")
            _stat(r, out, p + "stat.")
        elif typ == OP["setData"]:
            _stat(r, out, p + "stat.")
        elif typ == OP["getData"]:
            _buf(r, out, p + "data")
            _stat(r, out, p + "stat.")
        elif typ == OP["getChildren"]:
            _strs(r, out, p + "children", sort=True)
        elif typ == OP["error"]:
            out.append((p + "err", "int", r.i32()))
        i += 1


def decode_body(op, r, out):
    if op in (OP["create"], OP["sync"]):
        _str(r, out, "path")
    elif op in (OP["create2"], OP["createContainer"], OP["createTTL"]):
        _str(r, out, "path")
        _stat(r, out)
    elif op in (OP["exists"], OP["setData"], OP["setACL"], OP["check"]):
        _stat(r, out)
    elif op in (OP["getData"], OP["reconfig"]):
        _buf(r, out, "data")
        _stat(r, out)
    elif op == OP["getACL"]:
        _acl(r, out)
        _stat(r, out)
    elif op == OP["getChildren"]:
        _strs(r, out, "children", sort=True)
    elif op == OP["getChildren2"]:
        _strs(r, out, "children", sort=True)
        _stat(r, out)
    elif op in (OP["multi"], OP["multiRead"]):
        _multi(r, out)
    elif op == OP["getEphemerals"]:
        _strs(r, out, "ephemerals", sort=True)
    elif op in (OP["getAllChildrenNumber"], OP["addWatch"]):
        out.append(("int", "int", r.i32()))
    elif op == OP["whoAmI"]:
        n = r.i32()
        # ZooKeeper keeps auth ids in a set: order is unspecified, so compare sorted.
        out.append(("whoami", "list",
                    None if n < 0 else sorted((r.str(), r.str()) for _ in range(n))))
    elif op == OP["sasl"]:
        _buf(r, out, "token")


def decode_reply(frame, op_of_xid):
    """Decode a post-handshake server frame. op_of_xid maps xid -> request opcode."""
    r = Reader(frame)
    out = []
    try:
        xid, zxid, err = r.i32(), r.i64(), r.i32()
        out += [("xid", "int", xid), ("zxid", "zxid", zxid), ("err", "int", err)]
        if xid == jute.XID_NOTIFICATION:
            out += [("ev.type", "int", r.i32()), ("ev.state", "int", r.i32())]
            _str(r, out, "ev.path")
        elif r.remaining():
            decode_body(op_of_xid.get(xid), r, out)
    except jute.DecodeError as e:
        out.append(("decode_error", "str", str(e)))
    if r.remaining():
        out.append(("trailing", "hex", r.rest().hex()))
    return out


def decode_connect(frame):
    r = Reader(frame)
    out = []
    try:
        out += [("proto", "int", r.i32()), ("timeout", "int", r.i32()),
                ("session", "sid", r.i64()), ("passwd", "passwd", r.buf())]
        if r.remaining():
            out.append(("readOnly", "int", r.bool()))
    except jute.DecodeError as e:
        out.append(("decode_error", "str", str(e)))
    if r.remaining():
        out.append(("trailing", "hex", r.rest().hex()))
    return out


class Normalizer:
    """Per-server mapping state; feed frames in the order they were received."""

    def __init__(self):
        self.zxids = {}
        self.sids = {}

    def _map(self, table, v, prefix):
        if v not in table:
            table[v] = "%s%d" % (prefix, len(table) + 1)
        return table[v]

    def value(self, kind, v):
        if kind == "zxid":
            return v if v in (0, -1) else self._map(self.zxids, v, "Z")
        if kind == "time":
            return 0 if v == 0 else "T"
        if kind == "sid":
            return 0 if v == 0 else self._map(self.sids, v, "S")
        if kind == "passwd":
            if v is None or v == bytes(len(v)):
                return None if v is None else v.hex()
            return "P%d" % len(v)
        return v

    def render(self, fields):
        return " ".join("%s=%r" % (n, self.value(k, v)) for n, k, v in fields)
