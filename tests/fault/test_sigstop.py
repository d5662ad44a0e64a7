#!/usr/bin/python3
"""SIGSTOP/SIGCONT: zkd frozen for twice the session timeout while clients are connected
(one writing), then resumed. It must serve again, keep every acknowledged write, and agree
with each client about its session: a client that got its session back still has its
ephemeral; a client told its session expired no longer has it (nothing in between). ZK_TARGET=zookeeper runs it against Apache ZooKeeper."""
import os
import signal
import sys
import tempfile
import threading
import time

from kazoo.client import KazooClient
from kazoo.protocol.states import KazooState

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkfault import Failures, four_letter, make_server, target, zkd_bin  # noqa: E402

TIMEOUT = 2.0


def main():
    binary = zkd_bin()
    f = Failures()
    with tempfile.TemporaryDirectory(prefix="zkd-stop-") as work:
        zkd = make_server(binary, work).start()
        clients, lost = [], {}
        for i in range(4):
            zk = KazooClient(hosts=zkd.hosts(), timeout=TIMEOUT)
            zk.add_listener(lambda state, i=i: lost.__setitem__(i, True) if state == KazooState.LOST else None)
            zk.start(10)
            zk.create("/e%d" % i, b"", ephemeral=True)
            clients.append((zk, zk.client_id[0]))
        writer = clients[0][0]
        writer.create("/w")
        acked, stop = [], threading.Event()

        def load():
            i = 0
            while not stop.is_set():
                try:
                    writer.create("/w/n%06d" % i, b"x")
                    acked.append("/w/n%06d" % i)
                except Exception:
                    time.sleep(0.05)
                i += 1
        t = threading.Thread(target=load, daemon=True)
        t.start()
        time.sleep(0.5)
        zkd.proc.send_signal(signal.SIGSTOP)
        time.sleep(2 * TIMEOUT + 1)
        zkd.proc.send_signal(signal.SIGCONT)
        t0 = time.time()
        while time.time() - t0 < 5 and four_letter(zkd.port, "ruok", 0.5) != "imok":
            time.sleep(0.05)
        f.check(four_letter(zkd.port, "ruok") == "imok", "zkd does not answer ruok 5 s after SIGCONT")
        time.sleep(3 * TIMEOUT)  # let clients reconnect or learn of expiry, and expiries apply
        stop.set()
        t.join(10)
        check = KazooClient(hosts=zkd.hosts(), timeout=10)
        check.start(10)
        missing = [p for p in acked if check.exists(p) is None]
        f.check(not missing, "%d acknowledged writes missing after SIGSTOP/SIGCONT: %r" % (len(missing), missing[:5]))
        f.check(len(acked) > 0, "no write acknowledged around the stop")
        for i, (zk, sid) in enumerate(clients):
            node = check.exists("/e%d" % i)
            kept = zk.state == KazooState.CONNECTED and zk.client_id[0] == sid and not lost.get(i)
            print("client %d: %s, state %s, ephemeral %s" % (i, "session kept" if kept else "session lost",
                                                            zk.state, "present" if node else "gone"), flush=True)
            if kept:
                f.check(node is not None and node.ephemeralOwner == sid,
                        "client %d kept session 0x%x but its ephemeral is gone" % (i, sid))
            elif lost.get(i):
                f.check(node is None, "client %d was told its session expired but /e%d is still there" % (i, i))
        check.create("/after", b"ok")
        f.check(check.get("/after")[0] == b"ok", "write after SIGCONT failed")
        check.stop()
        check.close()
        for zk, _ in clients:
            zk.stop()
            zk.close()
        rc, _ = zkd.terminate()
        f.check(rc == 0 or target() == "zookeeper", "SIGTERM exit %s" % rc)  # the JVM exits 143
    f.finish("test_sigstop")


if __name__ == "__main__":
    main()
