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
}
