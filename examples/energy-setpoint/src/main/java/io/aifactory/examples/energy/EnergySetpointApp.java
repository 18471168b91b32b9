package io.aifactory.examples.energy;

import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Pipeline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Energy saving on a compressed-air system, as an SDK app: the PLC, the model, the pressure-setpoint guard, the
 * low-pressure alarm and the audit recorder are all in {@code energy-setpoint.json}; this class adds only what is
 * specific to the example: the SHADOW-then-LIVE switch, the energy meter (kWh and CO2-equivalent saved against the
 * unchanged setpoint), a one-line live status and a summary.
 *
 * <p>This class and everything it imports is what would be deployed at a plant; it never imports the SDK's testkit.
 * The simulated compressed-air system is plugged in from the test sources by {@code EnergySetpointDemo} (a
 * {@link PlantSimulator}), which {@code energy-setpoint-demo.jar} starts.
 *
 * <pre>
 * java -jar energy-setpoint-demo.jar                                     # the simulated plant, SHADOW only
 * java -jar energy-setpoint-demo.jar --live-writes                       # SHADOW for 40 s, then LIVE
 * java -jar energy-setpoint.jar --uri modbus+tcp://10.0.0.5:502?unit=1   # a real PLC with the same registers
 * </pre>
 */
public final class EnergySetpointApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EnergySetpointApp.class);
  /** A device whose URI has this host is served by the built-in simulator (in the demo jar only). */
  static final String SIMULATOR_HOST = "simulator";
  static final String PIPELINE = "compressors";
  static final String GUARD = "pressure-setpoint";
  // The model's outputs (see the README): proposed setpoint, baseline kW, saved kW, low-pressure margin.
  static final String SETPOINT = "output[0]";
  static final String BASELINE_KW = "output[1]";
  static final String SAVED_KW = "output[2]";
  static final String PRESSURE_DEFICIT = "output[3]";
  /** The pressure below which the low-pressure alarm's output turns positive; the model's bias, see the trainer. */
  static final double LOW_PRESSURE_ALARM = 6.1;

  private final Settings settings;
  /** The demo's simulated plant, or null in production. */
  private final PlantSimulator simulator;
  private boolean simulating;
  private final List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
  private final long startNanos = System.nanoTime();
  private final List<GuardDecision> decisions = new CopyOnWriteArrayList<>();
  private final AtomicLong liveWrites = new AtomicLong();
  private final AtomicLong shadowWouldWrite = new AtomicLong();
  private final AtomicLong alarms = new AtomicLong();
  private volatile double maxDeficit = Double.NEGATIVE_INFINITY;
  private volatile Duration liveSince; // null while SHADOW
  private EnergyMeter meter;
  private WriteGuard guard;
  private AifactoryApp app;

  /**
   * A plant that runs inside the app's JVM and serves the devices whose URI host is {@value #SIMULATOR_HOST}. The
   * production app has none; the demo (test sources, where the SDK's testkit is) passes the simulated plant. The app
   * closes it last.
   */
  interface PlantSimulator extends AutoCloseable {
    /** Starts serving the named device of the config and returns the URI to reach it. */
    URI serve(String deviceName);

    /** Returns the time on the simulated plant's own clock. */
    Duration elapsed();

    /** Returns the simulated plant's own record for the summary, e.g. its limit violations. */
    String report();
  }

  private EnergySetpointApp(Settings settings, PlantSimulator simulator) {
    this.settings = settings;
    this.simulator = simulator;
  }

  public static void main(String[] args) throws Exception {
    try {
      run(Settings.fromArgs(args), null);
    } catch (IllegalArgumentException e) {
      // A wrong option or URI is the user's to fix: say what, without a stack trace.
      System.err.println("energy-setpoint: " + e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the app for the configured duration (or until Ctrl-C) and prints the summary. */
  static void run(Settings settings, PlantSimulator simulator) throws InterruptedException {
    EnergySetpointApp example;
    try {
      example = start(settings, simulator);
    } catch (AifactoryException e) {
      // Something of the plant's or this machine's (a port in use, a PLC refusing, a model that does not match):
      // say what, without a stack trace.
      System.err.println("energy-setpoint: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (example) {
      Runtime.getRuntime().addShutdownHook(new Thread(example.app::stop, "energy-setpoint-shutdown"));
      example.app.awaitStop(settings.duration);
      System.out.println(example.summary());
    }
  }

  /** Starts the app; {@code simulator} (may be null) serves the devices whose URI host is {@code simulator}. */
  static EnergySetpointApp start(Settings settings, PlantSimulator simulator) {
    EnergySetpointApp example = new EnergySetpointApp(settings, simulator);
    if (simulator != null) {
      example.keep(simulator);
    }
    try {
      example.startAll();
      return example;
    } catch (RuntimeException e) {
      example.close();
      throw e;
    }
  }

  private void startAll() {
    AifactoryApp.Builder builder = AifactoryApp.newBuilder()
        .config(settings.config, settings.dataDir.toAbsolutePath())
        .allowField("simulator").allowField("energy");

    // 1. The plant: the built-in simulator when a device's URI says so, otherwise the real PLC.
    for (ConfigNode device : settings.config.array("devices")) {
      String name = device.text("name");
      URI uri = settings.uri != null ? settings.uri : URI.create(device.text("uri"));
      if (SIMULATOR_HOST.equals(uri.getHost())) {
        if (simulator == null) {
          // The simulated plant is development tooling and stays out of the jar deployed at a plant.
          throw new IllegalArgumentException("device '" + name + "' has URI " + uri + ": the built-in simulator is "
              + "not part of this application; run energy-setpoint-demo.jar for the simulated plant, or give a real "
              + "PLC with --uri modbus+tcp://HOST:502?unit=1 or in the device's \"uri\" (--config FILE)");
        }
        uri = simulator.serve(name);
        simulating = true;
      }
      builder.deviceUri(name, uri);
    }

    // 2. What only code can say: the energy meter, the SHADOW-then-LIVE switch, and what the summary reports.
    meter = new EnergyMeter(this::now, BASELINE_KW, SAVED_KW);
    builder.action(PIPELINE, meter::onResult);
    builder.action(PIPELINE, this::onResult);
    builder.alarmListener(event -> alarms.incrementAndGet());

    // 3. Everything else comes from the JSON file.
    app = keep(builder.start());
    guard = app.guard(GUARD).orElseThrow();
    guard.addListener(this::onDecision);
    LOG.info("pressure setpoint guard in {} mode{}", guard.mode(), settings.liveWrites && guard.mode() == GuardMode.SHADOW
        ? "; LIVE after " + seconds(settings.shadowFirst) + " on the plant's clock" : "");
    if (settings.statusEvery.toMillis() > 0) {
      ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "energy-setpoint-status");
        t.setDaemon(true);
        return t;
      });
      keep(status::shutdownNow);
      long every = settings.statusEvery.toMillis();
      status.scheduleAtFixedRate(() -> System.out.println(statusLine()), every, every, TimeUnit.MILLISECONDS);
    }
  }

  /** On the pipeline's thread: tracks the pressure margin and, with --live-writes, ends the shadow phase. */
  private void onResult(MachineResult r) {
    if (r.hasValues()) {
      maxDeficit = Math.max(maxDeficit, r.value(PRESSURE_DEFICIT));
    }
    if (settings.liveWrites && liveSince == null && now().compareTo(settings.shadowFirst) >= 0) {
      liveSince = now();
      LOG.info("{} of SHADOW: {} decisions audited, {} would have changed the setpoint; going LIVE", seconds(now()),
          decisions.size(), shadowWouldWrite.get());
      guard.mode(GuardMode.LIVE);
    }
  }

  private void onDecision(GuardDecision d) {
    decisions.add(d);
    if (d.wrote()) {
      liveWrites.incrementAndGet();
    } else if (d.mode() == GuardMode.SHADOW && Double.isFinite(d.decided()) && d.decided() != d.before()) {
      shadowWouldWrite.incrementAndGet();
    }
  }

  /** Returns one line: samples, inferences, latency, alarms, writes, setpoint and energy saved so far. */
  String statusLine() {
    MachineMetrics m = pipeline().metrics().total();
    GuardDecision last = guard.lastDecision();
    double setpoint = last == null ? Double.NaN : Double.isFinite(last.after()) ? last.after() : last.before();
    return String.format(Locale.ROOT, "[%s] samples %d  inferences %d  latency p50 %.1f ms p99 %.1f ms  alarms %d  "
            + "writes %d (%s, %d would-be in shadow)  setpoint %.2f bar  saved %.1f kW, %.3f kWh",
        seconds(now()), m.rows(), m.inferences(), m.latencyP50().toNanos() / 1e6, m.latencyP99().toNanos() / 1e6,
        alarms.get(), liveWrites.get(), guard.mode(), shadowWouldWrite.get(), setpoint, meter.savedKw(), meter.savedKwh());
  }

  /** Plant time when simulating (so that times match the scenario's timeline), otherwise time since start. */
  Duration now() {
    return simulating ? simulator.elapsed() : Duration.ofNanos(System.nanoTime() - startNanos);
  }

  AifactoryApp app() {
    return app;
  }

  Pipeline pipeline() {
    return app.pipeline(PIPELINE).orElseThrow();
  }

  /** Returns every decision of the setpoint guard so far, oldest first. */
  List<GuardDecision> decisions() {
    return List.copyOf(decisions);
  }

  /** Returns when the guard went LIVE on the app's clock; null while it is in SHADOW. */
  Duration liveSince() {
    return liveSince;
  }

  /** Returns what happened so far. */
  Summary summary() {
    MachineMetrics m = pipeline().metrics().total();
    double lowestPressure = Double.isFinite(maxDeficit) ? LOW_PRESSURE_ALARM - maxDeficit : Double.NaN;
    return new Summary(now(), simulating, m.inferences(), m.latencyP50(), m.latencyP99(), decisions.size(),
        shadowWouldWrite.get(), liveWrites.get(), liveSince, alarms.get(), meter.baselineKwh(), meter.savedKwh(),
        meter.counted(), settings.co2PerKwh, lowestPressure, simulating ? simulator.report() : "");
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** What a run did; {@code toString()} is the report printed at the end. */
  record Summary(Duration elapsed, boolean simulated, long inferences, Duration p50, Duration p99, long decisions,
      long shadowWouldWrite, long liveWrites, Duration liveSince, long alarms, double baselineKwh, double savedKwh,
      Duration counted, double co2PerKwh, double lowestPressure, String plantReport) {

    double savedPercent() {
      return baselineKwh > 0 ? 100 * savedKwh / baselineKwh : 0;
    }

    double co2Kg() {
      return savedKwh * co2PerKwh;
    }

    /** Returns the saving per year of operation at the average rate of this run, in MWh. */
    double mwhPerYear() {
      double hours = counted.toNanos() / 3.6e12;
      return hours > 0 ? savedKwh / hours * 8760 / 1000 : 0;
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      String clock = simulated ? "plant (simulation) time" : "time since start";
      b.append(String.format(Locale.ROOT, "%n=== Summary after %s of %s ===%n", seconds(elapsed), clock));
      b.append(String.format(Locale.ROOT, "model      %d inferences, latency p50 %.1f ms p99 %.1f ms, %d low-pressure alarms%n",
          inferences, p50.toNanos() / 1e6, p99.toNanos() / 1e6, alarms));
      b.append(String.format(Locale.ROOT, "guard      %d decisions: %d in SHADOW would have changed the setpoint, %d written LIVE%s%n",
          decisions, shadowWouldWrite, liveWrites, liveSince == null ? " (never LIVE)" : " (LIVE from " + seconds(liveSince) + ")"));
      b.append(String.format(Locale.ROOT, "energy     %.3f kWh saved of %.3f kWh at the unchanged setpoint (%.1f %%) over %s%n",
          savedKwh, baselineKwh, savedPercent(), seconds(counted)));
      b.append(String.format(Locale.ROOT, "carbon     %.3f kg CO2e saved (%.3f kg/kWh); at this rate %.1f MWh and %.1f t CO2e a year%n",
          co2Kg(), co2PerKwh, mwhPerYear(), mwhPerYear() * co2PerKwh));
      b.append(String.format(Locale.ROOT, "pressure   lowest window mean %.2f bar%n", lowestPressure));
      if (!plantReport.isEmpty()) b.append(plantReport).append(System.lineSeparator());
      return b.toString();
    }
  }
}
