package io.aifactory.sdk.it.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.SimulatedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link Device} contract, run against every driver: each subclass supplies a simulated plant, and every test
 * here must hold for it. Only what {@link Device}'s javadoc (and that of the listeners it calls) promises is asserted;
 * timings never are, and every wait has a deadline generous enough for a slow, shared machine.
 */
abstract class DeviceContractTest {
  /** Long enough that only a hang, never a slow machine, exceeds it. */
  private static final long DEADLINE_SECONDS = 30;

  /**
   * A running simulator that holds {@code tag} (readable, writable, numeric), and the options to reach it. The tests
   * drive its value with {@code server.set/get(tag.name())} and its life with {@code server.stop()/start()}.
   */
  protected record Plant(SimulatedServer server, DeviceOptions options, Tag tag) {}

  /** Starts the driver's simulator; {@code tmp} is this test's own folder (for a PKI, say). */
  protected abstract Plant start(Path tmp);

  private Plant plant;
  private Device device;

  @BeforeEach
  void startPlant(@TempDir Path tmp) {
    plant = start(tmp);
  }

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plant != null) plant.server().close();
  }

  @Test
  void shouldConnectThenReadAndWriteTheDevicesValue() throws Exception {
    plant.server().set(tag().name(), 42);
    device = open();
    // Device: "the first read after Devices.open reaches a healthy device", connected or still connecting.
    SampleBatch first = read();
    assertEquals(1, first.size());
    assertTrue(first.isGood(0), first::toString);
    assertEquals(42, first.longValue(0));

    device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    assertEquals(ConnectionState.CONNECTED, device.state());
    assertTrue(device.lastError().isEmpty(), "no error while connected: " + device.lastError());
    assertEquals(plant.server().port(), device.uri().getPort());
    plant.server().set(tag().name(), 43);
    assertEquals(43, read().longValue(0));

    device.write(tag(), 7).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    // A completed write is one the device took.
    assertEquals(7, ((Number) plant.server().get(tag().name())).longValue());
    assertEquals(7, read().longValue(0));
  }

  @Test
  void shouldTellListenersEachChangeOnceAndInOrder() throws Exception {
    // Opened while the server is down, so the listener (added right after open) cannot miss the first CONNECTED.
    plant.server().stop();
    device = open();
    List<Heard> heard = new CopyOnWriteArrayList<>();
    device.addStateListener((d, state, cause) -> heard.add(new Heard(state, cause, Thread.currentThread())));

    plant.server().start();
    device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    int connected = awaitHeard(heard, 0, ConnectionState.CONNECTED);
    assertTrue(device.lastError().isEmpty(), "no error once connected: " + device.lastError());

    plant.server().stop();
    int lost = awaitHeard(heard, connected + 1, ConnectionState.DISCONNECTED);
    assertNotNull(heard.get(lost).cause, "a loss comes with its reason");
    assertTrue(device.lastError().isPresent(), "lastError() says why the device is not connected");

    plant.server().start();
    int back = awaitHeard(heard, lost + 1, ConnectionState.CONNECTED);
    assertTrue(device.lastError().isEmpty(), "no error once reconnected: " + device.lastError());

    device.close();
    int closed = awaitHeard(heard, back + 1, ConnectionState.CLOSED);
    assertEquals(heard.size() - 1, closed, "CLOSED is final: " + heard);
    for (int i = 1; i < heard.size(); i++) {
      assertFalse(heard.get(i).state == heard.get(i - 1).state, "the same state twice in a row: " + heard);
    }
    for (Heard h : heard) {
      if (h.state == ConnectionState.DISCONNECTED) assertNotNull(h.cause, "DISCONNECTED without a reason: " + heard);
      // StateListener: "on the device's own thread", CLOSED included.
      assertFalse(h.thread == Thread.currentThread(), h.state + " was told on the caller's thread");
    }
  }

  @Test
  void shouldAnswerBadRowsAndRefuseWritesWhileTheServerIsDown() throws Exception {
    plant.server().set(tag().name(), 5);
    device = open();
    device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    assertTrue(read().isGood(0));

    plant.server().stop();
    // Until the driver notices the loss, a read may time out, find the connection gone, or carry the error of a server
    // shutting down (the OPC UA simulator was seen answering Bad_NodeIdUnknown meanwhile); always BAD, never a value.
    await("the device to notice the server is gone", () -> {
      assertBad(read(), EnumSet.allOf(Quality.Reason.class));
      return device.state() == ConnectionState.DISCONNECTED;
    });
    // ConnectionState.DISCONNECTED: "values due meanwhile are BAD (DISCONNECTED)".
    assertBad(read(), Set.of(Quality.Reason.DISCONNECTED));

    ExecutionException write = assertThrows(ExecutionException.class,
        () -> device.write(tag(), 6).get(DEADLINE_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(DeviceException.class, write.getCause());

    // ...and it reconnects by itself.
    plant.server().start();
    device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    await("a good read after the server came back", () -> read().isGood(0));
    assertEquals(5, read().longValue(0), "the refused write did not reach the server");
  }

  @Test
  void shouldCloseOnceAndRefuseEverythingAfter() throws Exception {
    device = open();
    device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    List<ConnectionState> heard = new CopyOnWriteArrayList<>();
    device.addStateListener((d, state, cause) -> heard.add(state));

    device.close();
    device.close();
    assertEquals(ConnectionState.CLOSED, device.state());
    await("CLOSED to be told", () -> heard.contains(ConnectionState.CLOSED));
    device.close();
    // Only CLOSED counts here: a listener added just after whenConnected(Duration) completed may still hear that
    // CONNECTED (the tracker completes the future before it tells its listeners).
    assertEquals(1, heard.stream().filter(s -> s == ConnectionState.CLOSED).count(), heard::toString);
    assertEquals(ConnectionState.CLOSED, heard.get(heard.size() - 1), heard::toString);

    assertFailsWithDeviceException(device.read(List.of(tag())));
    assertFailsWithDeviceException(device.write(tag(), 1));
    assertFailsWithDeviceException(device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)));
    // "It fails if the device closes": a closed device is never CONNECTED again, though it was before.
    assertFailsWithDeviceException(device.whenConnected());
    assertThrows(DeviceException.class, () -> device.subscribe(List.of(tag()), fast(), b -> { }));
  }

  @Test
  void shouldFailAWaitForTheConnectionWhenTheDeviceCloses() throws Exception {
    plant.server().stop();
    device = open();
    CompletableFuture<Void> untimed = device.whenConnected();
    CompletableFuture<Void> timed = device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS));

    device.close();
    // whenConnected(): "it fails if the device closes"; whenConnected(Duration): "with a DeviceException".
    assertThrows(ExecutionException.class, () -> untimed.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
    assertFailsWithDeviceException(timed);
    assertThrows(ExecutionException.class, () -> device.whenConnected().get(DEADLINE_SECONDS, TimeUnit.SECONDS));
  }

  @Test
  void shouldCallListenersOneAtATimeOffTheCallersThreadAndLetThemCallTheDevice() throws Exception {
    plant.server().set(tag().name(), 1);
    device = open();
    device.whenConnected(Duration.ofSeconds(DEADLINE_SECONDS)).get(DEADLINE_SECONDS, TimeUnit.SECONDS);

    // A state listener that calls back into the device: that must not deadlock the device, and the listener too is
    // called one change at a time.
    AtomicInteger stateInFlight = new AtomicInteger();
    AtomicInteger stateOverlaps = new AtomicInteger();
    List<ConnectionState> heard = new CopyOnWriteArrayList<>();
    StateListener reentrant = (d, state, cause) -> {
      if (stateInFlight.incrementAndGet() > 1) stateOverlaps.incrementAndGet();
      d.state();
      d.lastError();
      d.whenConnected();
      d.read(List.of(tag())); // not joined: a listener must return quickly
      heard.add(state);
      stateInFlight.decrementAndGet();
    };
    device.addStateListener(reentrant);

    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger overlaps = new AtomicInteger();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    List<String> rows = new CopyOnWriteArrayList<>();
    try (Subscription s = device.subscribe(List.of(tag()), fast(), batch -> {
      if (inFlight.incrementAndGet() > 1) overlaps.incrementAndGet();
      threads.add(Thread.currentThread());
      rows.add(batch.isGood(0) ? String.valueOf(batch.longValue(0)) : "BAD");
      sleep(2); // a listener that takes a moment widens the window for an overlapping call
      inFlight.decrementAndGet();
    })) {
      for (int v = 2; v <= 5; v++) {
        plant.server().set(tag().name(), v);
        String value = String.valueOf(v);
        await("value " + v + " delivered", () -> rows.contains(value));
      }
      // A lost connection is a BAD batch, never silence, and delivery resumes across the reconnect.
      plant.server().stop();
      await("a BAD batch while the server is down", () -> rows.contains("BAD"));
      plant.server().start();
      plant.server().set(tag().name(), 100);
      await("value 100 after the server came back", () -> rows.lastIndexOf("100") > rows.indexOf("BAD"));
      await("CONNECTED told after DISCONNECTED", () -> heard.contains(ConnectionState.DISCONNECTED)
          && heard.lastIndexOf(ConnectionState.CONNECTED) > heard.indexOf(ConnectionState.DISCONNECTED));
    }

    assertEquals(0, overlaps.get(), "the sample listener was called while a call was still running");
    assertFalse(threads.contains(Thread.currentThread()), "batches were delivered on the caller's thread");
    assertEquals(0, stateOverlaps.get(), "the state listener was called while a call was still running");
    assertEquals(0, stateInFlight.get(), "a state listener call did not return");
    assertEquals(100, read().longValue(0), "the device still answers after calls from its listeners");
  }

  // ------------------------------------------------------------------------------------------------ helpers

  private record Heard(ConnectionState state, Throwable cause, Thread thread) {}

  private Tag tag() {
    return plant.tag();
  }

  private Device open() {
    return Devices.open(plant.server().uri(), plant.options());
  }

  /** Fast enough for a few batches per second on either driver (sampling for Modbus, publishing for OPC UA). */
  private static SubscriptionOptions fast() {
    return SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).build();
  }

  /** Reads the tag; the future must complete, and normally: a failed read is a BAD row, not an exception. */
  private SampleBatch read() throws Exception {
    return device.read(List.of(tag())).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private static void assertBad(SampleBatch b, Set<Quality.Reason> reasons) {
    assertEquals(1, b.size(), "one row per tag");
    assertTrue(b.quality(0).isBad(), "expected a BAD row: " + b);
    assertTrue(reasons.contains(b.quality(0).reason()), "expected " + reasons + ": " + b);
    assertNull(b.value(0), "a BAD row carries no value: " + b);
  }

  private static void assertFailsWithDeviceException(CompletableFuture<?> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(DEADLINE_SECONDS, TimeUnit.SECONDS));
    assertInstanceOf(DeviceException.class, e.getCause());
  }

  /**
   * Waits until the listener has heard {@code state} at or after index {@code from}, and returns that index. Reads
   * meanwhile: a polling driver notices a dropped connection only when it next uses it.
   */
  private int awaitHeard(List<Heard> heard, int from, ConnectionState state) {
    int[] at = {-1};
    await(state + " told", () -> {
      for (int i = from; i < heard.size(); i++) {
        if (heard.get(i).state == state) {
          at[0] = i;
          return true;
        }
      }
      if (state != ConnectionState.CLOSED) device.read(List.of(tag()));
      return false;
    });
    return at[0];
  }

  private static void await(String what, Check condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
    try {
      while (!condition.holds()) {
        if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
        Thread.sleep(20);
      }
    } catch (AssertionError e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError("failed waiting for " + what + ": " + e, e);
    }
  }

  /** A condition that may read from the device (and so throw). */
  @FunctionalInterface
  private interface Check {
    boolean holds() throws Exception;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
