package io.aifactory.examples.quality;

import io.aifactory.examples.quality.DriftCheck.LabStats;
import io.aifactory.examples.quality.DriftCheck.Pairing;
import io.aifactory.examples.quality.RecipeRoutedModel.Variant;
import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.record.Recorder;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A soft sensor for an extrusion line, as an SDK app: the devices, the per-product models, the recorder, the pipeline
 * and the HMI registers are all in {@code quality-soft-sensor.json}. This class adds only what is specific to the
 * example: the results for the MES ({@link MesPublisher}), lab results compared with the predictions
 * ({@link DriftCheck}), a live status line and a summary, and a socket for the built-in simulated line and lab. The
 * per-product model routing is {@link RecipeRoutedModel}, a model type of the JSON file.
 *
 * <p>This class and everything it imports is what would be deployed at a plant; it never imports the SDK's testkit.
 * Lab results come in through {@link #labResult}: at a plant, from the LIMS; in the demo
 * ({@code quality-soft-sensor-demo.jar}), from a simulated lab.
 *
 * <pre>
 * java -jar quality-soft-sensor-demo.jar                                    # simulated line and lab, 1800x
 * java -jar quality-soft-sensor.jar --uri opc.tcp://10.0.0.7:4840 \
 *     --hmi-uri modbus+tcp://10.0.0.8:502?unit=1 --duration 0               # a real line and HMI, until Ctrl-C
 * java -jar quality-soft-sensor.jar --config my-line.json --duration 0      # your tags, products and models
 * </pre>
 */
public final class QualitySoftSensorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(QualitySoftSensorApp.class);
  /** A device whose URI has this host is served by the built-in simulator (in the demo jar only). */
  static final String SIMULATOR_HOST = "simulator";

  private final Settings settings;
  private final PlantSimulator simulator;
  private final List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
  private final List<Alarm> alarms = new CopyOnWriteArrayList<>();
  private final long startNanos = System.nanoTime();
  private boolean simulating;
  private int hop;
  private AifactoryApp app;
  private RecipeRoutedModel model;
  private OpcUaResultServer results;
  private Device hmi;
  // Set once everything is wired, right after the pipeline starts; until then its first results reach only track().
  private volatile MesPublisher mes;
  private volatile DriftCheck drift;

  // What the pipeline concluded, kept by track() on the pipeline's thread; guarded by this.
  private final Map<Integer, Long> windowsByRecipe = new LinkedHashMap<>();
  private final List<ProductChange> changes = new ArrayList<>();
  private final List<Scored> scored = new ArrayList<>();
  private long resultCount;
  private long badResults;
  private long lostWindows;
  private long wrongModel;
  private long changeoverWindows;
  private long lastSequence = -1;
  private int lastRecipe = Integer.MIN_VALUE;
  private double lastPrediction = Double.NaN;
  private long labResults;
  // Lab results and close() exclude each other: a result is either labelled before the recorder closes, or dropped.
  private final Object labLock = new Object();
  private boolean closed; // guarded by labLock

  /**
   * A plant and lab that run inside the app's JVM and serve the devices whose URI host is {@value #SIMULATOR_HOST}.
   * The production app has none; the demo (test sources, where the SDK's testkit is) passes the simulated line. The
   * app closes it last.
   */
  interface PlantSimulator extends AutoCloseable {
    /** Starts serving the named device of the config (if not yet) and returns the URI to reach it. */
    URI serve(String deviceName);

    /** Returns the time on the simulated plant's own clock. */
    Duration elapsed();

    /**
     * Starts the plant's clock and the simulated lab, which reports each result to {@code lab} when it is ready. Called
     * once the app is wired and its devices are connected, so that no simulated hour passes unseen.
     */
    void run(Consumer<LabResult> lab);
  }

  private QualitySoftSensorApp(Settings settings, PlantSimulator simulator) {
    this.settings = settings;
    this.simulator = simulator;
  }

  public static void main(String[] args) throws Exception {
    try {
      run(Settings.fromArgs(args), null);
    } catch (IllegalArgumentException e) {
      // A wrong option or URI is the user's to fix: say what, without a stack trace.
      System.err.println("quality-soft-sensor: " + e.getMessage());
      System.exit(2);
    }
  }

  /** Runs the app for the configured duration (or until Ctrl-C) and prints the summary. */
  static void run(Settings settings, PlantSimulator simulator) throws InterruptedException {
    QualitySoftSensorApp example;
    try {
      example = start(settings, simulator);
    } catch (AifactoryException e) {
      // Something of the plant's or this machine's (a port in use, a PLC refusing, a model that does not match):
      // say what, without a stack trace.
      System.err.println("quality-soft-sensor: cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (example) {
      Runtime.getRuntime().addShutdownHook(new Thread(example.app::stop, "quality-soft-sensor-shutdown"));
      example.app.awaitStop(settings.duration);
      System.out.println(example.summary());
    }
  }

  /** Starts the app; {@code simulator} (may be null) serves the devices whose URI host is {@code simulator}. */
  static QualitySoftSensorApp start(Settings settings, PlantSimulator simulator) {
    QualitySoftSensorApp example = new QualitySoftSensorApp(settings, simulator);
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
        .allowField("simulator").allowField("results").allowField("softSensor");

    // 1. The plant: the built-in simulator when a device's URI says so, otherwise the real line and HMI.
    for (ConfigNode device : settings.config.array("devices")) {
      String name = device.text("name");
      URI uri = settings.uris.getOrDefault(name, URI.create(device.text("uri")));
      if (SIMULATOR_HOST.equals(uri.getHost())) {
        if (simulator == null) {
          // The simulated line is development tooling and stays out of the jar deployed at a plant.
          throw new IllegalArgumentException("device '" + name + "' has URI " + uri + ": the built-in simulator is "
              + "not part of this application; run quality-soft-sensor-demo.jar for the simulated line, or give the "
              + "real line with --uri opc.tcp://HOST:4840 and the HMI with --hmi-uri modbus+tcp://HOST:502?unit=1 "
              + "(or the devices' \"uri\" in --config FILE)");
        }
        uri = simulator.serve(name);
        simulating = true;
      }
      builder.deviceUri(name, uri);
    }
    ConfigNode pipelineConfig = settings.config.array("pipelines").stream()
        .filter(p -> p.text("name").equals(settings.pipeline)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("softSensor.pipeline: no pipeline '" + settings.pipeline + "'"));
    hop = (int) pipelineConfig.object("window").integer("hop", 1);

    // 2. What the pipeline's results go to besides the JSON's actions (the HMI registers): the example's own
    //    bookkeeping, the MES and the drift check. The last two exist only once the app has opened the model.
    builder.action(settings.pipeline, this::track);
    builder.action(settings.pipeline, r -> {
      MesPublisher p = mes;
      if (p != null) p.onResult(r);
    });
    builder.action(settings.pipeline, r -> {
      DriftCheck d = drift;
      if (d != null) d.onResult(r);
    });

    // 3. Everything else comes from the JSON file.
    app = keep(builder.start());
    Model m = app.model(settings.model).orElseThrow(() -> new IllegalArgumentException(
        "softSensor.model: no model '" + settings.model + "' (models: " + app.models().keySet() + ")"));
    if (!(m instanceof RecipeRoutedModel)) {
      throw new IllegalArgumentException("softSensor.model: model '" + settings.model + "' is not of type "
          + RecipeRoutedModelProvider.TYPE);
    }
    model = (RecipeRoutedModel) m;
    Recorder recorder = pipelineConfig.has("recorder")
        ? app.recorder(pipelineConfig.text("recorder")).orElseThrow() : null;
    hmi = app.devices().values().stream().filter(d -> d.uri().getScheme().startsWith("modbus")).findFirst()
        .orElse(null);

    // 4. The results server: what the soft sensor concluded, for the MES.
    String prefix = settings.pipeline + "." + settings.machine;
    results = keep(MesPublisher.declare(OpcUaResultServer.newBuilder().port(settings.resultsPort)
            .pkiDir(settings.dataDir.toAbsolutePath().resolve("results-pki"))
            // The demo's MES logs in anonymously, over a channel both sides' certificates secure; a plant would
            // give each client a user name instead (OpcUaResultServer.Builder.user).
            .anonymous(true), prefix, model.variants().values())
        .build());
    results.start();
    MesPublisher publisher = new MesPublisher(results, prefix, settings.machine, model);
    drift = new DriftCheck(settings.pipeline, settings.machine, model.variants(), settings.labResults,
        settings.pairWithin, settings.keepPredictions, recorder, List.of(publisher, this::onAlarm));
    mes = publisher;
    LOG.info("results for the MES at {} (namespace {}); products: {}", results.uri(), results.namespaceUri(),
        model.variants().values().stream().map(v -> v.recipe() + " " + v.name() + " " + model.info(v.recipe())
            .version()).toList());

    // 5. The lab (simulated in the demo) and the live status line.
    if (simulating) {
      for (Map.Entry<String, Device> d : app.devices().entrySet()) {
        try {
          d.getValue().whenConnected(Duration.ofSeconds(30)).get(35, TimeUnit.SECONDS);
        } catch (Exception e) {
          throw new IllegalStateException("simulated device '" + d.getKey() + "' did not connect: " + e, e);
        }
      }
      simulator.run(this::labResult);
    }
    if (!settings.statusEvery.isZero()) {
      ScheduledExecutorService status = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "quality-soft-sensor-status");
        t.setDaemon(true);
        return t;
      });
      keep(status::shutdownNow);
      long every = settings.statusEvery.toMillis();
      status.scheduleAtFixedRate(() -> System.out.println(statusLine()), every, every, TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Takes a lab result (from the LIMS, or the demo's simulated lab): labels it into the recorder, compares it with the
   * prediction for its sample and updates its product's drift alarm. Any thread; refused once {@link #close} began, so
   * every result counted was labelled before the recorder closed.
   */
  Pairing labResult(LabResult lab) {
    synchronized (labLock) {
      if (closed) throw new IllegalStateException("closed: lab result " + lab.sampleId() + " not taken");
      Pairing p = drift.onLabResult(lab);
      LabStats stats = drift.stats().get(lab.recipe());
      if (stats != null) mes.labError(stats.variant(), stats.recentMeanAbsError());
      synchronized (this) {
        labResults++;
      }
      LOG.debug("lab {}: {}", lab, p);
      return p;
    }
  }

  /** Keeps count of every window the pipeline concluded on: the evidence for "no window lost or mis-scored". */
  private synchronized void track(MachineResult r) {
    if (!r.machine().equals(settings.machine)) return;
    resultCount++;
    if (lastSequence >= 0 && r.sequence() - lastSequence != hop) {
      lostWindows += Math.max(0, (r.sequence() - lastSequence) / hop - 1);
    }
    lastSequence = r.sequence();
    if (!r.hasValues()) {
      badResults++;
      if (scored.size() < 1_000_000) scored.add(new Scored(r.sequence(), 0, 0, 0, Double.NaN));
      LOG.info("window {} not scored: {}", r.sequence(), r.quality());
      return;
    }
    // Outputs: 0 the prediction; 1 the recipe the model that ran was trained for; 2 and 3 the recipe in the newest
    // and the oldest row of the window it scored, read by that model from its input (see SoftSensorTrainer).
    int modelRecipe = (int) r.value(1);
    int newest = (int) r.value(2);
    int oldest = (int) r.value(3);
    if (modelRecipe != newest) wrongModel++;
    if (newest != oldest) changeoverWindows++;
    windowsByRecipe.merge(modelRecipe, 1L, Long::sum);
    if (lastRecipe != Integer.MIN_VALUE && newest != lastRecipe) {
      changes.add(new ProductChange(now(), lastRecipe, newest, r.sequence()));
      LOG.info("product change: recipe {} -> {} at window {}", lastRecipe, newest, r.sequence());
    }
    lastRecipe = newest;
    lastPrediction = r.value(0);
    if (scored.size() < 1_000_000) scored.add(new Scored(r.sequence(), modelRecipe, newest, oldest, r.value(0)));
  }

  private void onAlarm(AlarmEvent event) {
    alarms.add(new Alarm(event, now()));
    LOG.warn("{} {} at {} (lab mean |error| {} against bound {})", event.alarm(),
        event.kind() == AlarmEvent.Kind.RAISED ? "RAISED" : "cleared", format(now()), fmt(event.value()),
        fmt(event.threshold()));
  }

  /** Simulation time when simulating (so that times match the scenario's timeline), otherwise time since start. */
  Duration now() {
    return simulating ? simulator.elapsed() : Duration.ofNanos(System.nanoTime() - startNanos);
  }

  AifactoryApp app() {
    return app;
  }

  RecipeRoutedModel model() {
    return model;
  }

  OpcUaResultServer results() {
    return results;
  }

  Pipeline pipeline() {
    return app.pipeline(settings.pipeline).orElseThrow();
  }

  /** Returns every window scored so far, in order (sequence, model recipe, window recipes, prediction). */
  synchronized List<Scored> scored() {
    return List.copyOf(scored);
  }

  /** One line: samples, inferences, latency, product and prediction, lab comparison, alarms, HMI writes. */
  String statusLine() {
    MachineMetrics m = pipeline().metrics().total();
    StringBuilder b = new StringBuilder();
    int recipe;
    double prediction;
    synchronized (this) {
      recipe = lastRecipe;
      prediction = lastPrediction;
    }
    Variant v = model.variants().get(recipe);
    b.append(String.format(Locale.ROOT, "[%s] samples %d | inferences %d | p50 %s p99 %s | %s MFI %s",
        format(now()), m.rows(), m.inferences(), millis(m.latencyP50()), millis(m.latencyP99()),
        v == null ? "no product yet" : v.name(), fmt(prediction)));
    DriftCheck d = drift;
    if (d != null) {
      b.append(" | lab |err|");
      for (LabStats s : d.stats().values()) {
        b.append(' ').append(s.variant()).append(' ').append(fmt(s.recentMeanAbsError()))
            .append(s.inDrift() ? " DRIFT" : "");
      }
    }
    b.append(" | alarms ").append(raisedAlarms().size());
    b.append(" | HMI writes ").append(hmi == null ? 0 : hmi.metrics().requests());
    return b.toString();
  }

  private List<Alarm> raisedAlarms() {
    return alarms.stream().filter(a -> a.event().kind() == AlarmEvent.Kind.RAISED).toList();
  }

  /** Returns what happened so far. */
  synchronized Summary summary() {
    MachineMetrics m = pipeline().metrics().total();
    Map<String, Long> windows = new LinkedHashMap<>();
    windowsByRecipe.forEach((recipe, n) -> windows.put(model.variants().containsKey(recipe)
        ? model.variants().get(recipe).name() : "recipe " + recipe, n));
    return new Summary(now(), simulating, m.rows(), m.windows(), m.inferences(), m.skippedWindows(),
        m.staleResults(), m.modelErrors(), m.latencyP50(), m.latencyP99(), resultCount, badResults, lostWindows,
        wrongModel, changeoverWindows, windows, List.copyOf(changes), labResults,
        drift == null ? Map.of() : drift.stats(), List.copyOf(alarms),
        hmi == null ? 0 : hmi.metrics().requests(), hmi == null ? 0 : hmi.metrics().timeouts()
            + hmi.metrics().exceptionReplies(), results == null ? null : results.uri());
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  @Override
  public void close() {
    synchronized (labLock) {
      closed = true;
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resources.get(i), e.toString());
      }
    }
    resources.clear();
  }

  static String format(Duration d) {
    long minutes = d.toMinutes();
    return minutes >= 60 ? String.format(Locale.ROOT, "%dh%02dm", minutes / 60, minutes % 60)
        : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
  }

  private static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.2f ms", d.toNanos() / 1e6);
  }

  static String fmt(double value) {
    return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }

  /** An alarm event and when it happened on the example's clock. */
  record Alarm(AlarmEvent event, Duration at) {}

  /** The line changed product: from the window of {@code sequence} on, its newest row holds the new recipe. */
  record ProductChange(Duration at, int fromRecipe, int toRecipe, long sequence) {}

  /**
   * One window: which recipe's model ran, the recipes in its newest and oldest row, the prediction; a window the
   * pipeline could not score (BAD: stale inputs) has recipes 0 and a NaN prediction.
   */
  record Scored(long sequence, int modelRecipe, int newestRecipe, int oldestRecipe, double prediction) {}

  /** What a run did; {@code toString()} is the report printed at the end. */
  record Summary(Duration elapsed, boolean simulated, long samples, long windows, long inferences, long skippedWindows,
      long staleResults, long modelErrors, Duration latencyP50, Duration latencyP99, long results, long badResults,
      long lostWindows, long wrongModel, long changeoverWindows, Map<String, Long> windowsByVariant,
      List<ProductChange> changes, long labResults, Map<Integer, LabStats> lab, List<Alarm> alarms, long hmiWrites,
      long hmiFailures, URI mes) {

    List<Alarm> raised(String alarm) {
      return alarms.stream().filter(a -> a.event().kind() == AlarmEvent.Kind.RAISED
          && a.event().alarm().equals(alarm)).toList();
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      String nl = System.lineSeparator();
      b.append(String.format(Locale.ROOT, "%n=== Summary after %s of %s ===%n", format(elapsed),
          simulated ? "simulation time" : "time since start"));
      b.append(String.format(Locale.ROOT, "%d samples, %d windows, %d inferences (p50 %s, p99 %s); %d skipped, %d "
              + "stale, %d model errors; %d windows lost, %d scored by another product's model%n", samples, windows,
          inferences, millis(latencyP50), millis(latencyP99), skippedWindows, staleResults, modelErrors, lostWindows,
          wrongModel));
      b.append("windows by product model: ").append(windowsByVariant).append(", ").append(changeoverWindows)
          .append(" of them spanning a product change").append(nl);
      for (ProductChange c : changes) {
        b.append(String.format(Locale.ROOT, "product change at %s: recipe %d -> %d from window %d, no window lost%n",
            format(c.at()), c.fromRecipe(), c.toRecipe(), c.sequence()));
      }
      b.append(labResults).append(" lab results").append(nl);
      for (LabStats s : lab.values()) {
        b.append(String.format(Locale.ROOT, "  %-12s %3d compared, %2d not; RMSE %s, max |err| %s, last mean |err| %s "
                + "(bound %s)%s%n", s.variant(), s.paired(), s.unpaired(), fmt(s.rmse()), fmt(s.maxAbsError()),
            fmt(s.recentMeanAbsError()), fmt(s.bound()), s.inDrift() ? "  MODEL DRIFT" : ""));
      }
      if (alarms.isEmpty()) b.append("No alarms.").append(nl);
      for (Alarm a : alarms) {
        b.append(String.format(Locale.ROOT, "%s %s at %s (lab mean |err| %s)%n", a.event().alarm(),
            a.event().kind() == AlarmEvent.Kind.RAISED ? "raised" : "cleared", format(a.at()),
            fmt(a.event().value())));
      }
      b.append(String.format(Locale.ROOT, "HMI: %d writes, %d failed; MES: %s%n", hmiWrites, hmiFailures, mes));
      return b.toString();
    }
  }
}
