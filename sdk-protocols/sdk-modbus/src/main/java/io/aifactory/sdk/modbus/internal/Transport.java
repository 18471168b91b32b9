package io.aifactory.sdk.modbus.internal;

import java.io.IOException;

/**
 * One connection to a Modbus server that exchanges request PDUs for response PDUs, one at a time. Used only by the
 * device's I/O thread, so implementations need no locking.
 */
interface Transport extends AutoCloseable {
  /** Opens the connection, failing within the connect timeout. */
  void connect() throws IOException;

  /**
   * Sends {@code request[0, requestLength)} (function code first) to {@code unit} and reads the reply's PDU into
   * {@code response}, failing within the request timeout.
   *
   * @return the length of the response PDU, an exception response included
   * @throws java.net.SocketTimeoutException when the server did not answer in time (and the connection did not fail)
   * @throws io.aifactory.sdk.core.ProtocolException when the reply is malformed (the caller drops the connection)
   * @throws IOException when the connection failed
   */
  int exchange(int unit, byte[] request, int requestLength, byte[] response) throws IOException;

  /**
   * Returns true if a request timeout leaves this connection usable, so that the device keeps it rather than reset it.
   * Over a network a timeout may mean a dead peer or a half-open socket, which only a new connection cures; a serial
   * port is local, and its failures are reported as I/O errors, not as timeouts, so there a timeout means only that
   * the slave was silent.
   */
  default boolean survivesTimeout() {
    return false;
  }

  /**
   * Returns true if several requests may be sent before the first reply is read ({@link #send} and
   * {@link #receive}); only Modbus TCP can, because its transaction ids match replies to requests.
   */
  default boolean canPipeline() {
    return false;
  }

  /** Sends a request without waiting for its reply; returns the token to {@link #receive} it with. */
  default int send(int unit, byte[] request, int requestLength) throws IOException {
    throw new UnsupportedOperationException("pipelining");
  }

  /** Reads the reply to the request {@link #send} returned {@code token} for; replies must come in order. */
  default int receive(int token, int unit, byte[] response) throws IOException {
    throw new UnsupportedOperationException("pipelining");
  }

  /** Returns a short description for messages, e.g. {@code 127.0.0.1:502}. */
  String describe();

  @Override
  void close();
}
