package io.aifactory.sdk.modbus.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** A TCP connection with a deadline per exchange: every read waits at most until the request timeout is spent. */
abstract class SocketTransport implements Transport {
  private final String host;
  private final int port;
  private final int connectTimeoutMillis;
  private final long requestTimeoutNanos;
  private Socket socket;
  private InputStream in;
  protected OutputStream out;
  private long deadline;

  SocketTransport(String host, int port, int connectTimeoutMillis, long requestTimeoutNanos) {
    this.host = host;
    this.port = port;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.requestTimeoutNanos = requestTimeoutNanos;
  }

  @Override
  public void connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
      socket = s;
      // Buffered: a reply usually arrives whole, so one system call reads header and PDU together.
      in = new BufferedInputStream(s.getInputStream(), 512);
      out = s.getOutputStream();
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Starts the clock of one exchange. */
  protected void startDeadline() {
    deadline = System.nanoTime() + requestTimeoutNanos;
  }

  /** Reads exactly {@code len} bytes before the deadline. */
  protected void readFully(byte[] b, int off, int len) throws IOException {
    if (socket == null) throw new IOException("not connected to " + describe());
    int done = 0;
    while (done < len) {
      long left = deadline - System.nanoTime();
      if (left <= 0) throw new SocketTimeoutException("no complete reply from " + describe() + " within the request timeout");
      socket.setSoTimeout((int) Math.max(1, (left + 999_999) / 1_000_000));
      int n;
      try {
        n = in.read(b, off + done, len - done);
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("no complete reply from " + describe() + " within the request timeout ("
            + done + " of " + len + " bytes came)");
      }
      if (n < 0) throw new EOFException(describe() + " closed the connection");
      done += n;
    }
  }

  /**
   * Discards bytes that arrived unasked, e.g. a slave's reply that came after its request timed out while the
   * connection was kept for the other units of a bus; left there, it would be read as the next request's reply.
   */
  protected void discardUnread() throws IOException {
    if (in == null) return;
    int n;
    while ((n = in.available()) > 0) in.skip(n);
  }

  @Override
  public String describe() {
    return host + ":" + port;
  }

  @Override
  public void close() {
    Socket s = socket;
    socket = null;
    if (s != null) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing is best effort; the socket is gone either way
      }
    }
  }
}
