package io.aifactory.sdk.it.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.opcua.OpcUaDevice;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.opcua.internal.EndpointRanking;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Endpoint choice, certificate trust, SecurityPolicy None and user login, against a simulator that needs a user. */
class OpcUaSecurityTest {
  static final String PASSWORD = "s3cret-Pa55";

  @TempDir static Path tmp;
  static OpcUaSimulator sim;

  @BeforeAll
  static void start() {
    sim = OpcUaSimulator.newBuilder().tags(List.of(OpcUaTestSupport.FLOAT64)).pkiDir(tmp.resolve("server"))
        .securityNone(true)
        .securityPolicies(EnumSet.of(SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep,
            SecurityPolicy.Aes256_Sha256_RsaPss))
        .anonymous(false).user("operator", PASSWORD).certificateUsers(true).build();
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
    return OpcUaTestSupport.options(clientPki);
  }

  /** Returns a future completed with the first failure a state listener hears. */
  private static CompletableFuture<Throwable> firstFailure(Device device) {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    device.addStateListener((d, state, cause) -> {
      if (state == ConnectionState.DISCONNECTED && cause != null) failure.complete(cause);
    });
    return failure;
  }

  @Test
  void shouldChooseTheMostSecureEndpointAndLogIn(@TempDir Path pki) throws Exception {
    DeviceOptions options = trusting(pki).property(OpcUaProperties.USERNAME, "operator")
        .property(OpcUaProperties.PASSWORD, PASSWORD).property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build();
    try (OpcUaDevice device = (OpcUaDevice) Devices.open(sim.uri().toString(), options)) {
      device.whenConnected().get(15, TimeUnit.SECONDS);
      // None is allowed here, but never chosen over a secure endpoint. Aes256_Sha256_RsaPss needs a JCA provider
      // with RSA-PSS (e.g. BouncyCastle registered by the application); without one the next best is chosen.
      String best = EndpointRanking.isAvailable(SecurityPolicy.Aes256_Sha256_RsaPss)
          ? "Aes256_Sha256_RsaPss/SignAndEncrypt" : "Aes128_Sha256_RsaOaep/SignAndEncrypt";
      assertEquals(best, device.security());
      SampleBatch batch = device.read(List.of(OpcUaTestSupport.FLOAT64)).get(5, TimeUnit.SECONDS);
      assertEquals(3.5, batch.doubleValue(0));
    }
  }

  @Test
  void shouldRefuseAnUnknownServerCertificateUntilAnAdministratorTrustsIt(@TempDir Path pki) throws Exception {
    DeviceOptions options = OpcUaTestSupport.options(pki).property(OpcUaProperties.USERNAME, "operator")
        .property(OpcUaProperties.PASSWORD, PASSWORD).build();
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      Throwable failure = firstFailure(device).get(15, TimeUnit.SECONDS);
      assertTrue(failure.getMessage().contains("not trusted"), failure.getMessage());
      assertEquals(ConnectionState.DISCONNECTED == device.state() || ConnectionState.CONNECTING == device.state(), true);
      Path rejected = pki.resolve("rejected");
      assertTrue(OpcUaTestSupport.await(Duration.ofSeconds(30), () -> count(rejected) == 1), "nothing in " + rejected);

      // The administrator moves the certificate to trusted/certs; the next attempt succeeds.
      try (Stream<Path> files = Files.list(rejected)) {
        Path cert = files.findFirst().orElseThrow();
        Files.move(cert, pki.resolve("trusted/certs").resolve(cert.getFileName()));
      }
      device.whenConnected().get(15, TimeUnit.SECONDS);
      assertEquals(3.5, device.read(List.of(OpcUaTestSupport.FLOAT64)).get(5, TimeUnit.SECONDS).doubleValue(0));
    }
  }

  @Test
  void shouldTrustOnFirstUseOnlyWhenAskedTo(@TempDir Path pki) throws Exception {
    DeviceOptions options = OpcUaTestSupport.options(pki).property(OpcUaProperties.USERNAME, "operator")
        .property(OpcUaProperties.PASSWORD, PASSWORD).property(OpcUaProperties.TRUST_ON_FIRST_USE, "true").build();
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      device.whenConnected().get(15, TimeUnit.SECONDS);
      // Pinned for this endpoint only, not added to the trust list every device of this PKI folder shares.
      assertEquals(1, count(pki.resolve("pinned")));
      assertEquals(0, count(pki.resolve("trusted/certs")));
    }
  }

  @Test
  void shouldPinTheFirstCertificatePerEndpointAndRefuseAnotherOne(@TempDir Path tmp) throws Exception {
    Path pki = tmp.resolve("client");
    DeviceOptions tofu = OpcUaTestSupport.options(pki).property(OpcUaProperties.TRUST_ON_FIRST_USE, "true").build();
    int port;
    try (OpcUaSimulator first = OpcUaSimulator.newBuilder().tags(List.of(OpcUaTestSupport.FLOAT64))
        .pkiDir(tmp.resolve("server")).securityNone(false).build()) {
      first.start();
      port = first.port();
      try (Device device = Devices.open(first.uri().toString(), tofu)) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
      }
      assertEquals(1, count(pki.resolve("pinned")));
      // A device of the same PKI folder that did not ask for trust on first use does not trust the pinned certificate.
      try (Device strict = Devices.open(first.uri().toString(), OpcUaTestSupport.options(pki).build())) {
        Throwable failure = firstFailure(strict).get(15, TimeUnit.SECONDS);
        assertTrue(failure.getMessage().contains("not trusted"), failure.getMessage());
      }
    }
    // Another server (another certificate, e.g. an impostor) at the same endpoint is refused.
    try (OpcUaSimulator impostor = OpcUaSimulator.newBuilder().tags(List.of(OpcUaTestSupport.FLOAT64)).port(port)
        .pkiDir(tmp.resolve("impostor")).securityNone(false).build()) {
      impostor.start();
      try (Device device = Devices.open(impostor.uri().toString(), tofu)) {
        Throwable failure = firstFailure(device).get(15, TimeUnit.SECONDS);
        assertTrue(failure.getMessage().contains("pinned"), failure.getMessage());
        assertTrue(failure.getMessage().contains(pki.resolve("pinned").toString()), failure.getMessage());
        assertEquals(ConnectionState.CONNECTED == device.state(), false);
      }
      assertEquals(1, count(pki.resolve("pinned")));
      assertEquals(0, count(pki.resolve("trusted/certs")));
    }
  }

  @Test
  void shouldReportAWrongPasswordWithoutRevealingIt(@TempDir Path pki) throws Exception {
    String wrong = "wrong-Pa55word-42";
    String uri = "opc.tcp://operator:" + wrong + "@localhost:" + sim.port();
    PrintStream originalErr = System.err;
    ByteArrayOutputStream logs = new ByteArrayOutputStream();
    System.setErr(new PrintStream(logs, true));
    try (Device device = Devices.open(uri, trusting(pki).build())) {
      Throwable failure = firstFailure(device).get(15, TimeUnit.SECONDS);
      assertTrue(failure.getMessage().contains("refused user 'operator'"), failure.getMessage());
      assertTrue(failure.getMessage().contains("Bad_UserAccessDenied"), failure.getMessage());
      assertFalse(failure.getMessage().contains(wrong), failure.getMessage());
      assertFalse(device.uri().toString().contains(wrong), device.uri().toString());
      assertFalse(device.uri().toString().contains("operator"), device.uri().toString());
    } finally {
      System.setErr(originalErr);
    }
    String logged = logs.toString();
    originalErr.print(logged);
    assertFalse(logged.contains(wrong), "the password appeared in the log");
  }

  @Test
  void shouldRefuseSecurityNoneUnlessAllowed(@TempDir Path pki) throws Exception {
    try (OpcUaSimulator noneOnly = OpcUaSimulator.newBuilder().tags(List.of(OpcUaTestSupport.FLOAT64))
        .pkiDir(pki.resolve("server")).securityNone(true).securityPolicies(EnumSet.noneOf(SecurityPolicy.class)).build()) {
      noneOnly.start();
      noneOnly.set(OpcUaTestSupport.FLOAT64.name(), 8.0);
      try (Device device = Devices.open(noneOnly.uri().toString(), OpcUaTestSupport.options(pki.resolve("a")).build())) {
        Throwable failure = firstFailure(device).get(15, TimeUnit.SECONDS);
        assertTrue(failure instanceof ConfigurationException, failure.toString());
        assertTrue(failure.getMessage().contains("allowSecurityNone=true"), failure.getMessage());
      }
      DeviceOptions allowed = OpcUaTestSupport.options(pki.resolve("b"))
          .property(OpcUaProperties.ALLOW_SECURITY_NONE, "true").build();
      try (OpcUaDevice device = (OpcUaDevice) Devices.open(noneOnly.uri().toString(), allowed)) {
        device.whenConnected().get(15, TimeUnit.SECONDS);
        assertEquals("None/None", device.security());
        assertEquals(8.0, device.read(List.of(OpcUaTestSupport.FLOAT64)).get(5, TimeUnit.SECONDS).doubleValue(0));
      }
    }
  }

  @Test
  void shouldLogInWithItsApplicationCertificateAsUserIdentity(@TempDir Path pki) throws Exception {
    DeviceOptions options = trusting(pki).property(OpcUaProperties.IDENTITY, "certificate").build();
    try (Device device = Devices.open(sim.uri().toString(), options)) {
      device.whenConnected().get(15, TimeUnit.SECONDS);
      assertEquals(3.5, device.read(List.of(OpcUaTestSupport.FLOAT64)).get(5, TimeUnit.SECONDS).doubleValue(0));
    }
  }

  private static long count(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    } catch (java.io.IOException e) {
      return -1;
    }
  }
}
