package io.aifactory.sdk.sparkplug;

import com.hivemq.embedded.EmbeddedHiveMQ;
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

  EmbeddedBroker(Path root) throws IOException {
    this.port = freePort();
    Path conf = Files.createDirectories(root.resolve("conf"));
    Path data = Files.createDirectories(root.resolve("data"));
    Path extensions = Files.createDirectories(root.resolve("extensions"));
    Files.writeString(conf.resolve("config.xml"), "<?xml version=\"1.0\"?>\n<hivemq>\n"
        + "  <listeners><tcp-listener><port>" + port + "</port><bind-address>127.0.0.1</bind-address></tcp-listener>"
        + "</listeners>\n"
        + "  <persistence><mode>in-memory</mode></persistence>\n"
        + "  <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>\n"
        + "</hivemq>\n");
    hivemq = EmbeddedHiveMQ.builder().withConfigurationFolder(conf).withDataFolder(data)
        .withExtensionsFolder(extensions).withoutLoggingBootstrap().build();
    hivemq.start().join();
  }

  int port() {
    return port;
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
