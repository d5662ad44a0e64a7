#!/usr/bin/python3
"""kill -9 under write load, then restart on the same dataDir and check durability.

Each iteration: start zkd, run WRITERS concurrent kazoo clients (pipelined async creates of
persistent, sequential and ephemeral nodes, and sets), kill -9 zkd at a random moment
(seeded; the seed is printed), restart, and verify against a model of every attempt:
  - zxids never go backwards: a write after the restart gets a zxid above every
    acknowledged one;
  - every acknowledged create/set is present, at least at the acknowledged version/mzxid;
  - a node's data is the last acknowledged value for it or a later attempted one (one
    session's requests apply in order, so nothing earlier than the last ack may show);
  - nothing is present that was never attempted;
  - sequence numbers are never reused: new sequential nodes after the restart number
    strictly above every sequence number seen (acknowledged or present) before;
  - one writer's session (the survivor) reconnects with its id+password within the
    timeout and keeps its session and ephemerals; the other sessions died with the
    process and their ephemerals are gone once the session timeout has passed.
In some iterations zkd is also killed again while it recovers. The dataDir carries over GROUP iterations (recovery from checkpoint + log), snapCount is
small so checkpoints happen during iterations, and so is txnLogSizeLimitInKb, so the log
moves to new segment files (and purges old ones) during iterations too.

ZK_TARGET=zookeeper runs it against Apache ZooKeeper 3.8 (the oracle) instead of zkd.
(with ZKD_FAULT_SESSION_TIMEOUT=30 or so: seconds, default 4).
Environment: ZKD_FAULT_SEED, ZKD_FAULT_ITERATIONS (default 50). ZKD_FAULT_SABOTAGE=N deletes the
last N log rows after each kill (a simulated durability bug): the test must then fail, which
shows the checks can fail.
"""
import os
import random
import re
import sqlite3
import sys
import tempfile
import threading
import time

from kazoo.client import KazooClient

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from zkfault import Failures, make_server, newest_log_segment, target, zkd_bin  # noqa: E402

DEFINITE_FAILURES = {"NodeExistsError", "NoNodeError", "BadVersionError", "NotEmptyError",
                     "NoChildrenForEphemeralsError", "BadArgumentsError", "NoAuthError"}
WRITERS = 4
WINDOW = 16           # outstanding async requests per writer
GROUP = 10            # iterations sharing one dataDir
# ZooKeeper as the target needs long timeouts: its JVM restart can outlast 3 s on a busy machine.
SESSION_TIMEOUT = float(os.environ.get("ZKD_FAULT_SESSION_TIMEOUT", "4.0"))
TICK_MS = 500
EXPIRY_EVERY = 4      # check dead sessions' ephemerals every N iterations (and at group end)


class Attempt:
    __slots__ = ("data", "status", "stat")

    def __init__(self, data):
        self.data = data
        self.status = "pending"  # -> acked | unknown | failed
        self.stat = None


class Model:
    """Every attempt made, by node. Guarded by lock (callbacks run on kazoo threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.persist = {}      # path -> [Attempt] in submission order (one owner session)
        self.mine = {}         # writer index -> acknowledged persistent paths it owns
        self.seq = {}          # data -> Attempt (stat/path recorded on ack)
        self.seq_path = {}     # data -> path on ack
        self.eph = {}          # path -> (session id, Attempt)
        self.max_seq = -1      # highest sequence number seen (acked or present)
        self.dead = set()      # sessions that died with a killed process
        self.closed = set()    # sessions closed cleanly

    def attempts(self):
        return sum(len(v) for v in self.persist.values()) + len(self.seq) + len(self.eph)


def seq_of(path):
    return int(path[-10:])


class Writer(threading.Thread):
    def __init__(self, idx, it, hosts, model, rng, stop):
        super().__init__(daemon=True)
        self.idx, self.it, self.model, self.rng, self.stop_ev = idx, it, model, rng, stop
        self.zk = KazooClient(hosts=hosts, timeout=SESSION_TIMEOUT)
        self.window = threading.Semaphore(WINDOW)
        self.counter = 0
        self.outstanding = 0
        self.cv = threading.Condition()
        self.errors = []

    def start_session(self):
        self.zk.start(10)
        self.client_id = self.zk.client_id

    def _track(self, attempt, result_fn):
        def done(async_result):
            try:
                value = async_result.get_nowait()
                with self.model.lock:
                    attempt.status = "acked"
                    result_fn(value)
            except Exception as e:
                with self.model.lock:
                    # Connection loss, timeouts, system errors: the write may or may not
                    # have happened. Only definite refusals count as "failed".
                    definite = type(e).__name__ in DEFINITE_FAILURES
                    attempt.status = "failed" if definite else "unknown"
                    if definite:
                        self.errors.append("%s: %r" % (attempt.data, e))
            finally:
                self.window.release()
                with self.cv:
                    self.outstanding -= 1
                    self.cv.notify_all()
        return done

    def _submit(self, fn, attempt, result_fn):
        while not self.window.acquire(timeout=0.1):
            if self.stop_ev.is_set():
                return  # never sent; stays "pending", counted as unknown
        with self.cv:
            self.outstanding += 1
        try:
            fn().rawlink(self._track(attempt, result_fn))
        except Exception:
            with self.model.lock:
                attempt.status = "unknown"
            self.window.release()
            with self.cv:
                self.outstanding -= 1

    def run(self):
        m, zk, sid = self.model, self.zk, self.client_id[0]
        while not self.stop_ev.is_set():
            self.counter += 1
            tag = "i%dw%dn%d" % (self.it, self.idx, self.counter)
            r = self.rng.random()
            if r < 0.35:
                path, data = "/kf/p/" + tag, ("c:" + tag).encode()
                a = Attempt(data)
                with m.lock:
                    m.persist[path] = [a]

                def on_create(v, a=a, path=path):
                    a.stat = v[1]
                    m.mine.setdefault(self.idx, []).append(path)
                self._submit(lambda: zk.create_async(path, data, include_data=True), a, on_create)
            elif r < 0.65:
                with m.lock:
                    mine = m.mine.setdefault(self.idx, [])
                    path = self.rng.choice(mine[-200:]) if mine else None
                if path is None:
                    continue
                data = ("s:" + tag).encode()
                a = Attempt(data)
                with m.lock:
                    m.persist[path].append(a)
                self._submit(lambda: zk.set_async(path, data), a,
                             lambda v, a=a: setattr(a, "stat", v))
            elif r < 0.85:
                data = ("q:" + tag).encode()
                a = Attempt(data)
                with m.lock:
                    m.seq[data] = a

                def on_seq(v, a=a, data=data):
                    a.stat = v[1]
                    m.seq_path[data] = v[0]
                    m.max_seq = max(m.max_seq, seq_of(v[0]))
                self._submit(lambda: zk.create_async("/kf/s/n-", data, sequence=True, include_data=True),
                             a, on_seq)
            else:
                path, data = "/kf/e/" + tag, ("e:" + tag).encode()
                a = Attempt(data)
                with m.lock:
                    m.eph[path] = (sid, a)
                self._submit(lambda: zk.create_async(path, data, ephemeral=True, include_data=True), a,
                             lambda v, a=a: setattr(a, "stat", v[1]))

    def drain(self, timeout):
        deadline = time.time() + timeout
        with self.cv:
            while self.outstanding > 0 and time.time() < deadline:
                self.cv.wait(0.05)
        return self.outstanding == 0

    def shutdown(self):
        try:
            self.zk.stop()
            self.zk.close()
        except Exception:
            pass


def get_all(zk, paths):
    """Reads many nodes pipelined. Returns path -> (data, stat) or None when absent."""
    out = {}
    paths = list(paths)
    for i in range(0, len(paths), 500):
        batch = [(p, zk.get_async(p)) for p in paths[i:i + 500]]
        for p, r in batch:
            try:
                out[p] = r.get(timeout=20)
            except Exception as e:
                if type(e).__name__ == "NoNodeError":
                    out[p] = None
                else:
                    raise
    return out


def verify_persistent(f, zk, m, label):
    with m.lock:
        persist = {p: list(v) for p, v in m.persist.items()}
    got = get_all(zk, persist.keys())
    for path, attempts in persist.items():
        acked = [i for i, a in enumerate(attempts) if a.status == "acked"]
        node = got[path]
        if not acked:
            if node is not None:
                f.check(node[0] in {a.data for a in attempts if a.status != "failed"},
                        "%s %s holds %r, never attempted" % (label, path, node[0]))
            continue
        if not f.check(node is not None, "%s acknowledged node %s is missing" % (label, path)):
            continue
        last = acked[-1]
        allowed = {a.data for a in attempts[last:] if a.status != "failed"}
        data, stat = node
        f.check(data in allowed, "%s %s holds %r; acknowledged %r (attempt %d of %d), allowed %r"
                % (label, path, data, attempts[last].data, last, len(attempts), sorted(allowed)))
        ack_stat = attempts[last].stat
        f.check(stat.mzxid >= ack_stat.mzxid and stat.version >= ack_stat.version,
                "%s %s at version %d mzxid 0x%x; acknowledged version %d mzxid 0x%x"
                % (label, path, stat.version, stat.mzxid, ack_stat.version, ack_stat.mzxid))
        f.check(stat.czxid == attempts[0].stat.czxid if attempts[0].status == "acked" else True,
                "%s %s czxid changed" % (label, path))
    children = set(zk.get_children("/kf/p"))
    unknown = [c for c in children if "/kf/p/" + c not in persist]
    f.check(not unknown, "%s /kf/p has never-attempted children %r" % (label, unknown[:5]))
    return len(persist)


def verify_sequential(f, zk, m, label, max_before):
    with m.lock:
        seq = dict(m.seq)
        seq_path = dict(m.seq_path)
    children = zk.get_children("/kf/s")
    got = get_all(zk, ["/kf/s/" + c for c in children])
    present = {}
    for path, node in got.items():
        if node is None:
            continue
        data = node[0]
        f.check(data in seq and seq[data].status != "failed",
                "%s sequential %s holds never-attempted data %r" % (label, path, data))
        present[data] = path
    for data, a in seq.items():
        if a.status == "acked":
            f.check(present.get(data) == seq_path[data],
                    "%s acknowledged sequential %s (%r) is %s" %
                    (label, seq_path[data], data, "at " + present[data] if data in present else "missing"))
    seen = max([max_before] + [seq_of(p) for p in present.values()])
    return seen


def recovered_checkpoint(server):
    """Checkpoint zxid zkd recovered from (its startup log line); None for ZooKeeper."""
    found = re.findall(r"recovered zxid 0x([0-9a-f]+): checkpoint 0x([0-9a-f]+)", server.output())
    return int(found[-1][1], 16) if found else None


def main():
    binary = zkd_bin()
    seed = int(os.environ.get("ZKD_FAULT_SEED", random.randrange(1 << 30)))
    iterations = int(os.environ.get("ZKD_FAULT_ITERATIONS", "50"))
    print("test_kill9: seed %d (rerun with ZKD_FAULT_SEED=%d), %d iterations" % (seed, seed, iterations),
          flush=True)
    rng = random.Random(seed)
    sabotage = int(os.environ.get("ZKD_FAULT_SABOTAGE", "0"))
    f = Failures()
    t_start = time.time()
    checkpoint_iters = 0
    recovery_kills = 0
    dead_at_restart = survivor_ephemerals = 0  # so the session checks are not vacuous
    total_acked = 0
    with tempfile.TemporaryDirectory(prefix="zkd-kill9-") as work:
        zkd = m = None
        for it in range(iterations):
            t_it = time.time()
            if it % GROUP == 0:
                gdir = os.path.join(work, "g%d" % (it // GROUP))
                os.makedirs(gdir)
                # Vary the layout: a separate dataLogDir, and forceSync=no (a process crash
                # keeps the page cache, so even unsynced acknowledged writes must survive).
                extra = {}
                if rng.random() < 0.5:
                    extra["dataLogDir"] = os.path.join(gdir, "log")
                if rng.random() < 0.25:
                    extra["forceSync"] = "no"
                # Small log segments: kills also land while a new segment is being started.
                extra["txnLogSizeLimitInKb"] = rng.choice([16, 64, 1024])
                zkd = make_server(binary, gdir, tickTime=TICK_MS, snapCount=rng.choice([300, 500, 800]),
                                  maxSessionTimeout=max(10000, int(SESSION_TIMEOUT * 2000)), **extra)
                print("group %d: snapCount=%s %s" % (it // GROUP, zkd.cfg["snapCount"], extra), flush=True)
                m = Model()
                zkd.start()
                setup = KazooClient(hosts=zkd.hosts(), timeout=10)
                setup.start(10)
                for p in ("/kf", "/kf/p", "/kf/s", "/kf/e"):
                    setup.create(p)
                setup.stop()
                setup.close()
                last_cp = 0
            elif not zkd.alive():
                zkd.start()
            label = "[it %d]" % it
            stop = threading.Event()
            writers = [Writer(i, it, zkd.hosts(), m, random.Random(rng.random()), stop) for i in range(WRITERS)]
            for w in writers:
                w.start_session()
            for w in writers:
                w.start()
            load_s = rng.uniform(0.2, 1.0)
            time.sleep(load_s)
            zkd.kill9()
            stop.set()
            ph = [time.time()]
            for w in writers:
                w.join(10)
            survivor = writers[0].client_id
            ph.append(time.time())
            # Stopping a client fails its queued requests (they were never answered).
            stoppers = [threading.Thread(target=w.shutdown) for w in writers]
            for s in stoppers:
                s.start()
            for s in stoppers:
                s.join(15)
            for w in writers:
                f.check(w.drain(5), "%s writer %d still has requests outstanding" % (label, w.idx))
            with m.lock:
                for v in list(m.persist.values()) + [[a] for a in m.seq.values()] + [[x[1]] for x in m.eph.values()]:
                    for a in v:
                        if a.status == "pending":
                            a.status = "unknown"
            ph.append(time.time())
            for w in writers[1:]:
                m.dead.add(w.client_id[0])
            for w in writers:
                for e in w.errors[:3]:
                    f.check(False, "%s unexpected error from writer %d: %s" % (label, w.idx, e))
            acked_now = sum(1 for v in m.persist.values() for a in v if a.status == "acked") + \
                sum(1 for a in m.seq.values() if a.status == "acked") + \
                sum(1 for _, a in m.eph.values() if a.status == "acked")

            if sabotage and target() == "zkd":
                db = sqlite3.connect(newest_log_segment(zkd.cfg.get("dataLogDir", zkd.data_dir)))
                db.execute("DELETE FROM log WHERE zxid IN (SELECT zxid FROM log ORDER BY zxid DESC LIMIT ?)",
                           (sabotage,))
                db.commit()
                db.close()
            # Sometimes crash again while recovering (replay, tail repair, session restore).
            if rng.random() < 0.2:
                zkd.spawn()
                time.sleep(rng.uniform(0.0, 0.15))
                zkd.kill9()
                recovery_kills += 1
            # --- restart on the same dataDir ---
            zkd.start()
            t_restart = time.time()
            ph.append(t_restart)
            cp = recovered_checkpoint(zkd)
            if cp is not None and cp > last_cp:
                checkpoint_iters += 1
                last_cp = cp
            zk = KazooClient(hosts=zkd.hosts(), timeout=SESSION_TIMEOUT, client_id=survivor)
            zk.start(10)
            f.check(zk.client_id[0] == survivor[0],
                    "%s survivor session 0x%x not kept on reconnect (got 0x%x)" % (label, survivor[0], zk.client_id[0]))
            ph.append(time.time())
            n_persist = verify_persistent(f, zk, m, label)
            ph.append(time.time())
            max_before = m.max_seq
            seen = verify_sequential(f, zk, m, label, max_before)
            # New sequential nodes after the restart must number above everything seen.
            with m.lock:
                max_acked_zxid = max([a.stat.mzxid for v in m.persist.values() for a in v if a.status == "acked"] +
                                     [a.stat.mzxid for a in m.seq.values() if a.status == "acked"] +
                                     [a.stat.mzxid for _, a in m.eph.values() if a.status == "acked"] + [0])
            for k in range(3):
                data = ("q:after-i%d-%d" % (it, k)).encode()
                path, stat = zk.create("/kf/s/n-", data, sequence=True, include_data=True)
                f.check(stat.czxid > max_acked_zxid, "%s zxid reused after restart: new write at 0x%x, an "
                        "acknowledged write had 0x%x" % (label, stat.czxid, max_acked_zxid))
                f.check(seq_of(path) > seen, "%s sequence number reused after restart: %s <= %d"
                        % (label, path, seen))
                seen = seq_of(path)
                a = Attempt(data)
                a.status, a.stat = "acked", stat
                with m.lock:
                    m.seq[data] = a
                    m.seq_path[data] = path
            m.max_seq = seen
            # Ephemerals: all attempted; the survivor's acknowledged ones are still there.
            eph_children = {"/kf/e/" + c for c in zk.get_children("/kf/e")}
            with m.lock:
                eph = dict(m.eph)
            stray = [p for p in eph_children if p not in eph]
            f.check(not stray, "%s never-attempted ephemerals present: %r" % (label, stray[:5]))
            dead_at_restart += sum(1 for p in eph_children if p in eph and eph[p][0] in m.dead)
            closed_left = [p for p in eph_children if p in eph and eph[p][0] in m.closed]
            f.check(not closed_left, "%s ephemerals of cleanly closed sessions present: %r" % (label, closed_left[:5]))
            surv_acked = [p for p, (s, a) in eph.items() if s == survivor[0] and a.status == "acked"]
            survivor_ephemerals += len(surv_acked)
            got = get_all(zk, surv_acked)
            for p in surv_acked:
                if f.check(got[p] is not None, "%s survivor's acknowledged ephemeral %s missing" % (label, p)):
                    f.check(got[p][1].ephemeralOwner == survivor[0], "%s %s has owner 0x%x" %
                            (label, p, got[p][1].ephemeralOwner))
            # Dead sessions' ephemerals: gone once a full session timeout passed since the
            # restart (their timers restart with the server).
            group_end = (it % GROUP == GROUP - 1) or it == iterations - 1
            if it % EXPIRY_EVERY == EXPIRY_EVERY - 1 or group_end:
                wait = t_restart + SESSION_TIMEOUT + 2 * TICK_MS / 1000.0 + 0.5 - time.time()
                if wait > 0:
                    time.sleep(wait)
                left = {"/kf/e/" + c for c in zk.get_children("/kf/e")}
                dead_left = [p for p in left if p in eph and eph[p][0] in m.dead]
                f.check(not dead_left, "%s ephemerals of dead sessions present %.1fs after restart: %r"
                        % (label, time.time() - t_restart, sorted(dead_left)[:5]))
                got = get_all(zk, surv_acked)
                f.check(all(got[p] is not None for p in surv_acked),
                        "%s survivor's ephemerals vanished while its session was alive" % label)
            # The survivor closes cleanly: its ephemerals must go with it.
            zk.stop()
            zk.close()
            m.closed.add(survivor[0])
            total_acked = acked_now
            print("%s load %.2fs, %d attempts (%d acked so far), %d persistent nodes, max seq %d, "
                  "checkpoint 0x%x, %.1fs" % (label, load_s, m.attempts(), acked_now, n_persist, m.max_seq,
                                              cp or 0, time.time() - t_it), flush=True)
            print("   phases: " + " ".join("%.2f" % (b - a) for a, b in zip(ph, ph[1:])), flush=True)
            if it % GROUP == GROUP - 1 or it == iterations - 1:
                zkd.kill9()
        print("test_kill9: %d iterations in %.0fs, %d with a new checkpoint recovered, last group %d acked"
              % (iterations, time.time() - t_start, checkpoint_iters, total_acked), flush=True)
        print("test_kill9: %d extra kills during recovery" % recovery_kills, flush=True)
        print("test_kill9: %d dead-session ephemerals were present at restarts (then expired), "
              "%d acknowledged survivor ephemerals kept" % (dead_at_restart, survivor_ephemerals), flush=True)
        f.check(dead_at_restart > 0, "no dead session had ephemerals at a restart: expiry check vacuous")
        f.check(survivor_ephemerals > 0, "the survivors never had ephemerals: reconnect check vacuous")
        f.check(checkpoint_iters > 0 or target() != "zkd", "no iteration recovered from a checkpoint (snapCount too large?)")
    f.finish("test_kill9 (seed %d)" % seed)


if __name__ == "__main__":
    main()
