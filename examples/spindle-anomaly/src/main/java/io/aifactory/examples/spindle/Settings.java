package io.aifactory.examples.spindle;

import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.config.DeviceConfig;
import io.aifactory.sdk.core.config.PlantConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The app's settings: the JSON config ({@code spindle-anomaly.json}: the plant as {@link PlantConfig} reads it, plus
 * the {@code anomaly}, {@code feedOverride}, {@code results} and {@code simulator} blocks), then the command line.
 */
final class Settings {
  static final String BUNDLED_CONFIG = "spindle-anomaly.json";

  DeviceConfig device;
  URI uri; // from --uri; null: the device's own
  String scenario;
  double speed;
  List<String> spindles = new ArrayList<>();
  List<String> features = new ArrayList<>();
  Duration pollInterval;
  int windowRows;
  int hopRows;
  int maxHoldRows;
  int logEvery;
  Duration trainingLength;
  Duration trainingStep;
  int components;
  double alarmOn;
  double alarmOff;
  String feedTag;
  FeedOverrideGuard.Mode feedMode;
  int feedAlarmTarget;
  int feedMin;
  int feedMax;
  int feedMaxStep;
  Duration feedMinInterval;
  int resultsPort;
  boolean resultsSecurityNone;
  Duration duration = Duration.ofSeconds(20);

  /** Reads {@code --config FILE} (or the bundled config), then applies the other options over it. */
  static Settings fromArgs(String... args) {
    Path config = null;
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--config")) config = Path.of(args[i + 1]);
    }
    Settings s = config != null ? read(ConfigNode.read(config)) : read(ConfigNode.parse(bundled(), BUNDLED_CONFIG));
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--live-writes" -> s.feedMode = FeedOverrideGuard.Mode.LIVE;
        case "--config" -> i++;
        case "--uri" -> s.uri = URI.create(value(args, ++i, arg));
        case "--duration" -> s.duration = parseDuration(value(args, ++i, arg));
        case "--speed" -> s.speed = Double.parseDouble(value(args, ++i, arg));
        case "--results-port" -> s.resultsPort = Integer.parseInt(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "' (options: --config FILE, --uri URI, "
            + "--duration 20s, --speed 12, --live-writes, --results-port 4840)");
      }
    }
    return s;
  }

  static Settings read(ConfigNode root) {
    root.checkFields("devices", "simulator", "anomaly", "feedOverride", "results");
    Settings s = new Settings();
    PlantConfig plant = PlantConfig.read(root);
    ConfigNode anomaly = root.object("anomaly");
    String deviceName = anomaly.text("device");
    s.device = plant.device(deviceName).orElseThrow(() -> anomaly.error("device", "no device '" + deviceName + "' in devices"));

    ConfigNode simulator = root.object("simulator");
    s.scenario = simulator.text("scenario");
    s.speed = simulator.number("speed", 12);

    for (ConfigNode n : anomaly.array("spindles")) s.spindles.add(n.asText());
    for (ConfigNode n : anomaly.array("features")) s.features.add(n.asText());
    s.pollInterval = anomaly.duration("pollInterval", Duration.ofMillis(100));
    s.windowRows = (int) anomaly.integer("windowRows", 10);
    s.hopRows = (int) anomaly.integer("hopRows", 2);
    s.maxHoldRows = (int) anomaly.integer("maxHoldRows", 3);
    s.logEvery = (int) anomaly.integer("logEvery", 5);
    ConfigNode training = anomaly.object("training");
    s.trainingLength = training.duration("length", Duration.ofMinutes(10));
    s.trainingStep = training.duration("step", Duration.ofMillis(100));
    s.components = (int) training.integer("components", 1);
    s.alarmOn = anomaly.number("alarmOn");
    s.alarmOff = anomaly.number("alarmOff");
    if (!(s.alarmOff < s.alarmOn)) throw anomaly.error("alarmOff", "expected alarmOff < alarmOn, found " + s.alarmOff + " >= " + s.alarmOn);

    ConfigNode feed = root.object("feedOverride");
    s.feedTag = feed.text("tag");
    s.feedMode = feed.convert("mode", m -> FeedOverrideGuard.Mode.valueOf(m.toUpperCase(java.util.Locale.ROOT)));
    s.feedAlarmTarget = (int) feed.integer("alarmTarget", 70);
    s.feedMin = (int) feed.integer("min", 50);
    s.feedMax = (int) feed.integer("max", 100);
    s.feedMaxStep = (int) feed.integer("maxStep", 10);
    s.feedMinInterval = feed.duration("minInterval", Duration.ofSeconds(2));

    ConfigNode results = root.object("results");
    s.resultsPort = (int) results.integer("port", 4840);
    s.resultsSecurityNone = results.bool("securityNone", false);
    return s;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
    return args[i];
  }

  /** {@code 20s}, {@code 500ms}, {@code 2m} or a number of seconds. */
  private static Duration parseDuration(String text) {
    if (text.endsWith("ms")) return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
    if (text.endsWith("s")) return Duration.ofMillis((long) (Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
    if (text.endsWith("m")) return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
    return Duration.ofMillis((long) (Double.parseDouble(text) * 1000));
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
