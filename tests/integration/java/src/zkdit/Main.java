package zkdit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the real-client scenarios against the server at env ZK_CONNECT (host:port) and prints
 * one line per scenario: PASS, FAIL (with the reason) or SKIP (feature absent from this client
 * library). Exits 1 if any scenario failed. Optional arguments select scenarios by name.
 * env ZK_RESTART_CMD: a shell command that restarts the server on the same port and dataDir
 * (used by the reconnect scenarios; they FAIL without it).
 */
public final class Main {
  /** A scenario's body; throwing fails it, Skip skips it. */
  interface Scenario {
    void run(Env env) throws Exception;
  }

  /** Thrown by a scenario that cannot run with this client library. */
  static final class Skip extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Skip(String why) {
      super(why);
    }
  }

  record Named(String name, Scenario body) {}

  static final long SCENARIO_TIMEOUT_S = 90;

  public static void main(String[] args) throws Exception {
    String connect = System.getenv("ZK_CONNECT");
    if (connect == null || connect.isEmpty()) {
      System.err.println("ZK_CONNECT (host:port) is not set");
      System.exit(2);
    }
    Env env = new Env(connect, System.getenv("ZK_RESTART_CMD"));
    List<Named> all = new ArrayList<>();
    CoreScenarios.register(all);
    WatchScenarios.register(all);
    SessionScenarios.register(all);
    CuratorScenarios.register(all);
    CuratorRecipeScenarios.register(all);
    MoreScenarios.register(all);

    List<Named> chosen = new ArrayList<>();
    for (Named n : all) {
      if (args.length == 0 || List.of(args).contains(n.name())) chosen.add(n);
    }
    if (chosen.isEmpty()) {
      System.err.println("no scenario matches " + List.of(args));
      System.exit(2);
    }
    int pass = 0, fail = 0, skip = 0;
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r);
      t.setDaemon(true);
      return t;
    });
    for (Named n : chosen) {
      long t0 = System.nanoTime();
      String verdict;
      Future<?> f = pool.submit(() -> {
        n.body().run(env.forScenario(n.name()));
        return null;
      });
      try {
        f.get(SCENARIO_TIMEOUT_S, TimeUnit.SECONDS);
        verdict = "PASS";
        pass++;
      } catch (TimeoutException e) {
        f.cancel(true);
        verdict = "FAIL timed out after " + SCENARIO_TIMEOUT_S + " s";
        fail++;
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof Skip) {
          verdict = "SKIP " + c.getMessage();
          skip++;
        } else {
          verdict = "FAIL " + c;
          fail++;
          c.printStackTrace(System.out);
        }
      } finally {
        env.closeAll();
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.println(verdict.split(" ")[0] + " " + n.name() + " (" + ms + " ms)"
          + (verdict.contains(" ") ? " " + verdict.substring(verdict.indexOf(' ') + 1) : ""));
      System.out.flush();
    }
    System.out.println("summary: " + pass + " passed, " + fail + " failed, " + skip + " skipped");
    System.exit(fail == 0 ? 0 : 1);
  }
}
