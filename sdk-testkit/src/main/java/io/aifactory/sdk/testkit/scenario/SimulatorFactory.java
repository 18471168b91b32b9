package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.SimulatedServer;
import java.nio.file.Path;
import java.util.Map;

/**
 * Starts the simulator of one kind ({@code modbus}, {@code opcua}) for a scenario device. Found by kind in
 * {@link SimulatorFactories}; installed ones are listed in
 * {@code META-INF/services/io.aifactory.sdk.testkit.scenario.SimulatorFactory}.
 */
public interface SimulatorFactory {
  /** Returns the kind a scenario device names to use this simulator, e.g. {@code modbus}; lower case. */
  String kind();

  /**
   * Checks a tag's address and type for this kind of simulator, without starting anything.
   *
   * @throws io.aifactory.sdk.core.AddressException naming the tag, what was found and what is expected
   */
  void checkAddress(Tag tag);

  /**
   * Checks a device's simulator options.
   *
   * @throws IllegalArgumentException naming the option, what was found and what is expected
   */
  default void checkOptions(Map<String, String> options) {
    if (!options.isEmpty()) throw new IllegalArgumentException("unknown options " + options.keySet() + " (a " + kind() + " simulator takes none)");
  }

  /**
   * Starts a simulator that serves the device's tags on {@code port} of the loopback interface (0: a free port).
   * The caller closes it.
   *
   * @param workDirectory a folder for files the simulator needs (e.g. certificates), private to this run and deleted
   *     after it
   */
  SimulatedServer start(ScenarioDevice device, int port, Path workDirectory);
}
