package io.aifactory.examples.quality;

import io.aifactory.sdk.core.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The command line, over the JSON config: the app config that {@code AifactoryApp} reads (devices, models, recorders,
 * pipelines) plus this example's own blocks: {@code softSensor} (which pipeline, machine and model; how lab results
 * are compared), {@code results} (the MES's OPC UA port) and {@code simulator} (the demo's plant and lab).
 */
final class Settings {
  static final String BUNDLED_CONFIG = "quality-soft-sensor.json";

  ConfigNode config;
  Path dataDir = Path.of(".");
  /** Device name to URI, from --uri (the line) and --hmi-uri; a device not here keeps the config's URI. */
  final Map<String, URI> uris = new LinkedHashMap<>();
  int resultsPort;
  Duration duration = Duration.ofSeconds(18);
  /** How often the live status line is printed; zero: never. */
  Duration statusEvery = Duration.ofSeconds(1);

  // softSensor
  String pipeline;
  String machine;
  String model;
  int labResults;
  Duration pairWithin;
  Duration keepPredictions;

  // simulator (the demo's plant and lab; ignored by the production app)
  String scenario;
  double speed;
  Duration labEvery;
  Duration labDelay;
  double labRepeatability;

  static Settings fromArgs(String... args) {
    Settings s = new Settings();
    String lineUri = null;
    String hmiUri = null;
    Integer resultsPort = null;
    double speed = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config" -> s.config = ConfigNode.read(Path.of(value(args, ++i, arg)));
        case "--data" -> s.dataDir = Path.of(value(args, ++i, arg));
        case "--uri" -> lineUri = value(args, ++i, arg);
        case "--hmi-uri" -> hmiUri = value(args, ++i, arg);
        case "--duration" -> s.duration = duration(value(args, ++i, arg), arg);
        case "--status-every" -> s.statusEvery = duration(value(args, ++i, arg), arg);
        case "--speed" -> speed = Double.parseDouble(value(args, ++i, arg));
        case "--results-port" -> resultsPort = Integer.parseInt(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "' (options: --config FILE, --data DIR, "
            + "--uri opc.tcp://HOST:4840, --hmi-uri modbus+tcp://HOST:502?unit=1, --duration 18s (0: until Ctrl-C), "
            + "--speed 1800, --results-port 4841, --status-every 1s)");
      }
    }
    if (s.config == null) {
      s.config = ConfigNode.parse(bundled(), BUNDLED_CONFIG);
    }
    ConfigNode soft = s.config.object("softSensor")
        .checkFields("pipeline", "machine", "model", "labResults", "pairWithin", "keepPredictions");
    s.pipeline = soft.text("pipeline");
    s.machine = soft.text("machine");
    s.model = soft.text("model");
    s.labResults = (int) soft.integer("labResults", 4);
    if (s.labResults < 1) throw soft.error("labResults", "expected at least 1, found " + s.labResults);
    s.pairWithin = soft.duration("pairWithin", Duration.ofMinutes(1));
    s.keepPredictions = soft.duration("keepPredictions", Duration.ofHours(24));
    s.resultsPort = resultsPort != null ? resultsPort
        : (int) s.config.object("results").checkFields("port").integer("port", 4841);
    ConfigNode sim = s.config.object("simulator").checkFields("scenario", "speed", "lab");
    s.scenario = sim.text("scenario");
    s.speed = speed != 0 ? speed : sim.number("speed", 1800);
    ConfigNode lab = sim.object("lab").checkFields("every", "delay", "repeatability");
    s.labEvery = lab.duration("every", Duration.ofMinutes(15));
    s.labDelay = lab.duration("delay", Duration.ofHours(2));
    s.labRepeatability = lab.number("repeatability", 0.01);
    // --uri names the line because that is the device a plant changes first; the HMI has its own option.
    String lineDevice = null;
    String hmiDevice = null;
    for (ConfigNode d : s.config.array("devices")) {
      String uri = d.text("uri");
      if (uri.startsWith("opc.tcp:") && lineDevice == null) lineDevice = d.text("name");
      if (uri.startsWith("modbus") && hmiDevice == null) hmiDevice = d.text("name");
    }
    if (lineUri != null) s.uris.put(require(lineDevice, "--uri", "an opc.tcp:// device"), URI.create(lineUri));
    if (hmiUri != null) s.uris.put(require(hmiDevice, "--hmi-uri", "a modbus device"), URI.create(hmiUri));
    return s;
  }

  private static String require(String device, String option, String what) {
    if (device == null) throw new IllegalArgumentException(option + ": the config has no " + what + " to replace");
    return device;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
    return args[i];
  }

  private static Duration duration(String text, String option) {
    if (text.equals("0")) return Duration.ZERO;
    return ConfigNode.parse("{\"d\": \"" + text + "\"}", option).duration("d", Duration.ZERO);
  }

  private static String bundled() {
    try (InputStream in = Settings.class.getResourceAsStream("/" + BUNDLED_CONFIG)) {
      if (in == null) throw new IllegalStateException("bundled " + BUNDLED_CONFIG + " missing from the class path");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
