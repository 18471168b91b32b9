package io.aifactory.sdk.testkit.fakes;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.scenario.ScenarioDevice;
import io.aifactory.sdk.testkit.scenario.ScenarioTag;
import io.aifactory.sdk.testkit.scenario.SimulatorFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Serves any kind name with {@link InMemoryServer}s; refuses addresses starting with {@code bad} so tests can see
 * address errors, and accepts one option, {@code unitId}.
 */
public class InMemorySimulatorFactory implements SimulatorFactory {
  private final String kind;
  public final List<InMemoryServer> started = new CopyOnWriteArrayList<>();
  public volatile java.nio.file.Path lastWorkDirectory;

  public InMemorySimulatorFactory(String kind) {
    this.kind = kind;
  }

  /** The no-argument form the service loader uses: kind {@code memory}. */
  public InMemorySimulatorFactory() {
    this("memory");
  }

  @Override
  public String kind() {
    return kind;
  }

  @Override
  public void checkAddress(Tag tag) {
    if (tag.address().startsWith("bad")) throw new AddressException("tag '" + tag.name() + "': bad address '" + tag.address() + "'");
  }

  @Override
  public void checkOptions(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!key.equals("unitId")) throw new IllegalArgumentException("unknown option '" + key + "' (expected unitId)");
    }
  }

  @Override
  public SimulatedServer start(ScenarioDevice device, int port, java.nio.file.Path workDirectory) {
    List<Tag> tags = device.tags().stream().map(ScenarioTag::tag).collect(java.util.stream.Collectors.toList());
    lastWorkDirectory = workDirectory;
    try {
      java.nio.file.Files.writeString(java.nio.file.Files.createDirectories(workDirectory.resolve(device.name())).resolve("state"), "x");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    InMemoryServer server = new InMemoryServer(kind, port, tags);
    started.add(server);
    return server;
  }
}
