"""A raw-socket ZooKeeper protocol client for protocol-level tests.

One TCP connection, synchronous request/reply, every recv bounded by a timeout.
Notifications (xid -1) read while waiting for a reply are queued in `events`.
"""
import socket
import struct
import time

import jute
from jute import OP, Reader, Writer


class ConnectionClosed(Exception):
    pass


class RawConn:
    def __init__(self, host, port, timeout=5.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.timeout = timeout
        self.xid = 0
        self.events = []  # (type, state, path, zxid)
        self.session_id = None
        self.passwd = None
        self.negotiated_timeout = None
        self._buf = b""

    # ---- framing ----
    def send_raw(self, data):
        self.sock.sendall(data)

    def send_frame(self, payload):
        self.sock.sendall(jute.frame(payload))

    def _recv_exact(self, n, deadline):
        while len(self._buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("timed out waiting for %d bytes" % n)
            self.sock.settimeout(left)
            try:
                b = self.sock.recv(65536)
            except ConnectionResetError:
                b = b""
            if not b:
                raise ConnectionClosed("peer closed (%d bytes pending)" % len(self._buf))
            self._buf += b
        out, self._buf = self._buf[:n], self._buf[n:]
        return out

    def recv_frame(self, timeout=None):
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        (n,) = struct.unpack(">i", self._recv_exact(4, deadline))
        if n < 0 or n > 64 * 1024 * 1024:
            raise ValueError("bad frame length %d" % n)
        return self._recv_exact(n, deadline)

    # ---- session ----
    def connect(self, session_id=0, passwd=b"\0" * 16, timeout_ms=10000, last_zxid=0,
                read_only=False, with_ro=True):
        self.send_frame(jute.connect_req(session_id, passwd, timeout_ms, last_zxid, read_only,
                                         with_ro))
        body = self.recv_frame()
        r = Reader(body)
        resp = dict(protocol=r.i32(), timeout=r.i32(), session_id=r.i64(), passwd=r.buf())
        resp["read_only"] = r.bool() if r.remaining() else None
        resp["raw"] = body
        self.session_id, self.passwd = resp["session_id"], resp["passwd"]
        self.negotiated_timeout = resp["timeout"]
        return resp

    # ---- requests ----
    def send_request(self, op, body=b"", xid=None):
        if xid is None:
            self.xid += 1
            xid = self.xid
        self.send_frame(Writer().i32(xid).i32(op).bytes() + body)
        return xid

    def read_reply(self, timeout=None):
        """Next non-notification frame as (xid, zxid, err, body-bytes)."""
        while True:
            f = self.recv_frame(timeout)
            r = Reader(f)
            xid, zxid, err = r.i32(), r.i64(), r.i32()
            if xid == jute.XID_NOTIFICATION:
                self.events.append((r.i32(), r.i32(), r.str(), zxid))
                continue
            return xid, zxid, err, r.rest()

    def call(self, op, body=b"", timeout=None):
        """Send a request and return (err, Reader over body, zxid)."""
        if isinstance(op, str):
            op = OP[op]
        xid = self.send_request(op, body, xid=jute.XID_PING if op == OP["ping"] else None)
        rxid, zxid, err, rest = self.read_reply(timeout)
        if rxid != xid:
            raise AssertionError("xid mismatch: sent %d got %d" % (xid, rxid))
        return err, Reader(rest), zxid

    def auth(self, scheme, credential):
        self.send_request(OP["auth"], jute.auth_req(scheme, credential), xid=jute.XID_AUTH)
        rxid, zxid, err, rest = self.read_reply()
        assert rxid == jute.XID_AUTH
        return err

    def ping(self):
        err, _, zxid = self.call("ping")
        return err

    def wait_events(self, n, timeout=5.0):
        """Block until at least n events are queued (pings the server while waiting)."""
        deadline = time.monotonic() + timeout
        while len(self.events) < n:
            if time.monotonic() > deadline:
                raise AssertionError("expected %d events, got %r" % (n, self.events))
            try:
                f = self.recv_frame(timeout=0.2)
            except socket.timeout:
                continue
            r = Reader(f)
            xid, zxid, err = r.i32(), r.i64(), r.i32()
            if xid == jute.XID_NOTIFICATION:
                self.events.append((r.i32(), r.i32(), r.str(), zxid))
            else:
                raise AssertionError("unexpected reply xid %d while waiting for events" % xid)
        return self.events

    def close_session(self):
        try:
            self.call(OP["closeSession"], timeout=3)
        except (ConnectionClosed, OSError):
            pass
        self.close()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_session(host, port, **kw):
    c = RawConn(host, port)
    c.connect(**kw)
    return c
