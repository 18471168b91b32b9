package io.aifactory.sdk.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy in front of the test broker that the test can take down and bring back on the same port: the broker
 * advertises the proxy's port, so every client connection goes through it, and "down" is a real network outage to
 * the clients (cut sockets, connections closed as soon as they are accepted) while the broker keeps its data. The
 * port stays bound for the proxy's whole life, so that nothing else (not even a client's own outgoing connection)
 * can take it while the proxy is down.
 */
final class TcpProxy implements AutoCloseable {
  private final ServerSocket server;
  private volatile int targetPort;
  private volatile boolean up;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();

  TcpProxy() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "proxy-accept-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  void target(int targetPort) {
    this.targetPort = targetPort;
  }

  synchronized void up() {
    up = true;
  }

  synchronized void down() {
    up = false;
    for (Socket socket : sockets) closeQuietly(socket);
    sockets.clear();
  }

  @Override
  public void close() {
    down();
    closeQuietly(server);
  }

  private void accept() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed by close()
      }
      synchronized (this) {
        if (!up) {
          closeQuietly(client);
          continue;
        }
        try {
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
          sockets.add(client);
          sockets.add(upstream);
          pump(client, upstream);
          pump(upstream, client);
        } catch (IOException e) {
          closeQuietly(client);
        }
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          out.write(buf, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // cut: fall through and close both ends
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) return;
    try {
      c.close();
    } catch (Exception e) {
      // nothing to do
    }
  }
}
