"""kazoo recipes: what applications actually build on sequential/ephemeral nodes and
watches (locks, elections, counters, queues, watchers)."""
import threading
import time

from helpers import wait_until


def test_lock_is_mutually_exclusive_and_handed_over(kz, test_path):
    a, b = kz(), kz()
    la, lb = a.Lock(test_path + "/lock", "a"), b.Lock(test_path + "/lock", "b")
    assert la.acquire(timeout=5)
    assert not lb.acquire(blocking=False)
    got = threading.Event()

    def waiter():
        if lb.acquire(timeout=10):
            got.set()
    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.3)
    assert not got.is_set()
    assert lb.contenders() == ["a", "b"]
    la.release()
    t.join(timeout=10)
    assert got.is_set()
    lb.release()


def test_lock_released_when_holder_session_ends(kz, test_path):
    a, b = kz(), kz()
    assert a.Lock(test_path + "/lock").acquire(timeout=5)
    lb = b.Lock(test_path + "/lock")
    assert not lb.acquire(blocking=False)
    a.stop()
    a.close()
    assert lb.acquire(timeout=10)
    lb.release()


def test_election_picks_one_leader_then_next(kz, test_path):
    a, b = kz(), kz()
    leaders = []
    ev = threading.Event()
    stop_a = threading.Event()

    def lead_a():
        leaders.append("a")
        ev.set()
        stop_a.wait(10)

    def lead_b():
        leaders.append("b")
        ev.set()
    ea, eb = a.Election(test_path + "/el", "a"), b.Election(test_path + "/el", "b")
    ta = threading.Thread(target=ea.run, args=(lead_a,))
    ta.start()
    assert ev.wait(5)
    ev.clear()
    tb = threading.Thread(target=eb.run, args=(lead_b,))
    tb.start()
    wait_until(lambda: len(eb.contenders()) == 2, timeout=5, what="two contenders")
    assert leaders == ["a"]
    stop_a.set()
    ta.join(timeout=5)
    assert ev.wait(5)
    tb.join(timeout=5)
    assert leaders == ["a", "b"]


def test_counter_increments_with_version_checks(kz, test_path):
    a, b = kz(), kz()
    ca, cb = a.Counter(test_path + "/cnt"), b.Counter(test_path + "/cnt")

    def bump(counter):
        for _ in range(20):
            counter += 1
    ts = [threading.Thread(target=bump, args=(ca,)), threading.Thread(target=bump, args=(cb,))]
    for t in ts:
        t.start()
    for t in ts:
        t.join(timeout=20)
    assert a.Counter(test_path + "/cnt").value == 40


def test_locking_queue_orders_by_priority_then_fifo(kz, test_path):
    c = kz()
    q = c.LockingQueue(test_path + "/q")
    q.put(b"low1", priority=50)
    q.put(b"high", priority=1)
    q.put(b"low2", priority=50)
    got = []
    for _ in range(3):
        got.append(q.get(timeout=5))
        assert q.consume()
    assert got == [b"high", b"low1", b"low2"]


def test_data_watch_recipe_sees_changes_and_deletion(kz, test_path):
    a, b = kz(), kz()
    seen = []
    a.DataWatch(test_path + "/dw", lambda data, stat: seen.append(data))
    wait_until(lambda: seen == [None], timeout=5, what="initial call")
    b.create(test_path + "/dw", b"1")
    wait_until(lambda: seen[-1:] == [b"1"], timeout=5, what="created")
    b.set(test_path + "/dw", b"2")
    wait_until(lambda: seen[-1:] == [b"2"], timeout=5, what="changed")
    b.delete(test_path + "/dw")
    wait_until(lambda: seen[-1:] == [None], timeout=5, what="deleted")


def test_children_watch_recipe_tracks_membership(kz, test_path):
    a, b = kz(), kz()
    seen = []
    a.ChildrenWatch(test_path, lambda children: seen.append(sorted(children)))
    wait_until(lambda: seen == [[]], timeout=5, what="initial call")
    b.create(test_path + "/m1", ephemeral=True)
    wait_until(lambda: seen[-1] == ["m1"], timeout=5, what="m1")
    b.create(test_path + "/m2")
    wait_until(lambda: seen[-1] == ["m1", "m2"], timeout=5, what="m2")
    b.stop()
    b.close()
    wait_until(lambda: seen[-1] == ["m2"], timeout=5, what="ephemeral gone")


def test_party_membership(kz, test_path):
    a, b = kz(), kz()
    pa, pb = a.Party(test_path + "/party", "a"), b.Party(test_path + "/party", "b")
    pa.join()
    pb.join()
    assert sorted(pa) == ["a", "b"] and len(pb) == 2
    pb.leave()
    assert list(pa) == ["a"]


def test_semaphore_limits_holders(kz, test_path):
    a, b, c = kz(), kz(), kz()
    sa = a.Semaphore(test_path + "/sem", max_leases=2)
    sb = b.Semaphore(test_path + "/sem", max_leases=2)
    sc = c.Semaphore(test_path + "/sem", max_leases=2)
    assert sa.acquire(timeout=5) and sb.acquire(timeout=5)
    assert not sc.acquire(blocking=False)
    sa.release()
    assert sc.acquire(timeout=5)
    sb.release()
    sc.release()
