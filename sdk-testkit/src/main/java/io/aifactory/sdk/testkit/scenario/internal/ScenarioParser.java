package io.aifactory.sdk.testkit.scenario.internal;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceDriver;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.config.PlantConfig;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.testkit.scenario.Fault;
import io.aifactory.sdk.testkit.scenario.Response;
import io.aifactory.sdk.testkit.scenario.Scenario;
import io.aifactory.sdk.testkit.scenario.ScenarioDevice;
import io.aifactory.sdk.testkit.scenario.ScenarioEvent;
import io.aifactory.sdk.testkit.scenario.ScenarioTag;
import io.aifactory.sdk.testkit.scenario.SimulatorFactories;
import io.aifactory.sdk.testkit.scenario.SimulatorFactory;
import io.aifactory.sdk.testkit.signal.Anomalies;
import io.aifactory.sdk.testkit.signal.Anomaly;
import io.aifactory.sdk.testkit.signal.Signal;
import io.aifactory.sdk.testkit.signal.Signals;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;

/**
 * Reads a scenario file into a {@link Scenario}, reporting the first mistake with its path in the file
 * ({@code devices[0].tags[2].signal.kind: unknown signal 'sinus' (expected ...)}).
 *
 * <p>Random signals get a seed derived from the run's seed and their place in the file (device, tag and position
 * in the signal), unless the file fixes one; a named signal in {@code signals} gets the same values wherever it is
 * referenced, so a quantity served by two devices reads the same on both.
 */
public final class ScenarioParser {
  /** Opens a file that a scenario refers to (a CSV to replay), relative to the scenario itself. */
  @FunctionalInterface
  public interface Resources {
    Reader open(String name) throws IOException;
  }

  private static final String[] ROOT_FIELDS = {"name", "description", "seed", "tick", "signals", "devices", "events"};
  private static final String[] DEVICE_FIELDS = {"name", "kind", "options", "tags", "faults"};
  private static final String[] TAG_EXTRA_FIELDS = {"signal", "sampleRate", "initial", "response"};
  private static final String[] RESPONSE_FIELDS = {"inputs", "offset", "timeConstant", "deadTime", "noise", "limits", "initial"};
  private static final String SIGNAL_KINDS = "constant, sine, ramp, square, step, randomWalk, noise, csv, sum, product, scale, ref";
  private static final String ANOMALY_KINDS = "spike, drift, stuck, noiseBurst, dropout";
  private static final String FAULT_KINDS = "dropConnections, stall, delayReplies, outage";

  private final SimulatorFactories factories;
  private final Resources resources;
  private final Map<String, ConfigNode> namedNodes = new LinkedHashMap<>();
  private final Map<String, LongFunction<Signal>> named = new HashMap<>();
  private final Set<String> resolving = new LinkedHashSet<>();
  private long checkSeed;

  private ScenarioParser(SimulatorFactories factories, Resources resources) {
    this.factories = factories;
    this.resources = resources;
  }

  /** Reads a whole scenario from its root node. */
  public static Scenario parse(ConfigNode root, String defaultName, SimulatorFactories factories, Resources resources) {
    return new ScenarioParser(factories, resources).scenario(root, defaultName);
  }

  private Scenario scenario(ConfigNode root, String defaultName) {
    root.checkFields(ROOT_FIELDS);
    Scenario.Builder b = Scenario.newBuilder().name(root.text("name", defaultName)).description(root.text("description", ""));
    checkSeed = root.integer("seed", 1);
    b.seed(checkSeed);
    Duration tick = root.duration("tick", Duration.ofMillis(100));
    if (tick.isZero()) throw root.error("tick", "expected a duration > 0, found 0");
    b.tick(tick);
    if (root.has("signals")) {
      ConfigNode signals = root.object("signals");
      // The name is everything after "signals.": ConfigNode.name() would cut a dotted name like spindle1.speed.
      for (ConfigNode n : signals.fields()) namedNodes.put(n.path().substring(signals.path().length() + 1), n);
      for (String name : namedNodes.keySet()) namedSignal(name, null);
    }
    Map<String, String> seen = new HashMap<>();
    List<ConfigNode> deviceNodes = root.array("devices");
    if (deviceNodes.isEmpty()) throw root.error("devices", "expected at least one device, found none");
    for (ConfigNode d : deviceNodes) {
      ScenarioDevice device = device(d);
      String previous = seen.putIfAbsent(device.name(), d.path());
      if (previous != null) throw d.error("name", "duplicate device name '" + device.name() + "' (first at " + previous + ")");
      b.addDevice(device);
    }
    Map<String, String> seenEvents = new HashMap<>();
    for (ConfigNode e : root.optionalArray("events")) {
      e.checkFields("name", "description", "at", "duration");
      ScenarioEvent event;
      try {
        event = new ScenarioEvent(e.text("name"), e.text("description", ""), requiredDuration(e, "at"), e.duration("duration", null));
      } catch (IllegalArgumentException ex) {
        throw e.error("", ex.getMessage(), ex);
      }
      String previous = seenEvents.putIfAbsent(event.name(), e.path());
      if (previous != null) throw e.error("name", "duplicate event name '" + event.name() + "' (first at " + previous + ")");
      b.addEvent(event);
    }
    return b.build();
  }

  private ScenarioDevice device(ConfigNode node) {
    node.checkFields(DEVICE_FIELDS);
    String name = node.text("name");
    String kind = node.text("kind");
    SimulatorFactory factory;
    try {
      factory = factories.get(kind);
    } catch (IllegalArgumentException e) {
      throw node.error("kind", e.getMessage(), e);
    }
    ScenarioDevice.Builder b = ScenarioDevice.newBuilder().name(name).kind(kind);
    Map<String, String> options = new LinkedHashMap<>();
    if (node.has("options")) {
      for (ConfigNode o : node.object("options").fields()) options.put(o.name(), o.asText());
      try {
        factory.checkOptions(options);
      } catch (IllegalArgumentException e) {
        throw node.error("options", e.getMessage(), e);
      }
    }
    options.forEach(b::option);
    DeviceDriver addressChecker = new AddressChecker(factory);
    Map<String, String> seen = new HashMap<>();
    Map<String, ScenarioTag> tags = new LinkedHashMap<>();
    List<ConfigNode> tagNodes = node.optionalArray("tags");
    for (ConfigNode t : tagNodes) {
      ScenarioTag tag = tag(t, name, addressChecker);
      String previous = seen.putIfAbsent(tag.tag().name(), t.path());
      if (previous != null) throw t.error("name", "duplicate tag name '" + tag.tag().name() + "' (first at " + previous + ")");
      tags.put(tag.tag().name(), tag);
      b.addTag(tag);
    }
    // Responses read setpoints of their own device; checked once every tag of the device is known.
    for (ConfigNode t : tagNodes) {
      if (!t.has("response")) continue;
      List<ConfigNode> inputs = t.object("response").array("inputs");
      for (ConfigNode in : inputs) {
        if (in.has("tag")) checkSetpoint(in, in.text("tag"), name, tags);
      }
    }
    for (ConfigNode f : node.optionalArray("faults")) b.addFault(fault(f));
    return b.build();
  }

  private ScenarioTag tag(ConfigNode node, String deviceName, DeviceDriver addressChecker) {
    Tag tag = PlantConfig.readTag(node, addressChecker, TAG_EXTRA_FIELDS);
    ScenarioTag.Builder b = ScenarioTag.newBuilder().tag(tag);
    if (node.has("signal")) b.seededSignal(signal(node.object("signal"), deviceName + "/" + tag.name()));
    if (node.has("sampleRate")) {
      double rate = node.number("sampleRate");
      if (!(rate > 0)) throw node.error("sampleRate", "expected a frequency in Hz > 0, found " + rate);
      b.sampleRateHz(rate);
    }
    if (node.has("initial")) b.initialValue(node.number("initial"));
    if (node.has("response")) b.response(response(node.object("response"), deviceName + "/" + tag.name()));
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
  }

  private Response response(ConfigNode node, String stream) {
    node.checkFields(RESPONSE_FIELDS);
    Response.Builder b = Response.newBuilder();
    List<ConfigNode> inputs = node.array("inputs");
    if (inputs.isEmpty()) throw node.error("inputs", "expected at least one input ({\"tag\": setpoint, \"signal\": {...}, \"gain\": k}), found none");
    for (int i = 0; i < inputs.size(); i++) {
      ConfigNode in = inputs.get(i);
      in.checkFields("tag", "signal", "gain");
      if (!in.has("tag") && !in.has("signal")) throw in.error("", "expected a tag (a setpoint of this device), a signal, or both");
      double gain = in.number("gain", 1);
      if (!Double.isFinite(gain)) throw in.error("gain", "expected a finite number, found " + gain);
      String tag = in.has("tag") ? in.text("tag") : null;
      LongFunction<Signal> signal = in.has("signal") ? signal(in.object("signal"), stream + "#response.input" + i) : null;
      b.input(signal == null ? Response.Input.ofTag(tag, gain) : Response.Input.of(tag, signal, gain));
    }
    b.offset(finite(node, "offset", 0));
    b.timeConstant(node.duration("timeConstant", Duration.ZERO));
    b.deadTime(node.duration("deadTime", Duration.ZERO));
    double noise = finite(node, "noise", 0);
    if (noise < 0) throw node.error("noise", "expected a standard deviation >= 0, found " + noise);
    b.noise(noise);
    if (node.has("limits")) {
      ConfigNode limits = node.object("limits").checkFields("min", "max");
      if (!limits.has("min") && !limits.has("max")) throw node.error("limits", "expected min, max or both");
      double min = limits.number("min", Double.NEGATIVE_INFINITY);
      double max = limits.number("max", Double.POSITIVE_INFINITY);
      if (!(min < max)) throw node.error("limits", "expected min < max, found min " + min + " and max " + max);
      b.limits(min, max);
    }
    if (node.has("initial")) b.initial(finite(node, "initial", 0));
    return b.build();
  }

  private static double finite(ConfigNode node, String field, double defaultValue) {
    double v = node.number(field, defaultValue);
    if (!Double.isFinite(v)) throw node.error(field, "expected a finite number, found " + v);
    return v;
  }

  /** A response input's tag must be a setpoint of the same device: a scalar that clients write and nothing drives. */
  private static void checkSetpoint(ConfigNode input, String name, String deviceName, Map<String, ScenarioTag> tags) {
    ScenarioTag t = tags.get(name);
    if (t == null) {
      List<String> setpoints = new ArrayList<>();
      tags.values().stream().filter(ScenarioTag::isSetpoint).forEach(x -> setpoints.add(x.tag().name()));
      throw input.error("tag", "no tag '" + name + "' on device '" + deviceName + "' (its setpoints, tags without signal or response: "
          + (setpoints.isEmpty() ? "none" : String.join(", ", setpoints)) + ")");
    }
    if (!t.isSetpoint()) {
      throw input.error("tag", "tag '" + name + "' is driven by " + (t.isDriven() ? "a signal" : "a response")
          + "; a response input reads a setpoint (a tag without signal or response, which clients write); for a driven quantity use its signal");
    }
    DataType type = t.tag().dataType();
    if (!type.isScalarNumeric() && type.kind() != DataType.Kind.BOOL) {
      throw input.error("tag", "tag '" + name + "' is " + type + ": a response input reads a scalar number or boolean");
    }
  }

  private Fault fault(ConfigNode node) {
    String kind = node.text("kind");
    try {
      switch (kind) {
        case "dropConnections":
          node.checkFields("kind", "at");
          return Fault.dropConnections(requiredDuration(node, "at"));
        case "stall":
          node.checkFields("kind", "at", "duration");
          return Fault.stall(requiredDuration(node, "at"), requiredDuration(node, "duration"));
        case "delayReplies":
          node.checkFields("kind", "at", "duration", "delay");
          return Fault.delayReplies(requiredDuration(node, "at"), requiredDuration(node, "duration"), requiredDuration(node, "delay"));
        case "outage":
          node.checkFields("kind", "at", "duration");
          return Fault.outage(requiredDuration(node, "at"), requiredDuration(node, "duration"));
        default:
          throw node.error("kind", "unknown fault '" + kind + "' (expected " + FAULT_KINDS + ")");
      }
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
  }

  /** Reads a signal object; {@code stream} names it for seed derivation. */
  private LongFunction<Signal> signal(ConfigNode node, String stream) {
    String kind = node.text("kind");
    LongFunction<Signal> base = baseSignal(node, kind, stream);
    List<LongFunction<Anomaly>> anomalies = new ArrayList<>();
    List<ConfigNode> anomalyNodes = node.optionalArray("anomalies");
    for (int i = 0; i < anomalyNodes.size(); i++) anomalies.add(anomaly(anomalyNodes.get(i), stream + "#anomaly" + i));
    LongFunction<Signal> full = anomalies.isEmpty() ? base : seed -> {
      Signal s = base.apply(seed);
      for (LongFunction<Anomaly> a : anomalies) s = a.apply(seed).applyTo(s);
      return s;
    };
    // Build once now so that a bad combination (e.g. a walk starting outside its bounds) is reported here, at its path.
    try {
      full.apply(checkSeed);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw node.error("", e.getMessage(), e);
    }
    return full;
  }

  private LongFunction<Signal> baseSignal(ConfigNode node, String kind, String stream) {
    switch (kind) {
      case "constant": {
        fields(node, "value");
        double value = node.number("value");
        return seed -> Signals.constant(value);
      }
      case "sine": {
        fields(node, "amplitude", "period", "frequency", "offset", "phase");
        double amplitude = node.number("amplitude");
        double offset = node.number("offset", 0);
        double phase = Math.toRadians(node.number("phase", 0));
        Duration period;
        if (node.has("frequency") == node.has("period")) throw node.error("", "expected exactly one of period (a duration) and frequency (in Hz)");
        if (node.has("frequency")) {
          double hz = node.number("frequency");
          if (!(hz > 0)) throw node.error("frequency", "expected a frequency in Hz > 0, found " + hz);
          return seed -> Signals.tone(amplitude, hz, phase).plus(Signals.constant(offset));
        }
        period = requiredDuration(node, "period");
        return seed -> Signals.sine(amplitude, period, offset, phase);
      }
      case "ramp": {
        fields(node, "start", "slope", "at", "min", "max");
        double start = node.number("start", 0);
        double slope = node.number("slope");
        Duration at = node.duration("at", Duration.ZERO);
        double min = node.number("min", Double.NEGATIVE_INFINITY);
        double max = node.number("max", Double.POSITIVE_INFINITY);
        return seed -> Signals.ramp(start, slope, at, min, max);
      }
      case "square": {
        fields(node, "low", "high", "period", "duty");
        double low = node.number("low");
        double high = node.number("high");
        Duration period = requiredDuration(node, "period");
        double duty = node.number("duty", 0.5);
        return seed -> Signals.square(low, high, period, duty);
      }
      case "step": {
        fields(node, "before", "after", "at");
        double before = node.number("before");
        double after = node.number("after");
        Duration at = requiredDuration(node, "at");
        return seed -> Signals.step(before, after, at);
      }
      case "randomWalk": {
        fields(node, "start", "stepStdDev", "step", "min", "max", "seed");
        double start = node.number("start");
        double stdDev = node.number("stepStdDev");
        Duration step = node.duration("step", Duration.ofSeconds(1));
        double min = node.number("min", Double.NEGATIVE_INFINITY);
        double max = node.number("max", Double.POSITIVE_INFINITY);
        LongFunction<Long> seeds = seeds(node, stream);
        return seed -> Signals.randomWalk(seeds.apply(seed), start, stdDev, step, min, max);
      }
      case "noise": {
        fields(node, "stdDev", "mean", "seed");
        double stdDev = node.number("stdDev");
        double mean = node.number("mean", 0);
        LongFunction<Long> seeds = seeds(node, stream);
        return seed -> Signals.gaussianNoise(seeds.apply(seed), stdDev).plus(Signals.constant(mean));
      }
      case "csv": {
        fields(node, "file", "column", "loop");
        String file = node.text("file");
        String column = node.text("column");
        boolean loop = node.bool("loop", true);
        Signal replay;
        try (Reader reader = resources.open(file)) {
          replay = Signals.replay(reader, file, column, loop);
        } catch (IOException e) {
          throw node.error("file", "cannot read '" + file + "': " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
          throw node.error("file", e.getMessage(), e);
        }
        return seed -> replay;
      }
      case "sum":
      case "product": {
        fields(node, "of");
        List<ConfigNode> parts = node.array("of");
        if (parts.isEmpty()) throw node.error("of", "expected at least one signal, found none");
        List<LongFunction<Signal>> fs = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) fs.add(signal(parts.get(i), stream + "/" + kind + i));
        boolean sum = kind.equals("sum");
        return seed -> {
          List<Signal> signals = new ArrayList<>(fs.size());
          for (LongFunction<Signal> f : fs) signals.add(f.apply(seed));
          return sum ? Signals.sum(signals) : Signals.product(signals);
        };
      }
      case "scale": {
        fields(node, "factor", "of");
        double factor = node.number("factor");
        LongFunction<Signal> of = signal(node.object("of"), stream + "/scale");
        return seed -> Signals.scale(of.apply(seed), factor);
      }
      case "ref": {
        fields(node, "name");
        String name = node.text("name");
        return namedSignal(name, node);
      }
      default:
        throw node.error("kind", "unknown signal '" + kind + "' (expected " + SIGNAL_KINDS + ")");
    }
  }

  private LongFunction<Signal> namedSignal(String name, ConfigNode reference) {
    LongFunction<Signal> done = named.get(name);
    if (done != null) return done;
    ConfigNode node = namedNodes.get(name);
    if (node == null) {
      throw reference.error("name", "unknown signal name '" + name + "' (the file's signals are: "
          + (namedNodes.isEmpty() ? "none" : String.join(", ", namedNodes.keySet())) + ")");
    }
    if (!resolving.add(name)) throw reference.error("name", "signal '" + name + "' refers to itself through " + String.join(" -> ", resolving));
    LongFunction<Signal> f = signal(node, "signals/" + name);
    resolving.remove(name);
    named.put(name, f);
    return f;
  }

  private LongFunction<Anomaly> anomaly(ConfigNode node, String stream) {
    String kind = node.text("kind");
    try {
      switch (kind) {
        case "spike": {
          node.checkFields("kind", "at", "duration", "magnitude");
          Duration at = requiredDuration(node, "at");
          Duration duration = node.duration("duration", Duration.ofSeconds(1));
          double magnitude = node.number("magnitude");
          return checked(node, seed -> Anomalies.spike(at, duration, magnitude));
        }
        case "drift": {
          node.checkFields("kind", "at", "duration", "rate");
          Duration at = requiredDuration(node, "at");
          Duration duration = node.duration("duration", null);
          double rate = node.number("rate");
          return checked(node, seed -> Anomalies.drift(at, duration, rate));
        }
        case "stuck": {
          node.checkFields("kind", "at", "duration", "value");
          Duration at = requiredDuration(node, "at");
          Duration duration = node.duration("duration", null);
          if (node.has("value")) {
            double value = node.number("value");
            return checked(node, seed -> Anomalies.stuckAt(at, duration, value));
          }
          return checked(node, seed -> Anomalies.stuck(at, duration));
        }
        case "noiseBurst": {
          node.checkFields("kind", "at", "duration", "stdDev", "seed");
          Duration at = requiredDuration(node, "at");
          Duration duration = requiredDuration(node, "duration");
          double stdDev = node.number("stdDev");
          LongFunction<Long> seeds = seeds(node, stream);
          return checked(node, seed -> Anomalies.noiseBurst(at, duration, stdDev, seeds.apply(seed)));
        }
        case "dropout": {
          node.checkFields("kind", "at", "duration");
          Duration at = requiredDuration(node, "at");
          Duration duration = node.duration("duration", null);
          return checked(node, seed -> Anomalies.dropout(at, duration));
        }
        default:
          throw node.error("kind", "unknown anomaly '" + kind + "' (expected " + ANOMALY_KINDS + ")");
      }
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
  }

  private LongFunction<Anomaly> checked(ConfigNode node, LongFunction<Anomaly> f) {
    try {
      f.apply(checkSeed);
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
    return f;
  }

  /** Returns the seed for a random signal: fixed by the file, or derived from the run's seed and the stream. */
  private static LongFunction<Long> seeds(ConfigNode node, String stream) {
    if (node.has("seed")) {
      long fixed = node.integer("seed", 0);
      return seed -> fixed;
    }
    return seed -> Signals.deriveSeed(seed, stream);
  }

  private static void fields(ConfigNode node, String... fields) {
    String[] all = new String[fields.length + 2];
    all[0] = "kind";
    all[1] = "anomalies";
    System.arraycopy(fields, 0, all, 2, fields.length);
    node.checkFields(all);
  }

  private static Duration requiredDuration(ConfigNode node, String field) {
    if (!node.has(field)) throw node.error(field, "missing (required)");
    return node.duration(field, null);
  }

  /** Lets {@link PlantConfig#readTag} check addresses with a simulator factory, which knows its notation. */
  private static final class AddressChecker implements DeviceDriver {
    private final SimulatorFactory factory;

    AddressChecker(SimulatorFactory factory) {
      this.factory = factory;
    }

    @Override
    public Set<String> schemes() {
      return Set.of();
    }

    @Override
    public Device open(URI uri, DeviceOptions options) {
      throw new UnsupportedOperationException("checks addresses only");
    }

    @Override
    public void checkAddress(Tag tag) {
      try {
        factory.checkAddress(tag);
      } catch (AddressException e) {
        throw e;
      } catch (IllegalArgumentException | ConfigurationException e) {
        throw new AddressException(e.getMessage(), e);
      }
    }
  }
}
