package io.aifactory.sdk.core.spi;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.StateListener;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's {@link ConnectionState}, its listeners and its {@link Device#whenConnected()} future, kept
 * consistent under concurrent transitions. CLOSED is final: later transitions are ignored.
 */
public final class ConnectionTracker {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTracker.class);

  private final Device device;
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  private ConnectionState state = ConnectionState.CONNECTING;
  private CompletableFuture<Void> connected = new CompletableFuture<>();

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
    CompletableFuture<Void> toComplete = null;
    synchronized (this) {
      if (state == next || state == ConnectionState.CLOSED) return false;
      state = next;
      if (next == ConnectionState.CONNECTED) {
        toComplete = connected;
      } else if (connected.isDone()) {
        connected = new CompletableFuture<>();
      }
      if (next == ConnectionState.CLOSED) {
        connected.completeExceptionally(new DeviceException(device.uri() + " was closed"));
      }
    }
    if (toComplete != null) toComplete.complete(null);
    if (cause != null && next != ConnectionState.CONNECTED) {
      log.info("{} is {}: {}", device.uri(), next, cause.toString());
    } else {
      log.debug("{} is {}", device.uri(), next);
    }
    for (StateListener listener : listeners) {
      try {
        listener.onStateChanged(device, next, cause);
      } catch (RuntimeException e) {
        log.warn("state listener of {} threw", device.uri(), e);
      }
    }
    return true;
  }
}
