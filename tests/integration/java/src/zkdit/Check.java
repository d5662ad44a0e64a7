package zkdit;

import java.util.Objects;
import org.apache.zookeeper.KeeperException;

/** Assertions for the scenarios; each failure throws AssertionError with what was expected. */
final class Check {
  private Check() {}

  interface Body {
    void run() throws Exception;
  }

  static void eq(Object expected, Object actual, String what) {
    if (!Objects.equals(expected, actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> but got <" + actual + ">");
    }
  }

  static void isTrue(boolean cond, String what) {
    if (!cond) throw new AssertionError(what);
  }

  /** Runs body and requires a KeeperException with exactly this code. */
  static void keeperError(KeeperException.Code code, String what, Body body) throws Exception {
    try {
      body.run();
    } catch (KeeperException e) {
      if (e.code() != code) {
        throw new AssertionError(what + ": expected " + code + " but got " + e.code() + " (" + e + ")");
      }
      return;
    }
    throw new AssertionError(what + ": expected " + code + " but the call succeeded");
  }

  /** Polls cond every 50 ms until true or timeoutMs passes. */
  static void eventually(long timeoutMs, String what, java.util.function.BooleanSupplier cond)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (cond.getAsBoolean()) return;
      Thread.sleep(50);
    }
    if (!cond.getAsBoolean()) throw new AssertionError(what + " (not true after " + timeoutMs + " ms)");
  }

  /** A ZooKeeper call inside eventually(): exceptions count as "not yet". */
  interface Probe {
    boolean test() throws Exception;
  }

  static java.util.function.BooleanSupplier probe(Probe p) {
    return () -> {
      try {
        return p.test();
      } catch (Exception e) {
        return false;
      }
    };
  }
}
