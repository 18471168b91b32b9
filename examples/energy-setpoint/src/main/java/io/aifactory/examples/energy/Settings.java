package io.aifactory.examples.energy;

import io.aifactory.sdk.core.config.ConfigNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The command line, over the JSON config: the app config that {@code AifactoryApp} reads (devices, models, guards,
 * recorders, pipelines) plus this example's own {@code simulator} and {@code energy} blocks.
 */
final class Settings {
  static final String BUNDLED_CONFIG = "energy-setpoint.json";

  ConfigNode config;
  Path dataDir = Path.of(".");
  URI uri; // from --uri; null: the device's own
  String scenario;
  double speed;
  boolean liveWrites;
  Duration duration = Duration.ofSeconds(40);
  /** Wall-clock time between status lines; zero: none. */
  Duration statusEvery = Duration.ofSeconds(2);
  /** kg CO2-equivalent per kWh of electricity: the grid's (or the supply contract's) emission factor. */
  double co2PerKwh;
  /** With --live-writes: how long the guard stays in SHADOW first (on the plant's clock). */
  Duration shadowFirst;

  static Settings fromArgs(String... args) {
    Settings s = new Settings();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config" -> s.config = ConfigNode.read(Path.of(value(args, ++i, arg)));
        case "--data" -> s.dataDir = Path.of(value(args, ++i, arg));
        case "--live-writes" -> s.liveWrites = true;
        case "--uri" -> s.uri = URI.create(value(args, ++i, arg));
        case "--duration" -> s.duration = duration(value(args, ++i, arg));
        case "--speed" -> s.speed = Double.parseDouble(value(args, ++i, arg));
        case "--status-every" -> s.statusEvery = duration(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "' (options: --config FILE, --data DIR, "
            + "--uri URI, --duration 40s, --speed 5, --live-writes, --status-every 2s)");
      }
    }
    if (s.config == null) {
      s.config = ConfigNode.parse(bundled(), BUNDLED_CONFIG);
    }
    ConfigNode simulator = s.config.object("simulator").checkFields("scenario", "speed");
    s.scenario = simulator.text("scenario");
    if (s.speed == 0) {
      s.speed = simulator.number("speed", 5);
    }
    ConfigNode energy = s.config.object("energy").checkFields("co2PerKwh", "shadowFirst");
    s.co2PerKwh = energy.number("co2PerKwh");
    if (!(s.co2PerKwh >= 0)) throw energy.error("co2PerKwh", "expected kg CO2e per kWh >= 0, found " + s.co2PerKwh);
    s.shadowFirst = energy.duration("shadowFirst", Duration.ZERO);
    return s;
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
    return args[i];
  }

  private static Duration duration(String text) {
    if (text.equals("0")) return Duration.ZERO;
    return ConfigNode.parse("{\"d\": \"" + text + "\"}", "--duration").duration("d", Duration.ZERO);
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
