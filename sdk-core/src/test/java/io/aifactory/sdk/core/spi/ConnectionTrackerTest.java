package io.aifactory.sdk.core.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class ConnectionTrackerTest {
  private final Device device = mock(Device.class);
  private final ConnectionTracker tracker;
  private final List<String> heard = new ArrayList<>();

  ConnectionTrackerTest() {
    when(device.uri()).thenReturn(URI.create("test://plc"));
    tracker = new ConnectionTracker(device);
    tracker.addListener((d, state, cause) -> heard.add(state + (cause == null ? "" : ":" + cause.getMessage())));
  }

  @Test
  void shouldStartConnectingAndTellListenersOfEachChangeOnce() {
    assertEquals(ConnectionState.CONNECTING, tracker.state());
    assertTrue(tracker.transition(ConnectionState.CONNECTED, null));
    assertFalse(tracker.transition(ConnectionState.CONNECTED, null));
    tracker.transition(ConnectionState.DISCONNECTED, new IOException("reset by peer"));
    assertEquals(List.of("CONNECTED", "DISCONNECTED:reset by peer"), heard);
  }

  @Test
  void shouldCompleteWhenConnectedOnTheNextConnection() {
    CompletableFuture<Void> first = tracker.whenConnected();
    assertFalse(first.isDone());
    tracker.transition(ConnectionState.CONNECTED, null);
    assertTrue(first.isDone());
    assertTrue(tracker.whenConnected().isDone(), "already connected");

    tracker.transition(ConnectionState.DISCONNECTED, null);
    CompletableFuture<Void> next = tracker.whenConnected();
    assertFalse(next.isDone(), "waits for the reconnect");
    tracker.transition(ConnectionState.CONNECTED, null);
    assertTrue(next.isDone());
  }

  @Test
  void shouldFailWaitersAndIgnoreEverythingOnceClosed() {
    CompletableFuture<Void> waiter = tracker.whenConnected();
    tracker.transition(ConnectionState.CLOSED, null);
    ExecutionException e = assertThrows(ExecutionException.class, waiter::get);
    assertInstanceOf(DeviceException.class, e.getCause());
    assertFalse(tracker.transition(ConnectionState.CONNECTED, null));
    assertEquals(ConnectionState.CLOSED, tracker.state());
    assertTrue(tracker.isClosed());
  }

  @Test
  void shouldKeepNotifyingWhenAListenerThrows() {
    tracker.addListener((d, s, c) -> {
      throw new IllegalStateException("buggy listener");
    });
    List<ConnectionState> later = new ArrayList<>();
    tracker.addListener((d, s, c) -> later.add(s));
    tracker.transition(ConnectionState.CONNECTED, null);
    assertEquals(List.of(ConnectionState.CONNECTED), later);
  }

  @Test
  void shouldDeliverATransitionMadeByAListenerAfterTheCurrentOneWithoutRecursing() {
    AtomicInteger depth = new AtomicInteger();
    List<String> order = new CopyOnWriteArrayList<>();
    tracker.addListener((d, state, cause) -> {
      if (depth.incrementAndGet() > 1) order.add("recursed");
      order.add(state.name());
      if (state == ConnectionState.CONNECTED) tracker.transition(ConnectionState.DISCONNECTED, null);
      depth.decrementAndGet();
    });
    tracker.transition(ConnectionState.CONNECTED, null);
    assertEquals(List.of("CONNECTED", "DISCONNECTED"), order);
    assertEquals(ConnectionState.DISCONNECTED, tracker.state());
  }

  @Test
  void shouldNotifyInOrderAndOutsideAnyLockWhenTransitionsRace() throws Exception {
    CountDownLatch inListener = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<ConnectionState> order = new CopyOnWriteArrayList<>();
    tracker.addListener((d, state, cause) -> {
      order.add(state);
      if (state == ConnectionState.CONNECTED) {
        inListener.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    Thread first = new Thread(() -> tracker.transition(ConnectionState.CONNECTED, null));
    first.start();
    assertTrue(inListener.await(10, TimeUnit.SECONDS));
    // While the first notification runs, another thread closes: it must not block on the tracker (no lock is held
    // during callbacks), and its CLOSED must be heard after CONNECTED, never before.
    assertTrue(tracker.transition(ConnectionState.CLOSED, null));
    assertEquals(ConnectionState.CLOSED, tracker.state());
    assertEquals(List.of(ConnectionState.CONNECTED), order, "CLOSED waits for the notification in progress");
    release.countDown();
    first.join(10_000);
    assertEquals(List.of(ConnectionState.CONNECTED, ConnectionState.CLOSED), order);
  }

  @Test
  void shouldFailATimedWaitAtOnceWhenRefusedForGoodAndKeepTheLastError() {
    CompletableFuture<Void> waiting = tracker.whenConnected(java.time.Duration.ofMinutes(10));
    IOException transientFailure = new IOException("connection refused");
    tracker.attemptFailed(transientFailure, false);
    assertFalse(waiting.isDone(), "a transient failure leaves the wait to its deadline");
    assertEquals(transientFailure, tracker.lastError().orElseThrow());

    DeviceException wrongPassword = new DeviceException("test://plc refused user 'op' (wrong user name or password?)");
    tracker.attemptFailed(wrongPassword, true);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertEquals(wrongPassword, failed.getCause());
    assertEquals(wrongPassword, tracker.lastError().orElseThrow());
    assertTrue(tracker.whenConnected(java.time.Duration.ofMinutes(10)).isCompletedExceptionally(), "known refusal: at once");

    tracker.transition(ConnectionState.CONNECTING, null);
    CompletableFuture<Void> nextAttempt = tracker.whenConnected(java.time.Duration.ofMinutes(10));
    assertFalse(nextAttempt.isDone(), "a new attempt may succeed");
    tracker.transition(ConnectionState.CONNECTED, null);
    assertTrue(nextAttempt.isDone() && !nextAttempt.isCompletedExceptionally());
    assertTrue(tracker.lastError().isEmpty(), "connected: nothing is wrong");
  }

  @Test
  void shouldFailATimedWaitAtTheDeadlineWithTheLastErrorAsCause() {
    IOException refused = new IOException("connection refused");
    tracker.attemptFailed(refused, false);
    ExecutionException failed = assertThrows(ExecutionException.class,
        () -> tracker.whenConnected(java.time.Duration.ofMillis(1)).get(10, TimeUnit.SECONDS));
    assertInstanceOf(io.aifactory.sdk.core.DeviceTimeoutException.class, failed.getCause());
    assertEquals(refused, failed.getCause().getCause());
    assertTrue(failed.getCause().getMessage().contains("connection refused"), failed.getCause().getMessage());
  }

  @Test
  void shouldFailATimedWaitWhenClosed() {
    CompletableFuture<Void> waiting = tracker.whenConnected(java.time.Duration.ofMinutes(10));
    tracker.transition(ConnectionState.CLOSED, null);
    ExecutionException failed = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertInstanceOf(DeviceException.class, failed.getCause());
  }

  @Test
  void shouldChangeTheStateAtOnceAndTellTheListenersThroughTheNotifier() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    ConnectionTracker t = new ConnectionTracker(device, queued::add);
    List<ConnectionState> heard = new ArrayList<>();
    t.addListener((d, state, cause) -> heard.add(state));

    t.transition(ConnectionState.CONNECTED, null);
    CompletableFuture<Void> connected = t.whenConnected();
    assertEquals(ConnectionState.CONNECTED, t.state(), "the state changes on the transition's thread");
    assertEquals(List.of(), heard, "listeners hear it only on the notifier");
    assertFalse(connected.isDone());
    t.transition(ConnectionState.DISCONNECTED, new IOException("cut"));
    assertEquals(ConnectionState.DISCONNECTED, t.state());
    assertFalse(t.whenConnected().isDone(), "a caller never gets a completed future after the connection is gone");

    assertEquals(1, queued.size(), "one delivery task tells both changes");
    queued.remove(0).run();
    assertEquals(List.of(ConnectionState.CONNECTED, ConnectionState.DISCONNECTED), heard);
    assertTrue(connected.isDone());
  }
}
