"""Runs a scripted sequence of raw protocol steps against one server and records every
frame the server sends back, decoded and normalized (see normalize.py).

Step kinds (plain tuples, see script.py):
  ("connect", conn, opts)        open a TCP connection and handshake
  ("req", conn, op, body, xid)   send a request; record frames up to and incl. its reply
  ("drain", conn)                ping; record frames up to the ping reply (flushes events)
  ("expect_close", conn)         record frames until the server closes (or 'OPEN' after 2 s)
  ("raw", conn, bytes)           send bytes as-is; record frames / close within a short wait
  ("sleep", seconds)
  ("drop", conn)                 close the TCP connection without closeSession
  ("restart", hard)              restart the server (SIGKILL if hard) on the same dataDir
A body may be a callable taking the Runner (to use this server's session id, zxid...).
"""
import socket
import struct
import time

import normalize
from normalize import OP

import jute

QUIET_S = 0.6  # how long "no answer" is observed for raw / malformed input


class Conn:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=5)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.xid = 0
        self.op_of_xid = {-2: OP["ping"], -4: OP["auth"], -8: OP["setWatches"]}
        self.closed = False
        self.session_id = 0
        self.passwd = b"\0" * 16
        self.last_zxid = 0
        self.handshaken = False

    def send(self, data):
        try:
            self.sock.sendall(data)
            return True
        except OSError:
            self.closed = True
            return False

    def recv_frame(self, timeout):
        """A frame, None on timeout, or raises EOFError when the peer closed."""
        deadline = time.monotonic() + timeout
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack(">i", self.buf[:4])
                if n < 0 or n > (1 << 26):
                    raise EOFError("bad length %d from server" % n)
                if len(self.buf) >= 4 + n:
                    f, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
                    return f
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                b = self.sock.recv(65536)
            except socket.timeout:
                return None
            except OSError:
                b = b""
            if not b:
                self.closed = True
                raise EOFError("closed")
            self.buf += b

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Runner:
    def __init__(self, server):
        self.server = server
        self.conns = {}
        self.norm = normalize.Normalizer()

    # ---- recording helpers ----
    def _render_reply(self, conn, frame):
        fields = normalize.decode_reply(frame, conn.op_of_xid)
        zx = [v for n, k, v in fields if n == "zxid"]
        if zx and zx[0] > 0:
            conn.last_zxid = zx[0]
        return self.norm.render(fields)

    def _collect(self, conn, until_xid=None, timeout=5.0, quiet=None):
        """Read frames until one with xid == until_xid (if given), the peer closes, or time
        runs out. Returns rendered frames; adds 'CLOSED' / 'TIMEOUT' / 'OPEN' markers."""
        out = []
        deadline = time.monotonic() + (quiet if quiet is not None else timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                out.append("OPEN" if until_xid is None else "TIMEOUT")
                return out
            try:
                f = conn.recv_frame(left)
            except EOFError as e:
                out.append("CLOSED" if str(e) == "closed" else "BAD_FRAME %s" % e)
                return out
            if f is None:
                continue
            if not conn.handshaken:
                conn.handshaken = True
                fields = normalize.decode_connect(f)
                out.append("connect " + self.norm.render(fields))
                continue
            out.append(self._render_reply(conn, f))
            if until_xid is not None and len(f) >= 4 and struct.unpack(">i", f[:4])[0] == until_xid:
                return out

    # ---- steps ----
    def step(self, st):
        kind = st[0]
        if kind == "sleep":
            time.sleep(st[1])
            return []
        if kind == "connect":
            return self._connect(st[1], st[2] if len(st) > 2 else {})
        if kind == "restart":  # ("restart", hard): every connection dies, same dataDir/port
            for c in self.conns.values():
                c.close()
                c.closed = True
            self.server.restart(hard=st[1])
            return ["RESTARTED"]
        conn = self.conns[st[1]]
        if conn.closed and kind != "expect_close":
            return ["(connection already closed)"]
        if kind == "req":
            _, _, op, body, xid = st
            if callable(body):
                body = body(self)
            if xid is None:
                conn.xid += 1
                xid = conn.xid
            conn.op_of_xid[xid] = op
            if not conn.send(jute.frame(struct.pack(">ii", xid, op) + body)):
                return ["SEND_FAILED"] + self._collect(conn, quiet=QUIET_S)
            return self._collect(conn, until_xid=xid)
        if kind == "drain":
            conn.send(jute.frame(struct.pack(">ii", -2, OP["ping"])))
            return self._collect(conn, until_xid=-2)
        if kind == "drop":  # close the socket without closeSession
            conn.close()
            conn.closed = True
            return []
        if kind == "expect_close":
            if conn.closed:
                return ["CLOSED"]
            return self._collect(conn, quiet=2.0)
        if kind == "raw":
            data = st[2](self) if callable(st[2]) else st[2]
            self._note_xids(conn, data)
            if not conn.send(data):
                return ["SEND_FAILED"] + self._collect(conn, quiet=QUIET_S)
            return self._collect(conn, quiet=QUIET_S)
        raise ValueError("unknown step %r" % (st,))

    @staticmethod
    def _note_xids(conn, data):
        """Remember xid -> opcode for every complete request frame inside raw bytes."""
        if not conn.handshaken:
            return
        pos = 0
        while pos + 12 <= len(data):
            (n,) = struct.unpack(">i", data[pos:pos + 4])
            if n < 8 or pos + 4 + n > len(data):
                return
            xid, op = struct.unpack(">ii", data[pos + 4:pos + 12])
            conn.op_of_xid.setdefault(xid, op)
            pos += 4 + n

    def _connect(self, name, opts):
        if name in self.conns:
            self.conns[name].close()
        conn = Conn(self.server.host, self.server.port)
        self.conns[name] = conn
        sid, pw = 0, b"\0" * 16
        if "session_of" in opts:
            other = self.conns[opts["session_of"]]
            sid, pw = other.session_id, other.passwd
        if opts.get("bad_passwd"):
            pw = bytes(b ^ 0xFF for b in pw)
        if "session_id" in opts:
            sid = opts["session_id"]
        if opts.get("no_handshake"):
            return []
        conn.send(jute.frame(jute.connect_req(sid, pw, opts.get("timeout_ms", 10000),
                                              opts.get("last_zxid", 0),
                                              with_ro=opts.get("with_ro", True))))
        try:
            f = conn.recv_frame(5.0)
        except EOFError:
            return ["CLOSED"]
        if f is None:
            return ["TIMEOUT"]
        conn.handshaken = True
        r = jute.Reader(f)
        try:
            r.i32(), r.i32()
            conn.session_id, conn.passwd = r.i64(), r.buf()
        except jute.DecodeError:
            pass
        return ["connect " + self.norm.render(normalize.decode_connect(f))]

    def _close_session_on(self, c):
        try:
            c.sock.sendall(jute.frame(struct.pack(">ii", 999999, OP["closeSession"])))
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                c.recv_frame(deadline - time.monotonic())
        except (OSError, EOFError):
            pass

    def close(self):
        """Close every session this script opened and wait until the server has done so,
        also for sessions whose connection the server dropped (otherwise they expire later,
        at a timing-dependent point of the next script)."""
        sessions = {}
        for c in self.conns.values():
            if c.session_id:
                sessions[c.session_id] = c.passwd
            if not c.closed and c.handshaken:
                self._close_session_on(c)
            c.close()
        for sid, pw in sessions.items():
            try:
                c = Conn(self.server.host, self.server.port)
                c.send(jute.frame(jute.connect_req(sid, pw, 4000)))
                f = c.recv_frame(3.0)
                if f and jute.Reader(f[4:]).i32() > 0:  # timeout > 0: session still alive
                    c.handshaken = True
                    self._close_session_on(c)
                c.close()
            except (OSError, EOFError):
                pass


def run_script(server, steps):
    """Returns a list of (step, [rendered frames])."""
    r = Runner(server)
    try:
        return [(st, r.step(st)) for st in steps]
    finally:
        r.close()
