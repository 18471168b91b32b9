package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.testkit.scenario.internal.ScenarioParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads scenario files: by name from the class path ({@code spindle-line} is
 * {@code /io/aifactory/sdk/testkit/scenarios/spindle-line.json}; {@code compressed-air} is the closed-loop one), or by
 * file path.
 *
 * <p>A file looks like this (durations as {@code 250ms}, {@code 2s}, {@code 5m}; every field but the names,
 * kinds and addresses optional):
 *
 * <pre>{@code
 * {
 *   "name": "press-line", "seed": 42, "tick": "100ms",
 *   "signals": { "oilTemp": { "kind": "randomWalk", "start": 40, "stepStdDev": 0.05, "step": "1s" } },
 *   "devices": [ {
 *     "name": "press-1", "kind": "modbus", "options": { "unitId": 1 },
 *     "tags": [
 *       { "name": "oilTemp", "address": "holding:0:float32", "type": "float32", "unit": "°C",
 *         "signal": { "kind": "ref", "name": "oilTemp",
 *                     "anomalies": [ { "kind": "drift", "at": "60s", "rate": 0.1 } ] } },
 *       { "name": "force", "address": "holding:2:float32", "type": "float32",
 *         "signal": { "kind": "sum", "of": [ { "kind": "sine", "amplitude": 50, "period": "4s", "offset": 300 },
 *                                            { "kind": "noise", "stdDev": 2 } ] } }
 *     ],
 *     "faults": [ { "kind": "stall", "at": "90s", "duration": "5s" } ]
 *   } ],
 *   "events": [ { "name": "press-1.oilOverheating", "at": "60s", "description": "oil temperature drifts up" } ]
 * }
 * }</pre>
 *
 * <p>Signal kinds: constant, sine, ramp, square, step, randomWalk, noise, csv, sum, product, scale, ref (a named
 * signal of {@code signals}); anomaly kinds: spike, drift, stuck, noiseBurst, dropout; fault kinds:
 * dropConnections, stall, delayReplies, outage. An array tag ({@code float32[256]}) also needs a
 * {@code sampleRate} in Hz: each update is a frame of its signal sampled at that rate. A tag without a signal keeps
 * what clients write to it, starting from its {@code initial} value if given: a setpoint. A scalar tag with a
 * {@code response} answers setpoints (closed loop): its value follows {@code offset + Σ gain × setpoint × signal} of
 * its {@code inputs} after a {@code deadTime}, through a first-order lag of {@code timeConstant}, plus measurement
 * {@code noise}; leaving its {@code limits} is recorded as a {@link LimitViolation} (see {@link Response}).
 * {@code events} label the timeline
 * for tests and data sets ({@link Scenario#activeEvents}). Every mistake is reported
 * as a {@link ConfigurationException} whose message starts with its path, e.g.
 * {@code devices[0].tags[2].signal.kind: unknown signal 'sinus' (expected constant, sine, ...)}.
 */
public final class Scenarios {
  /** The class path folder of named scenarios. */
  public static final String RESOURCE_FOLDER = "io/aifactory/sdk/testkit/scenarios/";

  private static final List<String> BUILT_IN = List.of("spindle-line", "compressed-air", "extrusion-line");

  private Scenarios() {}

  /** Returns the names of the scenarios shipped with the testkit. */
  public static List<String> builtIn() {
    return BUILT_IN;
  }

  /** Loads a scenario by name or path, checking addresses with the installed simulators. */
  public static Scenario load(String nameOrPath) {
    return load(nameOrPath, SimulatorFactories.installed());
  }

  /**
   * Loads a scenario: a path if {@code nameOrPath} ends in {@code .json} or names an existing file, otherwise a
   * name on the class path.
   *
   * @throws ConfigurationException if it cannot be found, or naming the path of the first mistake in it
   */
  public static Scenario load(String nameOrPath, SimulatorFactories factories) {
    Path path = asPath(nameOrPath);
    if (nameOrPath.endsWith(".json") || (path != null && Files.isRegularFile(path))) {
      if (path == null || !Files.isRegularFile(path)) throw new ConfigurationException("", "scenario file not found: " + nameOrPath, null);
      return read(path, factories);
    }
    String resource = RESOURCE_FOLDER + nameOrPath + ".json";
    ClassLoader loader = classLoader();
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ConfigurationException("", "unknown scenario '" + nameOrPath + "' (built-in: " + String.join(", ", BUILT_IN)
            + "; or the path of a .json file, or a resource " + resource + " on the class path)", null);
      }
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      ScenarioParser.Resources resources = name -> {
        InputStream r = loader.getResourceAsStream(RESOURCE_FOLDER + name);
        if (r == null) throw new IOException("no resource " + RESOURCE_FOLDER + name + " on the class path");
        return new InputStreamReader(r, StandardCharsets.UTF_8);
      };
      return ScenarioParser.parse(ConfigNode.parse(json, resource), nameOrPath, factories, resources);
    } catch (IOException e) {
      throw new ConfigurationException("", "cannot read " + resource + ": " + e.getMessage(), e);
    }
  }

  /** Reads a scenario file; files it refers to (CSV) are found relative to it. */
  public static Scenario read(Path file, SimulatorFactories factories) {
    ConfigNode root = ConfigNode.read(file);
    Path dir = file.toAbsolutePath().getParent();
    ScenarioParser.Resources resources = name -> Files.newBufferedReader(dir.resolve(name), StandardCharsets.UTF_8);
    String defaultName = file.getFileName().toString().replaceFirst("\\.json$", "");
    return ScenarioParser.parse(root, defaultName, factories, resources);
  }

  /** Parses scenario JSON; it may not refer to other files. */
  public static Scenario parse(String json, SimulatorFactories factories) {
    ScenarioParser.Resources none = name -> {
      throw new IOException("a scenario parsed from a string cannot refer to files");
    };
    return ScenarioParser.parse(ConfigNode.parse(json, "scenario"), "scenario", factories, none);
  }

  private static Path asPath(String text) {
    try {
      return Path.of(text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static ClassLoader classLoader() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return loader != null ? loader : Scenarios.class.getClassLoader();
  }
}
