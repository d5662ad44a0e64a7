package zkdit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.Op;
import org.apache.zookeeper.OpResult;
import org.apache.zookeeper.ZooDefs.Ids;
import org.apache.zookeeper.ZooDefs.Perms;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;
import org.apache.zookeeper.data.Stat;
import org.apache.zookeeper.server.auth.DigestAuthenticationProvider;

/** Plain ZooKeeper Java client: CRUD, Stat, node modes, multi, ACLs, 3.6+ calls. */
final class CoreScenarios {
  private CoreScenarios() {}

  static final List<ACL> OPEN = Ids.OPEN_ACL_UNSAFE;

  static void register(List<Main.Named> s) {
    s.add(new Main.Named("connect", CoreScenarios::connect));
    s.add(new Main.Named("crud_stat", CoreScenarios::crudStat));
    s.add(new Main.Named("create_delete_errors", CoreScenarios::createDeleteErrors));
    s.add(new Main.Named("ephemeral", CoreScenarios::ephemeral));
    s.add(new Main.Named("sequential", CoreScenarios::sequential));
    s.add(new Main.Named("create2_stat", CoreScenarios::create2Stat));
    s.add(new Main.Named("multi_success", CoreScenarios::multiSuccess));
    s.add(new Main.Named("multi_failure", CoreScenarios::multiFailure));
    s.add(new Main.Named("multi_read", CoreScenarios::multiRead));
    s.add(new Main.Named("acl_digest", CoreScenarios::aclDigest));
    s.add(new Main.Named("auth_creator_acl", CoreScenarios::authCreatorAcl));
    s.add(new Main.Named("container_node", CoreScenarios::container));
    s.add(new Main.Named("ttl_node", CoreScenarios::ttl));
    s.add(new Main.Named("get_ephemerals", CoreScenarios::getEphemerals));
    s.add(new Main.Named("all_children_number", CoreScenarios::allChildrenNumber));
    s.add(new Main.Named("sync", CoreScenarios::sync));
    s.add(new Main.Named("who_am_i", CoreScenarios::whoAmI));
  }

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  static void connect(Env env) throws Exception {
    Env.Client c = env.client(12_000);
    ZooKeeper zk = c.zk();
    Check.isTrue(zk.getSessionId() != 0, "session id is non-zero");
    Check.eq(16, zk.getSessionPasswd().length, "session password length");
    Check.eq(12_000, zk.getSessionTimeout(), "negotiated session timeout (within min/max)");
    Check.eq(ZooKeeper.States.CONNECTED, zk.getState(), "client state");
    Check.isTrue(zk.exists("/", false) != null, "root exists");
    Check.isTrue(zk.getChildren("/", false).contains("zookeeper"), "/zookeeper is a child of /");
    // A timeout below minSessionTimeout (2 * tickTime) is raised to it.
    Env.Client low = env.client(1000);
    Check.eq(4000, low.zk().getSessionTimeout(), "session timeout raised to 2*tickTime");
  }

  static void crudStat(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    Check.eq(p, zk.create(p, b("v0"), OPEN, CreateMode.PERSISTENT), "created path");
    Stat s = new Stat();
    Check.eq("v0", new String(zk.getData(p, false, s), UTF_8), "data after create");
    Check.eq(0, s.getVersion(), "version after create");
    Check.eq(0, s.getCversion(), "cversion after create");
    Check.eq(0, s.getAversion(), "aversion after create");
    Check.eq(2, s.getDataLength(), "dataLength");
    Check.eq(0, s.getNumChildren(), "numChildren");
    Check.eq(0L, s.getEphemeralOwner(), "ephemeralOwner of persistent node");
    Check.eq(s.getCzxid(), s.getMzxid(), "mzxid == czxid after create");
    Check.eq(s.getCzxid(), s.getPzxid(), "pzxid == czxid after create");
    Check.isTrue(Math.abs(s.getCtime() - System.currentTimeMillis()) < 60_000, "ctime is wall clock ms");
    Check.eq(s.getCtime(), s.getMtime(), "mtime == ctime after create");

    Stat s1 = zk.setData(p, b("value-1"), 0);
    Check.eq(1, s1.getVersion(), "version after setData");
    Check.isTrue(s1.getMzxid() > s.getMzxid(), "mzxid grows on setData");
    Check.eq(s.getCzxid(), s1.getCzxid(), "czxid unchanged by setData");
    Check.eq(7, s1.getDataLength(), "dataLength after setData");
    Stat s2 = zk.setData(p, b("value-2"), -1);
    Check.eq(2, s2.getVersion(), "version after unconditional setData");
    Check.keeperError(Code.BADVERSION, "setData with stale version", () -> zk.setData(p, b("x"), 1));

    zk.create(p + "/child", new byte[0], OPEN, CreateMode.PERSISTENT);
    Stat parent = zk.exists(p, false);
    Check.eq(1, parent.getNumChildren(), "parent numChildren after child create");
    Check.eq(1, parent.getCversion(), "parent cversion after child create");
    Check.isTrue(parent.getPzxid() > s2.getMzxid(), "parent pzxid moves with child create");
    Check.eq(2, parent.getVersion(), "parent data version unchanged by child create");
    Stat childStat = new Stat();
    Check.eq(0, zk.getData(p + "/child", false, childStat).length, "empty data");
    Check.eq(List.of("child"), zk.getChildren(p, false), "children");
    Stat cs = new Stat();
    zk.getChildren(p, false, cs);
    Check.eq(parent, cs, "getChildren2 stat equals exists stat");

    Check.keeperError(Code.BADVERSION, "delete with wrong version", () -> zk.delete(p + "/child", 5));
    zk.delete(p + "/child", 0);
    Stat after = zk.exists(p, false);
    Check.eq(0, after.getNumChildren(), "numChildren after child delete");
    Check.eq(2, after.getCversion(), "cversion counts deletes too");
    Check.isTrue(zk.exists(p + "/child", false) == null, "deleted child is gone");
    Check.keeperError(Code.NONODE, "getData of deleted node", () -> zk.getData(p + "/child", false, null));
    zk.delete(p, -1);
    Check.isTrue(zk.exists(p, false) == null, "deleted node is gone");
    // Data of a node may be null: the server stores it as empty.
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    byte[] nullData = zk.getData(p, false, null);
    Check.isTrue(nullData == null || nullData.length == 0, "null data reads back empty");
  }

  static void createDeleteErrors(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, new byte[0], OPEN, CreateMode.PERSISTENT);
    Check.keeperError(Code.NODEEXISTS, "create existing", () -> zk.create(p, null, OPEN, CreateMode.PERSISTENT));
    Check.keeperError(Code.NONODE, "create under missing parent",
        () -> zk.create(p + "/no/such", null, OPEN, CreateMode.PERSISTENT));
    zk.create(p + "/c", null, OPEN, CreateMode.PERSISTENT);
    Check.keeperError(Code.NOTEMPTY, "delete non-empty", () -> zk.delete(p, -1));
    Check.keeperError(Code.NONODE, "delete missing", () -> zk.delete(p + "/missing", -1));
    Check.keeperError(Code.NONODE, "setData missing", () -> zk.setData(p + "/missing", null, -1));
    Check.keeperError(Code.NONODE, "getChildren missing", () -> zk.getChildren(p + "/missing", false));
    Check.keeperError(Code.INVALIDACL, "create with empty ACL",
        () -> zk.create(p + "/e", null, new ArrayList<>(), CreateMode.PERSISTENT));
    Check.keeperError(Code.BADARGUMENTS, "delete /zookeeper", () -> zk.delete("/zookeeper", -1));
    byte[] big = new byte[1024 * 1024 + 1];
    // Over jute.maxbuffer (1 MiB): the server drops the connection; the client sees ConnectionLoss.
    Env.Client other = env.client();
    try {
      other.zk().create(p + "/big", big, OPEN, CreateMode.PERSISTENT);
      throw new AssertionError("create of a 1 MiB + 1 node succeeded");
    } catch (KeeperException e) {
      Check.isTrue(e.code() == Code.CONNECTIONLOSS, "oversized create: expected CONNECTIONLOSS, got " + e.code());
    }
    Check.isTrue(zk.exists(p + "/big", false) == null, "oversized node was not created");
  }

  static void ephemeral(Env env) throws Exception {
    Env.Client owner = env.client();
    ZooKeeper zk = owner.zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/e", b("x"), OPEN, CreateMode.EPHEMERAL);
    Stat s = other.exists(p + "/e", false);
    Check.eq(zk.getSessionId(), s.getEphemeralOwner(), "ephemeralOwner is the creating session");
    Check.keeperError(Code.NOCHILDRENFOREPHEMERALS, "child of ephemeral",
        () -> zk.create(p + "/e/c", null, OPEN, CreateMode.PERSISTENT));
    Events w = new Events();
    other.exists(p + "/e", w);
    zk.close();
    w.expect(org.apache.zookeeper.Watcher.Event.EventType.NodeDeleted, p + "/e", "ephemeral deleted on close");
    Check.isTrue(other.exists(p + "/e", false) == null, "ephemeral gone after session close");
  }

  static void sequential(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    String a = zk.create(p + "/q-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
    String c = zk.create(p + "/other", null, OPEN, CreateMode.PERSISTENT);
    String d = zk.create(p + "/q-", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL);
    Check.eq(p + "/q-0000000000", a, "first sequential name");
    Check.eq(p + "/other", c, "plain create");
    // The counter is the parent's cversion: the plain create in between counts too.
    Check.eq(p + "/q-0000000002", d, "ephemeral sequential name");
    Check.eq(zk.getSessionId(), zk.exists(d, false).getEphemeralOwner(), "ephemeral sequential owner");
    zk.delete(a, -1);
    Check.eq(4, zk.exists(p, false).getCversion(), "cversion after 3 creates and 1 delete");
    String e = zk.create(p + "/", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL);
    // A delete bumps the parent's cversion (4 above) but the sequence counter only counts
    // creations: ZooKeeper 3.8 names this one ...3.
    Check.eq(p + "/0000000003", e, "sequence after a delete, empty prefix");
    List<String> kids = zk.getChildren(p, false);
    Collections.sort(kids);
    Check.eq(List.of("0000000003", "other", "q-0000000002"), kids, "children");
  }

  static void create2Stat(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    Stat s = new Stat();
    Check.eq(p, zk.create(p, b("abc"), OPEN, CreateMode.PERSISTENT, s), "create2 path");
    Check.isTrue(s.getCzxid() > 0, "create2 returns a Stat with czxid");
    Check.eq(3, s.getDataLength(), "create2 stat dataLength");
    Check.eq(0, s.getVersion(), "create2 stat version");
    Check.eq(zk.exists(p, false), s, "create2 stat equals exists");
    Stat s2 = new Stat();
    String seq = zk.create(p + "/s", null, OPEN, CreateMode.EPHEMERAL_SEQUENTIAL, s2);
    Check.eq(p + "/s0000000000", seq, "create2 sequential path");
    Check.eq(zk.getSessionId(), s2.getEphemeralOwner(), "create2 ephemeral owner");
  }

  static void multiSuccess(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, b("base"), OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/gone", null, OPEN, CreateMode.PERSISTENT);
    List<OpResult> r = zk.multi(List.of(
        Op.create(p + "/a", b("1"), OPEN, CreateMode.PERSISTENT),
        Op.create(p + "/a/s-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL),
        Op.check(p, 0),
        Op.setData(p + "/a", b("2"), 0),
        Op.delete(p + "/gone", 0)));
    Check.eq(5, r.size(), "result count");
    Check.eq(p + "/a", ((OpResult.CreateResult) r.get(0)).getPath(), "create result path");
    Check.eq(p + "/a/s-0000000000", ((OpResult.CreateResult) r.get(1)).getPath(), "sequential result path");
    Check.isTrue(r.get(2) instanceof OpResult.CheckResult, "check result type: " + r.get(2));
    Stat st = ((OpResult.SetDataResult) r.get(3)).getStat();
    Check.eq(1, st.getVersion(), "setData in multi sees the create in the same multi");
    Check.isTrue(r.get(4) instanceof OpResult.DeleteResult, "delete result type: " + r.get(4));
    // All ops of one multi share one zxid.
    Check.eq(zk.exists(p + "/a", false).getCzxid(), st.getMzxid(), "one zxid for the whole multi");
    Check.isTrue(zk.exists(p + "/gone", false) == null, "deleted in multi");
    // A TTL create inside a multi (opcode createTTL) is reported with a Stat.
    List<OpResult> r2 = zk.multi(List.of(
        Op.create(p + "/b", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, 600_000L)));
    OpResult.CreateResult cr = (OpResult.CreateResult) r2.get(0);
    Check.eq(p + "/b", cr.getPath(), "createTTL-in-multi path");
    Check.isTrue(cr.getStat() != null && cr.getStat().getCzxid() > 0, "createTTL-in-multi has a stat");
    // Curator-style transaction via the Transaction helper.
    List<OpResult> r3 = zk.transaction().delete(p + "/b", -1).create(p + "/c", null, OPEN, CreateMode.PERSISTENT).commit();
    Check.eq(2, r3.size(), "transaction result count");
  }

  static void multiFailure(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/x", b("x"), OPEN, CreateMode.PERSISTENT);
    long zxidBefore = zk.exists(p, false).getPzxid();
    try {
      zk.multi(List.of(
          Op.create(p + "/new", null, OPEN, CreateMode.PERSISTENT),
          Op.setData(p + "/x", b("y"), -1),
          Op.check(p + "/x", 7),
          Op.delete(p + "/x", -1)));
      throw new AssertionError("multi with a failing check succeeded");
    } catch (KeeperException e) {
      Check.eq(Code.BADVERSION, e.code(), "multi error code is the failing op's");
      List<OpResult> r = e.getResults();
      Check.eq(4, r.size(), "one result per op");
      int[] want = {Code.OK.intValue(), Code.OK.intValue(), Code.BADVERSION.intValue(),
          Code.RUNTIMEINCONSISTENCY.intValue()};
      for (int i = 0; i < 4; i++) {
        Check.isTrue(r.get(i) instanceof OpResult.ErrorResult, "result " + i + " is ErrorResult: " + r.get(i));
        Check.eq(want[i], ((OpResult.ErrorResult) r.get(i)).getErr(), "error code of op " + i);
      }
    }
    Check.isTrue(zk.exists(p + "/new", false) == null, "failed multi created nothing");
    Check.eq("x", new String(zk.getData(p + "/x", false, null), UTF_8), "failed multi changed nothing");
    Check.eq(zxidBefore, zk.exists(p, false).getPzxid(), "parent untouched");
    // A failing create inside a multi: NODEEXISTS, later ops RUNTIMEINCONSISTENCY.
    try {
      zk.multi(List.of(Op.create(p + "/x", null, OPEN, CreateMode.PERSISTENT), Op.delete(p + "/x", -1)));
      throw new AssertionError("multi creating an existing node succeeded");
    } catch (KeeperException e) {
      Check.eq(Code.NODEEXISTS, e.code(), "multi error code");
      Check.eq(Code.NODEEXISTS.intValue(), ((OpResult.ErrorResult) e.getResults().get(0)).getErr(), "op 0");
      Check.eq(Code.RUNTIMEINCONSISTENCY.intValue(), ((OpResult.ErrorResult) e.getResults().get(1)).getErr(), "op 1");
    }
    // An empty multi succeeds with no results.
    Check.eq(0, zk.multi(new ArrayList<>()).size(), "empty multi");
  }

  static void multiRead(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, b("root"), OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/k1", b("v1"), OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/k2", b("v2"), OPEN, CreateMode.PERSISTENT);
    List<OpResult> r = zk.multi(List.of(
        Op.getData(p + "/k1"), Op.getChildren(p), Op.getData(p + "/missing"), Op.getData(p + "/k2")));
    Check.eq(4, r.size(), "read multi result count");
    OpResult.GetDataResult d1 = (OpResult.GetDataResult) r.get(0);
    Check.eq("v1", new String(d1.getData(), UTF_8), "read multi getData");
    Check.eq(zk.exists(p + "/k1", false), d1.getStat(), "read multi stat");
    List<String> kids = new ArrayList<>(((OpResult.GetChildrenResult) r.get(1)).getChildren());
    Collections.sort(kids);
    Check.eq(List.of("k1", "k2"), kids, "read multi getChildren");
    // Reads fail independently: one error does not abort the others.
    Check.eq(Code.NONODE.intValue(), ((OpResult.ErrorResult) r.get(2)).getErr(), "read multi missing node");
    Check.eq("v2", new String(((OpResult.GetDataResult) r.get(3)).getData(), UTF_8), "read after error");
  }

  static void aclDigest(Env env) throws Exception {
    ZooKeeper owner = env.client().zk();
    ZooKeeper anon = env.client().zk();
    ZooKeeper alice = env.client().zk();
    alice.addAuthInfo("digest", b("alice:secret"));
    String p = env.base;
    Id aliceId = new Id("digest", DigestAuthenticationProvider.generateDigest("alice:secret"));
    // (The Java client calls acl.contains(null), which immutable List.of lists reject.)
    List<ACL> acl = new ArrayList<>(
        List.of(new ACL(Perms.ALL, aliceId), new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE)));
    owner.create(p, b("guarded"), acl, CreateMode.PERSISTENT);
    Stat s = new Stat();
    Check.eq(acl, alice.getACL(p, s), "getACL with ADMIN permission returns the ACL as set");
    Check.eq(0, s.getAversion(), "aversion after create");
    // Without ADMIN permission digest hashes are masked as "user:x" (ZooKeeper 3.8).
    List<ACL> masked = List.of(new ACL(Perms.ALL, new Id("digest", "alice:x")),
        new ACL(Perms.READ, Ids.ANYONE_ID_UNSAFE));
    Check.eq(masked, anon.getACL(p, new Stat()), "getACL without ADMIN masks digests");
    Check.eq("guarded", new String(anon.getData(p, false, null), UTF_8), "world READ allows getData");
    Check.keeperError(Code.NOAUTH, "anonymous setData", () -> anon.setData(p, b("x"), -1));
    Check.keeperError(Code.NOAUTH, "anonymous create child",
        () -> anon.create(p + "/c", null, OPEN, CreateMode.PERSISTENT));
    alice.setData(p, b("by-alice"), -1);
    alice.create(p + "/c", null, OPEN, CreateMode.PERSISTENT);
    // setACL: version check, aversion grows; removing READ for anyone blocks anon reads.
    Check.keeperError(Code.BADVERSION, "setACL with stale aversion",
        () -> alice.setACL(p, new ArrayList<>(List.of(new ACL(Perms.ALL, aliceId))), 3));
    Check.keeperError(Code.NOAUTH, "anonymous setACL", () -> anon.setACL(p, OPEN, -1));
    Stat s2 = alice.setACL(p, new ArrayList<>(List.of(new ACL(Perms.ALL, aliceId))), 0);
    Check.eq(1, s2.getAversion(), "aversion after setACL");
    Check.keeperError(Code.NOAUTH, "anonymous getData after setACL", () -> anon.getData(p, false, null));
    // exists and getChildren need no permission on the node itself... getChildren needs READ.
    Check.isTrue(anon.exists(p, false) != null, "exists needs no permission");
    Check.keeperError(Code.NOAUTH, "anonymous getChildren", () -> anon.getChildren(p, false));
    // Authenticating later on the same session grants access.
    anon.addAuthInfo("digest", b("alice:secret"));
    Check.eq("by-alice", new String(anon.getData(p, false, null), UTF_8), "getData after addAuthInfo");
    // A wrong password does not match the digest.
    ZooKeeper mallory = env.client().zk();
    mallory.addAuthInfo("digest", b("alice:wrong"));
    Check.keeperError(Code.NOAUTH, "wrong password", () -> mallory.getData(p, false, null));
  }

  static void authCreatorAcl(Env env) throws Exception {
    ZooKeeper anon = env.client().zk();
    String p = env.base;
    anon.create(p, null, OPEN, CreateMode.PERSISTENT);
    Check.keeperError(Code.INVALIDACL, "CREATOR_ALL_ACL without auth",
        () -> anon.create(p + "/mine", null, Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT));
    ZooKeeper bob = env.client().zk();
    bob.addAuthInfo("digest", b("bob:pw"));
    bob.create(p + "/mine", b("b"), Ids.CREATOR_ALL_ACL, CreateMode.PERSISTENT);
    List<ACL> acl = bob.getACL(p + "/mine", new Stat());
    Id bobId = new Id("digest", DigestAuthenticationProvider.generateDigest("bob:pw"));
    Check.eq(List.of(new ACL(Perms.ALL, bobId)), acl, "auth scheme expands to the creator's digest id");
    Check.keeperError(Code.NOAUTH, "other session reads creator-only node",
        () -> anon.getData(p + "/mine", false, null));
    // An unknown auth scheme fails the session's authentication (AuthFailed event, then closed).
    Env.Client bad = env.client();
    bad.zk().addAuthInfo("nosuchscheme", b("x"));
    bad.state().awaitState(org.apache.zookeeper.Watcher.Event.KeeperState.AuthFailed, 10_000,
        "unknown auth scheme");
  }

  static void container(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    Stat s = new Stat();
    zk.create(p, null, OPEN, CreateMode.CONTAINER, s);
    // Stored owner is 0x8000000000000000, but clients are shown 0 (DataNode.copyStat).
    Check.eq(0L, s.getEphemeralOwner(), "container ephemeralOwner as seen by clients");
    Check.keeperError(Code.NODEEXISTS, "container create on existing path",
        () -> zk.create(p, null, OPEN, CreateMode.CONTAINER));
    // A never-used container (no child ever) stays.
    zk.create(p + "/child", null, OPEN, CreateMode.PERSISTENT);
    Events w = new Events();
    zk.exists(p, w);
    zk.delete(p + "/child", -1);
    // Emptied container is reaped by the server (check interval 1 s in these tests).
    w.expect(org.apache.zookeeper.Watcher.Event.EventType.NodeDeleted, p, "container reaped after last child");
    Check.isTrue(zk.exists(p, false) == null, "container gone");
    zk.create(p, null, OPEN, CreateMode.CONTAINER);
    Thread.sleep(2500);
    Check.isTrue(zk.exists(p, false) != null, "never-used empty container is kept");
  }

  static void ttl(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    Stat s = new Stat();
    zk.create(p + "/t", b("x"), OPEN, CreateMode.PERSISTENT_WITH_TTL, s, 500);
    // Stored owner is 0xFF00000000000000|ttl, but clients are shown 0 (DataNode.copyStat).
    Check.eq(0L, s.getEphemeralOwner(), "TTL node ephemeralOwner as seen by clients");
    Check.eq(0L, zk.exists(p + "/t", false).getEphemeralOwner(), "TTL node ephemeralOwner via exists");
    String seq = zk.create(p + "/ts-", null, OPEN, CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL, new Stat(), 600_000);
    Check.eq(p + "/ts-0000000001", seq, "sequential TTL name");
    zk.create(p + "/keep", null, OPEN, CreateMode.PERSISTENT_WITH_TTL, new Stat(), 600_000);
    Check.eventually(8000, "TTL node expires", Check.probe(() -> zk.exists(p + "/t", false) == null));
    Check.isTrue(zk.exists(p + "/keep", false) != null, "long-TTL node stays");
    Check.isTrue(zk.exists(seq, false) != null, "long-TTL sequential node stays");
  }

  static void getEphemerals(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    ZooKeeper other = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/a", null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/a/e1", null, OPEN, CreateMode.EPHEMERAL);
    zk.create(p + "/e2", null, OPEN, CreateMode.EPHEMERAL);
    zk.create(p + "/b", null, OPEN, CreateMode.EPHEMERAL);
    other.create(p + "/a/theirs", null, OPEN, CreateMode.EPHEMERAL);
    List<String> mine = new ArrayList<>(zk.getEphemerals(p));
    Collections.sort(mine);
    Check.eq(List.of(p + "/a/e1", p + "/b", p + "/e2"), mine, "own ephemerals under prefix");
    List<String> prefixed = new ArrayList<>(zk.getEphemerals(p + "/a"));
    Check.eq(List.of(p + "/a/e1"), prefixed, "prefix filter (only this session's)");
    List<String> all = new ArrayList<>(zk.getEphemerals());
    Collections.sort(all);
    Check.eq(mine, all, "getEphemerals() without prefix");
    // The prefix is a string prefix, not a path: "/x/e" matches "/x/e2".
    Check.eq(List.of(p + "/e2"), zk.getEphemerals(p + "/e"), "string-prefix match");
  }

  static void allChildrenNumber(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    String p = env.base;
    zk.create(p, null, OPEN, CreateMode.PERSISTENT);
    for (String c : List.of("a", "b", "c")) zk.create(p + "/" + c, null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/a/x", null, OPEN, CreateMode.PERSISTENT);
    zk.create(p + "/a/x/y", null, OPEN, CreateMode.EPHEMERAL);
    Check.eq(5, zk.getAllChildrenNumber(p), "all descendants");
    Check.eq(0, zk.getAllChildrenNumber(p + "/b"), "leaf");
    Check.keeperError(Code.NONODE, "missing node", () -> zk.getAllChildrenNumber(p + "/none"));
  }

  static void sync(Env env) throws Exception {
    ZooKeeper writer = env.client().zk();
    ZooKeeper reader = env.client().zk();
    String p = env.base;
    writer.create(p, b("1"), OPEN, CreateMode.PERSISTENT);
    java.util.concurrent.CompletableFuture<Integer> rc = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.CompletableFuture<String> path = new java.util.concurrent.CompletableFuture<>();
    reader.sync(p, (code, pth, ctx) -> {
      rc.complete(code);
      path.complete(pth);
    }, null);
    Check.eq(0, rc.get(10, java.util.concurrent.TimeUnit.SECONDS), "sync rc");
    Check.eq(p, path.get(), "sync path");
    Check.eq("1", new String(reader.getData(p, false, null), UTF_8), "read after sync");
  }

  static void whoAmI(Env env) throws Exception {
    ZooKeeper zk = env.client().zk();
    zk.addAuthInfo("digest", b("carol:pw"));
    List<org.apache.zookeeper.data.ClientInfo> infos;
    try {
      infos = zk.whoAmI();
    } catch (Exception e) {
      throw new AssertionError("whoAmI failed: " + e);
    }
    boolean ip = false, carol = false;
    for (org.apache.zookeeper.data.ClientInfo i : infos) {
      if (i.getAuthScheme().equals("ip") && i.getUser().equals("127.0.0.1")) ip = true;
      if (i.getAuthScheme().equals("digest") && i.getUser().equals("carol")) carol = true;
    }
    Check.isTrue(ip, "whoAmI lists ip 127.0.0.1: " + infos);
    Check.isTrue(carol, "whoAmI lists digest user carol: " + infos);
  }
}
