package io.aifactory.sdk.core.app;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.config.DeviceConfig;
import io.aifactory.sdk.core.config.PlantConfig;
import io.aifactory.sdk.core.guard.Fallback;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.BackPressure;
import io.aifactory.sdk.core.pipeline.GuardedWrite;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.Models;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.core.pipeline.PublishToDevice;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import io.aifactory.sdk.core.record.Recorder;
import io.aifactory.sdk.core.tensor.MissingDataPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running application built from one JSON file: devices, models, recorders, write guards, sinks and pipelines.
 *
 * <pre>{@code
 * try (AifactoryApp app = AifactoryApp.start(Path.of("line1.json"))) {
 *   app.addAlarmListener(event -> mes.raise(event));
 *   ...
 * }
 * }</pre>
 *
 * or, from a shell, {@code java -cp <sdk and driver jars> io.aifactory.sdk.core.app.AifactoryApp line1.json}.
 *
 * <p>The same file runs against the simulator or a real PLC: only the device URIs change (or are replaced with
 * {@link Builder#deviceUri}). Every mistake is a {@link ConfigurationException} that names
 * its path in the file, e.g. {@code pipelines[0].actions[1].guard: no guard 'feed9' (guards: feed1, feed2)}; an
 * unknown field is a mistake, not ignored. The format is documented in {@code docs/pipelines.md}.
 *
 * <p>Things are opened in the order models, recorders, devices, guards, sinks, pipelines. They close with the pipelines
 * first and the recorders last, so that everything that feeds a recorder or a sink stops before it: pipelines (which
 * score what is pending and hand the results to their actions), guards, then each sink after its own sample
 * subscriptions (a sink's store-and-forward buffer keeps what it accepted but did not send), devices, recorders and
 * models.
 * Sinks ({@link Sink}, opened by a {@link SinkProvider} found by type) are documented in {@code docs/pipelines.md}.
 */
public final class AifactoryApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AifactoryApp.class);
  private static final String[] TOP_LEVEL = {"devices", "models", "recorders", "guards", "sinks", "pipelines"};

  private final Map<String, DeviceConfig> deviceConfigs = new LinkedHashMap<>();
  private final Map<String, Device> devices = new LinkedHashMap<>();
  private final Map<String, Model> models = new LinkedHashMap<>();
  private final Map<String, Recorder> recorders = new LinkedHashMap<>();
  private final Map<String, WriteGuard> guards = new LinkedHashMap<>();
  private final Map<String, Sink> sinks = new LinkedHashMap<>();
  private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();
  private final Map<String, List<ThresholdAlarm>> alarms = new LinkedHashMap<>();
  private final Map<WriteGuard, List<Sink>> guardSinks = new java.util.IdentityHashMap<>();
  private final List<AlarmListener> alarmListeners = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> opened = new ArrayList<>(); // closed in reverse order
  private final CountDownLatch stopped = new CountDownLatch(1);

  private AifactoryApp() {}

  /** Loads {@code configFile} and starts everything it describes. */
  public static AifactoryApp start(Path configFile) {
    return newBuilder().config(configFile).start();
  }

  /** Returns a builder, for an app whose config is amended in code (simulated devices, extra actions). */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Runs the app in {@code args[0]} until Ctrl-C (or for {@code --duration 30s}). */
  public static void main(String[] args) throws InterruptedException {
    if (args.length != 1 && !(args.length == 3 && args[1].equals("--duration"))) {
      System.err.println("usage: AifactoryApp <config.json> [--duration 30s]");
      System.exit(2);
    }
    Duration duration = args.length == 3 ? ConfigNode.parse("{\"d\":\"" + args[2] + "\"}", "--duration")
        .duration("d", Duration.ZERO) : Duration.ZERO;
    try (AifactoryApp app = start(Path.of(args[0]))) {
      Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "aifactory-app-shutdown"));
      app.awaitStop(duration);
      for (Pipeline p : app.pipelines.values()) {
        System.out.println(p.metrics());
      }
    }
  }

  private void build(ConfigNode root, Path base, Builder options) {
    Map<String, URI> deviceUris = options.deviceUris;
    alarmListeners.addAll(options.alarmListeners);
    for (DeviceConfig dc : PlantConfig.read(root).devices()) {
      deviceConfigs.put(dc.name(), dc);
    }
    for (String name : deviceUris.keySet()) {
      if (!deviceConfigs.containsKey(name)) {
        throw new ConfigurationException("devices", "no device '" + name + "' to replace the URI of (devices: "
            + deviceConfigs.keySet() + ")", null);
      }
    }
    for (ConfigNode node : root.optionalArray("models")) {
      String name = unique(node, models);
      models.put(name, keep(Models.open(node, base)));
    }
    for (ConfigNode node : root.optionalArray("recorders")) {
      String name = unique(node, recorders);
      recorders.put(name, recorder(node, base));
    }
    // Devices open (and connect in the background) only once the rest of the file has parsed this far.
    for (DeviceConfig dc : deviceConfigs.values()) {
      URI uri = deviceUris.getOrDefault(dc.name(), dc.uri());
      devices.put(dc.name(), keep(Devices.open(uri, dc.options())));
    }
    for (ConfigNode node : root.optionalArray("recorders")) {
      for (ConfigNode samples : node.optionalArray("samples")) {
        recordSamples(recorders.get(node.text("name")), samples);
      }
    }
    // Sinks open after the guards (a Sparkplug sink writes through them) but close after them (a guard's last
    // decisions reach the sinks): they go into the close list where the guards begin.
    int sinkSlot = opened.size();
    for (ConfigNode node : root.optionalArray("guards")) {
      String name = unique(node, guards);
      guards.put(name, guard(node));
    }
    Context context = new Context(base);
    for (ConfigNode node : root.optionalArray("sinks")) {
      String name = unique(node, sinks);
      Sink sink = openSink(node, context);
      opened.add(sinkSlot++, sink);
      sinks.put(name, sink);
      for (ConfigNode samples : node.optionalArray("samples")) {
        // After the sink in the list, so closed before it: no sample arrives at a closed sink.
        opened.add(sinkSlot++, sinkSamples(sink, samples));
      }
    }
    for (ConfigNode node : root.optionalArray("pipelines")) {
      String name = unique(node, pipelines);
      pipelines.put(name, pipeline(node, options.actions.getOrDefault(name, List.of())));
    }
    for (String name : options.actions.keySet()) {
      if (!pipelines.containsKey(name)) {
        throw new ConfigurationException("pipelines", "no pipeline '" + name + "' to add actions to (pipelines: "
            + pipelines.keySet() + ")", null);
      }
    }
    for (WriteGuard g : guards.values()) {
      g.start();
    }
    for (Pipeline p : pipelines.values()) {
      p.start();
    }
    LOG.info("app started: {} device(s), {} model(s), {} pipeline(s), {} guard(s), {} recorder(s), {} sink(s)",
        devices.size(), models.size(), pipelines.size(), guards.size(), recorders.size(), sinks.size());
  }

  // ------------------------------------------------------------------------------------------- parts

  private Recorder recorder(ConfigNode node, Path base) {
    node.checkFields("name", "directory", "rotateEvery", "rotateAtBytes", "retainFiles", "retainBytes", "samples");
    Recorder.Builder b = Recorder.newBuilder()
        .name(node.text("name"))
        .directory(base.resolve(node.text("directory")));
    try {
      if (node.has("rotateEvery")) {
        b.rotateEvery(node.duration("rotateEvery", null));
      }
      if (node.has("rotateAtBytes")) {
        b.rotateAtBytes(node.integer("rotateAtBytes", 0));
      }
      if (node.has("retainFiles")) {
        b.retainFiles((int) node.integer("retainFiles", 0));
      }
      if (node.has("retainBytes")) {
        b.retainBytes(node.integer("retainBytes", 0));
      }
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
    Recorder recorder = keep(b.build());
    recorder.start();
    return recorder;
  }

  private void recordSamples(Recorder recorder, ConfigNode node) {
    node.checkFields("device", "tags", "every");
    String deviceName = node.text("device");
    Device device = device(node, "device");
    List<Tag> tags = tags(node, "tags", deviceName);
    Duration every = node.duration("every", Duration.ofSeconds(1));
    Subscription s = device.subscribe(tags, SubscriptionOptions.every(every),
        batch -> recorder.recordSamples(deviceName, batch));
    // Closed before the recorder (opened after it), so no sample arrives at a closed recorder.
    keep(s);
  }

  private static Sink openSink(ConfigNode node, AppContext context) {
    String type = node.text("type");
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    TreeSet<String> installed = new TreeSet<>();
    for (SinkProvider provider : ServiceLoader.load(SinkProvider.class,
        loader != null ? loader : AifactoryApp.class.getClassLoader())) {
      if (provider.type().equals(type)) {
        Sink sink = provider.open(node, context);
        LOG.info("sink '{}' ({}) open: {}", node.text("name"), type, sink);
        return sink;
      }
      installed.add(provider.type());
    }
    throw node.error("type", "no sink provider for type '" + type + "' (installed types: " + installed
        + "; add aifactory-sdk-kafka for kafka, aifactory-sdk-sparkplug for sparkplug)");
  }

  private Subscription sinkSamples(Sink sink, ConfigNode node) {
    node.checkFields("device", "tags", "every", "publishAs");
    String deviceName = node.text("device");
    Device device = device(node, "device");
    List<Tag> tags = tags(node, "tags", deviceName);
    Duration every = node.duration("every", Duration.ofSeconds(1));
    String source = node.text("publishAs", deviceName);
    return device.subscribe(tags, SubscriptionOptions.every(every), batch -> sink.onSamples(source, batch));
  }

  private WriteGuard guard(ConfigNode node) {
    node.checkFields("name", "device", "tag", "min", "max", "outOfRange", "maxStep", "minInterval", "maxRate", "mode",
        "deadman", "fallback", "watchInterval", "operatorBackoff", "recorder");
    String deviceName = node.text("device");
    Tag tag = tags(node, "tag", deviceName).get(0);
    WriteGuard.Builder b = WriteGuard.newBuilder().name(node.text("name")).device(device(node, "device")).tag(tag);
    try {
      b.range(node.number("min"), node.number("max"));
      String outOfRange = node.text("outOfRange", "reject");
      if (!outOfRange.equals("reject") && !outOfRange.equals("clamp")) {
        throw node.error("outOfRange", "expected reject or clamp, found \"" + outOfRange + "\"");
      }
      b.clampToRange(outOfRange.equals("clamp"));
      if (node.has("maxStep")) {
        b.maxStep(node.number("maxStep"));
      }
      if (node.has("minInterval")) {
        b.minInterval(node.duration("minInterval", null));
      }
      if (node.has("maxRate")) {
        b.maxRate(node.number("maxRate"));
      }
      b.mode(node.convert("mode", m -> enumValue(GuardMode.class, m)));
      if (node.has("deadman")) {
        b.deadman(node.duration("deadman", null));
      }
      if (node.has("fallback")) {
        ConfigNode f = node.node("fallback");
        if (f.isNumber()) {
          b.fallback(Fallback.safeValue(f.asNumber()));
        } else if (f.isText() && f.asText().equals("hold")) {
          b.fallback(Fallback.hold());
        } else {
          throw node.error("fallback", "expected \"hold\" or a safe value (a number)");
        }
      }
      if (node.has("watchInterval")) {
        b.watchInterval(node.duration("watchInterval", null));
      }
      if (node.has("operatorBackoff")) {
        b.operatorBackoff(node.duration("operatorBackoff", null));
      }
      WriteGuard guard = keep(b.build());
      if (node.has("recorder")) {
        guard.addListener(named(node, "recorder", recorders, "recorder"));
      }
      return guard;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw node.error("", "guard '" + node.text("name") + "': " + e.getMessage(), e);
    }
  }

  private Pipeline pipeline(ConfigNode node, List<PipelineAction> extraActions) {
    node.checkFields("name", "poll", "window", "model", "machines", "actions", "backPressure", "recorder",
        "metricsInterval", "sinks");
    String name = node.text("name");
    Pipeline.Builder b = Pipeline.newBuilder().name(name);
    try {
      b.poll(SubscriptionOptions.every(node.duration("poll", Duration.ofSeconds(1))));
      ConfigNode window = node.object("window");
      window.checkFields("rows", "hop", "missingData", "maxHoldRows", "acceptUncertain", "mean", "std");
      b.windowRows((int) window.integer("rows", 0)).hop((int) window.integer("hop", 1));
      if (window.has("missingData")) {
        b.missingData(window.convert("missingData", m -> enumValue(MissingDataPolicy.class, m)));
      }
      if (window.has("maxHoldRows")) {
        b.maxHoldRows((int) window.integer("maxHoldRows", 0));
      }
      b.acceptUncertain(window.bool("acceptUncertain", true));
      if (window.has("mean") || window.has("std")) {
        b.normalisation(window.numbers("mean"), window.numbers("std"));
      }
      ConfigNode model = node.object("model");
      model.checkFields("name", "input", "output", "width");
      b.model(named(model, "name", models, "model"), model.text("input", "input"), model.text("output", "score"),
          (int) model.integer("width", 1));
      for (ConfigNode m : node.array("machines")) {
        m.checkFields("name", "device", "tags", "mean", "std");
        String deviceName = m.text("device");
        List<Tag> tags = tags(m, "tags", deviceName);
        if (m.has("mean") || m.has("std")) {
          b.machine(m.text("name"), device(m, "device"), tags, m.numbers("mean"), m.numbers("std"));
        } else {
          b.machine(m.text("name"), device(m, "device"), tags);
        }
      }
      if (node.has("backPressure")) {
        b.backPressure(node.convert("backPressure", AifactoryApp::backPressure));
      }
      if (node.has("metricsInterval")) {
        b.metricsInterval(node.duration("metricsInterval", null));
      }
      Recorder recorder = node.has("recorder") ? named(node, "recorder", recorders, "recorder") : null;
      if (recorder != null) {
        b.action(recorder::onResult); // a method reference: the pipeline must not close the shared recorder
      }
      List<Sink> toSinks = new ArrayList<>();
      if (node.has("sinks")) {
        List<ConfigNode> items = node.array("sinks");
        List<String> names = node.strings("sinks");
        for (int i = 0; i < names.size(); i++) {
          Sink sink = sinks.get(names.get(i));
          if (sink == null) {
            throw items.get(i).error("", "no sink '" + names.get(i) + "' (sinks: " + sinks.keySet() + ")");
          }
          toSinks.add(sink);
          b.action(sink::onResult); // a method reference: the pipeline must not close the shared sink
        }
      }
      Map<String, ThresholdAlarm> alarms = new LinkedHashMap<>();
      for (ConfigNode a : node.optionalArray("actions")) {
        PipelineAction action = action(a, recorder, toSinks, alarms);
        if (action instanceof ThresholdAlarm) {
          ThresholdAlarm alarm = (ThresholdAlarm) action;
          if (alarms.putIfAbsent(alarm.name(), alarm) != null) {
            throw a.error("name", "duplicate alarm name '" + alarm.name() + "'");
          }
        }
        b.action(action);
      }
      extraActions.forEach(b::action);
      this.alarms.put(name, List.copyOf(alarms.values()));
      return keep(b.build());
    } catch (IllegalArgumentException e) {
      throw node.error("", "pipeline '" + name + "': " + e.getMessage(), e);
    }
  }

  private PipelineAction action(ConfigNode node, Recorder recorder, List<Sink> toSinks,
      Map<String, ThresholdAlarm> alarms) {
    String type = node.text("type");
    switch (type) {
      case "alarm": {
        node.checkFields("type", "name", "output", "raiseAbove", "clearBelow", "minDuration");
        ThresholdAlarm.Builder b = ThresholdAlarm.newBuilder().name(node.text("name", "alarm"))
            .raiseAbove(node.number("raiseAbove")).clearBelow(node.number("clearBelow", node.number("raiseAbove")))
            .minDuration(node.duration("minDuration", Duration.ZERO)).listener(this::onAlarm);
        if (node.has("output")) {
          b.output(node.text("output"));
        }
        if (recorder != null) {
          b.listener(recorder);
        }
        toSinks.forEach(b::listener);
        return b.build();
      }
      case "write": {
        node.checkFields("type", "guard", "machine", "output", "linear", "threshold", "alarm");
        WriteGuard guard = named(node, "guard", guards, "guard");
        String output = node.text("output", null);
        ToDoubleFunction<MachineResult> value = r -> output == null ? r.value() : r.value(output);
        ToDoubleFunction<MachineResult> proposal;
        String machine = node.text("machine");
        int forms = (node.has("linear") ? 1 : 0) + (node.has("threshold") ? 1 : 0) + (node.has("alarm") ? 1 : 0);
        if (forms != 1) {
          throw node.error("", "expected exactly one of linear {scale, offset}, threshold {above, propose, otherwise}"
              + " or alarm {name, propose, otherwise}");
        } else if (node.has("alarm")) {
          // While the named alarm (an earlier action of this pipeline) is raised for the machine, propose one value.
          ConfigNode a = node.object("alarm").checkFields("name", "propose", "otherwise");
          ThresholdAlarm alarm = named(a, "name", alarms, "alarm");
          double propose = a.number("propose");
          double otherwise = a.number("otherwise");
          proposal = r -> alarm.isRaised(machine) ? propose : otherwise;
        } else if (node.has("linear")) {
          ConfigNode l = node.object("linear").checkFields("scale", "offset");
          double scale = l.number("scale");
          double offset = l.number("offset", 0);
          proposal = r -> offset + scale * value.applyAsDouble(r);
        } else {
          ConfigNode t = node.object("threshold").checkFields("above", "propose", "otherwise");
          double above = t.number("above");
          double propose = t.number("propose");
          double otherwise = t.number("otherwise");
          proposal = r -> value.applyAsDouble(r) > above ? propose : otherwise;
        }
        if (recorder != null) {
          guard.addListener(recorder);
        }
        for (Sink sink : toSinks) {
          // Once per guard and sink, however many pipelines or actions share them: a decision is sent once.
          if (guardSinks.computeIfAbsent(guard, g -> new ArrayList<>()).stream().noneMatch(s -> s == sink)) {
            guardSinks.get(guard).add(sink);
            guard.addListener(sink);
          }
        }
        return new GuardedWrite(machine, guard, proposal);
      }
      case "publish": {
        node.checkFields("type", "device", "tags", "output");
        String deviceName = node.text("device");
        Device device = device(node, "device");
        Map<String, Tag> byMachine = new LinkedHashMap<>();
        for (ConfigNode entry : node.object("tags").fields()) {
          byMachine.put(entry.name(), tag(entry, deviceName, entry.asText()));
        }
        return new PublishToDevice(device, byMachine, node.text("output", null));
      }
      default:
        throw node.error("type", "unknown action type '" + type + "' (expected alarm, write or publish)");
    }
  }

  // ----------------------------------------------------------------------------------------- lookups

  private Device device(ConfigNode node, String field) {
    return named(node, field, devices, "device");
  }

  private List<Tag> tags(ConfigNode node, String field, String deviceName) {
    if (!deviceConfigs.containsKey(deviceName)) {
      throw node.error("device", "no device '" + deviceName + "' (devices: " + deviceConfigs.keySet() + ")");
    }
    if (node.node(field).isText()) {
      return List.of(tag(node.node(field), deviceName, node.text(field)));
    }
    List<Tag> tags = new ArrayList<>();
    List<ConfigNode> items = node.array(field);
    List<String> names = node.strings(field);
    for (int i = 0; i < names.size(); i++) {
      tags.add(tag(items.get(i), deviceName, names.get(i)));
    }
    return tags;
  }

  private Tag tag(ConfigNode at, String deviceName, String tagName) {
    DeviceConfig dc = deviceConfigs.get(deviceName);
    return dc.tag(tagName).orElseThrow(() -> at.error("", "device '" + deviceName + "' has no tag '" + tagName
        + "' (tags: " + dc.tags().stream().map(Tag::name).toList() + ")"));
  }

  private static <T> T named(ConfigNode node, String field, Map<String, T> map, String what) {
    String name = node.text(field);
    T t = map.get(name);
    if (t == null) {
      throw node.error(field, "no " + what + " '" + name + "' (" + what + "s: " + map.keySet() + ")");
    }
    return t;
  }

  private static String unique(ConfigNode node, Map<String, ?> existing) {
    String name = node.text("name");
    if (existing.containsKey(name)) {
      throw node.error("name", "duplicate name '" + name + "'");
    }
    return name;
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, String text) {
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(text)) {
        return e;
      }
    }
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(e.name().toLowerCase(Locale.ROOT));
    }
    throw new IllegalArgumentException("expected one of " + names + ", found \"" + text + "\"");
  }

  private static BackPressure backPressure(String text) {
    if (text.equals("skipStale")) {
      return BackPressure.skipStale();
    }
    if (text.startsWith("queue:")) {
      try {
        return BackPressure.queue(Integer.parseInt(text.substring("queue:".length())));
      } catch (NumberFormatException e) {
        // fall through to the message below
      }
    }
    throw new IllegalArgumentException("expected skipStale or queue:<bound>, found \"" + text + "\"");
  }

  private <T extends AutoCloseable> T keep(T resource) {
    opened.add(resource);
    return resource;
  }

  private void onAlarm(AlarmEvent event) {
    for (AlarmListener l : alarmListeners) {
      try {
        l.onAlarm(event);
      } catch (RuntimeException e) {
        LOG.warn("alarm listener failed on {}", event, e);
      }
    }
  }

  // ------------------------------------------------------------------------------------------ access

  /** Hears every alarm of every pipeline's alarm actions. */
  public void addAlarmListener(AlarmListener listener) {
    alarmListeners.add(listener);
  }

  public Optional<Pipeline> pipeline(String name) {
    return Optional.ofNullable(pipelines.get(name));
  }

  public Optional<WriteGuard> guard(String name) {
    return Optional.ofNullable(guards.get(name));
  }

  public Optional<Recorder> recorder(String name) {
    return Optional.ofNullable(recorders.get(name));
  }

  public Optional<Device> device(String name) {
    return Optional.ofNullable(devices.get(name));
  }

  public Optional<Model> model(String name) {
    return Optional.ofNullable(models.get(name));
  }

  public Optional<Sink> sink(String name) {
    return Optional.ofNullable(sinks.get(name));
  }

  /** Returns the sinks by name, in the order of the config; a read-only view. */
  public Map<String, Sink> sinks() {
    return Collections.unmodifiableMap(sinks);
  }

  /** Returns the pipelines by name, in the order of the config; a read-only view. */
  public Map<String, Pipeline> pipelines() {
    return Collections.unmodifiableMap(pipelines);
  }

  /** Returns the write guards by name, in the order of the config; a read-only view. */
  public Map<String, WriteGuard> guards() {
    return Collections.unmodifiableMap(guards);
  }

  /** Returns the devices by name, in the order of the config; a read-only view. */
  public Map<String, Device> devices() {
    return Collections.unmodifiableMap(devices);
  }

  /** Returns the models by name, in the order of the config; a read-only view. */
  public Map<String, Model> models() {
    return Collections.unmodifiableMap(models);
  }

  /** Returns the alarm actions of the pipeline named {@code pipeline}, in the order of the config; empty if none. */
  public List<ThresholdAlarm> alarms(String pipeline) {
    return alarms.getOrDefault(pipeline, List.of());
  }

  /** Ends {@link #awaitStop}. */
  public void stop() {
    stopped.countDown();
  }

  /** Waits until {@link #stop()} is called or {@code duration} has passed ({@code 0}: no limit). */
  public void awaitStop(Duration duration) throws InterruptedException {
    if (duration.isZero()) {
      stopped.await();
    } else {
      stopped.await(duration.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Closes pipelines, guards, sinks (each after its subscriptions), the recorders' subscriptions, devices,
   * recorders and models, in this order.
   */
  @Override
  public void close() {
    stop();
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        LOG.warn("closing {} failed", opened.get(i), e);
      }
    }
    opened.clear();
  }

  /** What sink providers see of the app: lookups with the app's own errors. */
  private final class Context implements AppContext {
    private final Path base;

    Context(Path base) {
      this.base = base;
    }

    @Override
    public Path baseDirectory() {
      return base;
    }

    @Override
    public Device device(ConfigNode node, String field) {
      return AifactoryApp.this.device(node, field);
    }

    @Override
    public List<Tag> tags(ConfigNode node, String field, String device) {
      return AifactoryApp.this.tags(node, field, device);
    }

    @Override
    public List<WriteGuard> guards(ConfigNode node, String field) {
      if (node.node(field).isText()) {
        return List.of(named(node, field, guards, "guard"));
      }
      List<WriteGuard> out = new ArrayList<>();
      List<ConfigNode> items = node.array(field);
      List<String> names = node.strings(field);
      for (int i = 0; i < names.size(); i++) {
        WriteGuard g = guards.get(names.get(i));
        if (g == null) {
          throw items.get(i).error("", "no guard '" + names.get(i) + "' (guards: " + guards.keySet() + ")");
        }
        out.add(g);
      }
      return out;
    }

    @Override
    public String toString() {
      return "AppContext{" + base + "}";
    }
  }

  /** Where an app's config comes from, and what code adds to it. */
  public static final class Builder {
    private ConfigNode root;
    private Path baseDirectory;
    private final Map<String, URI> deviceUris = new LinkedHashMap<>();
    private final List<String> extraFields = new ArrayList<>();
    private final Map<String, List<PipelineAction>> actions = new LinkedHashMap<>();
    private final List<AlarmListener> alarmListeners = new ArrayList<>();

    private Builder() {}

    /** Reads the config from {@code file}; relative paths in it are resolved against its folder. */
    public Builder config(Path file) {
      this.root = ConfigNode.read(file);
      this.baseDirectory = file.toAbsolutePath().getParent();
      return this;
    }

    /** Uses an already parsed config; relative paths in it are resolved against {@code baseDirectory}. */
    public Builder config(ConfigNode root, Path baseDirectory) {
      this.root = java.util.Objects.requireNonNull(root, "root");
      this.baseDirectory = java.util.Objects.requireNonNull(baseDirectory, "baseDirectory");
      return this;
    }

    /** Replaces the URI of the device named {@code device}, e.g. with a simulated PLC's address. */
    public Builder deviceUri(String device, URI uri) {
      deviceUris.put(device, uri);
      return this;
    }

    /** Allows a top-level field that the application reads itself (for example an example's own settings). */
    public Builder allowField(String topLevelField) {
      extraFields.add(topLevelField);
      return this;
    }

    /** Adds an action written in code to the pipeline named {@code pipeline}, after those of the config. */
    public Builder action(String pipeline, PipelineAction action) {
      actions.computeIfAbsent(pipeline, p -> new ArrayList<>()).add(java.util.Objects.requireNonNull(action, "action"));
      return this;
    }

    /** Hears every alarm of every pipeline, from the first result on. */
    public Builder alarmListener(AlarmListener listener) {
      alarmListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Opens and starts everything the config describes.
     *
     * @throws ConfigurationException naming the path of the first mistake; nothing is left open
     */
    public AifactoryApp start() {
      if (root == null) {
        throw new IllegalStateException("config not set");
      }
      List<String> allowed = new ArrayList<>(List.of(TOP_LEVEL));
      allowed.addAll(extraFields);
      root.checkFields(allowed.toArray(new String[0]));
      AifactoryApp app = new AifactoryApp();
      try {
        app.build(root, baseDirectory, this);
        return app;
      } catch (RuntimeException e) {
        app.close();
        throw e;
      }
    }
  }
}
