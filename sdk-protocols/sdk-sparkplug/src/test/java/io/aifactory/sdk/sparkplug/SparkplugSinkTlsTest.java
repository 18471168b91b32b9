package io.aifactory.sdk.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.extension.sdk.api.ExtensionMain;
import com.hivemq.extension.sdk.api.auth.SimpleAuthenticator;
import com.hivemq.extension.sdk.api.packets.connect.ConnectPacket;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStartOutput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopInput;
import com.hivemq.extension.sdk.api.parameter.ExtensionStopOutput;
import com.hivemq.extension.sdk.api.services.Services;
import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.app.AppContext;
import io.aifactory.sdk.core.app.Sink;
import io.aifactory.sdk.core.app.SinkProvider;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.sparkplug.HostRecorder.Msg;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The {@code sparkplug} sink of a JSON app over TLS, with a username and password the broker checks: a broker
 * certificate made by the JDK's keytool for this test class, trusted through a trust store named in the config, and
 * secrets read from files named in the config. Everything logged meanwhile, at every level, is captured and searched
 * for the secrets.
 */
class SparkplugSinkTlsTest {
  private static final String USER = "line1";
  private static final String PASSWORD = "Mqtt-s3cret-9f2c";
  private static final String STORE_PASSWORD = "Store-s3cret-71ab";
  private static final String TRUST_PASSWORD = "Trust-s3cret-44de";
  private static final AtomicInteger REFUSED = new AtomicInteger();

  @TempDir
  static Path brokerDir;
  private static EmbeddedBroker broker;
  private static Path trustStore;

  @TempDir
  Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  /** A copy of what was logged so far: other threads keep logging, and the appender adds under its own lock. */
  private List<ILoggingEvent> captured() {
    synchronized (logs) {
      return new java.util.ArrayList<>(logs.list);
    }
  }
  private final Map<String, Level> levels = new java.util.HashMap<>();

  @BeforeAll
  static void startBroker() throws Exception {
    Path keys = Files.createDirectories(brokerDir.resolve("keys"));
    Path keyStore = keys.resolve("broker.p12");
    keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
        keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    Path certificate = keys.resolve("broker.cer");
    keytool("-exportcert", "-alias", "broker", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
        "-file", certificate.toString());
    trustStore = keys.resolve("trust.p12");
    keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(), "-storetype", "PKCS12",
        "-keystore", trustStore.toString(), "-storepass", TRUST_PASSWORD);
    broker = new EmbeddedBroker(brokerDir.resolve("broker"), keyStore, STORE_PASSWORD, authenticator());
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + args[0] + ": " + out);
  }

  /** The broker admits the node only with the right username and password; the test's host (plain TCP) as is. */
  private static EmbeddedExtension authenticator() {
    ExtensionMain main = new ExtensionMain() {
      @Override
      public void extensionStart(ExtensionStartInput in, ExtensionStartOutput out) {
        Services.securityRegistry().setAuthenticatorProvider(input -> (SimpleAuthenticator) (auth, result) -> {
          ConnectPacket c = auth.getConnectPacket();
          String password = c.getPassword().map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString())
              .orElse(null);
          if (c.getClientId().startsWith("host-")
              || USER.equals(c.getUserName().orElse(null)) && PASSWORD.equals(password)) {
            result.authenticateSuccessfully();
          } else {
            REFUSED.incrementAndGet();
            result.failAuthentication();
          }
        });
      }

      @Override
      public void extensionStop(ExtensionStopInput in, ExtensionStopOutput out) {}
    };
    return EmbeddedExtension.builder().withId("test-auth").withName("test auth").withVersion("1")
        .withExtensionMain(main).build();
  }

  @BeforeEach
  void captureEveryLogLine() {
    // Every level of every logger: the SDK's, the MQTT client's, the broker's.
    logs.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
    logs.start();
    for (String name : List.of(org.slf4j.Logger.ROOT_LOGGER_NAME, "io.aifactory", "com.hivemq")) {
      Logger l = (Logger) LoggerFactory.getLogger(name);
      levels.put(name, l.getLevel());
      l.setLevel(Level.ALL);
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterEach
  void restoreLogging() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    levels.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
  }

  private void assertNoSecretLogged() {
    List<String> lines = new ArrayList<>();
    for (ILoggingEvent e : captured()) {
      lines.add(e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(e.getThrowableProxy())));
    }
    assertFalse(lines.isEmpty(), "the capture works");
    for (String line : lines) {
      for (String secret : List.of(PASSWORD, STORE_PASSWORD, TRUST_PASSWORD)) {
        assertFalse(line.contains(secret), "a secret in the log: " + line);
      }
    }
  }

  /** The app's side: one device, "plc", for the Sparkplug device to follow. */
  private AppContext context(Device plc) {
    return new AppContext() {
      @Override
      public Path baseDirectory() {
        return dir;
      }

      @Override
      public Device device(ConfigNode node, String field) {
        assertEquals("plc", node.text(field));
        return plc;
      }

      @Override
      public List<Tag> tags(ConfigNode node, String field, String device) {
        throw new AssertionError("no tags in these configs");
      }

      @Override
      public List<WriteGuard> guards(ConfigNode node, String field) {
        throw new AssertionError("no guards in these configs");
      }
    };
  }

  private static SinkProvider provider() {
    for (SinkProvider p : ServiceLoader.load(SinkProvider.class)) {
      if (p.type().equals("sparkplug")) {
        return p;
      }
    }
    throw new AssertionError("no sparkplug sink provider registered");
  }

  private String config(String group, String credentials) throws IOException {
    Files.writeString(dir.resolve("mqtt-password"), PASSWORD + "\n");
    Files.writeString(dir.resolve("trust-password"), TRUST_PASSWORD);
    Files.copy(trustStore, dir.resolve("trust.p12"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return "{\"name\": \"plant-mqtt\", \"type\": \"sparkplug\", \"broker\": \"ssl://127.0.0.1:" + broker.tlsPort()
        + "\", \"groupId\": \"" + group + "\", \"edgeNodeId\": \"line1\", \"credentials\": " + credentials + ","
        + " \"tls\": {\"trustStore\": \"trust.p12\", \"trustStorePasswordFile\": \"trust-password\"},"
        + " \"bufferDirectory\": \"sparkplug-buffer\","
        + " \"devices\": [{\"name\": \"press3\", \"device\": \"plc\", \"machines\": {\"press3\": [\"score\"]}}]}";
  }

  @Test
  void shouldPublishOverTlsWithCredentialsFromAFileAndNeverLogThem() throws Exception {
    FakeDevice plc = new FakeDevice();
    try (HostRecorder host = new HostRecorder(broker.port(), "tls");
        Sink sink = provider().open(ConfigNode.parse(config("tls",
            "{\"username\": \"" + USER + "\", \"passwordFile\": \"mqtt-password\"}"), "sink"), context(plc))) {
      Msg nbirth = host.expect("NBIRTH", null);
      assertEquals("spBv1.0/tls/NBIRTH/line1", nbirth.topic);
      host.expect("DBIRTH", "press3");
      long now = System.currentTimeMillis() * 1_000_000L;
      sink.onResult(new MachineResult("line", "press3", 1, now, Quality.GOOD, List.of("score"),
          new double[] {0.25}));
      Msg ddata = host.expect("DDATA", "press3");
      assertEquals(0.25, ddata.payload.getMetrics().get(0).getValue());
      assertFalse(sink.toString().contains(PASSWORD), sink.toString());
    }
    assertTrue(captured().stream().anyMatch(e -> e.getFormattedMessage().contains("online at")),
        "the node's own lines were captured");
    assertNoSecretLogged();
  }

  @Test
  void shouldStayOfflineWithAWrongPasswordAndNotLogIt() throws Exception {
    String wrong = "Wrong-s3cret-0b7e";
    Files.writeString(dir.resolve("wrong-password"), wrong);
    int refusedBefore = REFUSED.get();
    try (Sink sink = provider().open(ConfigNode.parse(config("wrong",
        "{\"username\": \"" + USER + "\", \"passwordFile\": \"wrong-password\"}"), "sink"), context(new FakeDevice()))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (REFUSED.get() < refusedBefore + 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(REFUSED.get() >= refusedBefore + 2, "the broker refused the node, and it tried again");
    }
    assertNoSecretLogged();
    for (ILoggingEvent e : captured()) {
      assertFalse(e.getFormattedMessage().contains(wrong), e.getFormattedMessage());
    }
  }

  @Test
  void shouldRefuseAnInlinePasswordWithoutEchoingIt() throws Exception {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> provider().open(ConfigNode.parse(
        config("inline", "{\"username\": \"" + USER + "\", \"password\": \"" + PASSWORD + "\"}"), "sink"),
        context(new FakeDevice())));
    assertTrue(e.getMessage().contains("credentials.password"), e.getMessage());
    assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    ConfigurationException noVariable = assertThrows(ConfigurationException.class, () -> provider().open(
        ConfigNode.parse(config("env", "{\"username\": \"" + USER + "\", \"passwordEnv\": \"AIFACTORY_TEST_UNSET_42\"}"),
            "sink"), context(new FakeDevice())));
    assertTrue(noVariable.getMessage().contains("AIFACTORY_TEST_UNSET_42 is not set"), noVariable.getMessage());
  }
}
