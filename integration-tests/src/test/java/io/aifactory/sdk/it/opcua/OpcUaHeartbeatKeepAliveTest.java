package io.aifactory.sdk.it.opcua;

import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.INT32;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A heartbeat vouches for an unchanged value only while the server keeps its keep-alive promise. */
class OpcUaHeartbeatKeepAliveTest {
  @Test
  void shouldStopRepeatingAValueAsGoodOnceTheFrozenServerMissedItsKeepAlive(@TempDir Path tmp) throws Exception {
    SubscriptionOptions heartbeat = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(50))
        .publishingInterval(Duration.ofMillis(50)).heartbeat(Duration.ofMillis(200)).build();
    List<SampleBatch> batches = new CopyOnWriteArrayList<>();
    try (OpcUaSimulator sim = OpcUaSimulator.newBuilder().tags(List.of(INT32)).pkiDir(tmp.resolve("server"))
        .securityPolicies(java.util.EnumSet.noneOf(org.eclipse.milo.opcua.stack.core.security.SecurityPolicy.class)).build()) {
      sim.start();
      sim.set(INT32.name(), 7);
      try (Device device = Devices.open(sim.uri().toString(), OpcUaTestSupport.options(tmp.resolve("client"))
              .property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build());
          Subscription s = device.subscribe(List.of(INT32), heartbeat, batches::add)) {
        assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> good(batches) >= 3), batches::toString);
        sim.stall(true);
        int stalledAt = batches.size();
        assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> badSince(batches, stalledAt) > 0), batches::toString);
        List<SampleBatch> frozen = new ArrayList<>(batches.subList(stalledAt, batches.size()));
        sim.stall(false);
        int firstBad = 0;
        while (frozen.get(firstBad).isGood(0)) firstBad++;
        // Whoever notices first (the heartbeat, or Milo's subscription watchdog, which follows the same keep-alive),
        // it is a TIMEOUT, and no GOOD repetition follows it while the server stays frozen.
        assertTrue(frozen.get(firstBad).quality(0).reason() == Quality.Reason.TIMEOUT, frozen.get(firstBad).toString());
        assertTrue(frozen.subList(firstBad, frozen.size()).stream().noneMatch(b -> b.isGood(0)), frozen::toString);
        // Before the BAD row, only the repetitions the keep-alive still covered: a handful of heartbeats. (Against this
        // simulator's stall Milo's own watchdog also fires within about half a second, so this bound guards against a
        // regression to long GOOD runs rather than telling the fix apart; counting rows is as close to timing as we go.)
        assertTrue(firstBad < 10, "GOOD heartbeats after the server froze: " + firstBad + " " + frozen);
        // The server is back: values flow GOOD again.
        sim.set(INT32.name(), 8);
        assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> batches.stream()
            .anyMatch(b -> b.isGood(0) && b.longValue(0) == 8)), batches::toString);
      }
    }
  }

  private static long good(List<SampleBatch> batches) {
    return batches.stream().filter(b -> b.isGood(0)).count();
  }

  private static long badSince(List<SampleBatch> batches, int from) {
    return batches.subList(from, batches.size()).stream().filter(b -> !b.isGood(0)).count();
  }
}
