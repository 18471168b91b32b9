package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.ProtocolException;
import io.aifactory.sdk.core.spi.ConnectionTracker;
import io.aifactory.sdk.modbus.ModbusDeviceException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.BitSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a {@link ModbusDevice}'s one connection: connecting, dropping it after a failure and reconnecting with
 * the reconnect policy's backoff, the watchdog that closes a transport stuck in an exchange, and the exchange of one
 * request for its checked reply, which {@link ModbusReader} and {@link ModbusWriter} build on. It reports every change
 * of the connection to the device's {@link ConnectionTracker}, the device's only state machine, on the device's
 * callback thread, in the order the changes happened.
 *
 * <p>Threading: everything here runs on the device's I/O thread (so the transport and the request and reply buffers
 * need no locks), except {@link #watchdog()} (scheduler thread) and {@link #closeNow()} (the thread that closes the
 * device), which only read the volatile fields {@code watched}, {@code connecting} and {@code exchangeStartedNanos}
 * and close a transport.
 */
final class ModbusConnection {
  // The device's logger, so that log categories stay what they were before the device was split.
  private static final Logger log = LoggerFactory.getLogger(ModbusDevice.class);

  private final ModbusDevice device;
  private final URI uri;
  private final ModbusSettings settings;
  private final DeviceOptions options;
  private final Supplier<Transport> transports;
  private final ConnectionTracker tracker;
  private final Counters counters;

  // I/O thread only
  /** The request being sent and the reply being read; shared by reads and writes, which the I/O thread runs in turn. */
  final byte[] request = new byte[260];
  final byte[] response = new byte[260];
  private Transport transport;
  /** The transport in use and when its current exchange began (0 when idle), for the watchdog. */
  private volatile Transport watched;
  private volatile long exchangeStartedNanos;
  /** A transport whose connect() is under way, for close(). */
  private volatile Transport connecting;
  private int attempts;
  private volatile boolean everConnected;
  /** The last failed attempt's reason since the last connection, so that a reason is logged at WARN once. */
  private String lastAttemptFailure;
  /**
   * Units that answered on this connection since the last timeout. A timeout closes the connection only if no other
   * unit answered since the previous one: a silent slave on a shared bus is that slave's failure, while a connection
   * on which nobody answers is dead (and a device with one unit resets at its first timeout, as before).
   */
  private final BitSet answeredSinceTimeout = new BitSet(256);

  ModbusConnection(ModbusDevice device, ModbusSettings settings, DeviceOptions options, Supplier<Transport> transports,
      ConnectionTracker tracker, Counters counters) {
    this.device = device;
    this.uri = settings.uri;
    this.settings = settings;
    this.options = options;
    this.transports = transports;
    this.tracker = tracker;
    this.counters = counters;
  }

  /** Returns the connected transport, or null while there is none; I/O thread only. */
  Transport transport() {
    return transport;
  }

  /**
   * Every exchange has its own timeout, but a transport we do not control (j2mod's serial layer) has been seen to
   * block forever. If one exchange outlives twice its timeout, close the transport from here: the blocked read
   * fails, and the I/O thread treats it as a lost connection.
   */
  void watchdog() {
    long started = exchangeStartedNanos;
    Transport t = watched;
    if (started == 0 || t == null) return;
    long limit = 2 * settings.requestTimeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    if (System.nanoTime() - started > limit) {
      log.warn("{}: an exchange on {} has not returned for {} ms; closing the connection", uri, t.describe(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      t.close();
    }
  }

  /** Marks the start of an exchange (at {@code nanos}, {@link System#nanoTime()}) for the watchdog. */
  void exchangeStarted(long nanos) {
    exchangeStartedNanos = nanos;
  }

  /** Marks the end of the exchange under way. */
  void exchangeEnded() {
    exchangeStartedNanos = 0;
  }

  /** Notes that {@code unit} answered on this connection. */
  void answered(int unit) {
    answeredSinceTimeout.set(unit);
  }

  /** Makes a connection unless there is one or the device is closing; I/O thread only. */
  void connect() {
    if (device.isClosing() || transport != null) return;
    Transport t = null;
    try {
      t = transports.get();
      connecting = t;
      t.connect();
      if (device.isClosing()) {
        // close() ran while we connected and may have missed t
        t.close();
        return;
      }
      transport = t;
      watched = t;
      connecting = null;
      attempts = 0;
      answeredSinceTimeout.clear();
      if (everConnected) counters.reconnects.incrementAndGet();
      everConnected = true;
      lastAttemptFailure = null;
      report(ConnectionState.CONNECTED, null);
    } catch (IOException | RuntimeException e) {
      failedAttempt(t, e);
    } catch (Throwable e) {
      // An Error here is usually the environment (jSerialComm's native library missing: UnsatisfiedLinkError, then
      // NoClassDefFoundError). Report and retry it like any failed attempt: ending this task without a retry would
      // leave the device CONNECTING forever with no reason given.
      failedAttempt(t, e);
      if (e instanceof VirtualMachineError) throw (VirtualMachineError) e;
    }
  }

  /**
   * A connection attempt failed: the device is DISCONNECTED with {@code e} as the reason (also the first attempt:
   * staying CONNECTING would pass a port that cannot be opened off as a connection still being made), and retries.
   */
  private void failedAttempt(Transport t, Throwable e) {
    connecting = null;
    if (t != null) {
      try {
        t.close();
      } catch (RuntimeException closeFailed) {
        e.addSuppressed(closeFailed);
      }
    }
    // Only the first attempt ever leaves CONNECTING; after that a failed attempt finds the device DISCONNECTED
    // already (a lost connection sets attempts to 1, a successful one sets everConnected).
    boolean leavesConnecting = !everConnected && attempts == 0;
    attempts++;
    // A refused or unreachable PLC may come back by itself: never a permanent refusal.
    tracker.attemptFailed(e, false);
    // Once at WARN when attempts start failing or fail for another reason; retries that fail alike would flood the
    // log at the backoff's pace, so they are DEBUG. An Error (the environment, not the device) keeps its stack trace.
    String why = e.toString();
    if (!why.equals(lastAttemptFailure)) {
      if (e instanceof Error) {
        log.warn("{}: cannot connect: {}; retrying", uri, why, e);
      } else {
        log.warn("{}: cannot connect: {}; retrying", uri, why);
      }
      lastAttemptFailure = why;
    } else {
      log.debug("{}: connection attempt {} failed: {}", uri, attempts, why);
    }
    if (leavesConnecting) report(ConnectionState.DISCONNECTED, e);
    scheduleReconnect();
  }

  /** Drops the connection after a failure; I/O thread only. */
  void lost(Throwable cause) {
    if (transport == null) return;
    transport.close();
    transport = null;
    watched = null;
    attempts = 1;
    report(ConnectionState.DISCONNECTED, cause);
    scheduleReconnect();
  }

  /**
   * A request to {@code unit} failed without a reply. A timeout while other units still answer, or on a transport
   * that {@link Transport#survivesTimeout() survives timeouts} (a serial port), is that unit's silence: the
   * connection stays, and the caller may skip the unit's later requests (a silent slave then costs one request
   * timeout per read cycle, not one per request). Anything else drops the connection.
   *
   * <p>Keeping a serial port open also keeps the timeout on time: closing one can take hundreds of milliseconds, and
   * the rows of the cycle would wait for it.
   *
   * @return true if only {@code unit} is silent and the connection stays
   */
  boolean failed(int unit, Exception e) {
    if (e instanceof SocketTimeoutException) {
      boolean othersAnswer = answeredSinceTimeout.cardinality() > (answeredSinceTimeout.get(unit) ? 1 : 0);
      answeredSinceTimeout.clear();
      if (othersAnswer || (transport != null && transport.survivesTimeout())) {
        log.debug("{}: unit {} did not answer; keeping the connection", uri, unit);
        return true;
      }
    }
    lost(e);
    return false;
  }

  /**
   * Hands a change of the connection to the tracker: its state changes at once, here on the I/O thread, so a caller
   * never sees CONNECTED after the connection is gone; the listeners hear it and whenConnected completes on the
   * callback thread, in the order the changes happened. Callers make only real changes (CONNECTED when there was no
   * connection, DISCONNECTED when there was one or on the first failed attempt); once the device is closing, none:
   * close() moves to CLOSED itself.
   */
  private void report(ConnectionState next, Throwable cause) {
    if (device.isClosing()) return;
    tracker.transition(next, cause);
  }

  private void scheduleReconnect() {
    if (device.isClosing()) return;
    long delay = options.reconnectPolicy().delay(attempts, ThreadLocalRandom.current().nextDouble()).toNanos();
    device.runOnIoAfter(this::connect, delay);
  }

  /**
   * Closes the connection and one still being made, from the thread that closes the device: the request in progress
   * fails at once. {@code connecting} is read first: connect() clears it only after publishing {@code watched}.
   */
  void closeNow() {
    Transport c = connecting;
    if (c != null) c.close();
    Transport t = watched;
    if (t != null) t.close();
  }

  /** Sends {@code request[0, length)} and returns the reply's length, throwing for exception replies and wrong codes. */
  int transact(int unit, int length, String what) throws IOException {
    counters.requests.incrementAndGet();
    int fc = request[0] & 0xff;
    exchangeStartedNanos = System.nanoTime();
    try {
      int len = transport.exchange(unit, request, length, response);
      answeredSinceTimeout.set(unit);
      return checkReply(len, fc, unit, what);
    } catch (SocketTimeoutException e) {
      counters.timeouts.incrementAndGet();
      throw e;
    } finally {
      exchangeStartedNanos = 0;
    }
  }

  /** Throws for an exception reply or a reply to another function code; returns {@code len}. */
  int checkReply(int len, int fc, int unit, String what) {
    int replyFc = len > 0 ? response[0] & 0xff : -1;
    if (replyFc == (fc | 0x80)) {
      if (len < 2) throw new ProtocolException(describe(unit) + ": exception reply to " + what + " has no exception code");
      counters.exceptionReplies.incrementAndGet();
      throw new ModbusDeviceException(describe(unit) + " refused " + what, response[1] & 0xff);
    }
    if (replyFc != fc) {
      throw new ProtocolException(describe(unit) + ": reply to " + what + " has function code " + replyFc + ", expected " + fc);
    }
    return len;
  }

  /** Describes {@code unit} on this connection for messages, e.g. {@code modbus://127.0.0.1:502 unit 1}. */
  String describe(int unit) {
    return uri.getScheme() + "://" + (transport != null ? transport.describe() : "?") + " unit " + unit;
  }
}
