package io.aifactory.sdk.core.spi;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.StateListener;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's {@link ConnectionState}, its listeners, its {@link Device#whenConnected()} futures and its
 * {@link Device#lastError()}, kept consistent under concurrent transitions. CLOSED is final: later transitions are
 * ignored.
 *
 * <p>Listeners hear every change exactly once and in the order the changes happened, never while a lock is held:
 * changes are queued, and whichever thread finds no one else notifying delivers the queue. A listener that makes
 * a transition itself therefore does not recurse; its change is delivered after the current one.
 *
 * <p>With a notifier (a device's own single callback thread), the state, the last error and which future
 * {@link #whenConnected()} hands out change at once, on the thread that makes the transition, and the listeners and
 * futures hear of it on the notifier: a device's I/O thread can then make transitions that every caller sees at once
 * without ever running a listener itself.
 */
public final class ConnectionTracker {
  private static final Logger log = LoggerFactory.getLogger(ConnectionTracker.class);

  private final Device device;
  private final Executor notifier;
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  private final ArrayDeque<Runnable> pending = new ArrayDeque<>();
  private ConnectionState state = ConnectionState.CONNECTING;
  private CompletableFuture<Void> connected = new CompletableFuture<>();
  private boolean notifying;
  private Throwable lastError;
  /** Why the device was refused for good since its last attempt began, or null; fails timed waits at once. */
  private Throwable refusal;
  private final List<CompletableFuture<Void>> timedWaits = new ArrayList<>();

  /** A tracker that tells its listeners on the thread that makes a transition (or is already telling). */
  public ConnectionTracker(Device device) {
    this(device, null);
  }

  /**
   * A tracker that tells its listeners through {@code notifier}, which must run tasks one at a time in order; a task
   * it refuses (shut down) runs on the transition's thread instead.
   */
  public ConnectionTracker(Device device, Executor notifier) {
    this.device = Objects.requireNonNull(device, "device");
    this.notifier = notifier;
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

  /** See {@link Device#whenConnected(Duration)}. */
  public CompletableFuture<Void> whenConnected(Duration timeout) {
    if (timeout.isNegative()) throw new IllegalArgumentException("timeout < 0: " + timeout);
    CompletableFuture<Void> result = new CompletableFuture<>();
    CompletableFuture<Void> next;
    synchronized (this) {
      if (state == ConnectionState.CLOSED) return CompletableFuture.failedFuture(new DeviceException(device.uri() + " is closed"));
      if (state != ConnectionState.CONNECTED && refusal != null) return CompletableFuture.failedFuture(refusal);
      next = connected;
      timedWaits.add(result);
    }
    result.whenComplete((ok, error) -> {
      synchronized (this) {
        timedWaits.remove(result);
      }
    });
    next.whenComplete((ok, error) -> {
      if (error == null) result.complete(null);
      else result.completeExceptionally(error);
    });
    if (!result.isDone()) {
      CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS).execute(() -> {
        if (result.isDone()) return;
        Throwable last = lastError().orElse(null);
        result.completeExceptionally(new DeviceTimeoutException(device.uri() + " did not connect within "
            + timeout.toMillis() + " ms" + (last != null ? ": " + last.getMessage() : ""), last));
      });
    }
    return result;
  }

  /** See {@link Device#lastError()}. */
  public synchronized Optional<Throwable> lastError() {
    return Optional.ofNullable(lastError);
  }

  /**
   * Records a failed connection attempt. With {@code permanent} (the device refused us in a way retrying cannot cure
   * by itself: a wrong password, an untrusted certificate), timed waits fail now with {@code cause}, and new ones fail
   * at once until the next attempt begins ({@link #transition} to CONNECTING) or succeeds.
   */
  public void attemptFailed(Throwable cause, boolean permanent) {
    Objects.requireNonNull(cause, "cause");
    List<CompletableFuture<Void>> toFail;
    synchronized (this) {
      if (state == ConnectionState.CLOSED) return;
      lastError = cause;
      if (!permanent) return;
      refusal = cause;
      toFail = new ArrayList<>(timedWaits);
      timedWaits.clear();
    }
    for (CompletableFuture<Void> f : toFail) f.completeExceptionally(cause);
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
      if (next == ConnectionState.CONNECTED) {
        lastError = null;
        refusal = null;
      } else if (next == ConnectionState.CONNECTING) {
        refusal = null;
      }
      if (cause != null && next != ConnectionState.CONNECTED && state != ConnectionState.CLOSED) lastError = cause;
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
    if (notifier == null) {
      drain();
      return true;
    }
    try {
      notifier.execute(this::drain);
    } catch (RejectedExecutionException e) {
      drain();
    }
    return true;
  }

  /**
   * Tells the changes not yet told on the calling thread, even while another thread is telling: for a device whose
   * callback thread is stuck in a listener, so that CLOSED is told out of turn rather than never.
   */
  public void flush() {
    while (true) {
      Runnable next;
      synchronized (this) {
        next = pending.pollFirst();
        if (next == null) return;
      }
      next.run();
    }
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
