package io.aifactory.sdk.testkit;

import io.aifactory.sdk.core.Tag;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * A simulated device on a real socket, declared with the same {@link Tag}s (and address notation) that a driver
 * reads, so that a test states the plant once.
 *
 * <p>Values are set by the test or by a scenario with {@link #set}; clients' writes are applied and recorded in
 * {@link #writes()}. Fault methods act at run time and are safe to call from any thread.
 */
public interface SimulatedServer extends AutoCloseable {
  /** Returns the URI a driver opens to reach this server, e.g. {@code modbus+tcp://127.0.0.1:50312?unit=1}. */
  URI uri();

  /** Returns the port the server listens on (chosen by the OS when started on port 0; kept across restarts). */
  int port();

  List<Tag> tags();

  /**
   * Sets a tag's current value in engineering units.
   *
   * @param value a {@code Number}, {@code Boolean}, {@code String} or primitive array matching the tag's type
   * @throws IllegalArgumentException naming the tag if it is unknown or the value does not fit its type
   */
  void set(String tagName, Object value);

  /** Returns a tag's current value in engineering units, boxed as {@link #set} takes it. */
  Object get(String tagName);

  /** Returns the writes clients made, oldest first. */
  List<RecordedWrite> writes();

  /** Closes every client connection now; the server keeps listening, so clients can reconnect. */
  void dropConnections();

  /** While stalled, the server reads requests but never answers, keeping sockets open. */
  void stall(boolean stalled);

  /** Delays every reply by {@code delay}; {@link Duration#ZERO} to stop. */
  void delayReplies(Duration delay);

  /** Stops listening and closes every connection; values are kept. */
  void stop();

  /** Starts listening again on the same port. */
  void start();

  /** Stops and starts on the same port. */
  default void restart() {
    stop();
    start();
  }

  /** Stops the server and frees its port and threads; idempotent. */
  @Override
  void close();
}
