package io.aifactory.examples.spindle;

import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineListener;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.aifactory.sdk.diagnostics.DiagnosticsServer;
import io.aifactory.sdk.opcua.server.OpcUaResultPublisher;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spindle anomaly detection on a CNC line, as an SDK app: the pipeline, the model, the alarm, the feed-override
 * guards and the recorder are all in {@code spindle-anomaly.json}; this class adds only what is specific to the
 * example: the OPC UA results server, a summary, and a socket for the built-in simulated line.
 *
 * <p>This class and everything it imports is what would be deployed at a plant; it never imports the SDK's testkit.
 * The simulated line is plugged in from the test sources by {@code SpindleAnomalyDemo} (a {@link PlantSimulator}),
 * which {@code spindle-anomaly-demo.jar} starts.
 *
 * <pre>
 * java -jar spindle-anomaly-demo.jar                                     # the built-in simulated line, 12x
 * java -jar spindle-anomaly.jar --uri modbus+tcp://10.0.0.5:502?unit=1   # a real PLC with the same registers
 * java -jar spindle-anomaly.jar --config my-line.json --duration 0       # your plant, until Ctrl-C
 * java -jar spindle-anomaly.jar --uri ... --ui --duration 0              # and watch it live in a browser
 * </pre>
 */
public final class SpindleAnomalyApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpindleAnomalyApp.class);
  /** A device whose URI has this host is served by the built-in simulator (in the demo jar only). */
  static final String SIMULATOR_HOST = "simulator";
  static final String PIPELINE = "spindles";

  private final Settings settings;
  private final List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
  private final List<Alarm> alarms = new CopyOnWriteArrayList<>();
  private final Map<String, Double> maxScores = new ConcurrentHashMap<>();
  /** Per guard: decisions that changed (or in shadow mode would have changed) the feed override. */
  private final Map<String, AtomicLong> feedChanges = new ConcurrentHashMap<>();
  private final long startNanos = System.nanoTime();
  /** The demo's simulated line, or null in production; simulating: it serves a device of the config. */
  private final PlantSimulator simulator;
  private boolean simulating;
  private OpcUaResultServer results;
  private DiagnosticsServer diagnostics;
  private AifactoryApp app;

  /**
   * A plant that runs inside the app's JVM and serves the devices whose URI host is {@value #SIMULATOR_HOST}. The
   * production app has none; the demo (test sources, where the SDK's testkit is) passes the simulated line. The app
   * closes it last.
   */
  interface PlantSimulator extends AutoCloseable {
    /** Starts serving the named device of the config and returns the URI to reach it. */
    URI serve(String deviceName);

    /** Returns the time on the simulated plant's own clock. */
    Duration elapsed();
  }

  private SpindleAnomalyApp(Settings settings, PlantSimulator simulator) {
    this.settings = settings;
    this.simulator = simulator;
  }

  public static void main(String[] args) throws Exception {
    try {
      run(Settings.fromArgs(args), null);
    } catch (IllegalArgumentException e) {
      // A wrong option or URI is the user's to fix: say what, without a stack trace.
      System.err.println("spindle-anomaly: " + e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the app for the configured duration (or until Ctrl-C) and prints the summary. */
  static void run(Settings settings, PlantSimulator simulator) throws InterruptedException {
    SpindleAnomalyApp example;
    try {
      example = start(settings, simulator);
    } catch (AifactoryException e) {
      // Something of the plant's or this machine's (a port in use, a PLC refusing, a model that does not match):
      // say what, without a stack trace.
      System.err.println("spindle-anomaly: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (example) {
      Runtime.getRuntime().addShutdownHook(new Thread(example.app::stop, "spindle-anomaly-shutdown"));
      example.app.awaitStop(settings.duration);
      System.out.println(example.summary());
    }
  }

  /** Starts the app; {@code simulator} (may be null) serves the devices whose URI host is {@code simulator}. */
  static SpindleAnomalyApp start(Settings settings, PlantSimulator simulator) {
    SpindleAnomalyApp example = new SpindleAnomalyApp(settings, simulator);
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
        .allowField("simulator").allowField("results");

    // 1. The plant: the built-in simulator when a device's URI says so, otherwise the real PLC.
    for (io.aifactory.sdk.core.config.ConfigNode device : settings.config.array("devices")) {
      String name = device.text("name");
      URI uri = settings.uri != null ? settings.uri : URI.create(device.text("uri"));
      if (SIMULATOR_HOST.equals(uri.getHost())) {
        if (simulator == null) {
          // The simulated line is development tooling and stays out of the jar deployed at a plant.
          throw new IllegalArgumentException("device '" + name + "' has URI " + uri + ": the built-in simulator is "
              + "not part of this application; run spindle-anomaly-demo.jar for the simulated line, or give a real "
              + "PLC with --uri modbus+tcp://HOST:502?unit=1 or in the device's \"uri\" (--config FILE)");
        }
        uri = simulator.serve(name);
        simulating = true;
      }
      builder.deviceUri(name, uri);
    }

    // 2. The results server: what the AI concluded, for SCADA and MES clients, one node set per spindle.
    List<String> machines = new ArrayList<>();
    for (io.aifactory.sdk.core.config.ConfigNode p : settings.config.array("pipelines")) {
      if (p.text("name").equals(PIPELINE)) {
        p.array("machines").forEach(m -> machines.add(m.text("name")));
      }
    }
    results = keep(OpcUaResultServer.newBuilder().port(settings.resultsPort)
        .pkiDir(settings.dataDir.toAbsolutePath().resolve("results-pki"))
        .pipelineResults(PIPELINE, machines)
        // The demo's SCADA client logs in anonymously, over a channel both sides' certificates secure; a plant would
        // give each client a user name instead (OpcUaResultServer.Builder.user).
        .anonymous(true)
        .build());
    results.start();
    OpcUaResultPublisher publisher = OpcUaResultPublisher.newBuilder(results).pipeline(PIPELINE).machines(machines)
        .build();
    builder.action(PIPELINE, publisher).alarmListener(publisher);

    // 3. What the summary reports: alarms with the time they happened (simulation time when simulating), top scores.
    builder.alarmListener(event -> alarms.add(new Alarm(event, now())));
    builder.action(PIPELINE, this::trackScore);

    // 4. The live diagnostics page, with --ui: it needs the results of each pipeline it trends (actions are fixed when
    //    a pipeline is built); everything else it finds in the app once started.
    if (settings.uiPort >= 0) {
      diagnostics = keep(DiagnosticsServer.newBuilder().port(settings.uiPort).build());
      for (io.aifactory.sdk.core.config.ConfigNode p : settings.config.array("pipelines")) {
        builder.action(p.text("name"), diagnostics.resultAction());
      }
    }

    // 5. Everything else comes from the JSON file.
    app = keep(builder.start());
    String modelName = settings.config.array("pipelines").stream().filter(p -> p.text("name").equals(PIPELINE))
        .findFirst().orElseThrow().object("model").text("name");
    io.aifactory.sdk.core.pipeline.ModelInfo model = app.model(modelName).orElseThrow().info();
    for (String m : machines) {
      results.variable(PIPELINE + "." + m + "." + OpcUaResultServer.MODEL_NAME, String.class).set(model.name());
      results.variable(PIPELINE + "." + m + "." + OpcUaResultServer.MODEL_VERSION, String.class)
          .set(model.version() + " sha256 " + model.sha256().substring(0, 12));
    }
    for (String m : machines) {
      WriteGuard guard = app.guard(m + ".feed").orElseThrow();
      if (settings.liveWrites) {
        guard.mode(GuardMode.LIVE);
      }
      AtomicLong changes = feedChanges.computeIfAbsent(m, k -> new AtomicLong());
      guard.addListener(d -> {
        if (!Double.isNaN(d.decided()) && d.decided() != d.before()) {
          changes.incrementAndGet();
        }
      });
    }
    // One status line at the pipeline's metrics interval (the JSON's "metricsInterval"), on the pipeline's thread.
    pipeline().addListener(new PipelineListener() {
      @Override
      public void onMetrics(PipelineMetrics m) {
        LOG.info("{}", statusLine(m));
      }
    });
    LOG.info("results published at {} (namespace {}); feed overrides in {} mode", results.uri(),
        results.namespaceUri(), settings.liveWrites ? "LIVE" : "SHADOW");
    if (diagnostics != null) {
      diagnostics.watch(app).start();
      System.out.println("Diagnostics page: " + diagnostics.uri() + "  (open it in a browser on this computer)");
    }
  }

  private void trackScore(MachineResult r) {
    if (r.hasValues()) {
      maxScores.merge(r.machine(), r.value(), Math::max);
    }
  }

  /** Simulation time when simulating (so that times match the scenario's timeline), otherwise time since start. */
  Duration now() {
    return simulating ? simulator.elapsed() : Duration.ofNanos(System.nanoTime() - startNanos);
  }

  AifactoryApp app() {
    return app;
  }

  OpcUaResultServer results() {
    return results;
  }

  /** Returns the diagnostics page, or null without --ui. */
  DiagnosticsServer diagnostics() {
    return diagnostics;
  }

  Pipeline pipeline() {
    return app.pipeline(PIPELINE).orElseThrow();
  }

  /** Returns the one-line live status: samples, inferences, latency, alarms and feed-override changes so far. */
  String statusLine(PipelineMetrics m) {
    long raised = alarms.stream().filter(a -> a.event().kind() == AlarmEvent.Kind.RAISED).count();
    long changes = feedChanges.values().stream().mapToLong(AtomicLong::get).sum();
    return String.format(Locale.ROOT, "status at %s: %d samples, %d inferences in %d model calls, latency p50 %.2f ms "
        + "p99 %.2f ms, %d stale windows, %d alarms raised, %d feed-override %s", format(now()), m.total().rows(),
        m.total().inferences(), m.modelCalls(), m.total().latencyP50().toNanos() / 1e6,
        m.total().latencyP99().toNanos() / 1e6, m.total().staleResults(), raised, changes,
        settings.liveWrites ? "writes" : "writes in shadow mode");
  }

  /** Returns what happened so far; reads the feed overrides back from the machine. */
  Summary summary() {
    List<SpindleSummary> spindles = new ArrayList<>();
    for (MachineMetrics m : pipeline().metrics().machines()) {
      WriteGuard guard = app.guard(m.name() + ".feed").orElseThrow();
      int feed = -1;
      try {
        Device plc = guard.device();
        SampleBatch batch = plc.read(List.<Tag>of(guard.tag())).get(5, TimeUnit.SECONDS);
        feed = batch.isGood(0) ? (int) batch.longValue(0) : -1;
      } catch (Exception e) {
        LOG.warn("cannot read {} back: {}", guard.tag().name(), e.toString());
      }
      long writes = feedChanges.get(m.name()).get();
      boolean inAlarm = false;
      for (Alarm a : alarms) {
        if (a.event.machine().equals(m.name())) inAlarm = a.event.kind() == AlarmEvent.Kind.RAISED;
      }
      spindles.add(new SpindleSummary(m.name(), m.inferences(), maxScores.getOrDefault(m.name(), Double.NaN), inAlarm,
          writes, feed, m.staleResults()));
    }
    return new Summary(now(), simulating, List.copyOf(alarms), spindles, settings.liveWrites);
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

  private static String format(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String fmt(double score) {
    return String.format(Locale.ROOT, "%.2f", score);
  }

  /** An alarm event and when it happened on the example's clock. */
  record Alarm(AlarmEvent event, Duration at) {}

  record SpindleSummary(String spindle, long inferences, double maxScore, boolean alarmAtEnd, long feedWrites,
      int feedOverrideAtEnd, long staleResults) {}

  /** What a run did; {@code toString()} is the report printed at the end. */
  record Summary(Duration elapsed, boolean simulated, List<Alarm> alarms, List<SpindleSummary> spindles,
      boolean liveWrites) {

    List<Alarm> raised(String spindle) {
      return alarms.stream().filter(a -> a.event().kind() == AlarmEvent.Kind.RAISED
          && a.event().machine().equals(spindle)).toList();
    }

    SpindleSummary spindle(String name) {
      return spindles.stream().filter(s -> s.spindle().equals(name)).findFirst().orElseThrow();
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      String clock = simulated ? "simulation time" : "time since start";
      b.append(String.format(Locale.ROOT, "%n=== Summary after %s of %s ===%n", format(elapsed), clock));
      for (SpindleSummary s : spindles) {
        b.append(String.format(Locale.ROOT,
            "%-9s %5d inferences, max score %8s, %s, feed override %s (%d %s), %d stale windows%n", s.spindle(),
            s.inferences(), fmt(s.maxScore()), s.alarmAtEnd() ? "IN ALARM" : "no alarm now",
            s.feedOverrideAtEnd() < 0 ? "unknown" : s.feedOverrideAtEnd() + " %", s.feedWrites(),
            liveWrites ? "writes" : "writes in shadow mode", s.staleResults()));
      }
      if (alarms.isEmpty()) b.append("No alarms.").append(System.lineSeparator());
      for (Alarm a : alarms) {
        b.append(String.format(Locale.ROOT, "%s alarm %s at %s (score %s)%n", a.event().machine(),
            a.event().kind() == AlarmEvent.Kind.RAISED ? "raised" : "cleared", format(a.at()), fmt(a.event().value())));
      }
      return b.toString();
    }
  }
}
