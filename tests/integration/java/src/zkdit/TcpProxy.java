package zkdit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback TCP relay in front of the server, so a scenario can cut one client off
 * (pause: drop its connections and refuse new ones) while other clients keep working,
 * then let it back in (resume: listen again on the same port). Thread-safe.
 */
final class TcpProxy implements AutoCloseable {
  private final String host;
  private final int targetPort;
  private final int port;
  private ServerSocket listener;
  private final List<Socket> sockets = new ArrayList<>();

  TcpProxy(String connect) throws IOException {
    int colon = connect.lastIndexOf(':');
    host = connect.substring(0, colon);
    targetPort = Integer.parseInt(connect.substring(colon + 1));
    listener = listen(0);
    port = listener.getLocalPort();
    acceptLoop(listener);
  }

  /** host:port clients should connect to. */
  String connectString() {
    return "127.0.0.1:" + port;
  }

  synchronized void pause() throws IOException {
    if (listener != null) listener.close();
    listener = null;
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException e) {
        // already closed by the peer
      }
    }
    sockets.clear();
  }

  synchronized void resume() throws IOException {
    if (listener != null) return;
    listener = listen(port);
    acceptLoop(listener);
  }

  @Override
  public void close() throws IOException {
    pause();
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return ss;
  }

  private void acceptLoop(ServerSocket ss) {
    Thread t = new Thread(() -> {
      while (true) {
        Socket client;
        try {
          client = ss.accept();
        } catch (IOException e) {
          return;  // listener closed by pause()
        }
        try {
          Socket upstream = new Socket(host, targetPort);
          synchronized (this) {
            if (listener != ss) {
              client.close();
              upstream.close();
              continue;
            }
            sockets.add(client);
            sockets.add(upstream);
          }
          pump(client, upstream);
          pump(upstream, client);
        } catch (IOException e) {
          try {
            client.close();
          } catch (IOException ignored) {
            // nothing to do
          }
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private static void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[65536];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // connection cut
      } finally {
        try {
          from.close();
          to.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }
}
