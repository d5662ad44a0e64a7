package zkdit;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.Watcher.Event.EventType;
import org.apache.zookeeper.Watcher.Event.KeeperState;

/**
 * A Watcher that queues what it receives. Node events and session-state events (type None)
 * go to separate queues so state changes never hide node events. Thread-safe.
 */
final class Events implements Watcher {
  static final long WAIT_MS = 10_000;
  private final LinkedBlockingQueue<WatchedEvent> nodes = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<WatchedEvent> states = new LinkedBlockingQueue<>();

  @Override
  public void process(WatchedEvent e) {
    if (e.getType() == EventType.None) {
      states.add(e);
    } else {
      nodes.add(e);
    }
  }

  /** Next node event; fails if none arrives within 10 s. */
  WatchedEvent next(String what) throws InterruptedException {
    WatchedEvent e = nodes.poll(WAIT_MS, TimeUnit.MILLISECONDS);
    if (e == null) throw new AssertionError(what + ": no watch event within " + WAIT_MS + " ms");
    return e;
  }

  /** Next node event must have this type and path. */
  WatchedEvent expect(EventType type, String path, String what) throws InterruptedException {
    WatchedEvent e = next(what);
    if (e.getType() != type || !path.equals(e.getPath())) {
      throw new AssertionError(
          what + ": expected " + type + " " + path + " but got " + e.getType() + " " + e.getPath());
    }
    return e;
  }

  /** No node event may arrive within ms. */
  void expectNone(long ms, String what) throws InterruptedException {
    WatchedEvent e = nodes.poll(ms, TimeUnit.MILLISECONDS);
    if (e != null) {
      throw new AssertionError(what + ": unexpected event " + e.getType() + " " + e.getPath());
    }
  }

  /** Waits for this session state (skipping other states); fails after timeoutMs. */
  void awaitState(KeeperState want, long timeoutMs, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      long left = deadline - System.currentTimeMillis();
      WatchedEvent e = left > 0 ? states.poll(left, TimeUnit.MILLISECONDS) : null;
      if (e == null) throw new AssertionError(what + ": no " + want + " within " + timeoutMs + " ms");
      if (e.getState() == want) return;
    }
  }

  /** Watch-removal events (DataWatchRemoved etc.) arrive with a path and a node type. */
  int pending() {
    return nodes.size();
  }
}
