package zkdit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static zkdit.CoreScenarios.b;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.atomic.AtomicValue;
import org.apache.curator.framework.recipes.atomic.DistributedAtomicLong;
import org.apache.curator.framework.recipes.barriers.DistributedBarrier;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.barriers.DistributedDoubleBarrier;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessReadWriteLock;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.nodes.GroupMember;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.recipes.shared.SharedCount;
import org.apache.curator.framework.recipes.shared.SharedCountListener;
import org.apache.curator.framework.recipes.shared.SharedCountReader;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.RetryNTimes;

/** Curator coordination recipes, each across several independent clients (sessions). */
final class CuratorRecipeScenarios {
  private CuratorRecipeScenarios() {}

  static void register(List<Main.Named> s) {
    s.add(new Main.Named("curator_mutex", CuratorRecipeScenarios::mutex));
    s.add(new Main.Named("curator_leader_latch", CuratorRecipeScenarios::leaderLatch));
    s.add(new Main.Named("curator_atomic_long", CuratorRecipeScenarios::atomicLong));
    s.add(new Main.Named("curator_shared_count", CuratorRecipeScenarios::sharedCount));
    s.add(new Main.Named("curator_group_member", CuratorRecipeScenarios::groupMember));
    s.add(new Main.Named("curator_barrier", CuratorRecipeScenarios::barrier));
    s.add(new Main.Named("curator_queue", CuratorRecipeScenarios::queue));
    s.add(new Main.Named("curator_semaphore", CuratorRecipeScenarios::semaphore));
    s.add(new Main.Named("curator_read_write_lock", CuratorRecipeScenarios::readWriteLock));
    s.add(new Main.Named("curator_leader_selector", CuratorRecipeScenarios::leaderSelector));
    s.add(new Main.Named("curator_double_barrier", CuratorRecipeScenarios::doubleBarrier));
  }

  static void mutex(Env env) throws Exception {
    CuratorFramework c1 = env.curator();
    CuratorFramework c2 = env.curator();
    String p = env.base + "/lock";
    InterProcessMutex m1 = new InterProcessMutex(c1, p);
    InterProcessMutex m2 = new InterProcessMutex(c2, p);
    Check.isTrue(m1.acquire(10, TimeUnit.SECONDS), "client 1 acquires");
    Check.isTrue(m1.acquire(1, TimeUnit.SECONDS), "re-entrant acquire");
    Check.isTrue(!m2.acquire(300, TimeUnit.MILLISECONDS), "client 2 cannot acquire while held");
    CompletableFuture<Boolean> waiter = CompletableFuture.supplyAsync(() -> {
      try {
        return m2.acquire(15, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(300);
    Check.isTrue(!waiter.isDone(), "client 2 waits");
    m1.release();
    Check.isTrue(!waiter.isDone() || !waiter.get(), "still held after one of two re-entrant releases");
    m1.release();
    Check.isTrue(waiter.get(15, TimeUnit.SECONDS), "client 2 acquires after release (watch on predecessor)");
    Check.isTrue(m2.isAcquiredInThisProcess(), "client 2 holds it");
    Check.isTrue(!m1.acquire(200, TimeUnit.MILLISECONDS), "client 1 now excluded");
    // The holder's session ending releases the lock (ephemeral lock node). The mutex is
    // owned per thread, so this thread acquires and releases.
    CompletableFuture<Void> closer = CompletableFuture.runAsync(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      c2.close();
    });
    Check.isTrue(m1.acquire(20, TimeUnit.SECONDS), "lock released when holder's session closes");
    closer.get(10, TimeUnit.SECONDS);
    m1.release();
  }

  static void leaderLatch(Env env) throws Exception {
    String p = env.base + "/latch";
    List<LeaderLatch> latches = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LeaderLatch l = new LeaderLatch(env.curator(), p, "p" + i);
      env.track(l);
      latches.add(l);
      l.start();
    }
    LeaderLatch leader = awaitSingleLeader(latches);
    for (LeaderLatch l : latches) {
      Check.eventually(10_000, "3 participants seen by " + l.getId(),
          Check.probe(() -> l.getParticipants().size() == 3));
      Check.eq(leader.getId(), l.getLeader().getId(), "everyone agrees on the leader");
    }
    latches.remove(leader);
    leader.close();
    LeaderLatch next = awaitSingleLeader(latches);
    Check.isTrue(!next.getId().equals(leader.getId()), "a new leader after the old one closed");
    latches.remove(next);
    next.close();
    Check.eq(1, latches.size(), "one participant left");
    Check.eq(latches.get(0).getId(), awaitSingleLeader(latches).getId(), "the last participant leads");
  }

  static LeaderLatch awaitSingleLeader(List<LeaderLatch> latches) throws Exception {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      LeaderLatch found = null;
      int n = 0;
      for (LeaderLatch l : latches) {
        if (l.hasLeadership()) {
          n++;
          found = l;
        }
      }
      Check.isTrue(n <= 1, "at most one leader at a time (saw " + n + ")");
      if (n == 1) return found;
      Thread.sleep(50);
    }
    throw new AssertionError("no leader elected within 15 s");
  }

  static void atomicLong(Env env) throws Exception {
    String p = env.base + "/counter";
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 3; i++) {
      DistributedAtomicLong counter = new DistributedAtomicLong(env.curator(), p, new RetryNTimes(50, 10));
      Thread t = new Thread(() -> {
        try {
          for (int k = 0; k < 10; k++) {
            AtomicValue<Long> v = counter.increment();
            if (!v.succeeded()) throw new AssertionError("increment did not succeed");
            if (v.postValue() != v.preValue() + 1) throw new AssertionError("post != pre + 1");
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) t.join(60_000);
    Check.eq(List.of(), errors, "increment errors");
    DistributedAtomicLong reader = new DistributedAtomicLong(env.curator(), p, new RetryNTimes(5, 10));
    Check.eq(30L, reader.get().postValue(), "30 increments from 3 clients");
    AtomicValue<Long> cas = reader.compareAndSet(30L, 100L);
    Check.isTrue(cas.succeeded(), "compareAndSet with the right expected value");
    Check.isTrue(!reader.compareAndSet(30L, 5L).succeeded(), "compareAndSet with a stale value fails");
    Check.eq(100L, reader.get().postValue(), "value after CAS");
  }

  static void sharedCount(Env env) throws Exception {
    String p = env.base + "/shared";
    SharedCount a = env.track(new SharedCount(env.curator(), p, 7));
    SharedCount b = env.track(new SharedCount(env.curator(), p, 99));
    LinkedBlockingQueue<Integer> seenByB = new LinkedBlockingQueue<>();
    b.addListener(new SharedCountListener() {
      @Override
      public void countHasChanged(SharedCountReader r, int newCount) {
        seenByB.add(newCount);
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState s) {}
    });
    a.start();
    b.start();
    Check.eq(7, b.getCount(), "seed value from the first to create");
    a.setCount(11);
    Check.eq(11, CuratorScenarios.poll(seenByB, "listener sees setCount"), "listener value");
    var v = b.getVersionedValue();
    Check.eq(11, v.getValue(), "versioned value");
    Check.isTrue(b.trySetCount(v, 12), "trySetCount with current version");
    Check.isTrue(!b.trySetCount(v, 13), "trySetCount with a stale version fails");
    Check.eventually(10_000, "a sees 12", () -> a.getCount() == 12);
  }

  static void groupMember(Env env) throws Exception {
    String p = env.base + "/group";
    List<GroupMember> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      GroupMember m = new GroupMember(env.curator(), p, "host-" + i, b("payload-" + i));
      env.track(m);
      members.add(m);
      m.start();
    }
    GroupMember observer = members.get(0);
    Check.eventually(10_000, "3 members visible", () -> observer.getCurrentMembers().size() == 3);
    Check.eq("payload-2", new String(observer.getCurrentMembers().get("host-2"), UTF_8), "member payload");
    members.get(1).setThisData(b("updated"));
    Check.eventually(10_000, "payload update visible", () -> "updated".equals(
        new String(observer.getCurrentMembers().getOrDefault("host-1", new byte[0]), UTF_8)));
    members.get(2).close();
    Check.eventually(10_000, "member leaves on close",
        () -> observer.getCurrentMembers().keySet().equals(java.util.Set.of("host-0", "host-1")));
  }

  static void barrier(Env env) throws Exception {
    String p = env.base + "/barrier";
    DistributedBarrier controller = new DistributedBarrier(env.curator(), p);
    controller.setBarrier();
    List<CompletableFuture<Boolean>> waiters = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      DistributedBarrier w = new DistributedBarrier(env.curator(), p);
      waiters.add(CompletableFuture.supplyAsync(() -> {
        try {
          return w.waitOnBarrier(20, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    Thread.sleep(500);
    for (CompletableFuture<Boolean> f : waiters) Check.isTrue(!f.isDone(), "waiter blocked by barrier");
    controller.removeBarrier();
    for (CompletableFuture<Boolean> f : waiters) {
      Check.isTrue(f.get(20, TimeUnit.SECONDS), "waiter released when barrier removed");
    }
    DistributedBarrier late = new DistributedBarrier(env.curator(), p);
    Check.isTrue(late.waitOnBarrier(1, TimeUnit.SECONDS), "no barrier: returns at once");
  }

  static void queue(Env env) throws Exception {
    String p = env.base + "/queue";
    QueueSerializer<String> ser = new QueueSerializer<>() {
      @Override
      public byte[] serialize(String item) {
        return item.getBytes(UTF_8);
      }

      @Override
      public String deserialize(byte[] bytes) {
        return new String(bytes, UTF_8);
      }
    };
    LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
    QueueConsumer<String> consumer = new QueueConsumer<>() {
      @Override
      public void consumeMessage(String message) {
        got.add(message);
      }

      @Override
      public void stateChanged(CuratorFramework client, ConnectionState s) {}
    };
    DistributedQueue<String> producer = env.track(
        QueueBuilder.builder(env.curator(), null, ser, p).buildQueue());
    producer.start();
    DistributedQueue<String> consumerQ = env.track(
        QueueBuilder.builder(env.curator(), consumer, ser, p).lockPath(env.base + "/qlock").buildQueue());
    consumerQ.start();
    List<String> sent = List.of("one", "two", "three", "four", "five");
    for (String m : sent) producer.put(m);
    List<String> received = new ArrayList<>();
    for (int i = 0; i < sent.size(); i++) received.add(CuratorScenarios.poll(got, "queue item " + i));
    Check.eq(sent, received, "FIFO order through the queue");
    Check.eventually(10_000, "queue node emptied after consumption",
        Check.probe(() -> env.curator().getChildren().forPath(p).isEmpty()));
  }

  static void semaphore(Env env) throws Exception {
    String p = env.base + "/sem";
    InterProcessSemaphoreV2 s1 = new InterProcessSemaphoreV2(env.curator(), p, 2);
    InterProcessSemaphoreV2 s2 = new InterProcessSemaphoreV2(env.curator(), p, 2);
    InterProcessSemaphoreV2 s3 = new InterProcessSemaphoreV2(env.curator(), p, 2);
    Lease l1 = s1.acquire(10, TimeUnit.SECONDS);
    Lease l2 = s2.acquire(10, TimeUnit.SECONDS);
    Check.isTrue(l1 != null && l2 != null, "two leases granted");
    Check.isTrue(s3.acquire(300, TimeUnit.MILLISECONDS) == null, "third lease refused while two are out");
    s1.returnLease(l1);
    Lease l3 = s3.acquire(10, TimeUnit.SECONDS);
    Check.isTrue(l3 != null, "third lease granted after one is returned");
    Check.eq(2, s3.getParticipantNodes().size(), "two lease holders");
    s2.returnLease(l2);
    s3.returnLease(l3);
  }

  static void readWriteLock(Env env) throws Exception {
    String p = env.base + "/rw";
    InterProcessReadWriteLock a = new InterProcessReadWriteLock(env.curator(), p);
    InterProcessReadWriteLock b = new InterProcessReadWriteLock(env.curator(), p);
    InterProcessReadWriteLock c = new InterProcessReadWriteLock(env.curator(), p);
    Check.isTrue(a.readLock().acquire(10, TimeUnit.SECONDS), "reader a");
    Check.isTrue(b.readLock().acquire(10, TimeUnit.SECONDS), "reader b shares");
    Check.isTrue(!c.writeLock().acquire(300, TimeUnit.MILLISECONDS), "writer excluded by readers");
    a.readLock().release();
    b.readLock().release();
    Check.isTrue(c.writeLock().acquire(10, TimeUnit.SECONDS), "writer after readers left");
    Check.isTrue(!a.readLock().acquire(300, TimeUnit.MILLISECONDS), "reader excluded by writer");
    c.writeLock().release();
    Check.isTrue(a.readLock().acquire(10, TimeUnit.SECONDS), "reader after writer left");
    a.readLock().release();
  }

  static void leaderSelector(Env env) throws Exception {
    String p = env.base + "/select";
    LinkedBlockingQueue<String> leaders = new LinkedBlockingQueue<>();
    java.util.concurrent.atomic.AtomicInteger concurrent = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger maxConcurrent = new java.util.concurrent.atomic.AtomicInteger();
    for (int i = 0; i < 3; i++) {
      String id = "s" + i;
      LeaderSelector sel = new LeaderSelector(env.curator(), p, new LeaderSelectorListenerAdapter() {
        @Override
        public void takeLeadership(CuratorFramework client) throws Exception {
          int now = concurrent.incrementAndGet();
          maxConcurrent.accumulateAndGet(now, Math::max);
          leaders.add(id);
          Thread.sleep(200);  // lead briefly, then give up leadership
          concurrent.decrementAndGet();
        }
      });
      sel.setId(id);
      env.track(sel);
      sel.start();
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 3; i++) seen.add(CuratorScenarios.poll(leaders, "leadership " + i));
    Check.eq(java.util.Set.of("s0", "s1", "s2"), seen, "every participant leads in turn");
    Check.eq(1, maxConcurrent.get(), "never two leaders at once");
  }

  static void doubleBarrier(Env env) throws Exception {
    String p = env.base + "/dbar";
    List<CompletableFuture<Boolean>> members = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      DistributedDoubleBarrier b = new DistributedDoubleBarrier(env.curator(), p, 3);
      final int k = i;
      members.add(CompletableFuture.supplyAsync(() -> {
        try {
          Thread.sleep(200L * k);  // arrive at different times
          boolean in = b.enter(20, TimeUnit.SECONDS);
          boolean out = b.leave(20, TimeUnit.SECONDS);
          return in && out;
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      }));
    }
    for (CompletableFuture<Boolean> f : members) {
      Check.isTrue(f.get(30, TimeUnit.SECONDS), "member entered and left together with the others");
    }
  }
}
