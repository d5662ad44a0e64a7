// Scenario test for a ZooKeeper-protocol server driven by the Apache ZooKeeper Java client
// (3.8, Debian) and Apache Curator (5.4, Debian). Usage: JavaClientScenarios HOST:PORT
// Prints one "PASS <scenario>" / "FAIL <scenario>: <why>" line per scenario and exits 1 if
// any failed. Every wait is bounded.
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.RetryNTimes;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ClientInfo;
import org.apache.zookeeper.data.Stat;

public class JavaClientScenarios {
  static String hosts;
  static final String BASE = "/java";

  interface Scenario {
    void run() throws Exception;
  }

  static void check(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Connects and waits for SyncConnected; events other than session events are queued. */
  static class Client implements AutoCloseable {
    final BlockingQueue<WatchedEvent> events = new LinkedBlockingQueue<>();
    final CountDownLatch connected = new CountDownLatch(1);
    final ZooKeeper zk;

    Client() throws Exception {
      this(0, null);
    }

    Client(long sessionId, byte[] passwd) throws Exception {
      Watcher w = e -> {
        if (e.getType() == Watcher.Event.EventType.None) {
          if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown();
        } else {
          events.add(e);
        }
      };
      zk = passwd == null ? new ZooKeeper(hosts, 10000, w)
                          : new ZooKeeper(hosts, 10000, w, sessionId, passwd);
      check(connected.await(10, TimeUnit.SECONDS), "connected within 10 s");
    }

    WatchedEvent next() throws InterruptedException {
      WatchedEvent e = events.poll(5, TimeUnit.SECONDS);
      check(e != null, "event within 5 s");
      return e;
    }

    @Override
    public void close() throws InterruptedException {
      zk.close();
    }
  }

  static CuratorFramework curator() throws InterruptedException {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(hosts)
        .retryPolicy(new RetryNTimes(20, 200)).sessionTimeoutMs(10000)
        .connectionTimeoutMs(10000).build();
    c.start();
    check(c.blockUntilConnected(10, TimeUnit.SECONDS), "curator connected");
    return c;
  }

  // ---- Java client ----
  static void crudAndStat() throws Exception {
    try (Client c = new Client()) {
      String p = BASE + "/crud";
      Stat st = new Stat();
      check(c.zk.create(p, b("v1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT, st)
          .equals(p), "create2 path");
      check(st.getCzxid() == st.getMzxid() && st.getVersion() == 0 && st.getDataLength() == 2,
          "create2 stat");
      Stat st2 = c.zk.setData(p, b("value2"), 0);
      check(st2.getVersion() == 1 && st2.getMzxid() > st.getMzxid(), "setData stat");
      check(new String(c.zk.getData(p, false, null), StandardCharsets.UTF_8).equals("value2"),
          "getData");
      try {
        c.zk.delete(p, 0);
        check(false, "BadVersion expected");
      } catch (KeeperException.BadVersionException expected) {
        // ok
      }
      c.zk.delete(p, 1);
      check(c.zk.exists(p, false) == null, "exists null after delete");
    }
  }

  static void ttlAndContainer() throws Exception {
    try (Client c = new Client()) {
      Stat st = new Stat();
      String t = c.zk.create(BASE + "/ttl-", b("x"), ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, st, 60000);
      check(t.matches(BASE + "/ttl-\\d{10}"), "ttl sequential name " + t);
      check(st.getEphemeralOwner() == 0, "ttl owner shown as 0");
      String cpath = c.zk.create(BASE + "/cont", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE,
          CreateMode.CONTAINER);
      check(cpath.equals(BASE + "/cont"), "container path");
      c.zk.delete(t, -1);
      c.zk.delete(cpath, -1);
    }
  }

  static void multiAndFailure() throws Exception {
    try (Client c = new Client()) {
      String p = BASE + "/multi";
      List<OpResult> r = c.zk.multi(List.of(
          Op.create(p, b("1"), ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
          Op.setData(p, b("2"), 0), Op.check(p, 1), Op.delete(p, 1)));
      check(r.size() == 4 && r.get(0) instanceof OpResult.CreateResult
          && r.get(1) instanceof OpResult.SetDataResult && r.get(2) instanceof OpResult.CheckResult
          && r.get(3) instanceof OpResult.DeleteResult, "multi result types " + r);
      try {
        c.zk.multi(List.of(
            Op.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT),
            Op.delete(BASE + "/missing", -1)));
        check(false, "NoNode expected");
      } catch (KeeperException.NoNodeException e) {
        List<OpResult> res = e.getResults();
        check(((OpResult.ErrorResult) res.get(0)).getErr() == 0, "rolled back op err 0");
        check(((OpResult.ErrorResult) res.get(1)).getErr()
            == KeeperException.Code.NONODE.intValue(), "failing op err");
      }
      check(c.zk.exists(p, false) == null, "multi failure is atomic");
    }
  }

  static void persistentRecursiveWatch() throws Exception {
    try (Client c = new Client(); Client w = new Client()) {
      String p = BASE + "/prw";
      c.zk.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      w.zk.addWatch(p, AddWatchMode.PERSISTENT_RECURSIVE);
      c.zk.create(p + "/a", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      c.zk.setData(p + "/a", b("x"), -1);
      c.zk.delete(p + "/a", -1);
      List<String> got = new ArrayList<>();
      for (int i = 0; i < 3; ++i) {
        WatchedEvent e = w.next();
        got.add(e.getType() + " " + e.getPath());
      }
      check(got.equals(List.of("NodeCreated " + p + "/a", "NodeDataChanged " + p + "/a",
          "NodeDeleted " + p + "/a")), "events " + got);
      w.zk.removeAllWatches(p, Watcher.WatcherType.Any, false);
      c.zk.delete(p, -1);
    }
  }

  static void whoAmIEphemeralsCounts() throws Exception {
    try (Client c = new Client()) {
      List<ClientInfo> who = c.zk.whoAmI();
      check(who.size() == 1 && who.get(0).getAuthScheme().equals("ip")
          && who.get(0).getUser().equals("127.0.0.1"), "whoAmI " + who);
      String p = BASE + "/eph";
      c.zk.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      c.zk.create(p + "/e", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
      c.zk.create(p + "/q", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      check(c.zk.getEphemerals(p).equals(List.of(p + "/e")), "getEphemerals");
      check(c.zk.getAllChildrenNumber(p) == 2, "getAllChildrenNumber");
      c.zk.delete(p + "/e", -1);
      c.zk.delete(p + "/q", -1);
      c.zk.delete(p, -1);
    }
  }

  static void getConfigEmptyInStandalone() throws Exception {
    try (Client c = new Client()) {
      Stat st = new Stat();
      byte[] cfg = c.zk.getConfig(false, st);
      check(cfg.length == 0, "empty /zookeeper/config");
    }
  }

  static void sessionResumeWithIdAndPassword() throws Exception {
    Client a = new Client();
    String p = BASE + "/resume";
    a.zk.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.EPHEMERAL);
    try (Client b = new Client(a.zk.getSessionId(), a.zk.getSessionPasswd())) {
      check(b.zk.getSessionId() == a.zk.getSessionId(), "same session id");
      check(b.zk.exists(p, false).getEphemeralOwner() == b.zk.getSessionId(), "owner");
    }  // closing b closes the shared session
    try (Client c = new Client()) {
      check(c.zk.exists(p, false) == null, "ephemeral gone with the session");
    }
    a.zk.close();
  }

  static void childAndDataWatches() throws Exception {
    try (Client c = new Client(); Client w = new Client()) {
      String p = BASE + "/watch";
      check(w.zk.exists(p, true) == null, "missing");
      c.zk.create(p, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      check(w.next().getType() == Watcher.Event.EventType.NodeCreated, "created");
      w.zk.getChildren(p, true);
      w.zk.getData(p, true, null);
      c.zk.create(p + "/k", new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      check(w.next().getType() == Watcher.Event.EventType.NodeChildrenChanged, "child");
      c.zk.setData(p, b("x"), -1);
      check(w.next().getType() == Watcher.Event.EventType.NodeDataChanged, "data");
      c.zk.delete(p + "/k", -1);
      c.zk.delete(p, -1);
    }
  }

  // ---- Curator ----
  static void curatorMutex() throws Exception {
    try (CuratorFramework a = curator(); CuratorFramework b = curator()) {
      InterProcessMutex ma = new InterProcessMutex(a, BASE + "/mutex");
      InterProcessMutex mb = new InterProcessMutex(b, BASE + "/mutex");
      check(ma.acquire(5, TimeUnit.SECONDS), "a acquires");
      check(!mb.acquire(300, TimeUnit.MILLISECONDS), "b blocked");
      ma.release();
      check(mb.acquire(5, TimeUnit.SECONDS), "b acquires after release");
      mb.release();
    }
  }

  static void curatorLeaderLatch() throws Exception {
    try (CuratorFramework a = curator(); CuratorFramework b = curator()) {
      LeaderLatch la = new LeaderLatch(a, BASE + "/latch", "a");
      LeaderLatch lb = new LeaderLatch(b, BASE + "/latch", "b");
      la.start();
      check(la.await(5, TimeUnit.SECONDS), "a leads");
      lb.start();
      check(!lb.await(300, TimeUnit.MILLISECONDS), "b waits");
      la.close();
      check(lb.await(5, TimeUnit.SECONDS), "b leads after a leaves");
      lb.close();
    }
  }

  static void curatorCacheSeesChanges() throws Exception {
    // CuratorCache is built on a persistent recursive watch (addWatch).
    try (CuratorFramework a = curator(); CuratorFramework b = curator()) {
      String p = BASE + "/cache";
      a.create().creatingParentContainersIfNeeded().forPath(p + "/x", b("1"));
      BlockingQueue<String> q = new LinkedBlockingQueue<>();
      CountDownLatch init = new CountDownLatch(1);
      CuratorCache cache = CuratorCache.build(a, p);
      cache.listenable().addListener(CuratorCacheListener.builder()
          .forCreates(n -> q.add("create " + n.getPath()))
          .forChanges((o, n) -> q.add("change " + n.getPath() + " " + new String(n.getData())))
          .forDeletes(n -> q.add("delete " + n.getPath()))
          .forInitialized(init::countDown).build());
      cache.start();
      check(init.await(5, TimeUnit.SECONDS), "cache initialized");
      q.clear();
      // One change at a time: the cache fetches data after each event, so a later delete
      // could otherwise race with that fetch (a legitimate outcome, not a server bug).
      b.setData().forPath(p + "/x", b("2"));
      String e1 = q.poll(5, TimeUnit.SECONDS);
      check(("change " + p + "/x 2").equals(e1), "change event, got " + e1);
      b.create().forPath(p + "/y");
      String e2 = q.poll(5, TimeUnit.SECONDS);
      check(("create " + p + "/y").equals(e2), "create event, got " + e2);
      b.delete().forPath(p + "/x");
      String e3 = q.poll(5, TimeUnit.SECONDS);
      check(("delete " + p + "/x").equals(e3), "delete event, got " + e3);
      cache.close();
      b.delete().deletingChildrenIfNeeded().forPath(p);
    }
  }

  static void curatorTransactionAndContainers() throws Exception {
    try (CuratorFramework a = curator()) {
      String p = BASE + "/ctx";
      a.create().creatingParentContainersIfNeeded().forPath(p + "/deep/node", b("v"));
      check(new String(a.getData().forPath(p + "/deep/node")).equals("v"), "deep create");
      a.transaction().forOperations(
          a.transactionOp().create().forPath(p + "/t1"),
          a.transactionOp().setData().forPath(p + "/t1", b("z")),
          a.transactionOp().check().withVersion(1).forPath(p + "/t1"));
      check(new String(a.getData().forPath(p + "/t1")).equals("z"), "transaction applied");
      a.delete().deletingChildrenIfNeeded().forPath(p);
    }
  }

  static void curatorEnsembleTrackerKeepsConnectString() throws Exception {
    // Curator reads /zookeeper/config; in standalone it is empty and must be ignored.
    try (CuratorFramework a = curator()) {
      a.create().forPath(BASE + "/et");
      Thread.sleep(300);
      check(a.getZookeeperClient().getCurrentConnectionString().equals(hosts),
          "connect string " + a.getZookeeperClient().getCurrentConnectionString());
      a.delete().forPath(BASE + "/et");
    }
  }

  public static void main(String[] args) throws Exception {
    hosts = args[0];
    try (Client setup = new Client()) {
      if (setup.zk.exists(BASE, false) == null) {
        setup.zk.create(BASE, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT);
      }
    }
    Map<String, Scenario> scenarios = new LinkedHashMap<>();
    scenarios.put("java_crud_and_stat", JavaClientScenarios::crudAndStat);
    scenarios.put("java_ttl_and_container", JavaClientScenarios::ttlAndContainer);
    scenarios.put("java_multi_and_failure", JavaClientScenarios::multiAndFailure);
    scenarios.put("java_persistent_recursive_watch", JavaClientScenarios::persistentRecursiveWatch);
    scenarios.put("java_whoami_ephemerals_counts", JavaClientScenarios::whoAmIEphemeralsCounts);
    scenarios.put("java_get_config_empty_in_standalone",
        JavaClientScenarios::getConfigEmptyInStandalone);
    scenarios.put("java_session_resume_with_id_and_password",
        JavaClientScenarios::sessionResumeWithIdAndPassword);
    scenarios.put("java_child_and_data_watches", JavaClientScenarios::childAndDataWatches);
    scenarios.put("curator_mutex", JavaClientScenarios::curatorMutex);
    scenarios.put("curator_leader_latch", JavaClientScenarios::curatorLeaderLatch);
    scenarios.put("curator_cache_sees_changes", JavaClientScenarios::curatorCacheSeesChanges);
    scenarios.put("curator_transaction_and_containers",
        JavaClientScenarios::curatorTransactionAndContainers);
    scenarios.put("curator_ensemble_tracker_keeps_connect_string",
        JavaClientScenarios::curatorEnsembleTrackerKeepsConnectString);
    int failed = 0;
    for (Map.Entry<String, Scenario> s : scenarios.entrySet()) {
      long t0 = System.nanoTime();
      try {
        s.getValue().run();
        System.out.printf("PASS %s (%d ms)%n", s.getKey(), (System.nanoTime() - t0) / 1000000);
      } catch (Throwable e) {
        System.out.printf("FAIL %s: %s%n", s.getKey(), e);
        ++failed;
      }
      System.out.flush();
    }
    System.out.printf("%d scenarios, %d failed%n", scenarios.size(), failed);
    System.exit(failed == 0 ? 0 : 1);
  }
}
