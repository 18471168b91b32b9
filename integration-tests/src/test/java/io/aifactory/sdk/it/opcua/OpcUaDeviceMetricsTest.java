package io.aifactory.sdk.it.opcua;

import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.INT32;
import static io.aifactory.sdk.it.opcua.OpcUaTestSupport.SETPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceMetrics;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An OPC UA device counts its traffic like a Modbus one, so monitoring and the diagnostics page show both alike. */
class OpcUaDeviceMetricsTest {
  @Test
  void shouldCountRequestsPollsRefusalsReconnectsAndTimeouts(@TempDir Path tmp) throws Exception {
    try (OpcUaSimulator sim = OpcUaSimulator.newBuilder().tags(List.of(INT32, SETPOINT)).range(SETPOINT.name(), 0, 100)
        .pkiDir(tmp.resolve("server")).securityPolicies(EnumSet.noneOf(SecurityPolicy.class)).build()) {
      sim.start();
      sim.set(INT32.name(), 3);
      try (Device device = Devices.open(sim.uri().toString(), OpcUaTestSupport.options(tmp.resolve("client"))
          .property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build())) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
        DeviceMetrics m = device.metrics();
        assertEquals(0, m.requests());
        assertEquals(0, m.reconnects(), "the first connect is not a reconnect");

        // Two reads: two requests, two polls with their time.
        assertEquals(3L, device.read(List.of(INT32)).get(5, TimeUnit.SECONDS).longValue(0));
        assertEquals(3L, device.read(List.of(INT32, SETPOINT)).get(5, TimeUnit.SECONDS).longValue(0));
        assertEquals(2, m.requests());
        assertEquals(2, m.polls());
        assertTrue(m.pollNanos() > 0);

        // A write the server refuses (outside the variable's range) is a refusal, not a timeout.
        Throwable refused = device.write(SETPOINT, 150.0).handle((v, e) -> e).get(5, TimeUnit.SECONDS);
        assertInstanceOf(DeviceException.class, refused);
        assertEquals(3, m.requests());
        assertEquals(1, m.exceptionReplies());
        assertEquals(0, m.timeouts());

        // The server ends every session: the device's session comes back, and that is one reconnect.
        sim.closeSessions();
        assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> m.reconnects() == 1
            && device.state() == ConnectionState.CONNECTED), () -> "reconnects " + m.reconnects());

        // A reply later than the request timeout (2 s) is a timeout; the row says so too.
        long before = m.requests();
        sim.delayReplies(Duration.ofSeconds(3));
        Quality late = device.read(List.of(INT32)).get(10, TimeUnit.SECONDS).quality(0);
        sim.delayReplies(Duration.ZERO);
        assertEquals(Quality.Reason.TIMEOUT, late.reason(), late::toString);
        assertEquals(before + 1, m.requests());
        assertEquals(1, m.timeouts());
        assertEquals(1, m.exceptionReplies(), "a timeout is not a refusal");
      }
    }
  }
}
