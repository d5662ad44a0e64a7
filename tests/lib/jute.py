"""Minimal jute (ZooKeeper wire) encoder/decoder for protocol-level tests.

Big-endian ints/longs, 1-byte bools, length-prefixed buffers/strings (-1 = null),
counted vectors. Only what the tests need; see zookeeper-protocol.md §1.
"""
import struct

# Opcodes (protocol §1.4)
OP = dict(notification=0, create=1, delete=2, exists=3, getData=4, setData=5, getACL=6,
          setACL=7, getChildren=8, sync=9, ping=11, getChildren2=12, check=13, multi=14,
          create2=15, reconfig=16, checkWatches=17, removeWatches=18, createContainer=19,
          deleteContainer=20, createTTL=21, multiRead=22, auth=100, setWatches=101, sasl=102,
          getEphemerals=103, getAllChildrenNumber=104, setWatches2=105, addWatch=106,
          whoAmI=107, closeSession=-11, error=-1)
OPNAME = {v: k for k, v in OP.items()}

# Error codes (protocol §1.7)
ERR = dict(OK=0, SYSTEMERROR=-1, RUNTIMEINCONSISTENCY=-2, MARSHALLINGERROR=-5, UNIMPLEMENTED=-6,
           BADARGUMENTS=-8, NONODE=-101, NOAUTH=-102, BADVERSION=-103,
           NOCHILDRENFOREPHEMERALS=-108, NODEEXISTS=-110, NOTEMPTY=-111, SESSIONEXPIRED=-112,
           INVALIDACL=-114, AUTHFAILED=-115, NOWATCHER=-121, RECONFIGDISABLED=-123)

PERM_ALL = 31
OPEN_ACL = [(31, "world", "anyone")]
READ_ACL = [(1, "world", "anyone")]

XID_NOTIFICATION, XID_PING, XID_AUTH, XID_SET_WATCHES = -1, -2, -4, -8


class Writer:
    def __init__(self):
        self.parts = []

    def i32(self, v):
        self.parts.append(struct.pack(">i", v))
        return self

    def i64(self, v):
        self.parts.append(struct.pack(">q", v))
        return self

    def bool(self, v):
        self.parts.append(b"\x01" if v else b"\x00")
        return self

    def buf(self, b):
        if b is None:
            return self.i32(-1)
        self.i32(len(b))
        self.parts.append(bytes(b))
        return self

    def str(self, s):
        return self.buf(None if s is None else s.encode("utf-8"))

    def raw(self, b):
        self.parts.append(bytes(b))
        return self

    def strs(self, items):
        if items is None:
            return self.i32(-1)
        self.i32(len(items))
        for s in items:
            self.str(s)
        return self

    def acl(self, acls):
        """acls: list of (perms, scheme, id) or None."""
        if acls is None:
            return self.i32(-1)
        self.i32(len(acls))
        for perms, scheme, ident in acls:
            self.i32(perms).str(scheme).str(ident)
        return self

    def bytes(self):
        return b"".join(self.parts)


class DecodeError(ValueError):
    pass


class Reader:
    def __init__(self, data):
        self.data = bytes(data)
        self.pos = 0

    def _take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise DecodeError("need %d bytes at %d, have %d" % (n, self.pos, len(self.data)))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def i32(self):
        return struct.unpack(">i", self._take(4))[0]

    def i64(self):
        return struct.unpack(">q", self._take(8))[0]

    def bool(self):
        return self._take(1) != b"\x00"

    def buf(self):
        n = self.i32()
        return None if n < 0 else self._take(n)

    def str(self):
        b = self.buf()
        return None if b is None else b.decode("utf-8", errors="surrogateescape")

    def strs(self):
        n = self.i32()
        return None if n < 0 else [self.str() for _ in range(n)]

    def acl(self):
        n = self.i32()
        return None if n < 0 else [(self.i32(), self.str(), self.str()) for _ in range(n)]

    def stat(self):
        return read_stat(self)

    def remaining(self):
        return len(self.data) - self.pos

    def rest(self):
        return self._take(self.remaining())


STAT_FIELDS = ("czxid", "mzxid", "ctime", "mtime", "version", "cversion", "aversion",
               "ephemeralOwner", "dataLength", "numChildren", "pzxid")
_STAT = struct.Struct(">qqqqiiiqiiq")


def read_stat(r):
    return dict(zip(STAT_FIELDS, _STAT.unpack(r._take(_STAT.size))))


# ---- request bodies ----
def create_req(path, data=b"", acl=OPEN_ACL, flags=0, ttl=None):
    w = Writer().str(path).buf(data).acl(acl).i32(flags)
    if ttl is not None:
        w.i64(ttl)
    return w.bytes()


def path_req(path):
    return Writer().str(path).bytes()


def path_watch_req(path, watch=False):
    return Writer().str(path).bool(watch).bytes()


def delete_req(path, version=-1):
    return Writer().str(path).i32(version).bytes()


def set_data_req(path, data, version=-1):
    return Writer().str(path).buf(data).i32(version).bytes()


def set_acl_req(path, acl, version=-1):
    return Writer().str(path).acl(acl).i32(version).bytes()


def check_req(path, version):
    return Writer().str(path).i32(version).bytes()


def path_type_req(path, typ):
    return Writer().str(path).i32(typ).bytes()


def auth_req(scheme, auth):
    return Writer().i32(0).str(scheme).buf(auth).bytes()


def set_watches_req(rel_zxid, data=(), exist=(), child=(), persistent=None, recursive=None):
    w = Writer().i64(rel_zxid).strs(list(data)).strs(list(exist)).strs(list(child))
    if persistent is not None:
        w.strs(list(persistent)).strs(list(recursive or []))
    return w.bytes()


def multi_req(ops):
    """ops: list of (opcode, body-bytes). Adds MultiHeader per op and the terminator."""
    w = Writer()
    for op, body in ops:
        w.i32(op).bool(False).i32(-1).raw(body)
    w.i32(-1).bool(True).i32(-1)
    return w.bytes()


def reconfig_req(joining, leaving, new_members, cur_config_id=-1):
    return Writer().str(joining).str(leaving).str(new_members).i64(cur_config_id).bytes()


def connect_req(session_id=0, passwd=b"\0" * 16, timeout_ms=10000, last_zxid=0, read_only=False,
                with_ro=True):
    w = Writer().i32(0).i64(last_zxid).i32(timeout_ms).i64(session_id).buf(passwd)
    if with_ro:
        w.bool(read_only)
    return w.bytes()


def frame(payload):
    return struct.pack(">i", len(payload)) + payload


def parse_multi_response(r):
    """Returns list of (type, err, value). value: path / (path, stat) / stat / None."""
    out = []
    while True:
        typ, done, err = r.i32(), r.bool(), r.i32()
        if done:
            break
        if typ == OP["create"]:
            out.append((typ, err, r.str()))
        elif typ in (OP["create2"], OP["createTTL"], OP["createContainer"]):
            out.append((typ, err, (r.str(), r.stat())))
        elif typ == OP["setData"]:
            out.append((typ, err, r.stat()))
        elif typ == OP["getData"]:
            out.append((typ, err, (r.buf(), r.stat())))
        elif typ == OP["getChildren"]:
            out.append((typ, err, r.strs()))
        elif typ == OP["error"]:
            out.append((typ, err, r.i32()))
        else:
            out.append((typ, err, None))
    return out
