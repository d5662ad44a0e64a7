package zkdit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static zkdit.CoreScenarios.OPEN;
import static zkdit.CoreScenarios.b;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.AsyncCallback;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/** Session expiry, large payloads, pipelined async requests, chroot. */
final class MoreScenarios {
  private MoreScenarios() {}

  static void register(List<Main.Named> s) {
    s.add(new Main.Named("session_expiry", MoreScenarios::sessionExpiry));
    s.add(new Main.Named("large_data_many_children", MoreScenarios::largePayloads));
    s.add(new Main.Named("async_pipeline_order", MoreScenarios::asyncPipeline));
    s.add(new Main.Named("chroot", MoreScenarios::chroot));
    s.add(new Main.Named("setwatches_many_batched", MoreScenarios::manyWatchesReconnect));
    s.add(new Main.Named("ip_acl", MoreScenarios::ipAcl));
    s.add(new Main.Named("multi_fires_watches", MoreScenarios::multiFiresWatches));
  }

  /** A client cut off for longer than its session timeout: the server expires the session. */
  static void sessionExpiry(Env env) throws Exception {
    TcpProxy proxy = env.track(new TcpProxy(env.connect));
    Env.Client a = env.clientVia(proxy.connectString(), 4000);
    ZooKeeper zk = a.zk();
    Check.eq(4000, zk.getSessionTimeout(), "negotiated timeout");
    ZooKeeper b = env.client().zk();
    String p = env.base;
    b.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/eph", null, OPEN, CreateMode.EPHEMERAL);
    Events gone = new Events();
    b.exists(p + "/eph", gone);
    Events parent = new Events();
    b.getChildren(p, parent);
    long t0 = System.currentTimeMillis();
    proxy.pause();
    gone.expect(EventType.NodeDeleted, p + "/eph", "ephemeral removed when the session expires");
    long waited = System.currentTimeMillis() - t0;
    Check.isTrue(waited >= 3000, "session expired no earlier than its timeout (" + waited + " ms)");
    parent.expect(EventType.NodeChildrenChanged, p, "parent child watch on expiry");
    proxy.resume();
    a.state().awaitState(KeeperState.Expired, 15_000, "the cut-off client learns it expired");
    Check.eq(ZooKeeper.States.CLOSED, zk.getState(), "expired handle is closed");
  }

  static void largePayloads(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    byte[] big = new byte[1_000_000];
    for (int i = 0; i < big.length; i++) big[i] = (byte) (i * 31 + 7);
    zk.create(p, big, OPEN, CreateMode.PERSISTENT);
    Stat s = new Stat();
    Check.isTrue(Arrays.equals(big, zk.getData(p, false, s)), "1 MB value round-trips");
    Check.eq(1_000_000, s.getDataLength(), "dataLength of 1 MB value");
    // 2000 children with 60-character names: a ~130 KB getChildren reply.
    String pad = "x".repeat(50);
    List<String> want = new ArrayList<>();
    CountDownLatch done = new CountDownLatch(2000);
    int[] errors = {0};
    AsyncCallback.StringCallback cb = (rc, path, ctx, name) -> {
      if (rc != 0) synchronized (errors) { errors[0]++; }
      done.countDown();
    };
    for (int i = 0; i < 2000; i++) {
      String name = String.format("%s-%05d", pad, i);
      want.add(name);
      zk.create(p + "/" + name, null, OPEN, CreateMode.PERSISTENT, cb, null);
    }
    Check.isTrue(done.await(60, TimeUnit.SECONDS), "2000 async creates answered");
    Check.eq(0, errors[0], "async create errors");
    List<String> got = new ArrayList<>(zk.getChildren(p, false));
    Collections.sort(got);
    Check.eq(want, got, "all 2000 children listed");
    Check.eq(2000, zk.exists(p, false).getNumChildren(), "numChildren");
    Check.eq(2000, zk.getAllChildrenNumber(p), "getAllChildrenNumber");
  }

  /** Requests of one session are answered in order, even when pipelined asynchronously. */
  static void asyncPipeline(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, b("0"), OPEN, CreateMode.PERSISTENT);
    int n = 500;
    List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    List<String> problems = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(2 * n);
    for (int i = 0; i < n; i++) {
      final int k = i;
      zk.setData(p, b(Integer.toString(i + 1)), i, (rc, path, ctx, stat) -> {
        if (rc != 0) problems.add("setData " + k + " rc " + rc);
        else if (stat.getVersion() != k + 1) problems.add("setData " + k + " version " + stat.getVersion());
        order.add(2 * k);
        done.countDown();
      }, null);
      zk.getData(p, false, (rc, path, ctx, data, stat) -> {
        // A read queued after write k sees exactly write k's effect.
        if (rc != 0 || !new String(data, UTF_8).equals(Integer.toString(k + 1))) {
          problems.add("getData after write " + k + ": rc " + rc + " data " + (data == null ? null : new String(data, UTF_8)));
        }
        order.add(2 * k + 1);
        done.countDown();
      }, null);
    }
    Check.isTrue(done.await(60, TimeUnit.SECONDS), "all pipelined replies arrived");
    Check.eq(List.of(), problems.size() > 5 ? problems.subList(0, 5) : problems, "pipelined results");
    for (int i = 0; i < order.size(); i++) {
      if (order.get(i) != i) throw new AssertionError("reply " + i + " out of order: got request " + order.get(i));
    }
    Check.eq(n, zk.exists(p, false).getVersion(), "final version");
  }

  static void chroot(Env env) throws Exception {
    ZooKeeper root = env.client().zk();
    String p = env.base;
    root.create(p, null, OPEN, CreateMode.PERSISTENT);
    Env.Client c = env.clientVia(env.connect + p, 10_000);
    ZooKeeper zk = c.zk();
    Check.eq("/a", zk.create("/a", b("in-chroot"), OPEN, CreateMode.PERSISTENT), "path relative to chroot");
    Check.eq("in-chroot", new String(root.getData(p + "/a", false, null), UTF_8), "visible at full path");
    Check.eq("/s0000000001", zk.create("/s", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL), "sequential in chroot");
    Events w = new Events();
    zk.exists("/b", w);
    root.create(p + "/b", null, OPEN, CreateMode.PERSISTENT);
    w.expect(EventType.NodeCreated, "/b", "event path relative to chroot");
    Check.keeperError(Code.NONODE, "chrooted client cannot see outside", () -> zk.getData("/zookeeper", false, null));
  }

  /**
   * 3000 watches on long paths (~200 KB of path text): on reconnect the Java client sends
   * them in several SetWatches packets (128 KB each); every one must be re-armed.
   */
  static void manyWatchesReconnect(Env env) throws Exception {
    TcpProxy proxy = env.track(new TcpProxy(env.connect));
    Env.Client a = env.clientVia(proxy.connectString(), 20_000);
    ZooKeeper zk = a.zk();
    ZooKeeper b = env.client().zk();
    String p = env.base;
    b.create(p, null, OPEN, CreateMode.PERSISTENT);
    String pad = "w".repeat(50);
    int n = 3000;
    Events w = new Events();
    CountDownLatch armed = new CountDownLatch(n);
    for (int i = 0; i < n; i++) {
      zk.exists(String.format("%s/%s-%05d", p, pad, i), w, (rc, path, ctx, stat) -> armed.countDown(), null);
    }
    Check.isTrue(armed.await(60, TimeUnit.SECONDS), "3000 exists watches set");
    proxy.pause();
    a.state().awaitState(KeeperState.Disconnected, 10_000, "client cut off");
    proxy.resume();
    a.state().awaitState(KeeperState.SyncConnected, 20_000, "client reconnects");
    // Create the first, a middle and the last watched node: each event must arrive.
    int[] picks = {0, n / 2, n - 1};
    java.util.Set<String> want = new java.util.HashSet<>();
    for (int i : picks) {
      String path = String.format("%s/%s-%05d", p, pad, i);
      want.add(path);
      b.create(path, null, OPEN, CreateMode.PERSISTENT);
    }
    java.util.Set<String> got = new java.util.HashSet<>();
    for (int i = 0; i < picks.length; i++) {
      org.apache.zookeeper.WatchedEvent e = w.next("event " + i + " after batched SetWatches");
      Check.eq(EventType.NodeCreated, e.getType(), "event type");
      got.add(e.getPath());
    }
    Check.eq(want, got, "events for first, middle and last watch");
  }

  static void ipAcl(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    List<ACL> local = new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("ip", "127.0.0.1"))));
    zk.create(p + "/local", b("ok"), local, CreateMode.PERSISTENT);
    Check.eq("ok", new String(zk.getData(p + "/local", false, null), UTF_8), "ip 127.0.0.1 matches");
    List<ACL> subnet = new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("ip", "127.0.0.0/8"))));
    zk.create(p + "/subnet", b("ok"), subnet, CreateMode.PERSISTENT);
    Check.eq("ok", new String(zk.getData(p + "/subnet", false, null), UTF_8), "ip 127.0.0.0/8 matches");
    List<ACL> other = new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("ip", "10.1.2.0/24"))));
    zk.create(p + "/other", b("no"), other, CreateMode.PERSISTENT);
    Check.keeperError(Code.NOAUTH, "ip 10.1.2.0/24 does not match", () -> zk.getData(p + "/other", false, null));
    Check.keeperError(Code.INVALIDACL, "malformed ip ACL",
        () -> zk.create(p + "/bad", null, new ArrayList<>(List.of(new ACL(Perms.ALL, new Id("ip", "not-an-ip")))),
            CreateMode.PERSISTENT));
  }

  static void multiFiresWatches(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    other.create(p, null, OPEN, CreateMode.PERSISTENT);
    other.create(p + "/d", b("0"), OPEN, CreateMode.PERSISTENT);
    other.create(p + "/gone", null, OPEN, CreateMode.PERSISTENT);
    Events data = new Events();
    Events created = new Events();
    Events deleted = new Events();
    Events kids = new Events();
    zk.getData(p + "/d", data, null);
    zk.exists(p + "/new", created);
    zk.exists(p + "/gone", deleted);
    zk.getChildren(p, kids);
    other.multi(List.of(Op.setData(p + "/d", b("1"), -1), Op.create(p + "/new", null, OPEN, CreateMode.PERSISTENT),
        Op.delete(p + "/gone", -1)));
    data.expect(EventType.NodeDataChanged, p + "/d", "multi setData fires data watch");
    created.expect(EventType.NodeCreated, p + "/new", "multi create fires exists watch");
    deleted.expect(EventType.NodeDeleted, p + "/gone", "multi delete fires exists watch");
    kids.expect(EventType.NodeChildrenChanged, p, "multi fires the parent's child watch once");
    kids.expectNone(WatchScenarios.QUIET_MS, "child watch is one-shot");
    // A failed multi fires nothing.
    Events quiet = new Events();
    zk.getData(p + "/d", quiet, null);
    try {
      other.multi(List.of(Op.setData(p + "/d", b("2"), -1), Op.check(p + "/d", 99)));
      throw new AssertionError("multi with a failing check succeeded");
    } catch (org.apache.zookeeper.KeeperException e) {
      Check.eq(Code.BADVERSION, e.code(), "failed multi code");
    }
    quiet.expectNone(WatchScenarios.QUIET_MS, "failed multi fires no watch");
  }
}
