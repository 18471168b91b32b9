package io.aifactory.sdk.it.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first request after {@code Devices.open}, and "connect, or tell me why" for permanent refusals. */
class OpcUaConnectTest {
  static final String PASSWORD = "s3cret-Pa55";
  /** Far beyond anything a refusal takes: a wait that fails must fail with the reason, not this deadline. */
  static final Duration PATIENT = Duration.ofMinutes(5);

  @TempDir static Path tmp;
  static OpcUaSimulator sim;

  @BeforeAll
  static void start() {
    sim = OpcUaSimulator.newBuilder().tags(List.of(OpcUaTestSupport.FLOAT64)).pkiDir(tmp.resolve("server"))
        .anonymous(false).user("operator", PASSWORD).build();
    sim.start();
    sim.set(OpcUaTestSupport.FLOAT64.name(), 3.5);
  }

  @AfterAll
  static void stop() {
    if (sim != null) sim.close();
  }

  private static DeviceOptions.Builder trusting(Path clientPki) throws Exception {
    Path trusted = Files.createDirectories(clientPki.resolve("trusted/certs"));
    Files.write(trusted.resolve("simulator.der"), sim.certificate().getEncoded());
    // A connect timeout generous enough for a loaded machine: the first request waits for the connection this long.
    return OpcUaTestSupport.options(clientPki).connectTimeout(Duration.ofSeconds(60));
  }

  @Test
  void shouldAnswerTheFirstReadAndWriteAfterOpenFromTheServer(@TempDir Path pki) throws Exception {
    DeviceOptions options = trusting(pki).property(OpcUaProperties.USERNAME, "operator")
        .property(OpcUaProperties.PASSWORD, PASSWORD).build();
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      SampleBatch batch = device.read(List.of(OpcUaTestSupport.FLOAT64)).get(120, TimeUnit.SECONDS);
      assertTrue(batch.isGood(0), String.valueOf(batch.quality(0)));
      assertEquals(3.5, batch.doubleValue(0));
    }
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      device.write(OpcUaTestSupport.FLOAT64, 4.5).get(120, TimeUnit.SECONDS);
      assertEquals(4.5, ((Number) sim.get(OpcUaTestSupport.FLOAT64.name())).doubleValue());
    }
  }

  @Test
  void shouldFailTheWaitForAConnectionWithTheReasonWhenThePasswordIsWrong(@TempDir Path pki) throws Exception {
    DeviceOptions options = trusting(pki).property(OpcUaProperties.USERNAME, "operator")
        .property(OpcUaProperties.PASSWORD, "wrong").build();
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      CompletionException e = assertThrows(CompletionException.class,
          () -> device.whenConnected(PATIENT).orTimeout(PATIENT.toSeconds() * 2, TimeUnit.SECONDS).join());
      assertInstanceOf(DeviceException.class, e.getCause());
      assertFalse(e.getCause() instanceof DeviceTimeoutException, "failed by the refusal, not the deadline: " + e.getCause());
      assertTrue(e.getCause().getMessage().contains("wrong user name or password"), e.getCause().getMessage());
      assertFalse(e.getCause().getMessage().contains("wrong\""), "never the password");
      // The same refusal, though perhaps of a later attempt (the device keeps retrying with its backoff).
      assertEquals(e.getCause().getMessage(), device.lastError().orElseThrow().getMessage());
      assertEquals(org.eclipse.milo.opcua.stack.core.StatusCodes.Bad_UserAccessDenied,
          ((DeviceException) e.getCause()).rawStatus() & 0xFFFF0000L, "the server's own StatusCode, as a field");
      // A read issued now answers BAD at once, with the reason.
      SampleBatch batch = device.read(List.of(OpcUaTestSupport.FLOAT64)).get(120, TimeUnit.SECONDS);
      assertTrue(batch.quality(0).isBad());
    }
  }

  @Test
  void shouldFailTheWaitForAConnectionWithTheReasonWhenTheServerCertificateIsNotTrusted(@TempDir Path pki) throws Exception {
    DeviceOptions options = OpcUaTestSupport.options(pki).property(OpcUaProperties.USERNAME, "operator")
        .property(OpcUaProperties.PASSWORD, PASSWORD).build();
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      CompletionException e = assertThrows(CompletionException.class,
          () -> device.whenConnected(PATIENT).orTimeout(PATIENT.toSeconds() * 2, TimeUnit.SECONDS).join());
      assertFalse(e.getCause() instanceof DeviceTimeoutException, "failed by the refusal, not the deadline: " + e.getCause());
      assertTrue(e.getCause().getMessage().contains("not trusted"), e.getCause().getMessage());
      assertTrue(device.lastError().orElseThrow().getMessage().contains("not trusted"));
    }
  }
}
