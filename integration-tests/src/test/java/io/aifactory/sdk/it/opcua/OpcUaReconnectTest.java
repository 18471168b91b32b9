package io.aifactory.sdk.it.opcua;

import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.INT32;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Connection life: first connect retried, server restart and closed sessions during a subscription. */
class OpcUaReconnectTest {
  static final SubscriptionOptions FAST = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
      .publishingInterval(Duration.ofMillis(50)).build();

  private static DeviceOptions options(Path pki) {
    // None keeps these tests about connection life, not cryptography (and quicker on a shared machine).
    return OpcUaTestSupport.options(pki).property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build();
  }

  private static OpcUaSimulator.Builder simulator(Path pki) {
    return OpcUaSimulator.newBuilder().tags(List.of(INT32)).pkiDir(pki)
        .securityPolicies(java.util.EnumSet.noneOf(org.eclipse.milo.opcua.stack.core.security.SecurityPolicy.class));
  }

  @Test
  void shouldRetryTheFirstConnectUntilTheServerIsUp(@TempDir Path tmp) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (OpcUaSimulator sim = simulator(tmp.resolve("server")).port(port).build();
        Device device = Devices.open("opc.tcp://localhost:" + port, options(tmp.resolve("client")))) {
      List<ConnectionState> states = new CopyOnWriteArrayList<>();
      device.addStateListener((d, state, cause) -> states.add(state));
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(10), () -> states.contains(ConnectionState.DISCONNECTED)));
      SampleBatch early = device.read(List.of(INT32)).get(5, TimeUnit.SECONDS);
      assertEquals(Quality.Reason.DISCONNECTED, early.quality(0).reason());

      sim.start();
      sim.set(INT32.name(), 7);
      device.whenConnected().get(15, TimeUnit.SECONDS);
      assertEquals(7L, device.read(List.of(INT32)).get(5, TimeUnit.SECONDS).longValue(0));
    }
  }

  @Test
  void shouldResumeTheSubscriptionAfterAServerRestartAndMarkTheGap(@TempDir Path tmp) throws Exception {
    try (OpcUaSimulator sim = simulator(tmp.resolve("server")).build()) {
      sim.start();
      try (Device device = Devices.open(sim.uri().toString(), options(tmp.resolve("client")))) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Subscription s = device.subscribe(List.of(INT32), FAST, b -> events.add(describe(b)))) {
          sim.set(INT32.name(), 1);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("1")), events::toString);

          sim.restart();
          sim.set(INT32.name(), 2);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("2")), events::toString);

          int one = events.indexOf("1");
          int gap = events.indexOf("BAD:DISCONNECTED");
          int two = events.indexOf("2");
          assertTrue(one < gap && gap < two, "expected 1, a DISCONNECTED gap, then 2: " + events);
          assertEquals(ConnectionState.CONNECTED, device.state());
        }
      }
    }
  }

  @Test
  void shouldRestoreTheSubscriptionWhenTheServerClosesTheSession(@TempDir Path tmp) throws Exception {
    try (OpcUaSimulator sim = simulator(tmp.resolve("server")).build()) {
      sim.start();
      try (Device device = Devices.open(sim.uri().toString(), options(tmp.resolve("client")))) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Subscription s = device.subscribe(List.of(INT32), FAST, b -> events.add(describe(b)))) {
          sim.set(INT32.name(), 10);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("10")), events::toString);

          sim.closeSessions();
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(15), () -> events.stream().anyMatch(e -> e.startsWith("BAD"))),
              events::toString);
          sim.set(INT32.name(), 11);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("11")), events::toString);
        }
      }
    }
  }

  @Test
  void shouldTimeOutReadsWhileTheServerStallsOrAnswersTooLate(@TempDir Path tmp) throws Exception {
    try (OpcUaSimulator sim = simulator(tmp.resolve("server")).build()) {
      sim.start();
      sim.set(INT32.name(), 5);
      try (Device device = Devices.open(sim.uri().toString(), options(tmp.resolve("client")))) {
        device.whenConnected().get(15, TimeUnit.SECONDS);

        List<String> events = new CopyOnWriteArrayList<>();
        try (Subscription s = device.subscribe(List.of(INT32), FAST, b -> events.add(describe(b)))) {
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("5")), events::toString);

          sim.delayReplies(Duration.ofMillis(300));
          assertEquals(5L, device.read(List.of(INT32)).get(5, TimeUnit.SECONDS).longValue(0));
          sim.delayReplies(Duration.ofSeconds(3));
          assertEquals(Quality.Reason.TIMEOUT, device.read(List.of(INT32)).get(5, TimeUnit.SECONDS).quality(0).reason());
          sim.delayReplies(Duration.ZERO);
          sim.set(INT32.name(), 55);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("55")), events::toString);

          int before = events.size();
          sim.stall(true);
          SampleBatch stalled = device.read(List.of(INT32)).get(5, TimeUnit.SECONDS);
          assertTrue(stalled.quality(0).isBad(), stalled::toString);
          // A stalled server is not silence: the subscription reports the gap.
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(15),
              () -> events.subList(before, events.size()).stream().anyMatch(e -> e.startsWith("BAD"))), events::toString);
          sim.stall(false);
          sim.set(INT32.name(), 6);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> readsGood(device)), "reads never recovered");
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("6")), events::toString);
        }
      }
    }
  }

  @Test
  void shouldReconnectAfterTheServerDropsEveryConnection(@TempDir Path tmp) throws Exception {
    try (OpcUaSimulator sim = simulator(tmp.resolve("server")).build()) {
      sim.start();
      try (Device device = Devices.open(sim.uri().toString(), options(tmp.resolve("client")))) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Subscription s = device.subscribe(List.of(INT32), FAST, b -> events.add(describe(b)))) {
          sim.set(INT32.name(), 20);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("20")), events::toString);

          sim.dropConnections();
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(10), () -> events.contains("BAD:DISCONNECTED")),
              events::toString);
          sim.set(INT32.name(), 21);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("21")), events::toString);
          assertTrue(events.indexOf("BAD:DISCONNECTED") < events.indexOf("21"), events::toString);
        }
      }
    }
  }

  @Test
  void shouldDeliverNothingWhileTheServerStopsPublishingAndResumeAfter(@TempDir Path tmp) throws Exception {
    try (OpcUaSimulator sim = simulator(tmp.resolve("server")).build()) {
      sim.start();
      try (Device device = Devices.open(sim.uri().toString(), options(tmp.resolve("client")))) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
        List<String> events = new CopyOnWriteArrayList<>();
        try (Subscription s = device.subscribe(List.of(INT32), FAST, b -> events.add(describe(b)))) {
          sim.set(INT32.name(), 30);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("30")), events::toString);

          sim.publishing(false);
          sim.set(INT32.name(), 31);
          assertTrue(!OpcUaTestSupport.await(Duration.ofMillis(500), () -> events.contains("31")),
              "a value arrived while publishing was off: " + events);
          sim.publishing(true);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> events.contains("31")), events::toString);
        }
      }
    }
  }

  @Test
  void shouldNeverRepeatAnOldGoodValueAtTheHeartbeatAfterTheNodeDisappeared(@TempDir Path tmp) throws Exception {
    Tag gone = OpcUaTestSupport.FLOAT64;
    SubscriptionOptions heartbeat = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).heartbeat(Duration.ofMillis(100)).build();
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    int port;
    try (OpcUaSimulator before = simulator(tmp.resolve("server")).tag(gone).build()) {
      before.start();
      port = before.port();
      before.set(INT32.name(), 1);
      before.set(gone.name(), 1.5);
      Device device = Devices.open(before.uri().toString(), options(tmp.resolve("client")));
      try (device; Subscription s = device.subscribe(List.of(INT32, gone), heartbeat, batches::add)) {
        assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(15), () -> rows(batches, gone).stream()
            .filter(r -> r.equals("1.5")).count() >= 2), batches::toString);
        before.close();
        // The server comes back without the node, e.g. after a configuration change.
        try (OpcUaSimulator after = simulator(tmp.resolve("server")).port(port).build()) {
          after.start();
          after.set(INT32.name(), 2);
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> rows(batches, INT32).contains("2")),
              batches::toString);
          int from = rows(batches, gone).lastIndexOf("1.5") + 1;
          assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(10), () -> rows(batches, gone).size() >= from + 4),
              batches::toString);
          List<String> afterGap = rows(batches, gone).subList(from, rows(batches, gone).size());
          assertTrue(afterGap.stream().allMatch(r -> r.startsWith("BAD")), "rows of the vanished node: " + afterGap);
        }
      }
    }
  }

  /** Returns the rows of one tag in delivery order: its value, or BAD:reason. */
  private static List<String> rows(List<SampleBatch> batches, Tag tag) {
    List<String> rows = new java.util.ArrayList<>();
    for (SampleBatch b : List.copyOf(batches)) {
      int i = b.indexOf(tag.name());
      if (i < 0) continue;
      rows.add(b.isGood(i) ? (tag.dataType().kind() == io.aifactory.sdk.core.DataType.Kind.FLOAT64
          ? String.valueOf(b.doubleValue(i)) : String.valueOf(b.longValue(i))) : "BAD:" + b.quality(i).reason());
    }
    return rows;
  }

  private static boolean readsGood(Device device) {
    try {
      return device.read(List.of(INT32)).get(5, TimeUnit.SECONDS).isGood(0);
    } catch (Exception e) {
      return false;
    }
  }

  private static String describe(SampleBatch b) {
    return b.isGood(0) ? String.valueOf(b.longValue(0)) : b.quality(0).status() + ":" + b.quality(0).reason();
  }
}
