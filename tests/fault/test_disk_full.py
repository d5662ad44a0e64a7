#!/usr/bin/python3
"""Disk full: zkd's dataDir on a small tmpfs. Fill it with writes until zkd's store fails.
zkd must then never acknowledge another write (sticky, also after space is freed), keep
serving reads on existing sessions, say so in its log (and in mntr when mntr answers),
and after a restart with space every acknowledged write must be present.

Two layouts: the whole dataDir on the small disk (a log append fails), and only the
checkpoints there with dataLogDir elsewhere (a checkpoint write fails).

Needs root (mount); exits 77 (ctest SKIP) when the tmpfs cannot be mounted.
"""
import os
import random
import re
import subprocess
import sys
import tempfile
import time

from kazoo.client import KazooClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkfault import SKIP, Failures, ZkdProcess, four_letter, zkd_bin  # noqa: E402

PAYLOAD = 3000  # bytes per node


def write(zk, path, data, timeout=5.0):
    """Returns ("acked", stat) / ("error", exc) / ("timeout", None)."""
    r = zk.create_async(path, data, include_data=True)
    try:
        return "acked", r.get(timeout=timeout)[1]
    except Exception as e:
        if type(e).__name__ == "Timeout" or "timeout" in type(e).__name__.lower():
            return "timeout", None
        return "error", e


def mntr_storage_failed(port):
    """Value of mntr's storage-failure key (e.g. zk_zkd_storage_failed): None when mntr does
    not answer with zk_ keys, "" when it answers without such a key."""
    text = four_letter(port, "mntr")
    if not text or "zk_" not in text:
        return None
    for ln in text.splitlines():
        key, _, value = ln.partition("\t")
        if re.search(r"storage.*fail|fail.*storage", key):
            return value.strip()
    return ""


def run_case(binary, work, layout, f):
    """layout "log": dataDir (state and log) on the small disk; "checkpoint": only dataDir
    (checkpoints) there, dataLogDir elsewhere, so a checkpoint write is what fails."""
    disk = os.path.join(work, "disk-" + layout)
    os.makedirs(disk)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", disk],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP: cannot mount a tmpfs (needs root): %s" % (r.stderr.strip() or r.returncode), flush=True)
        sys.exit(SKIP)
    zkd = None
    try:
        # Leave 3 MB reserved in a filler file we delete later ("space freed").
        filler = os.path.join(disk, "filler")
        with open(filler, "wb") as fh:
            fh.write(b"\0" * (3 << 20))
            os.fsync(fh.fileno())
        extra = {"dataLogDir": os.path.join(work, "log-" + layout), "snapCount": 100} \
            if layout == "checkpoint" else {"snapCount": 1000}
        zkd = ZkdProcess(binary, work, data_dir=os.path.join(disk, "data"), maxSessionTimeout=40000, **extra)
        zkd.start()
        clients = []
        for _ in range(3):  # long timeouts: a wedged connection is not hidden by a ping timeout
            zk = KazooClient(hosts=zkd.hosts(), timeout=30)
            zk.start(10)
            clients.append(zk)
        reader, writer, prober = clients
        healthy = mntr_storage_failed(zkd.port)
        if healthy:
            f.check(healthy in ("0", "false"), "mntr reports a storage failure before the disk filled: %r" % healthy)
        writer.create("/df")
        acked = {}
        failed_at = None
        t0 = time.time()
        for i in range(5000):
            # Incompressible (checkpoints are zstd-compressed), yet checkable: seeded bytes.
            path, data = "/df/n%05d" % i, random.Random(i).randbytes(PAYLOAD)
            pending = writer.create_async(path, data, include_data=True)
            try:
                pending.get(timeout=3)
                acked[path] = data
                continue
            except Exception as e:
                failed_at = (i, e)
                break
        print("filled: %d writes acknowledged in %.1fs, then %r" % (len(acked), time.time() - t0, failed_at),
              flush=True)
        if not f.check(failed_at is not None, "5000 writes of %d bytes fit in 8 MB?" % PAYLOAD):
            return
        deadline = time.time() + 5
        while time.time() < deadline and "storage failed" not in zkd.output():
            time.sleep(0.1)
        out = zkd.output()
        f.check(re.search(r"storage failed", out) is not None,
                "zkd log does not report the storage failure: %s" % out[-800:])
        f.check(zkd.alive(), "zkd exited on disk full (expected: stays up, read-only)")
        full_line = [ln for ln in out.splitlines() if "storage failed" in ln][:1]
        print("zkd reported: %s" % (full_line[0] if full_line else "(nothing)"), flush=True)
        # The write in flight when the store failed must be answered (an error, or the
        # connection closed), not left hanging with every later reply queued behind it.
        if not pending.ready():
            t1 = time.time()
            try:
                pending.get(timeout=3)
                answer = "acked"
            except Exception as e:
                answer = type(e).__name__
            print("in-flight write at the failure: %s after %.1fs more" % (answer, time.time() - t1), flush=True)
            f.check(answer not in ("acked", "KazooTimeoutError"),
                    "the write in flight when the store failed got no answer within 3 s (connection wedged)")
            same = writer.get_async("/df")
            try:
                same.get(timeout=3)
                answer = "ok"
            except Exception as e:
                answer = type(e).__name__
            f.check(answer != "KazooTimeoutError",
                    "a read on the writing session got no answer within 3 s after the store failed")

        # Sticky: no more acknowledgements, with the disk full ...
        for k in range(5):
            status, res = write(prober, "/df/after-full-%d" % k, b"x", timeout=3)
            f.check(status != "acked", "write acknowledged after the store failed (disk full)")
        # ... and after space is freed.
        os.unlink(filler)
        time.sleep(0.3)
        for k in range(5):
            status, res = write(prober, "/df/after-free-%d" % k, b"x", timeout=3)
            f.check(status != "acked", "write acknowledged after freeing space (failure not sticky)")
            if k == 0:
                print("write after freeing space: %s %r" % (status, res), flush=True)
        r2 = prober.set_async("/df", b"y")
        try:
            r2.get(timeout=3)
            f.check(False, "set acknowledged after the store failed")
        except Exception as e:
            print("set after failure: %r" % e, flush=True)

        # Reads keep being served on existing sessions.
        sample = sorted(acked)[:: max(1, len(acked) // 50)]
        for p in sample:
            try:
                f.check(reader.get(p)[0] == acked[p], "read of %s returned wrong data" % p)
            except Exception as e:
                f.check(False, "read of %s failed after the store failed: %r" % (p, e))
        try:
            n = len(reader.get_children("/df"))
            f.check(n >= len(acked), "getChildren lists %d < %d acknowledged" % (n, len(acked)))
        except Exception as e:
            f.check(False, "getChildren failed after the store failed: %r" % e)
        f.check(four_letter(zkd.port, "ruok") == "imok", "ruok does not answer imok after disk full")
        # Not a requirement, reported: can a new client still connect to read?
        late = KazooClient(hosts=zkd.hosts(), timeout=10)
        try:
            late.start(3)
            print("a new session after the failure: connected (reads %d children)"
                  % len(late.get_children("/df")), flush=True)
        except Exception as e:
            print("a new session after the failure: refused (%s)" % type(e).__name__, flush=True)
        finally:
            late.stop()
            late.close()

        value = mntr_storage_failed(zkd.port)
        if value is None:
            print("mntr does not answer with zk_ keys; not checked", flush=True)
        else:
            print("mntr storage-failure value: %r (was %r before)" % (value, healthy), flush=True)
            f.check(value not in ("", "0", "false"), "mntr answers but shows no storage failure: %r" % value)

        for zk in clients:
            zk.stop()
            zk.close()
        rc, took = zkd.terminate()
        print("SIGTERM after storage failure: exit %s in %.1fs" % (rc, took), flush=True)
        f.check(rc is not None, "zkd did not stop within 10 s after a storage failure")

        # Restart with space available: every acknowledged write is present.
        subprocess.run(["mount", "-o", "remount,size=64m", disk], check=True)
        zkd.start()
        zk = KazooClient(hosts=zkd.hosts(), timeout=10)
        zk.start(10)
        missing = []
        for p, data in acked.items():
            r3 = zk.get_async(p)
            try:
                if r3.get(timeout=10)[0] != data:
                    missing.append(p + " (wrong data)")
            except Exception:
                missing.append(p)
        f.check(not missing, "after restart %d acknowledged writes are missing: %r" % (len(missing), missing[:5]))
        status, res = write(zk, "/df/after-restart", b"z")
        f.check(status == "acked", "write after restart with space failed: %s %r" % (status, res))
        print("after restart: %d/%d acknowledged nodes present" % (len(acked) - len(missing), len(acked)),
              flush=True)
        zk.stop()
        zk.close()
        rc, _ = zkd.terminate()
        f.check(rc == 0, "SIGTERM exit code %s" % rc)
    finally:
        if zkd is not None:
            zkd.kill9()
        subprocess.run(["umount", disk])


def main():
    binary = zkd_bin()
    f = Failures()
    with tempfile.TemporaryDirectory(prefix="zkd-full-") as work:
        for layout in ("log", "checkpoint"):
            print("--- %s disk full ---" % layout, flush=True)
            f.label = "[%s] " % layout
            run_case(binary, work, layout, f)
    f.finish("test_disk_full")


if __name__ == "__main__":
    main()
