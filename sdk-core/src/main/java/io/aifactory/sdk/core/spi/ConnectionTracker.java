package io.aifactory.sdk.core.spi;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.StateListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's {@link ConnectionState}, its listeners and its {@link Device#whenConnected()} future, kept
 * consistent under concurrent transitions. CLOSED is final: later transitions are ignored.
 *
 * <p>Listeners hear every change exactly once and in the order the changes happened, never while a lock is held:
 * changes are queued, and whichever thread finds no one else notifying delivers the queue. A listener that makes
 * a transition itself therefore does not recurse; its change is delivered after the current one.
 */
public final class ConnectionTracker {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTracker.class);

  private final Device device;
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private ConnectionState state = ConnectionState.CONNECTING;
  private CompletableFuture<Void> connected = new CompletableFuture<>();
  private boolean notifying;

  public ConnectionTracker(Device device) {
    this.device = Objects.requireNonNull(device, "device");
  }

  public synchronized ConnectionState state() {
    return state;
  }

  /** Returns true once {@link #transition} to CLOSED happened. */
  public synchronized boolean isClosed() {
    return state == ConnectionState.CLOSED;
  }

  public synchronized CompletableFuture<Void> whenConnected() {
    return connected.copy();
  }

  public void addListener(StateListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(StateListener listener) {
    listeners.remove(listener);
  }

  /**
   * Moves to {@code next} and tells the listeners, unless already there or closed.
   *
   * @param cause why the connection was lost or failed, or null
   * @return true if the state changed
   */
  public boolean transition(ConnectionState next, Throwable cause) {
    synchronized (this) {
      if (state == next || state == ConnectionState.CLOSED) return false;
      state = next;
      CompletableFuture<Void> completed = null;
      CompletableFuture<Void> failed = null;
      if (next == ConnectionState.CONNECTED) {
        completed = connected;
      } else if (connected.isDone()) {
        connected = new CompletableFuture<>();
      }
      if (next == ConnectionState.CLOSED) failed = connected;
      CompletableFuture<Void> toComplete = completed;
      CompletableFuture<Void> toFail = failed;
      pending.addLast(() -> deliver(next, cause, toComplete, toFail));
      if (notifying) return true;
      notifying = true;
    }
    drain();
    return true;
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = pending.pollFirst();
        if (next == null) {
          notifying = false;
          return;
        }
      }
      next.run();
    }
  }

  private void deliver(ConnectionState next, Throwable cause, CompletableFuture<Void> toComplete,
      CompletableFuture<Void> toFail) {
    if (cause != null && next != ConnectionState.CONNECTED) {
      log.info("{} is {}: {}", device.uri(), next, cause.toString());
    } else {
      log.debug("{} is {}", device.uri(), next);
    }
    if (toComplete != null) toComplete.complete(null);
    if (toFail != null) toFail.completeExceptionally(new DeviceException(device.uri() + " was closed"));
    for (StateListener listener : listeners) {
      try {
        listener.onStateChanged(device, next, cause);
      } catch (RuntimeException e) {
        log.warn("state listener of {} threw", device.uri(), e);
      }
    }
  }
}
