package io.aifactory.sdk.opcua.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaDevice;
import io.aifactory.sdk.opcua.OpcUaDriver;
import io.aifactory.sdk.opcua.OpcUaProperties;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaMonitoredItem;
import org.eclipse.milo.opcua.sdk.client.subscriptions.OpcUaSubscription;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateBuilder;
import org.eclipse.milo.opcua.stack.core.util.SelfSignedCertificateGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The results server seen by a plain Milo client, as a SCADA or MES would see it. */
class OpcUaResultServerTest {
  static final String CLIENT_URI = "urn:aifactory:test:scada";

  @TempDir static Path tmp;
  static OpcUaResultServer server;
  static KeyPair keyPair;
  static X509Certificate certificate;

  @BeforeAll
  static void start() throws Exception {
    server = OpcUaResultServer.newBuilder().port(0).pkiDir(tmp.resolve("pki")).hostnames(List.of("localhost"))
        .bindAddress("127.0.0.1").anonymous(false).user("scada", "read-only-pw")
        .pipelineResults("Line1").variable("Line1.Waveform.Rms", DataType.FLOAT32).build();
    server.start();
    keyPair = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    certificate = new SelfSignedCertificateBuilder(keyPair).setCommonName("scada").setApplicationUri(CLIENT_URI).build();
  }

  @AfterAll
  static void stop() {
    if (server != null) server.close();
  }

  private static OpcUaClient connect(String user, String password) throws Exception {
    CertificateValidator anyServer = new CertificateValidator.InsecureCertificateValidator();
    IdentityProvider identity = new UsernameProvider(user, password, anyServer);
    OpcUaClient client = OpcUaClient.create(server.uri().toString(),
        endpoints -> endpoints.stream().filter(e -> e.getSecurityPolicyUri().equals(SecurityPolicy.Basic256Sha256.getUri())
            && e.getSecurityMode() == MessageSecurityMode.SignAndEncrypt).findFirst(),
        transport -> {},
        config -> config.setApplicationUri(CLIENT_URI).setApplicationName(LocalizedText.english("scada"))
            .setKeyPair(keyPair).setCertificate(certificate).setCertificateChain(new X509Certificate[] {certificate})
            .setCertificateValidator(anyServer).setIdentityProvider(identity));
    try {
      client.connect();
      return client;
    } catch (UaException e) {
      client.disconnect();
      throw e;
    }
  }

  private static void trustClient() throws Exception {
    Files.write(server.trustedDir().resolve("scada.der"), certificate.getEncoded());
  }

  @Test
  void shouldPublishResultsThatAPlainClientReadsAndSubscribesTo() throws Exception {
    trustClient();
    server.publish("Line1.AnomalyScore", 0.25);
    server.publish("Line1.AlarmState", false);
    server.publish("Line1.ModelName", "pump-anomaly");
    server.publish("Line1.ModelVersion", "1.4.0");
    server.publish("Line1.InferenceLatencyMillis", 3.5);
    OpcUaClient client = connect("scada", "read-only-pw");
    try {
      NodeId score = NodeId.parse("ns=2;s=Line1.AnomalyScore");
      List<DataValue> values = client.readValues(0.0, TimestampsToReturn.Both, List.of(score,
          NodeId.parse("ns=2;s=Line1.AlarmState"), NodeId.parse("ns=2;s=Line1.ModelName"),
          NodeId.parse("ns=2;s=Line1.ModelVersion"), NodeId.parse("ns=2;s=Line1.InferenceLatencyMillis")));
      assertEquals(0.25, values.get(0).getValue().getValue());
      assertEquals(false, values.get(1).getValue().getValue());
      assertEquals("pump-anomaly", values.get(2).getValue().getValue());
      assertEquals("1.4.0", values.get(3).getValue().getValue());
      assertEquals(3.5, values.get(4).getValue().getValue());
      assertEquals(2, client.getNamespaceTable().getIndex(server.namespaceUri()).intValue());

      List<Object> seen = new CopyOnWriteArrayList<>();
      OpcUaSubscription subscription = new OpcUaSubscription(client, 50.0);
      OpcUaMonitoredItem item = OpcUaMonitoredItem.newDataItem(score);
      item.setSamplingInterval(50.0);
      item.setDataValueListener((i, v) -> seen.add(v.getValue().getValue()));
      subscription.addMonitoredItem(item);
      subscription.create();
      subscription.synchronizeMonitoredItems();
      server.publish("Line1.AnomalyScore", 0.93);
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (!seen.contains(0.93) && System.nanoTime() < deadline) Thread.sleep(20);
      assertTrue(seen.contains(0.93), seen::toString);

      // Results are read-only for clients.
      assertEquals(StatusCodes.Bad_UserAccessDenied & 0xFFFF0000L, client.writeValues(List.of(score),
          List.of(DataValue.valueOnly(new Variant(0.0)))).get(0).getValue() & 0xFFFF0000L, "write must be refused");
      assertEquals(0.93, server.get("Line1.AnomalyScore"));
    } finally {
      client.disconnect();
    }
  }

  @Test
  void shouldServeTheSdksOwnClientOnceEachSideTrustsTheOther(@TempDir Path clientPki) throws Exception {
    server.publish("Line1.PredictedValue", 12.5);
    Path trusted = Files.createDirectories(clientPki.resolve("trusted/certs"));
    Files.write(trusted.resolve("results.der"), server.certificate().getEncoded());
    DeviceOptions options = DeviceOptions.newBuilder()
        .connectTimeout(Duration.ofSeconds(3)).requestTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(300)).build())
        .property(OpcUaProperties.PKI_DIR, clientPki.toString())
        .property(OpcUaProperties.USERNAME, "scada").property(OpcUaProperties.PASSWORD, "read-only-pw").build();
    try (OpcUaDevice device = OpcUaDriver.openDevice(server.uri().toString(), options)) {
      CompletableFuture<Throwable> refused = new CompletableFuture<>();
      device.addStateListener((d, state, cause) -> {
        if (cause != null) refused.complete(cause);
      });
      Throwable cause = refused.get(15, TimeUnit.SECONDS);
      assertTrue(cause.getMessage().contains("refused this client's certificate"), cause.getMessage());

      // The server's administrator trusts the client's certificate; the next attempt succeeds.
      Files.copy(clientPki.resolve("own/client.der"), server.trustedDir().resolve("sdk-client.der"));
      device.whenConnected().get(15, TimeUnit.SECONDS);
      Tag predicted = Tag.of("predicted", server.nodeId("Line1.PredictedValue"), DataType.FLOAT64);
      assertEquals(12.5, device.read(List.of(predicted)).get(5, TimeUnit.SECONDS).doubleValue(0));
    }
  }

  @Test
  void shouldRefuseAWrongPassword() throws Exception {
    trustClient();
    UaException e = assertThrows(UaException.class, () -> connect("scada", "guess"));
    assertEquals(StatusCodes.Bad_UserAccessDenied, e.getStatusCode().getValue());
  }

  @Test
  void shouldRefuseAnUntrustedClientAndKeepItsCertificateInRejected(@TempDir Path other) throws Exception {
    KeyPair strangerKeys = SelfSignedCertificateGenerator.generateRsaKeyPair(2048);
    X509Certificate stranger = new SelfSignedCertificateBuilder(strangerKeys).setCommonName("stranger")
        .setApplicationUri(CLIENT_URI).build();
    KeyPair saved = keyPair;
    X509Certificate savedCert = certificate;
    keyPair = strangerKeys;
    certificate = stranger;
    try {
      assertThrows(UaException.class, () -> connect("scada", "read-only-pw"));
      try (Stream<Path> files = Files.list(server.rejectedDir())) {
        assertTrue(files.findAny().isPresent(), "no certificate in " + server.rejectedDir());
      }
    } finally {
      keyPair = saved;
      certificate = savedCert;
    }
  }

  @Test
  void shouldRefuseUnknownVariablesAndValuesOfTheWrongType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> server.publish("Line2.AnomalyScore", 1.0));
    assertTrue(e.getMessage().contains("Line2.AnomalyScore"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> server.publish("Line1.ModelName", 3));
    assertFalse(server.names().isEmpty());
    assertEquals("nsu=urn:aifactory:ai-results;s=Line1.AlarmState", server.nodeId("Line1.AlarmState"));
  }

  @Test
  void shouldCheckTypedHandlesOnceAndMapQualityOntoStatusCodes() {
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> server.variable("Line1.AnomalyScor", Double.class));
    assertTrue(unknown.getMessage().contains("Line1.AnomalyScor"), unknown.getMessage());
    IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
        () -> server.variable("Line1.AlarmState", Double.class));
    assertTrue(wrongType.getMessage().contains("Boolean"), wrongType.getMessage());

    ResultVariable<Float> rms = server.variable("Line1.Waveform.Rms", Float.class);
    assertEquals(StatusCodes.Bad_WaitingForInitialData, rms.quality().rawStatus(), "never published: " + rms.quality());
    rms.set(1.5f);
    assertTrue(rms.quality().isGood());
    rms.set(2.5f, Quality.uncertain(Quality.Reason.STALE_INPUT, 0, "held"));
    assertEquals(StatusCodes.Uncertain_LastUsableValue, rms.quality().rawStatus());
    rms.setQuality(Quality.bad(Quality.Reason.MODEL_ERROR, "model failed"));
    assertTrue(rms.quality().isBad());
    assertEquals(2.5f, rms.get(), "the last value is kept under the Bad status");
    // A Modbus exception code (2) in a BAD quality must not pass as an OPC UA code (0x00000002 is Good).
    rms.setQuality(Quality.bad(Quality.Reason.DEVICE_ERROR, 2, "illegal data address"));
    assertEquals(StatusCodes.Bad_DeviceFailure, rms.quality().rawStatus());
    assertThrows(IllegalArgumentException.class, () -> rms.set(3f, Quality.bad(Quality.Reason.MODEL_ERROR, "x")));
  }

  @Test
  void shouldOfferAnonymousAccessOnlyWhenAskedTo(@TempDir Path pki) throws Exception {
    try (OpcUaResultServer users = OpcUaResultServer.newBuilder().port(0).pkiDir(pki.resolve("users"))
        .hostnames(List.of("localhost")).bindAddress("127.0.0.1").user("scada", "pw").pipelineResults("Line1").build()) {
      users.start();
      assertFalse(offersAnonymous(users), "anonymous offered without being asked for");
    }
    try (OpcUaResultServer open = OpcUaResultServer.newBuilder().port(0).pkiDir(pki.resolve("open"))
        .hostnames(List.of("localhost")).bindAddress("127.0.0.1").anonymous(true).pipelineResults("Line1").build()) {
      open.start();
      assertTrue(offersAnonymous(open));
    }
    // Nobody could log in to a server with neither: refused when built, naming the way out.
    io.aifactory.sdk.core.ConfigurationException e = assertThrows(io.aifactory.sdk.core.ConfigurationException.class,
        () -> OpcUaResultServer.newBuilder().port(0).pkiDir(pki.resolve("none")).pipelineResults("Line1").build());
    assertTrue(e.getMessage().contains("anonymous"), e.getMessage());
  }

  private static boolean offersAnonymous(OpcUaResultServer server) throws Exception {
    List<org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription> endpoints =
        org.eclipse.milo.opcua.sdk.client.DiscoveryClient.getEndpoints(server.uri().toString()).get(30, TimeUnit.SECONDS);
    return endpoints.stream().flatMap(d -> Stream.of(d.getUserIdentityTokens()))
        .anyMatch(t -> t.getTokenType() == org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType.Anonymous);
  }

  @Test
  void shouldSayThatItsPortIsTakenWhenAnotherProgramHasIt(@TempDir Path pki) throws Exception {
    try (java.net.ServerSocket other = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        OpcUaResultServer second = OpcUaResultServer.newBuilder().port(other.getLocalPort()).pkiDir(pki)
            .hostnames(List.of("localhost")).bindAddress("127.0.0.1").user("scada", "pw").pipelineResults("Line1")
            .build()) {
      io.aifactory.sdk.core.AifactoryException e = assertThrows(io.aifactory.sdk.core.AifactoryException.class,
          second::start);
      assertTrue(e.getMessage().contains("127.0.0.1:" + other.getLocalPort() + " is already in use"), e.getMessage());
    }
  }
}
