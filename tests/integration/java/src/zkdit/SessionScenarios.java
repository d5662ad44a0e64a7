package zkdit;

import static zkdit.CoreScenarios.OPEN;
import static zkdit.CoreScenarios.b;

import java.util.List;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;

/**
 * Sessions: reconnect after a server restart (SIGKILL + start on the same port and dataDir) (session, ephemerals and watches survive;
 * the client re-registers watches with SetWatches / SetWatches2), resuming a session by
 * id and password, and a wrong password expiring the handle.
 */
final class SessionScenarios {
  private SessionScenarios() {}

  static void register(List<Main.Named> s) {
    s.add(new Main.Named("session_resume_by_id", SessionScenarios::resumeById));
    s.add(new Main.Named("session_bad_password", SessionScenarios::badPassword));
    s.add(new Main.Named("setwatches_missed_events", SessionScenarios::missedEvents));
    s.add(new Main.Named("reconnect_after_restart_setwatches", SessionScenarios::restartOneShot));
    s.add(new Main.Named("reconnect_after_restart_persistent", SessionScenarios::restartPersistent));
  }

  static void resumeById(Env env) throws Exception {
    TcpProxy proxy = env.track(new TcpProxy(env.connect));
    Env.Client first = env.clientVia(proxy.connectString(), 20_000);
    ZooKeeper zk = first.zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/e", null, OPEN, CreateMode.EPHEMERAL);
    // Cut the first handle off, then attach a second handle to the same session directly.
    proxy.pause();
    first.state().awaitState(KeeperState.Disconnected, 10_000, "first handle cut off");
    Events st = new Events();
    ZooKeeper again =
        env.track(new ZooKeeper(env.connect, 20_000, st, zk.getSessionId(), zk.getSessionPasswd()));
    st.awaitState(KeeperState.SyncConnected, 15_000, "resume by id");
    Check.eq(zk.getSessionId(), again.getSessionId(), "same session id");
    Check.eq(20_000, again.getSessionTimeout(), "session timeout kept");
    Stat s = again.exists(p + "/e", false);
    Check.eq(zk.getSessionId(), s.getEphemeralOwner(), "ephemeral owned by the resumed session");
    again.create(p + "/e2", null, OPEN, CreateMode.EPHEMERAL);
    // Closing the resumed handle ends the session and all its ephemerals.
    again.close();
    ZooKeeper watcher = env.client().zk();
    Check.eventually(10_000, "ephemerals removed when the session closes",
        Check.probe(() -> watcher.exists(p + "/e", false) == null && watcher.exists(p + "/e2", false) == null));
    // The first handle, let back in, learns its session is gone.
    proxy.resume();
    first.state().awaitState(KeeperState.Expired, 15_000, "first handle sees its closed session expired");
  }

  /**
   * Changes made while a client is cut off: on reconnect the client sends SetWatches with
   * the last zxid it saw, and the server fires the watches whose nodes changed after it.
   */
  static void missedEvents(Env env) throws Exception {
    TcpProxy proxy = env.track(new TcpProxy(env.connect));
    Env.Client a = env.clientVia(proxy.connectString(), 20_000);
    ZooKeeper zk = a.zk();
    ZooKeeper b = env.client().zk();
    String p = env.base;
    b.create(p, null, OPEN, CreateMode.PERSISTENT);
    b.create(p + "/data", b("0"), OPEN, CreateMode.PERSISTENT);
    b.create(p + "/doomed", null, OPEN, CreateMode.PERSISTENT);
    b.create(p + "/quiet", null, OPEN, CreateMode.PERSISTENT);
    Events dataW = new Events();
    Events existW = new Events();
    Events childW = new Events();
    Events deleteW = new Events();
    Events quietW = new Events();
    zk.getData(p + "/data", dataW, null);
    zk.exists(p + "/new", existW);
    zk.getChildren(p, childW);
    zk.exists(p + "/doomed", deleteW);
    zk.getData(p + "/quiet", quietW, null);
    long sid = zk.getSessionId();

    proxy.pause();
    a.state().awaitState(KeeperState.Disconnected, 10_000, "client cut off");
    b.setData(p + "/data", b("1"), -1);
    b.create(p + "/new", null, OPEN, CreateMode.PERSISTENT);
    b.delete(p + "/doomed", -1);
    dataW.expectNone(300, "no events while disconnected");
    proxy.resume();
    a.state().awaitState(KeeperState.SyncConnected, 20_000, "client reconnects");
    Check.eq(sid, zk.getSessionId(), "same session");
    dataW.expect(EventType.NodeDataChanged, p + "/data", "data change while away");
    existW.expect(EventType.NodeCreated, p + "/new", "creation while away");
    childW.expect(EventType.NodeChildrenChanged, p, "children changed while away");
    deleteW.expect(EventType.NodeDeleted, p + "/doomed", "deletion while away");
    quietW.expectNone(WatchScenarios.QUIET_MS, "unchanged node's watch does not fire");
    b.setData(p + "/quiet", b("now"), -1);
    quietW.expect(EventType.NodeDataChanged, p + "/quiet", "re-registered watch fires later");
  }

  static void badPassword(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    byte[] wrong = zk.getSessionPasswd().clone();
    wrong[0] ^= 0x5a;
    Events st = new Events();
    ZooKeeper bad = env.track(new ZooKeeper(env.connect, 10_000, st, zk.getSessionId(), wrong));
    try {
      st.awaitState(KeeperState.Expired, 15_000, "wrong session password");
    } finally {
      bad.close();
    }
    // ZooKeeper closes the owner's connection when any connect names its session id (even
    // with a wrong password); the owner reconnects and its session is intact.
    Check.eventually(15_000, "owner works again after the intruder",
        Check.probe(() -> zk.exists("/", false) != null));
    Check.eq(ZooKeeper.States.CONNECTED, zk.getState(), "owner connected");
    // A closed session cannot be resumed either.
    long sid = zk.getSessionId();
    byte[] pw = zk.getSessionPasswd();
    zk.close();
    Events st2 = new Events();
    ZooKeeper late = env.track(new ZooKeeper(env.connect, 10_000, st2, sid, pw));
    try {
      st2.awaitState(KeeperState.Expired, 15_000, "resume of a closed session");
    } finally {
      late.close();
    }
  }

  /** One-shot watches only: the client re-registers them with SetWatches (opcode 101). */
  static void restartOneShot(Env env) throws Exception {
    // Through a relay that stays closed until the restarted server serves: ZooKeeper 3.8.0
    // accepts connections before its database is loaded and then leaves them hanging
    // (NullPointerException in NIOServerCnxn close), which would stall the client.
    TcpProxy proxy = env.track(new TcpProxy(env.connect));
    Env.Client a = env.clientVia(proxy.connectString(), 30_000);
    ZooKeeper zk = a.zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/data", b("0"), OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/eph", b("mine"), OPEN, CreateMode.EPHEMERAL);
    Events dataW = new Events();
    Events existW = new Events();
    Events childW = new Events();
    zk.getData(p + "/data", dataW, null);
    Check.isTrue(zk.exists(p + "/missing", existW) == null, "missing");
    zk.getChildren(p, childW);
    long sid = zk.getSessionId();

    proxy.pause();
    a.state().awaitState(KeeperState.Disconnected, 20_000, "client disconnected");
    env.restartServer();
    proxy.resume();
    a.state().awaitState(KeeperState.SyncConnected, 45_000, "client reconnects");
    Check.eq(sid, zk.getSessionId(), "same session after reconnect");

    ZooKeeper b = env.client().zk();
    Stat s = b.exists(p + "/eph", false);
    Check.isTrue(s != null, "ephemeral survived the restart");
    Check.eq(sid, s.getEphemeralOwner(), "ephemeral still owned by the session");
    b.setData(p + "/data", b("1"), -1);
    dataW.expect(EventType.NodeDataChanged, p + "/data", "data watch re-registered by SetWatches");
    b.create(p + "/missing", null, OPEN, CreateMode.PERSISTENT);
    existW.expect(EventType.NodeCreated, p + "/missing", "exists watch re-registered by SetWatches");
    childW.expect(EventType.NodeChildrenChanged, p, "child watch re-registered by SetWatches");
    // The session still works for writes and its ephemerals still die with it.
    zk.setData(p + "/eph", b("still-mine"), -1);
    Events gone = new Events();
    b.exists(p + "/eph", gone);
    zk.close();
    gone.expect(EventType.NodeDeleted, p + "/eph", "ephemeral removed when the session closes");
  }

  /** With a persistent recursive watch the client re-registers with SetWatches2 (105). */
  static void restartPersistent(Env env) throws Exception {
    // Through a relay that stays closed until the restarted server serves: ZooKeeper 3.8.0
    // accepts connections before its database is loaded and then leaves them hanging
    // (NullPointerException in NIOServerCnxn close), which would stall the client.
    TcpProxy proxy = env.track(new TcpProxy(env.connect));
    Env.Client a = env.clientVia(proxy.connectString(), 30_000);
    ZooKeeper zk = a.zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/tree", null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/eph", null, OPEN, CreateMode.EPHEMERAL);
    Events rec = new Events();
    zk.addWatch(p + "/tree", rec, AddWatchMode.PERSISTENT_RECURSIVE);
    Events dataW = new Events();
    zk.getData(p + "/eph", dataW, null);
    long sid = zk.getSessionId();

    proxy.pause();
    a.state().awaitState(KeeperState.Disconnected, 20_000, "client disconnected");
    env.restartServer();
    proxy.resume();
    a.state().awaitState(KeeperState.SyncConnected, 45_000, "client reconnects");
    Check.eq(sid, zk.getSessionId(), "same session after reconnect");

    ZooKeeper b = env.client().zk();
    b.create(p + "/tree/x", null, OPEN, CreateMode.PERSISTENT);
    rec.expect(EventType.NodeCreated, p + "/tree/x", "recursive watch re-registered by SetWatches2");
    b.create(p + "/tree/x/y", null, OPEN, CreateMode.PERSISTENT);
    rec.expect(EventType.NodeCreated, p + "/tree/x/y", "recursive watch still persistent");
    b.setData(p + "/eph", b("poke"), -1);
    dataW.expect(EventType.NodeDataChanged, p + "/eph", "one-shot data watch in SetWatches2");
    Check.eq(sid, b.exists(p + "/eph", false).getEphemeralOwner(), "ephemeral survived the restart");
  }
}
