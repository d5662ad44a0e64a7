#!/usr/bin/python3
"""SIGTERM: zkd exits 0 within 10 s with clients connected (one writing), and keeps every
acknowledged write. SIGHUP: with zkd.log.dir set, zkd reopens zkd.log (log rotation by rename)."""
import os
import sys
import tempfile
import threading
import time

from kazoo.client import KazooClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkfault import Failures, ZkdProcess, zkd_bin  # noqa: E402


def read(path):
    with open(path, errors="replace") as fh:
        return fh.read()


def main():
    binary = zkd_bin()
    f = Failures()
    with tempfile.TemporaryDirectory(prefix="zkd-sig-") as work:
        log_dir = os.path.join(work, "logs")
        os.makedirs(log_dir)
        zkd = ZkdProcess(binary, work, log_dir=log_dir).start()
        log = os.path.join(log_dir, "zkd.log")
        f.check(os.path.exists(log), "zkd.log not created in zkd.log.dir")

        # --- SIGHUP reopens the log ---
        rotated = log + ".1"
        os.rename(log, rotated)
        zkd.proc.send_signal(1)  # SIGHUP
        deadline = time.time() + 5
        while time.time() < deadline and not (os.path.exists(log) and "SIGHUP" in read(log)):
            time.sleep(0.05)
        f.check(os.path.exists(log), "SIGHUP did not create a new zkd.log")
        if os.path.exists(log):
            f.check("reopened" in read(log), "new zkd.log lacks the SIGHUP line: %r" % read(log)[:300])
        f.check("reopened" not in read(rotated), "the SIGHUP line went to the rotated file")

        # --- clients connected, some with watches and ephemerals ---
        clients = []
        for i in range(4):
            zk = KazooClient(hosts=zkd.hosts(), timeout=10)
            zk.start(10)
            zk.create("/c%d" % i, b"v%d" % i)
            zk.create("/e%d" % i, b"", ephemeral=True)
            zk.exists("/c%d" % i, watch=lambda ev: None)
            clients.append(zk)
        # One more client keeps writing (pipelined) while SIGTERM arrives.
        loader = KazooClient(hosts=zkd.hosts(), timeout=10)
        loader.start(10)
        loader.create("/load")
        acked, stop = [], threading.Event()

        def load():
            i = 0
            while not stop.is_set():
                batch = [("/load/n%06d" % (i + k), loader.create_async("/load/n%06d" % (i + k), b"x"))
                         for k in range(20)]
                i += 20
                for p, r in batch:
                    try:
                        r.get(timeout=5)
                        acked.append(p)
                    except Exception:
                        stop.set()
        t = threading.Thread(target=load, daemon=True)
        t.start()
        time.sleep(0.5)
        rc, took = zkd.terminate(timeout=12)
        stop.set()
        t.join(10)
        loader.stop()
        loader.close()
        print("%d writes acknowledged before SIGTERM took effect" % len(acked), flush=True)
        print("SIGTERM with %d clients (one writing): exit=%s in %.2fs" % (len(clients) + 1, rc, took), flush=True)
        f.check(rc == 0, "SIGTERM exit code must be 0, got %s" % rc)
        f.check(took <= 10.0, "SIGTERM took %.1fs (> 10 s)" % took)
        for zk in clients:
            zk.stop()
            zk.close()
        if os.path.exists(log):
            text = read(log)
            f.check("shutting down" in text, "lines after the SIGHUP (shutdown) are not in the new zkd.log")
            f.check("shutting down" not in read(rotated), "shutdown line went to the rotated log")

        # Acknowledged writes survive a clean stop.
        zkd.start()
        zk = KazooClient(hosts=zkd.hosts(), timeout=10)
        zk.start(10)
        for i in range(4):
            f.check(zk.get("/c%d" % i)[0] == b"v%d" % i, "/c%d lost over SIGTERM restart" % i)
        missing = [p for p in acked if zk.exists(p) is None]
        f.check(not missing, "%d writes acknowledged before SIGTERM are missing after restart: %r"
                % (len(missing), missing[:5]))
        f.check(len(acked) > 0, "no write was acknowledged under load before SIGTERM")
        zk.stop()
        zk.close()
        # SIGINT behaves as SIGTERM.
        zkd.proc.send_signal(2)
        try:
            rc = zkd.proc.wait(10)
        except Exception:
            zkd.kill9()
            rc = None
        f.check(rc == 0, "SIGINT exit code must be 0, got %s" % rc)
    f.finish("test_signals")


if __name__ == "__main__":
    main()
