package io.aifactory.sdk.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The testkit's simulator CLI ({@code sdk-testkit/target/aifactory-simulator.jar}) serving a scenario in a child JVM,
 * so that the simulated devices' CPU is not the measured process's: the benchmark's process CPU is then the client's
 * alone. The endpoints are read from what the CLI prints; {@link #close()} stops this one child by its handle (the
 * CLI closes its servers on SIGTERM) and kills it if it does not go.
 *
 * <p>The jar is {@code -Daifactory.simulator.jar=PATH}, else {@code sdk-testkit/target/aifactory-simulator.jar} in the
 * working directory or a parent of it (the benchmarks build makes it with {@code -am}).
 */
final class SimulatorProcess implements AutoCloseable {
  private static final Pattern ENDPOINT = Pattern.compile("^(\\S+) \\((modbus|opcua)\\)\\s+(\\S+)$");

  private final Process process;
  private final Path scenario;
  private final Map<String, String> endpoints = new LinkedHashMap<>();

  private SimulatorProcess(Process process, Path scenario) {
    this.process = process;
    this.scenario = scenario;
  }

  /** Starts the CLI on {@code scenarioJson} with free ports and returns once every device is serving. */
  static SimulatorProcess start(String scenarioJson, String heap) throws IOException, InterruptedException {
    Path jar = jar();
    Path file = Files.createTempFile("bench-scenario", ".json");
    Files.writeString(file, scenarioJson);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heap, "-jar", jar.toString(), "--scenario",
        file.toString(), "--modbus-port", "0", "--opcua-port", "0"));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    SimulatorProcess sim = new SimulatorProcess(p, file);
    // A JMH fork ends with System.exit, whatever failed: the child must not outlive it.
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly, "simulator-stop-" + p.pid()));
    CompletableFuture<Void> serving = new CompletableFuture<>();
    Thread reader = new Thread(() -> sim.read(serving), "simulator-stdout-" + p.pid());
    reader.setDaemon(true); // it ends with the child's stdout; never holds the benchmark JVM open
    reader.start();
    try {
      serving.get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      sim.close();
      throw new IllegalStateException("simulator " + jar + " did not start serving " + file + ": " + e, e);
    }
    return sim;
  }

  /** Keeps draining the child's stdout (a full pipe would stall it) after noting the endpoints. */
  private void read(CompletableFuture<Void> serving) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        Matcher m = ENDPOINT.matcher(line.strip());
        if (m.matches()) {
          synchronized (endpoints) {
            endpoints.put(m.group(1), m.group(3));
          }
        } else if (line.startsWith("Serving")) {
          serving.complete(null);
        }
      }
      serving.completeExceptionally(new IllegalStateException("exit code " + process.waitFor()));
    } catch (IOException | InterruptedException e) {
      serving.completeExceptionally(e);
    }
  }

  private static Path jar() {
    String configured = System.getProperty("aifactory.simulator.jar");
    if (configured != null) return Path.of(configured);
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("sdk-testkit/target/aifactory-simulator.jar");
      if (Files.isRegularFile(candidate)) return candidate;
    }
    throw new IllegalStateException("no sdk-testkit/target/aifactory-simulator.jar in " + Path.of("").toAbsolutePath()
        + " or its parents: build with mvn -pl benchmarks -am package, or pass -Daifactory.simulator.jar=PATH");
  }

  /** Returns each device's URI, by device name, in the scenario's order. */
  Map<String, String> endpoints() {
    synchronized (endpoints) {
      return new LinkedHashMap<>(endpoints);
    }
  }

  /** Returns the CPU the child has used so far, or zero if the OS does not say. */
  Duration cpu() {
    return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(scenario);
    } catch (IOException e) {
      // a temporary file: the OS cleans it up
    }
  }
}
