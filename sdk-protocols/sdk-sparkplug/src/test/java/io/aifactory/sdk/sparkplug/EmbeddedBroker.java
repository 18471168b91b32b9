package io.aifactory.sdk.sparkplug;

import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.embedded.EmbeddedHiveMQBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real MQTT broker for tests: HiveMQ CE embedded, on a free loopback port, with all three of its folders in a
 * temporary directory (otherwise it makes itself at home next to its jar in the Maven repository) and in-memory
 * persistence. Stopping takes about 4 s, so tests share one per class.
 */
final class EmbeddedBroker implements AutoCloseable {
  private final EmbeddedHiveMQ hivemq;
  private final int port;
  private final int tlsPort;

  EmbeddedBroker(Path root) throws IOException {
    this(root, null, null, null);
  }

  /**
   * A broker with a TLS listener too (on {@link #tlsPort()}), whose key and certificate are in {@code keyStore}
   * (PKCS12, key password = store password), and an embedded extension (an authenticator) if not null.
   */
  EmbeddedBroker(Path root, Path keyStore, String keyStorePassword, EmbeddedExtension extension) throws IOException {
    this.port = freePort();
    this.tlsPort = keyStore == null ? -1 : freePort();
    Path conf = Files.createDirectories(root.resolve("conf"));
    Path data = Files.createDirectories(root.resolve("data"));
    Path extensions = Files.createDirectories(root.resolve("extensions"));
    Files.writeString(conf.resolve("config.xml"), "<?xml version=\"1.0\"?>\n<hivemq>\n"
        + "  <listeners><tcp-listener><port>" + port + "</port><bind-address>127.0.0.1</bind-address></tcp-listener>\n"
        + (keyStore == null ? "" : "    <tls-tcp-listener><port>" + tlsPort + "</port><bind-address>127.0.0.1"
        + "</bind-address><tls><keystore><path>" + keyStore.toAbsolutePath() + "</path><password>" + keyStorePassword
        + "</password><private-key-password>" + keyStorePassword + "</private-key-password></keystore>"
        + "<client-authentication-mode>NONE</client-authentication-mode></tls></tls-tcp-listener>\n")
        + "</listeners>\n"
        + "  <persistence><mode>in-memory</mode></persistence>\n"
        + "  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n"
        + "</hivemq>\n");
    EmbeddedHiveMQBuilder b = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
        .withExtensionsFolder(extensions).withoutLoggingBootstrap();
    if (extension != null) {
      b = b.withEmbeddedExtension(extension);
    }
    hivemq = b.build();
    hivemq.start().join();
  }

  int port() {
    return port;
  }

  int tlsPort() {
    return tlsPort;
  }

  @Override
  public void close() throws Exception {
    hivemq.stop().join();
    hivemq.close();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
