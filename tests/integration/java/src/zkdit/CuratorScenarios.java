package zkdit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static zkdit.CoreScenarios.b;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.recipes.cache.NodeCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCache;
import org.apache.curator.framework.recipes.cache.PathChildrenCacheEvent;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.data.Stat;

/** Curator framework basics and the cache recipes. */
final class CuratorScenarios {
  private CuratorScenarios() {}

  static void register(List<Main.Named> s) {
    s.add(new Main.Named("curator_crud", CuratorScenarios::crud));
    s.add(new Main.Named("curator_container_parents", CuratorScenarios::containerParents));
    s.add(new Main.Named("curator_transaction", CuratorScenarios::transaction));
    s.add(new Main.Named("curator_persistent_watcher", CuratorScenarios::persistentWatcher));
    s.add(new Main.Named("curator_cache", CuratorScenarios::curatorCache));
    s.add(new Main.Named("curator_path_children_cache", CuratorScenarios::pathChildrenCache));
    s.add(new Main.Named("curator_node_cache", CuratorScenarios::nodeCache));
  }

  static <T> T poll(LinkedBlockingQueue<T> q, String what) throws InterruptedException {
    T x = q.poll(Events.WAIT_MS, TimeUnit.MILLISECONDS);
    if (x == null) throw new AssertionError(what + ": nothing within " + Events.WAIT_MS + " ms");
    return x;
  }

  static void crud(Env env) throws Exception {
    CuratorFramework c = env.curator();
    String p = env.base;
    c.create().creatingParentsIfNeeded().forPath(p + "/a/b/c", b("leaf"));
    Stat parent = c.checkExists().forPath(p + "/a");
    Check.eq(0L, parent.getEphemeralOwner(), "creatingParentsIfNeeded makes persistent parents");
    Check.eq("leaf", new String(c.getData().forPath(p + "/a/b/c"), UTF_8), "getData");
    Stat s = c.setData().withVersion(0).forPath(p + "/a/b/c", b("v1"));
    Check.eq(1, s.getVersion(), "setData version");
    try {
      c.setData().withVersion(0).forPath(p + "/a/b/c", b("v2"));
      throw new AssertionError("stale setData succeeded");
    } catch (KeeperException.BadVersionException e) {
      // expected
    }
    String eph = c.create().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(p + "/a/e-", b("x"));
    Check.isTrue(eph.startsWith(p + "/a/e-") && eph.length() == (p + "/a/e-").length() + 10, "seq name " + eph);
    Check.eq(List.of("b", eph.substring(eph.lastIndexOf('/') + 1)),
        c.getChildren().forPath(p + "/a").stream().sorted().toList(), "children");
    // Protected (GUID-prefixed) ephemeral sequential create, as used by locks.
    String prot = c.create().withProtection().withMode(CreateMode.EPHEMERAL_SEQUENTIAL).forPath(p + "/a/lock-");
    Check.isTrue(prot.contains("_c_"), "protected name: " + prot);
    c.delete().deletingChildrenIfNeeded().forPath(p);
    Check.isTrue(c.checkExists().forPath(p) == null, "deletingChildrenIfNeeded removed the tree");
  }

  static void containerParents(Env env) throws Exception {
    CuratorFramework c = env.curator();
    String p = env.base;
    c.create().creatingParentContainersIfNeeded().forPath(p + "/x/y/leaf", b("1"));
    c.create().creatingParentsIfNeeded().forPath(p + "/x/plain/leaf", b("2"));
    c.delete().forPath(p + "/x/y/leaf");
    c.delete().forPath(p + "/x/plain/leaf");
    // The server reaps emptied container parents (createContainer, opcode 19) but keeps
    // persistent ones; the Stat cannot tell them apart (clients see ephemeralOwner 0).
    Check.eventually(15_000, "emptied container parent is reaped",
        Check.probe(() -> c.checkExists().forPath(p + "/x/y") == null));
    Thread.sleep(2500);
    Check.isTrue(c.checkExists().forPath(p + "/x/plain") != null, "persistent parent stays");
    Check.isTrue(c.checkExists().forPath(p + "/x") != null, "container with a child stays");
    c.delete().forPath(p + "/x/plain");
    Check.eventually(15_000, "container parents reaped bottom-up once empty",
        Check.probe(() -> c.checkExists().forPath(p) == null));
  }

  static void transaction(Env env) throws Exception {
    CuratorFramework c = env.curator();
    String p = env.base;
    c.create().forPath(p, b("root"));
    CuratorOp create = c.transactionOp().create().forPath(p + "/t1", b("a"));
    CuratorOp set = c.transactionOp().setData().forPath(p, b("changed"));
    CuratorOp check = c.transactionOp().check().withVersion(1).forPath(p);
    List<CuratorTransactionResult> r = c.transaction().forOperations(create, set, check);
    Check.eq(3, r.size(), "transaction results");
    Check.eq(p + "/t1", r.get(0).getResultPath(), "created path");
    Check.eq(1, r.get(1).getResultStat().getVersion(), "setData stat in result");
    try {
      c.transaction().forOperations(
          c.transactionOp().create().forPath(p + "/t2"),
          c.transactionOp().delete().forPath(p + "/missing"));
      throw new AssertionError("transaction with a failing delete succeeded");
    } catch (KeeperException.NoNodeException e) {
      // expected
    }
    Check.isTrue(c.checkExists().forPath(p + "/t2") == null, "failed transaction rolled back");
  }

  static void persistentWatcher(Env env) throws Exception {
    CuratorFramework c = env.curator();
    CuratorFramework other = env.curator();
    String p = env.base;
    c.create().forPath(p);
    LinkedBlockingQueue<WatchedEvent> q = new LinkedBlockingQueue<>();
    c.watchers().add().withMode(AddWatchMode.PERSISTENT_RECURSIVE).usingWatcher(
        (org.apache.zookeeper.Watcher) q::add).forPath(p);
    other.create().forPath(p + "/k", b("v"));
    WatchedEvent e = poll(q, "recursive watcher via Curator");
    Check.eq(EventType.NodeCreated, e.getType(), "event type");
    Check.eq(p + "/k", e.getPath(), "event path");
    other.setData().forPath(p + "/k", b("w"));
    e = poll(q, "second event");
    Check.eq(EventType.NodeDataChanged, e.getType(), "second event type");
  }

  static void curatorCache(Env env) throws Exception {
    CuratorFramework c = env.curator();
    CuratorFramework other = env.curator();
    String p = env.base;
    c.create().forPath(p, b("root"));
    c.create().forPath(p + "/pre", b("existing"));
    LinkedBlockingQueue<String> ev = new LinkedBlockingQueue<>();
    CuratorCache cache = env.track(CuratorCache.build(c, p));
    cache.listenable().addListener(CuratorCacheListener.builder()
        .forCreates(d -> ev.add("create " + d.getPath() + " " + new String(d.getData(), UTF_8)))
        .forChanges((o, n) -> ev.add("change " + n.getPath() + " " + new String(o.getData(), UTF_8)
            + "->" + new String(n.getData(), UTF_8)))
        .forDeletes(d -> ev.add("delete " + d.getPath()))
        .forInitialized(() -> ev.add("initialized"))
        .build());
    cache.start();
    // Initial load: the root and the existing child, then "initialized".
    java.util.Set<String> initial = new java.util.HashSet<>();
    initial.add(poll(ev, "initial 1"));
    initial.add(poll(ev, "initial 2"));
    Check.eq(java.util.Set.of("create " + p + " root", "create " + p + "/pre existing"), initial, "initial load");
    Check.eq("initialized", poll(ev, "initialized"), "initialized after load");
    other.create().forPath(p + "/n", b("1"));
    Check.eq("create " + p + "/n 1", poll(ev, "create event"), "create event");
    other.setData().forPath(p + "/n", b("2"));
    Check.eq("change " + p + "/n 1->2", poll(ev, "change event"), "change event");
    other.create().forPath(p + "/n/deep", b("d"));
    Check.eq("create " + p + "/n/deep d", poll(ev, "deep create"), "deep create event");
    other.delete().deletingChildrenIfNeeded().forPath(p + "/n");
    java.util.Set<String> dels = new java.util.HashSet<>();
    dels.add(poll(ev, "delete 1"));
    dels.add(poll(ev, "delete 2"));
    Check.eq(java.util.Set.of("delete " + p + "/n", "delete " + p + "/n/deep"), dels, "delete events");
    Check.isTrue(cache.get(p + "/pre").isPresent(), "cache holds /pre");
    Check.isTrue(cache.get(p + "/n").isEmpty(), "cache dropped /n");
  }

  @SuppressWarnings("deprecation")
  static void pathChildrenCache(Env env) throws Exception {
    CuratorFramework c = env.curator();
    CuratorFramework other = env.curator();
    String p = env.base;
    c.create().forPath(p);
    c.create().forPath(p + "/a", b("1"));
    LinkedBlockingQueue<String> ev = new LinkedBlockingQueue<>();
    PathChildrenCache cache = env.track(new PathChildrenCache(c, p, true));
    cache.getListenable().addListener((cl, e) -> {
      ChildData d = e.getData();
      ev.add(e.getType() + (d == null ? "" : " " + d.getPath() + " " + new String(d.getData(), UTF_8)));
    });
    cache.start(PathChildrenCache.StartMode.POST_INITIALIZED_EVENT);
    Check.eq("CHILD_ADDED " + p + "/a 1", poll(ev, "initial child"), "initial child");
    Check.eq(PathChildrenCacheEvent.Type.INITIALIZED.toString(), poll(ev, "initialized"), "initialized");
    other.create().forPath(p + "/b", b("2"));
    Check.eq("CHILD_ADDED " + p + "/b 2", poll(ev, "added"), "added");
    other.setData().forPath(p + "/a", b("3"));
    Check.eq("CHILD_UPDATED " + p + "/a 3", poll(ev, "updated"), "updated");
    other.delete().forPath(p + "/b");
    Check.eq("CHILD_REMOVED " + p + "/b 2", poll(ev, "removed"), "removed");
    Collection<ChildData> now = cache.getCurrentData();
    Check.eq(1, now.size(), "current children");
  }

  @SuppressWarnings("deprecation")
  static void nodeCache(Env env) throws Exception {
    CuratorFramework c = env.curator();
    CuratorFramework other = env.curator();
    String p = env.base;
    NodeCache cache = env.track(new NodeCache(c, p));
    LinkedBlockingQueue<String> ev = new LinkedBlockingQueue<>();
    cache.getListenable().addListener(() -> {
      ChildData d = cache.getCurrentData();
      ev.add(d == null ? "gone" : new String(d.getData(), UTF_8));
    });
    cache.start(true);
    Check.isTrue(cache.getCurrentData() == null, "node absent at start");
    other.create().forPath(p, b("born"));
    Check.eq("born", poll(ev, "create seen"), "create seen by NodeCache");
    other.setData().forPath(p, b("grown"));
    Check.eq("grown", poll(ev, "change seen"), "change seen by NodeCache");
    other.delete().forPath(p);
    Check.eq("gone", poll(ev, "delete seen"), "delete seen by NodeCache");
  }
}
