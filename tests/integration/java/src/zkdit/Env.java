package zkdit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.Watcher.Event.KeeperState;

/**
 * What a scenario gets: the server address, a base path of its own ("/" + scenario name),
 * client factories, and the restart hook. Clients it opens are closed after the scenario.
 * Used by one scenario thread at a time (the list is synchronized for recipe callbacks).
 */
final class Env {
  final String connect;
  final String restartCmd;
  final String base;
  private final List<AutoCloseable> opened;

  Env(String connect, String restartCmd) {
    this(connect, restartCmd, "/", new ArrayList<>());
  }

  private Env(String connect, String restartCmd, String base, List<AutoCloseable> opened) {
    this.connect = connect;
    this.restartCmd = restartCmd;
    this.base = base;
    this.opened = opened;
  }

  Env forScenario(String name) {
    return new Env(connect, restartCmd, "/" + name, opened);
  }

  /** base + "/" + rel */
  String path(String rel) {
    return base + "/" + rel;
  }

  /** A plain ZooKeeper client, connected (SyncConnected seen) before it is returned. */
  Client client(int sessionTimeoutMs) throws Exception {
    return clientVia(connect, sessionTimeoutMs);
  }

  /** Like client(), through another address (a TcpProxy). */
  Client clientVia(String address, int sessionTimeoutMs) throws Exception {
    Events state = new Events();
    ZooKeeper zk = new ZooKeeper(address, sessionTimeoutMs, state);
    synchronized (opened) {
      opened.add(zk);
    }
    state.awaitState(KeeperState.SyncConnected, 15_000, "connect to " + connect);
    return new Client(zk, state);
  }

  Client client() throws Exception {
    return client(10_000);
  }

  /** A started Curator client that has connected. */
  CuratorFramework curator() throws Exception {
    CuratorFramework c = CuratorFrameworkFactory.newClient(
        connect, 10_000, 10_000, new ExponentialBackoffRetry(100, 5));
    track(c);
    c.start();
    Check.isTrue(c.blockUntilConnected(15, TimeUnit.SECONDS), "curator connects to " + connect);
    return c;
  }

  /** Closes x after the scenario (in reverse order of registration). */
  <T extends AutoCloseable> T track(T x) {
    synchronized (opened) {
      opened.add(x);
    }
    return x;
  }

  void closeAll() {
    List<AutoCloseable> copy;
    synchronized (opened) {
      copy = new ArrayList<>(opened);
      opened.clear();
    }
    for (int i = copy.size() - 1; i >= 0; i--) {
      try {
        copy.get(i).close();
      } catch (Exception e) {
        // A scenario may already have closed it (e.g. to end a session on purpose).
      }
    }
  }

  /** Restarts the server with ZK_RESTART_CMD; returns when it serves again. */
  void restartServer() throws Exception {
    if (restartCmd == null || restartCmd.isEmpty()) {
      throw new AssertionError("ZK_RESTART_CMD is not set; cannot restart the server");
    }
    Process p = new ProcessBuilder("sh", "-c", restartCmd).inheritIO().start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("restart command timed out: " + restartCmd);
    }
    Check.eq(0, p.exitValue(), "exit status of restart command");
  }

  /** Sends a four-letter-word command and returns the whole reply. */
  String fourLetter(String cmd) throws Exception {
    int colon = connect.lastIndexOf(':');
    try (java.net.Socket sock = new java.net.Socket(
        connect.substring(0, colon), Integer.parseInt(connect.substring(colon + 1)))) {
      sock.setSoTimeout(10_000);
      sock.getOutputStream().write(cmd.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      sock.getOutputStream().flush();
      return new String(sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** A connected ZooKeeper handle plus the queue of its session-state events. */
  record Client(ZooKeeper zk, Events state) {}
}
