package zkdit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static zkdit.CoreScenarios.OPEN;
import static zkdit.CoreScenarios.b;

import java.util.List;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.WatcherType;
import org.apache.zookeeper.ZooKeeper;

/** One-shot data/exists/child watches, persistent and recursive watches, watch removal. */
final class WatchScenarios {
  private WatchScenarios() {}

  static final long QUIET_MS = 700;

  static void register(List<Main.Named> s) {
    s.add(new Main.Named("exists_watch_created", WatchScenarios::existsWatch));
    s.add(new Main.Named("data_watch", WatchScenarios::dataWatch));
    s.add(new Main.Named("child_watch", WatchScenarios::childWatch));
    s.add(new Main.Named("persistent_watch", WatchScenarios::persistentWatch));
    s.add(new Main.Named("persistent_recursive_watch", WatchScenarios::recursiveWatch));
    s.add(new Main.Named("remove_watches", WatchScenarios::removeWatches));
    s.add(new Main.Named("watch_table_4lw", WatchScenarios::watchTable4lw));
  }

  static void existsWatch(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    Events w = new Events();
    Check.isTrue(zk.exists(p, w) == null, "node is missing");
    other.create(p, b("x"), OPEN, CreateMode.PERSISTENT);
    WatchedEvent e = w.expect(EventType.NodeCreated, p, "exists watch on missing node");
    Check.eq(org.apache.zookeeper.Watcher.Event.KeeperState.SyncConnected, e.getState(), "event state");
    other.setData(p, b("y"), -1);
    w.expectNone(QUIET_MS, "one-shot watch fired once");
    // exists watch on an existing node fires on data change and on delete.
    Events w2 = new Events();
    Check.isTrue(zk.exists(p, w2) != null, "node exists");
    other.setData(p, b("z"), -1);
    w2.expect(EventType.NodeDataChanged, p, "exists watch on existing node, setData");
    Events w3 = new Events();
    zk.exists(p, w3);
    other.delete(p, -1);
    w3.expect(EventType.NodeDeleted, p, "exists watch, delete");
  }

  static void dataWatch(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    other.create(p, b("0"), OPEN, CreateMode.PERSISTENT);
    Events w = new Events();
    zk.getData(p, w, null);
    other.setData(p, b("1"), -1);
    w.expect(EventType.NodeDataChanged, p, "data watch on setData");
    // The new value is visible once the event is seen.
    Check.eq("1", new String(zk.getData(p, w, null), UTF_8), "data after event (watch re-armed)");
    other.create(p + "/child", null, OPEN, CreateMode.PERSISTENT);
    w.expectNone(QUIET_MS, "data watch ignores child creation");
    other.delete(p + "/child", -1);
    other.delete(p, -1);
    w.expect(EventType.NodeDeleted, p, "data watch on delete");
    w.expectNone(QUIET_MS, "no further events");
    // The same watcher object registered twice on one path fires once.
    other.create(p, b("0"), OPEN, CreateMode.PERSISTENT);
    Events w2 = new Events();
    zk.getData(p, w2, null);
    zk.getData(p, w2, null);
    zk.exists(p, w2);
    other.setData(p, b("2"), -1);
    w2.expect(EventType.NodeDataChanged, p, "deduplicated watcher");
    w2.expectNone(QUIET_MS, "a watcher object fires once per event");
  }

  static void childWatch(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    other.create(p, null, OPEN, CreateMode.PERSISTENT);
    Events w = new Events();
    Check.eq(List.of(), zk.getChildren(p, w), "no children yet");
    other.create(p + "/a", null, OPEN, CreateMode.PERSISTENT);
    w.expect(EventType.NodeChildrenChanged, p, "child watch on create");
    zk.getChildren(p, w);
    other.setData(p + "/a", b("x"), -1);
    other.setData(p, b("x"), -1);
    other.create(p + "/a/grandchild", null, OPEN, CreateMode.PERSISTENT);
    w.expectNone(QUIET_MS, "child watch ignores data changes and grandchildren");
    other.delete(p + "/a/grandchild", -1);
    other.delete(p + "/a", -1);
    w.expect(EventType.NodeChildrenChanged, p, "child watch on delete");
    Events w2 = new Events();
    zk.getChildren(p, w2);
    other.delete(p, -1);
    w2.expect(EventType.NodeDeleted, p, "child watch on deleting the watched node itself");
    // An ephemeral child that goes away with its session triggers the parent's child watch.
    other.create(p, null, OPEN, CreateMode.PERSISTENT);
    Env.Client eph = env.client();
    eph.zk().create(p + "/e", null, OPEN, CreateMode.EPHEMERAL);
    Events w3 = new Events();
    zk.getChildren(p, w3);
    eph.zk().close();
    w3.expect(EventType.NodeChildrenChanged, p, "child watch on ephemeral cleanup");
  }

  static void persistentWatch(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    Events w = new Events();
    zk.addWatch(p, w, AddWatchMode.PERSISTENT);
    other.create(p, null, OPEN, CreateMode.PERSISTENT);
    w.expect(EventType.NodeCreated, p, "persistent watch: create of the node");
    other.setData(p, b("1"), -1);
    w.expect(EventType.NodeDataChanged, p, "persistent watch: first setData");
    other.setData(p, b("2"), -1);
    w.expect(EventType.NodeDataChanged, p, "persistent watch: second setData (still armed)");
    other.create(p + "/c", null, OPEN, CreateMode.PERSISTENT);
    w.expect(EventType.NodeChildrenChanged, p, "persistent watch: child created");
    other.create(p + "/c/g", null, OPEN, CreateMode.PERSISTENT);
    other.setData(p + "/c", b("x"), -1);
    w.expectNone(QUIET_MS, "persistent (non-recursive) watch ignores descendants' data/grandchildren");
  }

  static void recursiveWatch(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    other.create(p, null, OPEN, CreateMode.PERSISTENT);
    Events w = new Events();
    zk.addWatch(p, w, AddWatchMode.PERSISTENT_RECURSIVE);
    other.create(p + "/a", null, OPEN, CreateMode.PERSISTENT);
    w.expect(EventType.NodeCreated, p + "/a", "recursive: child created");
    other.create(p + "/a/b", null, OPEN, CreateMode.PERSISTENT);
    w.expect(EventType.NodeCreated, p + "/a/b", "recursive: grandchild created");
    other.setData(p + "/a/b", b("x"), -1);
    w.expect(EventType.NodeDataChanged, p + "/a/b", "recursive: grandchild data");
    other.setData(p + "/a/b", b("y"), -1);
    w.expect(EventType.NodeDataChanged, p + "/a/b", "recursive: fires again (persistent)");
    other.setData(p, b("root"), -1);
    w.expect(EventType.NodeDataChanged, p, "recursive: the watched node itself");
    other.delete(p + "/a/b", -1);
    w.expect(EventType.NodeDeleted, p + "/a/b", "recursive: grandchild deleted");
    // Recursive watches never deliver NodeChildrenChanged.
    w.expectNone(QUIET_MS, "no NodeChildrenChanged for recursive watches");
    // Siblings of the watched path that share a name prefix are not descendants.
    other.create(p + "-sibling", null, OPEN, CreateMode.PERSISTENT);
    w.expectNone(QUIET_MS, "sibling with the same prefix is not watched");
    other.delete(p + "-sibling", -1);
  }

  static void removeWatches(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    other.create(p, null, OPEN, CreateMode.PERSISTENT);
    Events dataW = new Events();
    Events childW = new Events();
    zk.getData(p, dataW, null);
    zk.getChildren(p, childW);
    zk.removeWatches(p, dataW, WatcherType.Data, false);
    dataW.expect(EventType.DataWatchRemoved, p, "removed data watcher is told");
    other.setData(p, b("x"), -1);
    dataW.expectNone(QUIET_MS, "removed data watch does not fire");
    other.create(p + "/c", null, OPEN, CreateMode.PERSISTENT);
    childW.expect(EventType.NodeChildrenChanged, p, "child watch on the same path still fires");
    Check.keeperError(Code.NOWATCHER, "removing a watcher that is not registered",
        () -> zk.removeWatches(p, dataW, WatcherType.Data, false));
    // removeAllWatches clears a persistent recursive watch on the server too.
    Events rec = new Events();
    zk.addWatch(p, rec, AddWatchMode.PERSISTENT_RECURSIVE);
    zk.removeAllWatches(p, WatcherType.Any, false);
    rec.expect(EventType.PersistentWatchRemoved, p, "persistent watcher removal event");
    other.create(p + "/c/d", null, OPEN, CreateMode.PERSISTENT);
    rec.expectNone(QUIET_MS, "removed recursive watch does not fire");
    // Server-side NOWATCHER: a watch that only exists on another session.
    Events w = new Events();
    other.getData(p, w, null);
    try {
      zk.removeAllWatches(p, WatcherType.Data, false);
      throw new AssertionError("removeAllWatches without own watches succeeded");
    } catch (KeeperException e) {
      Check.eq(Code.NOWATCHER, e.code(), "removeAllWatches without own watches");
    }
  }

  /**
   * The server's own watch table (4lw wchp/wchc/wchs) lists data, exists and persistent
   * watches per path and per session. (Not checked: removal. ZooKeeper 3.8.0 keeps listing
   * a path in wchp after removeWatches succeeded, so the oracle cannot prove it.)
   */
  static void watchTable4lw(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    String sid = "0x" + Long.toHexString(zk.getSessionId());
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/r", null, OPEN, CreateMode.PERSISTENT);
    Events w = new Events();
    zk.getData(p, w, null);
    zk.exists(p + "/missing", w);
    zk.addWatch(p + "/r", new Events(), AddWatchMode.PERSISTENT_RECURSIVE);
    String wchp = env.fourLetter("wchp");
    Check.isTrue(wchp.contains(p + "\n\t" + sid + "\n"), "wchp lists the data watch: " + wchp);
    Check.isTrue(wchp.contains(p + "/missing\n\t" + sid + "\n"), "wchp lists the exists watch: " + wchp);
    Check.isTrue(wchp.contains(p + "/r\n\t" + sid + "\n"), "wchp lists the persistent watch: " + wchp);
    String wchc = env.fourLetter("wchc");
    Check.isTrue(wchc.contains(sid + "\n"), "wchc lists the session: " + wchc);
    Check.isTrue(wchc.contains("\t" + p + "/missing\n"), "wchc lists the session's paths: " + wchc);
    String wchs = env.fourLetter("wchs");
    Check.isTrue(wchs.contains("Total watches:") && wchs.contains("connections watching"), "wchs: " + wchs);
    // A fired one-shot watch leaves the table.
    ZooKeeper other = env.client().zk();
    other.create(p + "/missing", null, OPEN, CreateMode.PERSISTENT);
    w.expect(org.apache.zookeeper.Watcher.Event.EventType.NodeCreated, p + "/missing", "exists watch fired");
    Check.isTrue(!env.fourLetter("wchp").contains(p + "/missing\n"), "fired watch left the table");
  }
}
