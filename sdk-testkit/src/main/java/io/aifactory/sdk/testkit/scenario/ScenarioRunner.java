package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.signal.Signal;
import io.aifactory.sdk.testkit.signal.SimulationClock;
import io.aifactory.sdk.testkit.signal.Waveform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Scenario}: starts one simulator per device, and publishes every driven tag's value (signal plus
 * anomalies, at the current simulation time) to its simulator with {@link SimulatedServer#set}; applies scheduled
 * faults through the simulators' fault methods.
 *
 * <p><b>Closed loop.</b> Tags with a {@link Response} answer what clients write: at each move of the clock the runner
 * reads the setpoints from the simulators, integrates each response over the move in steps of at most one
 * {@link Scenario#tick()}, and publishes the result. Whenever a process value leaves its limits, the run records a
 * {@link LimitViolation} (and logs it), so a test can assert that a write guard kept the plant safe:
 * {@code assertEquals(List.of(), plant.violations())}.
 *
 * <p>Time moves only when told: by {@link #advance(Duration)} in tests (no sleeps, fully deterministic), or by
 * an owned scheduler thread after {@link #runInRealTime()}, which the CLI uses. When time jumps, values are
 * published at the end of the jump and at each fault in between (so a client sees the plant as it was when the
 * fault struck). {@link #close()} stops the scheduler and every simulator, and deletes the run's work directory
 * (where simulators keep files such as certificates).
 *
 * <pre>{@code
 * try (ScenarioRunner plant = ScenarioRunner.start(Scenarios.load("spindle-line"))) {
 *   URI plc = plant.uri("line-plc");
 *   plant.advance(Duration.ofMinutes(3)); // spindle 2's bearing fault has begun
 * }
 * }</pre>
 */
public final class ScenarioRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ScenarioRunner.class);

  private final Scenario scenario;
  private final long seed;
  private final SimulationClock clock;
  private final Map<String, SimulatedServer> servers;
  private final List<Driven> driven;
  private final List<FaultEvent> faultSchedule;
  private final List<ResponseState> responses;
  private final List<LimitViolation> endedViolations = new ArrayList<>();
  private final Path workDirectory;
  private int nextFault;
  private ScheduledExecutorService scheduler;
  private boolean closed;

  private ScenarioRunner(Scenario scenario, long seed, SimulationClock clock, Map<String, SimulatedServer> servers, Path workDirectory) {
    this.scenario = scenario;
    this.workDirectory = workDirectory;
    this.seed = seed;
    this.clock = clock;
    this.servers = Collections.unmodifiableMap(servers);
    this.driven = new ArrayList<>();
    this.faultSchedule = new ArrayList<>();
    this.responses = new ArrayList<>();
    for (ScenarioDevice device : scenario.devices()) {
      SimulatedServer server = servers.get(device.name());
      for (ScenarioTag t : device.tags()) {
        if (t.response().isPresent()) {
          double[] setpoints = readSetpoints(server, t.response().get().setpointTags());
          responses.add(new ResponseState(device.name(), t, seed, clock.elapsedNanos(), setpoints, this::onViolation));
        } else if (t.isDriven()) {
          driven.add(new Driven(device.name(), server, t, t.signal(seed)));
        }
      }
      for (Fault f : device.faults()) addEvents(device.name(), server, f);
    }
    faultSchedule.sort(Comparator.comparingLong(e -> e.atNanos)); // stable: same time keeps file order
  }

  /** Starts a scenario with its own seed, every device on a free port, and the installed simulators. */
  public static ScenarioRunner start(Scenario scenario) {
    return newBuilder().scenario(scenario).start();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Scenario scenario() {
    return scenario;
  }

  /** Returns the seed of this run. */
  public long seed() {
    return seed;
  }

  /** Returns the simulation clock; read it freely, but move it only through this runner. */
  public SimulationClock clock() {
    return clock;
  }

  /** Returns the simulation time since the start. */
  public Duration elapsed() {
    return clock.elapsed();
  }

  /** Returns the simulators by device name, in scenario order. */
  public Map<String, SimulatedServer> servers() {
    return servers;
  }

  /**
   * Returns the simulator of a device.
   *
   * @throws IllegalArgumentException naming the device and the known ones
   */
  public SimulatedServer server(String deviceName) {
    SimulatedServer s = servers.get(deviceName);
    if (s == null) throw new IllegalArgumentException("no device '" + deviceName + "' in scenario '" + scenario.name() + "' (devices: " + String.join(", ", servers.keySet()) + ")");
    return s;
  }

  /**
   * Returns the simulator of a device as {@code type}, e.g. the Modbus simulator class.
   *
   * @throws IllegalArgumentException if there is no such device or its simulator is of another type
   */
  public <T extends SimulatedServer> T server(String deviceName, Class<T> type) {
    SimulatedServer s = server(deviceName);
    if (!type.isInstance(s)) throw new IllegalArgumentException("device '" + deviceName + "' is served by a " + s.getClass().getSimpleName() + ", not a " + type.getSimpleName());
    return type.cast(s);
  }

  /** Returns the URI a driver opens to reach a device's simulator. */
  public URI uri(String deviceName) {
    return server(deviceName).uri();
  }

  /**
   * Returns the signal driving a tag in this run (anomalies included), e.g. to compare what a client read with
   * what the plant served.
   *
   * @throws IllegalArgumentException if the device has no such driven tag
   */
  public Signal signal(String deviceName, String tagName) {
    for (Driven d : driven) {
      if (d.device.equals(deviceName) && d.tag.tag().name().equals(tagName)) return d.signal;
    }
    throw new IllegalArgumentException("no driven tag '" + tagName + "' on device '" + deviceName + "' in scenario '" + scenario.name() + "'");
  }

  /**
   * Returns the limit violations of the responding tags so far, in the order they began; one still under way has no
   * {@link LimitViolation#end() end}. Empty if the plant stayed within its limits.
   */
  public synchronized List<LimitViolation> violations() {
    List<LimitViolation> all = new ArrayList<>(endedViolations);
    for (ResponseState r : responses) {
      LimitViolation open = r.openViolation();
      if (open != null) all.add(open);
    }
    all.sort(Comparator.comparing(LimitViolation::start));
    return List.copyOf(all);
  }

  /**
   * Returns the process value of a responding tag now: what the plant is doing, without measurement noise (what
   * its limits are checked against).
   *
   * @throws IllegalArgumentException if the device has no such responding tag
   */
  public synchronized double processValue(String deviceName, String tagName) {
    for (ResponseState r : responses) {
      if (r.device().equals(deviceName) && r.tag().tag().name().equals(tagName)) return r.processValue();
    }
    throw new IllegalArgumentException("no responding tag '" + tagName + "' on device '" + deviceName + "' in scenario '" + scenario.name() + "'");
  }

  /**
   * Moves simulation time forwards by {@code amount}, applying the faults due on the way and publishing values.
   *
   * @throws IllegalStateException if the runner runs in real time or is closed
   */
  public synchronized void advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) throw new IllegalArgumentException("amount < 0: " + amount);
    if (scheduler != null) throw new IllegalStateException("scenario '" + scenario.name() + "' runs in real time; advance() is for a manual clock");
    moveTo(clock.elapsedNanos() + amount.toNanos());
  }

  /**
   * Moves simulation time forwards to {@code elapsed} since the start, e.g. {@code advanceTo(Duration.ofMinutes(5))}.
   *
   * @throws IllegalArgumentException if that is before the current simulation time
   * @throws IllegalStateException if the runner runs in real time or is closed
   */
  public synchronized void advanceTo(Duration elapsed) {
    Objects.requireNonNull(elapsed, "elapsed");
    Duration now = clock.elapsed();
    if (elapsed.compareTo(now) < 0) throw new IllegalArgumentException("elapsed < now: " + elapsed + " < " + now);
    advance(elapsed.minus(now));
  }

  /**
   * Starts an owned scheduler thread that moves simulation time with the wall clock, publishing every
   * {@link Scenario#tick()}; {@link #close()} stops it.
   *
   * @throws IllegalStateException if already running in real time or closed
   */
  public void runInRealTime() {
    runInRealTime(1.0);
  }

  /**
   * Like {@link #runInRealTime()}, but simulation time runs {@code speed} times as fast as the wall clock (e.g. 10
   * to reach a fault at 120 s after 12 s); values are still published every {@link Scenario#tick()} of wall time.
   *
   * @throws IllegalArgumentException if {@code speed} is not a finite number &gt; 0
   * @throws IllegalStateException if already running in real time or closed
   */
  public synchronized void runInRealTime(double speed) {
    if (!(speed > 0) || Double.isInfinite(speed)) throw new IllegalArgumentException("speed is not a finite number > 0: " + speed);
    checkOpen();
    if (scheduler != null) throw new IllegalStateException("scenario '" + scenario.name() + "' already runs in real time");
    long startWall = System.nanoTime();
    long startSim = clock.elapsedNanos();
    scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aifactory-scenario-" + scenario.name());
      t.setDaemon(true);
      return t;
    });
    long tick = scenario.tick().toNanos();
    scheduler.scheduleAtFixedRate(() -> {
      try {
        synchronized (this) {
          if (!closed) moveTo(simulationNanos(startSim, System.nanoTime() - startWall, speed));
        }
      } catch (RuntimeException e) {
        // A throwing task would stop the schedule for good; a failed tick should not end the simulation.
        LOG.warn("scenario '{}': tick at {} failed: {}", scenario.name(), clock.elapsed(), e.toString(), e);
      }
    }, tick, tick, TimeUnit.NANOSECONDS);
  }

  /** Returns the simulation time reached {@code wallNanos} after real time started at {@code startSim}. */
  static long simulationNanos(long startSim, long wallNanos, double speed) {
    return startSim + (long) (wallNanos * speed);
  }

  /** Stops the scheduler (if any) and every simulator; idempotent. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      if (closed) return;
      closed = true;
      s = scheduler;
    }
    if (s != null) {
      s.shutdownNow();
      try {
        if (!s.awaitTermination(10, TimeUnit.SECONDS)) LOG.warn("scenario '{}': scheduler did not stop within 10 s", scenario.name());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      closeAll(new ArrayList<>(servers.values()), null);
    } finally {
      deleteRecursively(workDirectory);
    }
  }

  @Override
  public String toString() {
    return "ScenarioRunner{" + scenario.name() + ", seed " + seed + ", at " + clock.elapsed() + "}";
  }

  private void moveTo(long target) {
    checkOpen();
    // What clients wrote since the last move takes effect from now (a write is seen at most one tick late in real time).
    for (ResponseState r : responses) r.setpoints(readSetpoints(servers.get(r.device()), r.setpointTags()));
    while (nextFault < faultSchedule.size() && faultSchedule.get(nextFault).atNanos <= target) {
      FaultEvent e = faultSchedule.get(nextFault++);
      if (e.atNanos > clock.elapsedNanos()) {
        moveClock(e.atNanos);
        publish();
      }
      LOG.info("scenario '{}' at {}: {} on device '{}'", scenario.name(), clock.elapsed(), e.description, e.device);
      e.action.run();
    }
    moveClock(target);
    publish();
  }

  private void moveClock(long target) {
    long step = scenario.tick().toNanos();
    for (ResponseState r : responses) r.advanceTo(target, step);
    clock.advanceTo(target);
  }

  /** Reads a response's setpoints from its simulator, in the response's order. */
  private static double[] readSetpoints(SimulatedServer server, List<String> names) {
    double[] values = new double[names.size()];
    for (int i = 0; i < values.length; i++) {
      Object v = server.get(names.get(i));
      values[i] = v instanceof Number ? ((Number) v).doubleValue() : v instanceof Boolean ? ((Boolean) v ? 1 : 0) : Double.NaN;
    }
    return values;
  }

  private void onViolation(LimitViolation v) {
    if (v.end().isPresent()) {
      endedViolations.add(v);
      LOG.warn("scenario '{}': limit violation over: {}", scenario.name(), v);
    } else {
      LOG.warn("scenario '{}': limit violation: {}", scenario.name(), v);
    }
  }

  /** Publishes every driven tag; one that fails does not keep the others from updating, and the first failure is rethrown. */
  private void publish() {
    long now = clock.elapsedNanos();
    RuntimeException failure = null;
    for (Driven d : driven) {
      try {
        d.publish(now);
      } catch (RuntimeException e) {
        RuntimeException named = new IllegalStateException("scenario '" + scenario.name() + "': cannot publish tag '" + d.tag.tag().name()
            + "' of device '" + d.device + "' at " + clock.elapsed() + ": " + e.getMessage(), e);
        if (failure == null) failure = named;
        else failure.addSuppressed(named);
      }
    }
    for (ResponseState r : responses) {
      try {
        Object value = TagValues.scalar(r.tag().tag(), r.publishedValue());
        if (value != null) servers.get(r.device()).set(r.tag().tag().name(), value);
      } catch (RuntimeException e) {
        RuntimeException named = new IllegalStateException("scenario '" + scenario.name() + "': cannot publish tag '" + r.tag().tag().name()
            + "' of device '" + r.device() + "' at " + clock.elapsed() + ": " + e.getMessage(), e);
        if (failure == null) failure = named;
        else failure.addSuppressed(named);
      }
    }
    if (failure != null) throw failure;
  }

  private void checkOpen() {
    if (closed) throw new IllegalStateException("scenario '" + scenario.name() + "' is closed");
  }

  private void addEvents(String device, SimulatedServer server, Fault f) {
    long at = f.at().toNanos();
    long end = at + f.duration().toNanos();
    switch (f.kind()) {
      case DROP_CONNECTIONS:
        faultSchedule.add(new FaultEvent(at, device, "drop connections", server::dropConnections));
        break;
      case STALL:
        faultSchedule.add(new FaultEvent(at, device, "stall for " + f.duration(), () -> server.stall(true)));
        faultSchedule.add(new FaultEvent(end, device, "end of stall", () -> server.stall(false)));
        break;
      case DELAY_REPLIES:
        faultSchedule.add(new FaultEvent(at, device, "delay replies by " + f.delay() + " for " + f.duration(), () -> server.delayReplies(f.delay())));
        faultSchedule.add(new FaultEvent(end, device, "end of reply delay", () -> server.delayReplies(Duration.ZERO)));
        break;
      case OUTAGE:
        faultSchedule.add(new FaultEvent(at, device, "outage for " + f.duration(), server::stop));
        faultSchedule.add(new FaultEvent(end, device, "end of outage", server::start));
        break;
      default:
        throw new IllegalStateException("unknown fault " + f.kind());
    }
  }

  private static void closeAll(List<SimulatedServer> started, Throwable failure) {
    RuntimeException first = null;
    Collections.reverse(started);
    for (SimulatedServer s : started) {
      try {
        s.close();
      } catch (RuntimeException e) {
        if (failure != null) failure.addSuppressed(e);
        else if (first == null) first = e;
        else first.addSuppressed(e);
      }
    }
    if (first != null) throw first;
  }

  private static void deleteRecursively(Path dir) {
    if (dir == null || !Files.exists(dir)) return;
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          LOG.debug("cannot delete {}: {}", p, e.toString());
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.debug("cannot delete {}: {}", dir, e.toString());
    }
  }

  /** A scheduled change to a simulator. */
  private static final class FaultEvent {
    final long atNanos;
    final String device;
    final String description;
    final Runnable action;

    FaultEvent(long atNanos, String device, String description, Runnable action) {
      this.atNanos = atNanos;
      this.device = device;
      this.description = description;
      this.action = action;
    }
  }

  /** A tag, its simulator and its signal for this run. */
  private static final class Driven {
    final String device;
    final SimulatedServer server;
    final ScenarioTag tag;
    final Signal signal;
    final Waveform waveform;

    Driven(String device, SimulatedServer server, ScenarioTag tag, Signal signal) {
      this.device = device;
      this.server = server;
      this.tag = tag;
      this.signal = signal;
      DataType type = tag.tag().dataType();
      this.waveform = type.isArray() ? new Waveform(signal, tag.sampleRateHz(), type.length()) : null;
    }

    void publish(long now) {
      Tag t = tag.tag();
      Object value = waveform != null ? TagValues.array(t.dataType(), waveform.frameAt(now)) : TagValues.scalar(t, signal.valueAt(now));
      if (value != null) server.set(t.name(), value);
    }
  }

  /** Builds and starts a {@link ScenarioRunner}. */
  public static final class Builder {
    private Scenario scenario;
    private Long seed;
    private SimulationClock clock;
    private SimulatorFactories factories;
    private final Map<String, Integer> ports = new LinkedHashMap<>();

    private Builder() {}

    public Builder scenario(Scenario scenario) {
      this.scenario = Objects.requireNonNull(scenario, "scenario");
      return this;
    }

    /** Runs with {@code seed} instead of the scenario's own. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Uses {@code clock} (which should be at zero) instead of a new {@link SimulationClock}. */
    public Builder clock(SimulationClock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Uses these simulators instead of the installed ones. */
    public Builder simulators(SimulatorFactories factories) {
      this.factories = Objects.requireNonNull(factories, "factories");
      return this;
    }

    /** Serves {@code deviceName} on {@code port} instead of a free port; 0 picks a free one. */
    public Builder port(String deviceName, int port) {
      Objects.requireNonNull(deviceName, "deviceName");
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port not in [0, 65535]: " + port);
      ports.put(deviceName, port);
      return this;
    }

    /**
     * Starts a simulator per device and publishes the values at time zero; if one fails to start, the ones
     * already started are closed.
     *
     * @throws IllegalArgumentException if a port is given for a device the scenario lacks, or a kind is unknown
     */
    public ScenarioRunner start() {
      if (scenario == null) throw new IllegalArgumentException("scenario is missing");
      for (String name : ports.keySet()) {
        if (scenario.device(name).isEmpty()) throw new IllegalArgumentException("port given for unknown device '" + name + "' (devices: " + names(scenario) + ")");
      }
      SimulatorFactories f = factories != null ? factories : SimulatorFactories.installed();
      Map<String, SimulatedServer> servers = new LinkedHashMap<>();
      Path work;
      try {
        work = Files.createTempDirectory("aifactory-scenario-");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a work directory for scenario '" + scenario.name() + "': " + e.getMessage(), e);
      }
      try {
        for (ScenarioDevice device : scenario.devices()) {
          SimulatedServer server = f.get(device.kind()).start(device, ports.getOrDefault(device.name(), 0), work);
          servers.put(device.name(), Objects.requireNonNull(server, "simulator for device " + device.name()));
        }
        for (ScenarioDevice device : scenario.devices()) {
          for (ScenarioTag t : device.tags()) {
            if (t.initialValue().isPresent()) {
              Object v = TagValues.scalar(t.tag(), t.initialValue().getAsDouble());
              if (v != null) servers.get(device.name()).set(t.tag().name(), v);
            }
          }
        }
        ScenarioRunner runner = new ScenarioRunner(scenario, seed != null ? seed : scenario.seed(), clock != null ? clock : SimulationClock.create(), servers, work);
        synchronized (runner) {
          runner.moveTo(runner.clock.elapsedNanos());
        }
        return runner;
      } catch (RuntimeException | Error e) {
        try {
          closeAll(new ArrayList<>(servers.values()), e);
        } finally {
          deleteRecursively(work);
        }
        throw e;
      }
    }

    private static String names(Scenario s) {
      List<String> names = new ArrayList<>();
      for (ScenarioDevice d : s.devices()) names.add(d.name());
      return String.join(", ", names);
    }
  }
}
