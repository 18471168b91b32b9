package io.aifactory.examples.spindle;

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
 * recorders, pipelines) plus this example's own {@code simulator} and {@code results} blocks.
 */
final class Settings {
  static final String BUNDLED_CONFIG = "spindle-anomaly.json";

  ConfigNode config;
  Path dataDir = Path.of(".");
  URI uri; // from --uri; null: the device's own
  String scenario;
  double speed;
  int resultsPort;
  boolean liveWrites;
  /** -1: no diagnostics page; 0: on a free port; else that port. Always on 127.0.0.1. */
  int uiPort = -1;
  Duration duration = Duration.ofSeconds(20);

  static Settings fromArgs(String... args) {
    Settings s = new Settings();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--config" -> s.config = ConfigNode.read(Path.of(value(args, ++i, arg)));
        case "--data" -> s.dataDir = Path.of(value(args, ++i, arg));
        case "--live-writes" -> s.liveWrites = true;
        case "--ui" -> s.uiPort = Math.max(s.uiPort, 0);
        case "--ui-port" -> s.uiPort = Integer.parseInt(value(args, ++i, arg));
        case "--uri" -> s.uri = URI.create(value(args, ++i, arg));
        case "--duration" -> s.duration = duration(value(args, ++i, arg));
        case "--speed" -> s.speed = Double.parseDouble(value(args, ++i, arg));
        case "--results-port" -> s.resultsPort = Integer.parseInt(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option '" + arg + "' (options: --config FILE, --data DIR, "
            + "--uri URI, --duration 20s, --speed 12, --live-writes, --results-port 4840, --ui, --ui-port 8090)");
      }
    }
    if (s.config == null) {
      s.config = ConfigNode.parse(bundled(), BUNDLED_CONFIG);
    }
    ConfigNode simulator = s.config.object("simulator").checkFields("scenario", "speed");
    s.scenario = simulator.text("scenario");
    if (s.speed == 0) {
      s.speed = simulator.number("speed", 12);
    }
    if (!contains(args, "--results-port")) {
      s.resultsPort = (int) s.config.object("results").checkFields("port").integer("port", 4840);
    }
    return s;
  }

  private static boolean contains(String[] args, String option) {
    for (String a : args) {
      if (a.equals(option)) return true;
    }
    return false;
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
