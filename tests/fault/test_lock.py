#!/usr/bin/python3
"""A second zkd on the same dataDir must refuse to start (non-zero exit, message naming the
lock) while the first keeps serving reads and writes."""
import os
import sys
import tempfile

from kazoo.client import KazooClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkfault import Failures, ZkdProcess, four_letter, zkd_bin  # noqa: E402


def main():
    binary = zkd_bin()
    f = Failures()
    with tempfile.TemporaryDirectory(prefix="zkd-lock-") as work:
        first = ZkdProcess(binary, work).start()
        zk = KazooClient(hosts=first.hosts(), timeout=10)
        zk.start(10)
        zk.create("/before", b"1")
        # Same dataDir, different port; also a separate dataLogDir must not dodge the lock.
        for variant, extra in (("same dirs", {}), ("other dataLogDir", {"dataLogDir": os.path.join(work, "otherlog")})):
            second = ZkdProcess(binary, work, data_dir=first.data_dir, **extra)
            second.spawn()
            try:
                rc = second.proc.wait(10)
            except Exception:
                second.kill9()
                rc = "still running after 10 s"
            out = second.output()
            print("[%s] second zkd exit=%s output: %s" % (variant, rc, out.strip()[-400:]), flush=True)
            f.check(isinstance(rc, int) and rc != 0, "[%s] second zkd must exit non-zero, got %s" % (variant, rc))
            f.check("zkd.lock" in out, "[%s] second zkd's message must name zkd.lock" % variant)
            f.check(str(first.proc.pid) in out, "[%s] message should name the holder pid %d" % (variant, first.proc.pid))
            f.check(four_letter(first.port, "ruok") == "imok", "[%s] first zkd must keep serving" % variant)
            f.check(four_letter(second.port, "ruok") is None, "[%s] second zkd must not serve" % variant)
            f.check(first.alive(), "[%s] first zkd must still run" % variant)
        # A different dataDir sharing the first one's log directory must not open its log.
        other = ZkdProcess(binary, work, data_dir=os.path.join(work, "data2"), dataLogDir=first.data_dir)
        other.spawn()
        try:
            rc = other.proc.wait(10)
        except Exception:
            other.kill9()
            rc = "still running after 10 s"
        print("[shared dataLogDir] exit=%s output: %s" % (rc, other.output().strip()[-300:]), flush=True)
        f.check(isinstance(rc, int) and rc != 0, "[shared dataLogDir] zkd must refuse, got %s" % rc)
        f.check(four_letter(first.port, "ruok") == "imok", "[shared dataLogDir] first zkd must keep serving")
        # The first still reads and writes, and its data is intact.
        f.check(zk.get("/before")[0] == b"1", "first zkd lost /before")
        zk.create("/after", b"2")
        f.check(zk.get("/after")[0] == b"2", "first zkd cannot write after the refused start")
        zk.stop()
        zk.close()
        rc, _ = first.terminate()
        f.check(rc == 0, "first zkd exit code on SIGTERM: %s" % rc)
        # Lock released on exit: a new process can take over the dataDir.
        again = ZkdProcess(binary, work, data_dir=first.data_dir).start()
        zk = KazooClient(hosts=again.hosts(), timeout=10)
        zk.start(10)
        f.check(zk.exists("/after") is not None, "restart after the lock holder exited lost /after")
        zk.stop()
        zk.close()
        again.terminate()
    f.finish("test_lock")


if __name__ == "__main__":
    main()
