package io.aifactory.sdk.testkit.cli;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioDevice;
import io.aifactory.sdk.testkit.scenario.ScenarioEvent;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.ScenarioTag;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import io.aifactory.sdk.testkit.scenario.SimulatorFactories;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves a scenario's simulators in real time until interrupted (Ctrl-C), printing their endpoints and tags.
 *
 * <pre>
 * java -jar aifactory-simulator.jar --scenario spindle-line --modbus-port 5020 --opcua-port 4840
 * </pre>
 *
 * <p>Exit codes: 0 after a clean stop, 1 if the simulators could not start (e.g. a port in use), 2 for a usage
 * error or a bad scenario file (the message names the path of the mistake).
 */
public final class SimulatorCli {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;

  private static final String USAGE_TEXT = String.join("\n",
      "Usage: java -jar aifactory-simulator.jar [options]",
      "",
      "Serves the simulated PLCs of a scenario on this machine in real time until interrupted (Ctrl-C).",
      "",
      "Options:",
      "  --scenario NAME|FILE   a built-in scenario (" + String.join(", ", Scenarios.builtIn()) + ") or a scenario .json file;",
      "                         default spindle-line",
      "  --modbus-port N        port of the first Modbus device (more Modbus devices get N+1, N+2, ...); 0: free ports;",
      "                         default 5020",
      "  --opcua-port N         port of the first OPC UA device, likewise; default 4840",
      "  --port DEVICE=N        port of one device, overriding the above",
      "  --bind ADDRESS         address to listen on (default 127.0.0.1: this machine only; 0.0.0.0: every interface)",
      "  --pki-dir DIR          keep the OPC UA server certificate in DIR, so clients trust it once across runs;",
      "                         default a new temporary folder each run",
      "  --seed N               seed of the run; default the scenario's own",
      "  --speed X              run simulation time X times as fast as the wall clock (e.g. 10); default 1",
      "  --duration D           stop by itself after D of simulation time (e.g. 90s, 10m); default: run until interrupted",
      "  --help                 print this help",
      "");

  private SimulatorCli() {}

  public static void main(String[] args) {
    CompletableFuture<Void> stop = new CompletableFuture<>();
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      // Ctrl-C: ask run() to stop, then wait for it to close the simulators before the JVM goes away.
      stop.complete(null);
      try {
        finished.await(15, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "aifactory-simulator-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int code;
    try {
      code = run(args, System.out, System.err, stop);
    } finally {
      finished.countDown();
    }
    if (stop.isDone()) return; // the JVM is shutting down (Ctrl-C); the hook lets it finish
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      return; // Ctrl-C arrived just now
    }
    // Exit explicitly: simulator libraries may leave non-daemon threads behind.
    System.exit(code);
  }

  /**
   * Runs the simulator until {@code stop} completes (or {@code --duration} has passed) and returns the exit code.
   * Never calls {@code System.exit}, so that tests can run it in-process.
   */
  static int run(String[] args, PrintStream out, PrintStream err, Future<?> stop) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("Run with --help for the options.");
      return USAGE;
    }
    if (options.help) {
      out.print(USAGE_TEXT);
      return OK;
    }
    Scenario scenario;
    try {
      scenario = Scenarios.load(options.scenario, SimulatorFactories.installed());
    } catch (ConfigurationException e) {
      err.println("error: bad scenario " + options.scenario + ": " + e.getMessage());
      return USAGE;
    }
    scenario = withServerOptions(scenario, options);
    ScenarioRunner.Builder builder = ScenarioRunner.newBuilder().scenario(scenario);
    if (options.seed != null) builder.seed(options.seed);
    try {
      ports(scenario, options).forEach(builder::port);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    ScenarioRunner runner;
    try {
      runner = builder.start();
    } catch (RuntimeException e) {
      err.println("error: cannot start the simulators of " + scenario.name() + ": " + e.getMessage());
      return FAILED;
    }
    try (runner) {
      printEndpoints(runner, out);
      runner.runInRealTime(options.speed);
      String pace = options.speed == 1 ? "" : String.format(Locale.ROOT, " at %sx speed", fmt(options.speed));
      out.println(options.duration == null ? "Serving" + pace + ". Press Ctrl-C to stop." : "Serving for " + format(options.duration) + pace + ".");
      out.flush();
      await(stop, options.duration == null ? null : Duration.ofNanos((long) (options.duration.toNanos() / options.speed)));
      out.println("Stopping after " + format(runner.elapsed()) + " of simulation.");
      out.flush();
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return FAILED;
    }
    out.println("Stopped.");
    out.flush();
    return OK;
  }

  private static void await(Future<?> stop, Duration duration) {
    try {
      if (duration == null) stop.get();
      else stop.get(duration.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // --duration has passed
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // stopped exceptionally: stop all the same
    }
  }

  /** Applies --bind and --pki-dir to the devices of the built-in kinds, unless the scenario sets them itself. */
  static Scenario withServerOptions(Scenario scenario, Options options) {
    if (options.bind == null && options.pkiDir == null) return scenario;
    List<ScenarioDevice> devices = new ArrayList<>();
    for (ScenarioDevice d : scenario.devices()) {
      ScenarioDevice.Builder db = d.toBuilder();
      boolean builtIn = d.kind().equals("modbus") || d.kind().equals("opcua");
      if (builtIn && options.bind != null && !d.options().containsKey("bindAddress")) db.option("bindAddress", options.bind);
      if (d.kind().equals("opcua") && options.pkiDir != null && !d.options().containsKey("pkiDir")) {
        // One folder per device, so that two OPC UA servers never share (or race for) a certificate.
        db.option("pkiDir", Path.of(options.pkiDir, d.name()).toString());
      }
      devices.add(db.build());
    }
    return scenario.toBuilder().devices(devices).build();
  }

  /** Assigns each device a port: an explicit --port, else the base of its kind plus its rank among that kind. */
  static Map<String, Integer> ports(Scenario scenario, Options options) {
    for (String device : options.devicePorts.keySet()) {
      if (scenario.device(device).isEmpty()) {
        throw new IllegalArgumentException("--port " + device + "=...: scenario " + scenario.name() + " has no device '" + device + "'");
      }
    }
    Map<String, Integer> ports = new LinkedHashMap<>();
    Map<String, Integer> rank = new LinkedHashMap<>();
    for (ScenarioDevice d : scenario.devices()) {
      Integer explicit = options.devicePorts.get(d.name());
      int n = rank.merge(d.kind(), 1, Integer::sum) - 1;
      Integer base = options.kindPorts.get(d.kind());
      if (explicit != null) {
        ports.put(d.name(), explicit);
      } else if (base != null) {
        int port = base == 0 ? 0 : base + n;
        if (port > 65535) throw new IllegalArgumentException("--" + d.kind() + "-port " + base + ": device '" + d.name() + "' would get port " + port + " > 65535");
        ports.put(d.name(), port);
      }
    }
    return ports;
  }

  private static void printEndpoints(ScenarioRunner runner, PrintStream out) {
    Scenario s = runner.scenario();
    out.println("AI Factory simulator: scenario " + s.name() + " (seed " + runner.seed() + ", tick " + format(s.tick()) + ")");
    if (!s.description().isEmpty()) out.println(s.description());
    for (ScenarioDevice d : s.devices()) {
      SimulatedServer server = runner.server(d.name());
      out.println();
      out.println(d.name() + " (" + d.kind() + ")  " + server.uri());
      int width = 4;
      for (ScenarioTag t : d.tags()) width = Math.max(width, t.tag().name().length());
      int addressWidth = 7;
      for (ScenarioTag t : d.tags()) addressWidth = Math.max(addressWidth, t.tag().address().length());
      for (ScenarioTag t : d.tags()) {
        Tag tag = t.tag();
        String note = t.response().isPresent() ? "responds to " + String.join(", ", responseInputs(t))
            : t.isDriven() ? "" : t.initialValue().isPresent() ? "writable, starts at " + fmt(t.initialValue().getAsDouble()) : "writable";
        out.println(String.format(Locale.ROOT, "  %-" + width + "s  %-" + addressWidth + "s  %-13s %-5s %s",
            tag.name(), tag.address(), tag.dataType(), tag.unit(), note).stripTrailing());
      }
    }
    if (!s.events().isEmpty()) {
      out.println();
      out.println("Timeline (simulation time):");
      for (ScenarioEvent e : s.events()) {
        out.println("  " + format(e.at()) + "  " + e.name() + (e.description().isEmpty() ? "" : ": " + e.description()));
      }
    }
    out.println();
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String format(Duration d) {
    long millis = d.toMillis();
    if (millis < 1000) return millis + " ms";
    if (millis % 1000 == 0) return millis / 1000 + " s";
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /** The parsed command line. */
  static final class Options {
    String scenario = "spindle-line";
    final Map<String, Integer> kindPorts = new LinkedHashMap<>(Map.of("modbus", 5020, "opcua", 4840));
    final Map<String, Integer> devicePorts = new LinkedHashMap<>();
    Long seed;
    Duration duration;
    String bind;
    String pkiDir;
    double speed = 1;
    boolean help;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String name = arg;
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--port")) {
          name = arg.substring(0, eq);
          value = arg.substring(eq + 1);
        }
        switch (name) {
          case "--help":
          case "-h":
            o.help = true;
            break;
          case "--scenario":
            o.scenario = value != null ? value : next(args, ++i, name);
            break;
          case "--modbus-port":
            o.kindPorts.put("modbus", port(name, value != null ? value : next(args, ++i, name)));
            break;
          case "--opcua-port":
            o.kindPorts.put("opcua", port(name, value != null ? value : next(args, ++i, name)));
            break;
          case "--port": {
            String spec = next(args, ++i, name);
            int at = spec.indexOf('=');
            if (at <= 0) throw new IllegalArgumentException("--port expects DEVICE=PORT, found '" + spec + "'");
            o.devicePorts.put(spec.substring(0, at), port("--port " + spec.substring(0, at), spec.substring(at + 1)));
            break;
          }
          case "--bind":
            o.bind = value != null ? value : next(args, ++i, name);
            break;
          case "--pki-dir":
            o.pkiDir = value != null ? value : next(args, ++i, name);
            break;
          case "--seed": {
            String text = value != null ? value : next(args, ++i, name);
            try {
              o.seed = Long.parseLong(text);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--seed expects an integer, found '" + text + "'");
            }
            break;
          }
          case "--speed": {
            String text = value != null ? value : next(args, ++i, name);
            try {
              o.speed = Double.parseDouble(text);
            } catch (NumberFormatException e) {
              o.speed = Double.NaN;
            }
            if (!(o.speed > 0) || Double.isInfinite(o.speed)) throw new IllegalArgumentException("--speed expects a number > 0, found '" + text + "'");
            break;
          }
          case "--duration": {
            String text = value != null ? value : next(args, ++i, name);
            o.duration = duration(text);
            break;
          }
          default:
            throw new IllegalArgumentException(arg.startsWith("-") ? "unknown option '" + arg + "'" : "unexpected argument '" + arg + "'");
        }
      }
      return o;
    }

    private static String next(String[] args, int i, String option) {
      if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
      return args[i];
    }

    private static int port(String option, String text) {
      try {
        int port = Integer.parseInt(text.trim());
        if (port < 0 || port > 65535) throw new NumberFormatException();
        return port;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + " expects a port from 0 to 65535, found '" + text + "'");
      }
    }

    private static Duration duration(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      try {
        if (t.startsWith("p")) return positive(Duration.parse(text.trim()), text);
        String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}};
        for (String[] u : units) {
          if (t.endsWith(u[0])) {
            double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()));
            return positive(Duration.ofMillis(Math.round(v * Long.parseLong(u[1]))), text);
          }
        }
      } catch (RuntimeException e) {
        // fall through to the message below
      }
      throw new IllegalArgumentException("--duration expects a duration like 90s, 10m or 1h, found '" + text + "'");
    }

    private static Duration positive(Duration d, String text) {
      if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(text);
      return d;
    }
  }

  /** Names what a responding tag answers: its setpoints, and "signals" if it also follows signals. */
  private static List<String> responseInputs(ScenarioTag t) {
    List<String> names = new ArrayList<>(t.response().orElseThrow().setpointTags());
    if (t.response().orElseThrow().inputs().stream().anyMatch(i -> i.tag() == null)) names.add("signals");
    return names;
  }
}
