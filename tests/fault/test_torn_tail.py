#!/usr/bin/python3
"""Damaged log files on a real server.

Part A, torn WAL tail: write N nodes one at a time (each acknowledged before the next),
kill -9, then damage the end of the newest log segment's WAL (zkd-log.<zxid>.db-wal):
  partial-frame   append a partial, garbage frame (what a crash mid-write leaves): every
                  acknowledged write must survive;
  cut-1 / cut-half / garble-last   cut into / garble the last (complete, acknowledged)
                  frame: SQLite drops that transaction, so the data must be a prefix of the
                  acknowledged history (losing only the tail).
zkd must start, serve, and accept new writes.

Part B, corruption inside the newest log segment / a checkpoint after a clean stop (WAL
checkpointed in):
  row-crc-middle  one log row's bytes changed (row CRC mismatch, valid rows after it);
  page-middle     a b-tree page header in the middle overwritten (SQLite-level corruption);
  row-crc-last    (only with ZKD_FAULT_CASES=row-crc-last) the LAST row's bytes changed. That
                  row was committed by SQLite and acknowledged; a row CRC mismatch in a
                  committed row is bit rot, not a torn write, so it is held to the same rule;
  state-chunk     a checkpoint chunk in zkd-state.db changed (chunk CRC mismatch);
zkd must refuse to start with a message naming the file, and move the file aside
(<file>.corrupt-N, same bytes), never delete it. A further start must refuse too (the log
is gone, the state says there was one), or, for a damaged checkpoint when an older
checkpoint and the log remain, serve every acknowledged write.

ZKD_FAULT_CASES=name,name runs only those cases.
"""
import glob
import os
import struct
import sys
import tempfile
import time

from kazoo.client import KazooClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkfault import Failures, ZkdProcess, four_letter, newest_log_segment, zkd_bin  # noqa: E402

N = 150


def write_nodes(zkd, n, marker=False):
    zk = KazooClient(hosts=zkd.hosts(), timeout=10)
    zk.start(10)
    zk.create("/t")
    acked = []
    for i in range(n):
        data = (b"MARK%05d" % i) + b"." * 60 if marker else b"v%d" % i
        zk.create("/t/n%05d" % i, data)
        acked.append(("/t/n%05d" % i, data))
    return zk, acked


def present_prefix(zk, acked):
    """Number k of acknowledged nodes present; checks they are exactly the first k."""
    present = [zk.exists(p) is not None for p, _ in acked]
    k = present.index(False) if False in present else len(present)
    return k, all(not x for x in present[k:])


def wal_frames(wal):
    with open(wal, "rb") as fh:
        head = fh.read(32)
    page_size = struct.unpack(">I", head[8:12])[0]
    size = os.path.getsize(wal)
    return page_size, (size - 32) // (24 + page_size), size


def torn_case(binary, work, name, f):
    d = os.path.join(work, name)
    os.makedirs(d)
    zkd = ZkdProcess(binary, d).start()
    zk, acked = write_nodes(zkd, N)
    zkd.kill9()
    zk.stop()
    zk.close()
    wal = newest_log_segment(zkd.data_dir) + "-wal"
    if not f.check(os.path.exists(wal) and os.path.getsize(wal) > 32, "[%s] no %s after kill -9" % (name, wal)):
        return
    page_size, frames, size = wal_frames(wal)
    frame = 24 + page_size
    if name == "partial-frame":
        with open(wal, "ab") as fh:
            fh.write(os.urandom(24 + page_size // 3))
    elif name == "cut-1":
        os.truncate(wal, size - 1)
    elif name == "cut-half":
        os.truncate(wal, size - frame // 2)
    elif name == "garble-last":
        with open(wal, "r+b") as fh:
            fh.seek(32 + (frames - 1) * frame + 24 + 100)
            fh.write(os.urandom(64))
    print("[%s] WAL %d bytes, %d frames of %d; damaged to %d bytes" %
          (name, size, frames, page_size, os.path.getsize(wal)), flush=True)
    try:
        zkd.start()
    except RuntimeError as e:
        f.check(False, "[%s] zkd did not start after a damaged WAL tail: %s" % (name, e))
        return
    zk = KazooClient(hosts=zkd.hosts(), timeout=10)
    zk.start(10)
    k, is_prefix = present_prefix(zk, acked)
    print("[%s] %d of %d acknowledged nodes present" % (name, k, N), flush=True)
    f.check(is_prefix, "[%s] surviving nodes are not a prefix of the acknowledged history" % name)
    for p, data in acked[:k]:
        if zk.get(p)[0] != data:
            f.check(False, "[%s] %s has wrong data" % (name, p))
            break
    if name == "partial-frame":
        f.check(k == N, "[%s] a partial trailing frame lost acknowledged writes (%d of %d)" % (name, k, N))
    else:
        f.check(k >= N - 5, "[%s] lost more than the damaged tail: %d of %d present" % (name, k, N))
    zk.create("/t/after", b"a")
    f.check(zk.get("/t/after")[0] == b"a", "[%s] write after recovery failed" % name)
    zk.stop()
    zk.close()
    # The new write is durable too.
    zkd.kill9()
    zkd.start()
    zk = KazooClient(hosts=zkd.hosts(), timeout=10)
    zk.start(10)
    f.check(zk.exists("/t/after") is not None, "[%s] write after recovery lost on the next restart" % name)
    f.check(present_prefix(zk, acked)[0] == k, "[%s] history changed on the second restart" % name)
    zk.stop()
    zk.close()
    zkd.terminate()


def corrupt_case(binary, work, name, f):
    d = os.path.join(work, name)
    os.makedirs(d)
    # state-chunk: two checkpoints (zxids ~60 and ~120); the newest one is damaged.
    zkd = ZkdProcess(binary, d, snapCount=60 if name == "state-chunk" else 100000).start()
    zk, acked = write_nodes(zkd, N, marker=True)
    # Stop zkd with the session open: the last log row is then the last create (no
    # closeSession after it).
    rc, _ = zkd.terminate()
    zk.stop()
    zk.close()
    f.check(rc == 0, "[%s] clean stop exit %s" % (name, rc))
    db = newest_log_segment(zkd.data_dir)
    if name == "state-chunk":
        # Checkpoints live in zkd-state.db, or (newer layout) one file each in checkpoints/.
        cps = sorted(glob.glob(os.path.join(zkd.data_dir, "checkpoints", "checkpoint-*.db")))
        db = cps[-1] if cps else os.path.join(zkd.data_dir, "zkd-state.db")
    fname = os.path.basename(db)
    wal = db + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        print("[%s] note: %s-wal still has %d bytes after a clean stop" % (name, fname, os.path.getsize(wal)))
    if name == "state-chunk":
        # Checkpoint chunks are zstd-compressed, so no plaintext marker to find: flip one
        # byte of the newest checkpoint's first chunk through SQLite (its CRC then fails).
        import sqlite3
        con = sqlite3.connect(db)
        (data,) = con.execute("SELECT data FROM chunk WHERE seq = 0").fetchone()
        data = bytearray(data)
        data[len(data) // 2] ^= 0x20
        con.execute("UPDATE chunk SET data = ? WHERE seq = 0", (bytes(data),))
        con.commit()
        con.close()
        with open(db, "rb") as fh:
            blob = bytearray(fh.read())  # the damaged original, to compare with what is moved aside
    else:
        with open(db, "rb") as fh:
            blob = bytearray(fh.read())
        page_size = struct.unpack(">H", blob[16:18])[0]
        page_size = 65536 if page_size == 1 else page_size
        target = b"MARK%05d" % {"row-crc-last": N - 1}.get(name, N // 2)
        at = blob.find(target)
        if not f.check(at >= 0, "[%s] marker %r not found in %s (WAL not checkpointed on clean stop?)"
                       % (name, target, fname)):
            return
        if name in ("row-crc-middle", "row-crc-last"):
            blob[at + 3] ^= 0x20  # MARK -> MARk: same length, the row CRC no longer matches
        else:
            page = at // page_size
            off = page * page_size if page > 0 else 100
            blob[off:off + 12] = b"\xee" * 12  # b-tree page header: invalid page type
        with open(db, "wb") as fh:
            fh.write(blob)
    before = len(zkd.output())
    rc, serving = start_expecting_refusal(zkd)
    out = zkd.output()[before:]
    shown = "\n".join(ln for ln in out.strip().splitlines() if "INFO  config" not in ln)
    print("[%s] start after corruption: %s; output:\n%s" % (name, "exit %d" % rc if rc is not None else
                                                               "serving", shown[-700:]), flush=True)
    if serving:
        # Report what was lost before failing: the acknowledged last create?
        zk = KazooClient(hosts=zkd.hosts(), timeout=10)
        zk.start(10)
        lost = [p for p, _ in acked if zk.exists(p) is None]
        zk.stop()
        zk.close()
        zkd.kill9()
        f.check(False, "[%s] zkd started on a corrupt %s and serves; acknowledged writes lost: %s"
                % (name, fname, lost or "none"))
        return
    f.check(rc != 0, "[%s] zkd must refuse to start on a corrupt %s (exit %s)" % (name, fname, rc))
    f.check(fname in out, "[%s] the error does not name %s" % (name, fname))
    aside = [fn for fn in os.listdir(os.path.dirname(db)) if fn.startswith(fname + ".corrupt-")]
    print("[%s] files now: %s" % (name, sorted(os.listdir(os.path.dirname(db)))), flush=True)
    main_aside = [fn for fn in aside if fn.endswith(tuple("0123456789"))]
    f.check(len(main_aside) == 1, "[%s] %s not moved aside to %s.corrupt-N: %s" % (name, fname, fname, aside))
    if main_aside:
        with open(os.path.join(os.path.dirname(db), main_aside[0]), "rb") as fh:
            f.check(fh.read() == bytes(blob), "[%s] the moved-aside file differs from the damaged original" % name)
        f.check(main_aside[0] in out, "[%s] the message does not say where the file was moved" % name)
    f.check(not os.path.exists(db), "[%s] %s still in place (or recreated) after refusal" % (name, fname))
    # A further start must not start from a partial history: it refuses, or (a damaged
    # checkpoint with an older one and the log still there) serves every acknowledged write.
    before = len(zkd.output())
    rc2, serving2 = start_expecting_refusal(zkd)
    print("[%s] second start: %s: %s" % (name, "serving" if serving2 else "exit %s" % rc2,
                                         zkd.output()[before:].strip()[-300:]), flush=True)
    if serving2:
        zk = KazooClient(hosts=zkd.hosts(), timeout=10)
        zk.start(10)
        lost = [p for p, data in acked if zk.exists(p) is None or zk.get(p)[0] != data]
        zk.stop()
        zk.close()
        zkd.kill9()
        f.check(not lost, "[%s] second start serves without %d acknowledged writes: %r" % (name, len(lost), lost[:5]))
    else:
        f.check(rc2 != 0, "[%s] second start: exit %s" % (name, rc2))


def start_expecting_refusal(zkd, timeout=15.0):
    """Starts zkd; returns (exit code, False) when it exits, (None, True) once it serves."""
    proc = zkd.spawn()
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return proc.returncode, False
        if four_letter(zkd.port, "ruok", 0.5) == "imok":
            return None, True
        time.sleep(0.05)
    zkd.kill9()
    return None, False


def main():
    binary = zkd_bin()
    f = Failures()
    only = os.environ.get("ZKD_FAULT_CASES", "")
    with tempfile.TemporaryDirectory(prefix="zkd-torn-") as work:
        t0 = time.time()
        for name in ("partial-frame", "cut-1", "cut-half", "garble-last"):
            if not only or name in only.split(","):
                torn_case(binary, work, name, f)
        for name in ("row-crc-middle", "page-middle", "state-chunk", "row-crc-last"):
            if (not only and name != "row-crc-last") or name in only.split(","):
                corrupt_case(binary, work, name, f)
        print("cases done in %.1fs" % (time.time() - t0), flush=True)
    f.finish("test_torn_tail")


if __name__ == "__main__":
    main()
