package io.aifactory.examples.spindle;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.config.DeviceConfig;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.MissingDataPolicy;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.scenario.Scenarios;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spindle anomaly detection on a CNC line: poll the spindles over Modbus, keep a normalised window per spindle,
 * score every window with a PCA model in ONNX Runtime, and act on the score: log it, raise an alarm with hysteresis,
 * publish it over OPC UA, and (guarded) lower the faulty spindle's feed override.
 *
 * <pre>
 * java -jar spindle-anomaly.jar                       # the built-in simulated line, sped up 12 times
 * java -jar spindle-anomaly.jar --uri modbus+tcp://10.0.0.5:502?unit=1   # a real PLC with the same registers
 * java -jar spindle-anomaly.jar --config my-line.json --duration 0       # your plant, until Ctrl-C
 * </pre>
 *
 * Options: {@code --config FILE} (default: the bundled {@code spindle-anomaly.json}), {@code --uri URI} (replaces
 * the device's URI), {@code --duration 20s} ({@code 0}: until Ctrl-C), {@code --speed 12} (simulator only),
 * {@code --live-writes} (write the feed override instead of shadow mode), {@code --results-port 4840}.
 */
public final class SpindleAnomalyApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SpindleAnomalyApp.class);
  /** A device whose URI has this host is served by the built-in simulator. */
  static final String SIMULATOR_HOST = "simulator";

  private final Settings settings;
  private final List<AutoCloseable> resources = new ArrayList<>(); // closed in reverse order
  private final List<Spindle> spindles = new ArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong pollsWithMissingValues = new AtomicLong();
  private ScenarioRunner simulator;
  private OpcUaResultServer results;
  private Device plc;
  private long startNanos;

  private SpindleAnomalyApp(Settings settings) {
    this.settings = settings;
  }

  public static void main(String[] args) throws Exception {
    Settings settings = Settings.fromArgs(args);
    CountDownLatch closed = new CountDownLatch(1);
    try (SpindleAnomalyApp app = start(settings)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        app.stop(); // Ctrl-C: end the wait below, then let main close everything
        try {
          closed.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "spindle-anomaly-shutdown"));
      app.awaitStop(settings.duration);
      System.out.println(app.summary());
    } finally {
      closed.countDown();
    }
  }

  /** Trains the models, starts the simulator (if the device URI asks for it) and the results server, and polls. */
  static SpindleAnomalyApp start(Settings settings) {
    SpindleAnomalyApp app = new SpindleAnomalyApp(settings);
    try {
      app.startAll();
      return app;
    } catch (RuntimeException | IOException e) {
      app.close();
      if (e instanceof IOException) throw new UncheckedIOException((IOException) e);
      throw (RuntimeException) e;
    }
  }

  private void startAll() throws IOException {
    Path work = Files.createTempDirectory("spindle-anomaly");
    resources.add(() -> deleteRecursively(work));
    DeviceConfig device = settings.device;
    Scenario scenario = Scenarios.load(settings.scenario);

    // 1. One model per spindle, fitted on healthy data (see HealthyModel) and loaded pinned by its SHA-256.
    for (String name : settings.spindles) {
      List<String> tags = new ArrayList<>();
      List<String> recordingColumns = new ArrayList<>();
      for (String feature : settings.features) {
        tags.add(name + "." + feature);
        recordingColumns.add(device.name() + "/" + name + "." + feature);
      }
      HealthyModel model = HealthyModel.train(scenario, settings.trainingLength, settings.trainingStep,
          settings.components, device.name(), name, recordingColumns, work);
      InferenceSession session = InferenceSession.open(model.source());
      resources.add(session);
      LOG.info("{}: model {} (sha256 {}) trained on {} healthy rows, running on {}", name, model.name, model.sha256,
          model.trainingRows, session.activeProvider());
      Spindle spindle = new Spindle(name, tags, model, session, settings.windowRows);
      resources.add(spindle.scores);
      spindles.add(spindle);
    }

    // 2. The results server: what the AI concluded, for SCADA and MES clients.
    OpcUaResultServer.Builder rb = OpcUaResultServer.newBuilder()
        .port(settings.resultsPort)
        .pkiDir(work.resolve("results-pki"))
        .securityNone(settings.resultsSecurityNone)
        // The demo's SCADA client logs in anonymously, over a channel both sides' certificates secure; a plant would
        // add user(name, password) here instead.
        .anonymous(true);
    for (Spindle s : spindles) rb.pipelineResults(s.resultPrefix);
    results = rb.build();
    resources.add(results);
    results.start();
    for (Spindle s : spindles) {
      results.publish(s.resultPrefix + "." + OpcUaResultServer.MODEL_NAME, s.model.name);
      results.publish(s.resultPrefix + "." + OpcUaResultServer.MODEL_VERSION, s.model.version());
    }
    LOG.info("results published at {} (namespace {})", results.uri(), results.namespaceUri());

    // 3. The plant: the built-in simulator when the URI says so, otherwise the real PLC.
    URI uri = settings.uri != null ? settings.uri : device.uri();
    if (SIMULATOR_HOST.equals(uri.getHost())) {
      // Only the PLC this app reads: the scenario's OPC UA condition monitor would cost a server start for nothing.
      Scenario plcOnly = scenario.toBuilder().devices(List.of(scenario.device(device.name()).orElseThrow(() ->
          new IllegalArgumentException("scenario '" + scenario.name() + "' has no device '" + device.name() + "'")))).build();
      simulator = ScenarioRunner.start(plcOnly);
      resources.add(simulator);
      simulator.runInRealTime(settings.speed);
      uri = simulator.uri(device.name());
      LOG.info("simulated plant '{}' running {} times faster than real time; {} is at {}", scenario.name(),
          settings.speed, device.name(), uri);
    }
    plc = Devices.open(uri, device.options());
    resources.add(plc);
    startNanos = System.nanoTime();

    // 4. Per spindle: the window the model reads, and the guard on the feed override.
    for (Spindle s : spindles) {
      s.window = Window.newBuilder()
          .columns(s.tags)
          .capacity(4 * settings.windowRows) // readers on this thread never race the writer; room to spare anyway
          .length(settings.windowRows)
          .hop(settings.hopRows)
          .normalisation(s.model.mean, s.model.std)
          // A missed poll arrives as BAD samples. They are never written as zeros: a short gap holds the last good
          // value (masked), a longer one writes NaN and makes the window invalid, and the window calls onReady
          // only for valid windows, so the model is skipped until the window has refilled with good rows.
          .missingData(MissingDataPolicy.HOLD_LAST)
          .maxHoldRows(settings.maxHoldRows)
          .onReady((window, sequence) -> score(s))
          .build();
      resources.add(s.window);
      Tag feedTag = device.tag(s.name + "." + settings.feedTag).orElseThrow(() -> new IllegalArgumentException(
          "device '" + device.name() + "' has no tag '" + s.name + "." + settings.feedTag + "'"));
      s.guard = new FeedOverrideGuard(plc, feedTag, settings.feedMin, settings.feedMax, settings.feedMaxStep,
          settings.feedMinInterval, settings.feedMode);
    }
    startGuards();

    // 5. Subscribe: every poll appends one row to each spindle's window (the window picks its own columns).
    List<Tag> polled = new ArrayList<>();
    for (Spindle s : spindles) {
      for (String t : s.tags) polled.add(device.tag(t).orElseThrow(() -> new IllegalArgumentException(
          "device '" + device.name() + "' has no tag '" + t + "'")));
    }
    Subscription subscription = plc.subscribe(polled, SubscriptionOptions.every(settings.pollInterval), this::onPoll);
    resources.add(subscription);
    LOG.info("polling {} tags every {} ms; alarm above {} (clears below {}); feed override in {} mode",
        polled.size(), settings.pollInterval.toMillis(), settings.alarmOn, settings.alarmOff, settings.feedMode);
  }

  /** Reads the feed overrides the machine holds now, so that the guards step from there. */
  private void startGuards() {
    List<Tag> feeds = spindles.stream().map(s -> s.guard.tag()).toList();
    try {
      plc.whenConnected().get(10, TimeUnit.SECONDS);
      SampleBatch batch = plc.read(feeds).get(10, TimeUnit.SECONDS);
      for (int i = 0; i < spindles.size(); i++) {
        if (batch.isGood(i)) {
          spindles.get(i).guard.start((int) batch.longValue(i), System.nanoTime());
        } else {
          LOG.warn("{}: cannot read the feed override ({}); it will not be touched", spindles.get(i).name, batch.quality(i));
        }
      }
    } catch (Exception e) {
      LOG.warn("cannot read the feed overrides ({}); they will not be touched", e.toString());
    }
  }

  /**
   * On the device's polling thread: one row per window. Inference runs here too (from the window's ready
   * callback): the model takes well under a millisecond, far less than the poll interval. A heavier model would
   * hand the window's end sequence to a worker thread, which reads {@code window.values(end, n)} and checks
   * {@code window.isIntact(end, n)} afterwards.
   */
  private void onPoll(SampleBatch batch) {
    boolean missing = !batch.allGood();
    if (missing) pollsWithMissingValues.incrementAndGet();
    for (Spindle s : spindles) {
      s.window.append(batch);
      // While the window is invalid the model is not run; tell OPC UA clients rather than leave the last score
      // looking fresh. The next score published is GOOD again.
      if (missing && s.inferences > 0 && !s.window.isValid(settings.windowRows)) {
        results.publishQuality(s.resultPrefix + "." + OpcUaResultServer.ANOMALY_SCORE, Quality.uncertain(
            batch.quality(firstBad(batch)).reason(), 0, "not scored: missing values from the PLC"));
      }
    }
  }

  private static int firstBad(SampleBatch batch) {
    for (int i = 0; i < batch.size(); i++) if (!batch.isGood(i)) return i;
    return 0;
  }

  /** Called by a spindle's window when it holds a new valid window: run the model on it and act on the score. */
  private void score(Spindle s) {
    int n = settings.windowRows;
    long t0 = System.nanoTime();
    try {
      // latest(n) is a view of the window's own off-heap memory, [n, features]: ONNX Runtime reads it in place,
      // scoring each row (the model's batch dimension) in one run.
      s.session.run(Map.of("input", s.window.latest(n)), Map.of("score", s.scores));
    } catch (RuntimeException e) {
      // A failed run must not stop the polling thread; the next hop tries again.
      LOG.error("{}: inference failed: {}", s.name, e.toString());
      return;
    }
    double latencyMillis = (System.nanoTime() - t0) / 1e6;

    // The window's score is the median of its rows' errors: a one-row spike (spindle 3's chip) does not alarm,
    // a condition that lasts (spindle 2's bearing) does.
    for (int i = 0; i < n; i++) s.rowScores[i] = s.scores.getFloat(i);
    Arrays.sort(s.rowScores);
    double score = n % 2 == 1 ? s.rowScores[n / 2] : (s.rowScores[n / 2 - 1] + s.rowScores[n / 2]) / 2.0;
    s.inferences++;
    s.maxScore = Math.max(s.maxScore, score);

    Duration at = now();
    boolean wasAlarm = s.alarm;
    if (!s.alarm && score > settings.alarmOn) s.alarm = true;
    if (s.alarm && score < settings.alarmOff) s.alarm = false;
    if (s.alarm != wasAlarm) {
      synchronized (s) {
        s.events.add(new AlarmEvent(s.name, s.alarm, at, score));
      }
      LOG.warn("{}: alarm {} at {} (score {})", s.name, s.alarm ? "RAISED" : "cleared", format(at), fmt(score));
    }
    if (s.inferences % settings.logEvery == 0) {
      LOG.info("{}: anomaly score {} at {}{}", s.name, fmt(score), format(at), s.alarm ? " [ALARM]" : "");
    }

    results.publish(s.resultPrefix + "." + OpcUaResultServer.ANOMALY_SCORE, score);
    results.publish(s.resultPrefix + "." + OpcUaResultServer.ALARM_STATE, s.alarm);
    results.publish(s.resultPrefix + "." + OpcUaResultServer.INFERENCE_LATENCY_MILLIS, latencyMillis);
    s.guard.propose(s.alarm ? settings.feedAlarmTarget : settings.feedMax, System.nanoTime());
  }

  /** Simulation time when simulating (so that times match the scenario's timeline), otherwise time since start. */
  Duration now() {
    return simulator != null ? simulator.elapsed() : Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Waits {@code duration} (zero: until {@link #stop()}, e.g. Ctrl-C). */
  void awaitStop(Duration duration) throws InterruptedException {
    if (duration.isZero()) {
      stop.await();
    } else {
      stop.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  void stop() {
    stop.countDown();
  }

  OpcUaResultServer results() {
    return results;
  }

  /** Returns the built-in simulator, or null when the app talks to a real PLC. */
  ScenarioRunner simulator() {
    return simulator;
  }

  /** Returns how many polls brought at least one sample that was not good. */
  long pollsWithMissingValues() {
    return pollsWithMissingValues.get();
  }

  /** Returns what happened so far; reads the feed overrides back from the machine. */
  Summary summary() {
    List<AlarmEvent> events = new ArrayList<>();
    List<SpindleSummary> perSpindle = new ArrayList<>();
    List<Tag> feeds = spindles.stream().map(s -> s.guard.tag()).toList();
    SampleBatch feedValues = null;
    try {
      feedValues = plc.read(feeds).get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("cannot read the feed overrides back: {}", e.toString());
    }
    for (int i = 0; i < spindles.size(); i++) {
      Spindle s = spindles.get(i);
      synchronized (s) {
        events.addAll(s.events);
      }
      int feed = feedValues != null && feedValues.isGood(i) ? (int) feedValues.longValue(i) : -1;
      perSpindle.add(new SpindleSummary(s.name, s.inferences, s.maxScore, s.alarm, s.guard.writes(), feed));
    }
    events.sort(Comparator.comparing(AlarmEvent::at));
    return new Summary(now(), simulator != null, events, perSpindle, pollsWithMissingValues.get(), settings.feedMode);
  }

  @Override
  public void close() {
    stop();
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

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** One spindle: its tags, model, window and alarm state (written by the polling thread only). */
  private static final class Spindle {
    final String name;
    final String resultPrefix;
    final List<String> tags;
    final HealthyModel model;
    final InferenceSession session;
    final TensorBuffer scores;
    final float[] rowScores;
    final List<AlarmEvent> events = new ArrayList<>();
    Window window;
    FeedOverrideGuard guard;
    volatile boolean alarm;
    volatile long inferences;
    volatile double maxScore;

    Spindle(String name, List<String> tags, HealthyModel model, InferenceSession session, int windowRows) {
      this.name = name;
      this.resultPrefix = Character.toUpperCase(name.charAt(0)) + name.substring(1); // spindle2 -> Spindle2
      this.tags = tags;
      this.model = model;
      this.session = session;
      this.scores = TensorBuffer.allocate(ElementType.FLOAT32, windowRows, 1); // reused by every run
      this.rowScores = new float[windowRows];
    }
  }

  record AlarmEvent(String spindle, boolean raised, Duration at, double score) {}

  record SpindleSummary(String spindle, long inferences, double maxScore, boolean alarmAtEnd, int feedWrites,
      int feedOverrideAtEnd) {}

  /** What a run did; {@code toString()} is the report printed at the end. */
  record Summary(Duration elapsed, boolean simulated, List<AlarmEvent> events, List<SpindleSummary> spindles,
      long pollsWithMissingValues, FeedOverrideGuard.Mode feedMode) {

    List<AlarmEvent> raised(String spindle) {
      return events.stream().filter(e -> e.raised() && e.spindle().equals(spindle)).toList();
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
        b.append(String.format(Locale.ROOT, "%-9s %5d inferences, max score %8s, %s, feed override %s (%d %s)%n",
            s.spindle(), s.inferences(), fmt(s.maxScore()), s.alarmAtEnd() ? "IN ALARM" : "no alarm now",
            s.feedOverrideAtEnd() < 0 ? "unknown" : s.feedOverrideAtEnd() + " %", s.feedWrites(),
            feedMode == FeedOverrideGuard.Mode.SHADOW ? "writes in shadow mode" : "writes"));
      }
      if (events.isEmpty()) b.append("No alarms.").append(System.lineSeparator());
      for (AlarmEvent e : events) {
        b.append(String.format(Locale.ROOT, "%s alarm %s at %s (score %s)%n", e.spindle(),
            e.raised() ? "raised" : "cleared", format(e.at()), fmt(e.score())));
      }
      b.append(String.format(Locale.ROOT, "Polls with missing values: %d (held or skipped, never read as zero)%n",
          pollsWithMissingValues));
      return b.toString();
    }
  }
}
