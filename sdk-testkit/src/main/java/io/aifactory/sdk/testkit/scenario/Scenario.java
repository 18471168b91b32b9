package io.aifactory.sdk.testkit.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated plant: devices with tags driven by deterministic signals, anomalies and faults on a schedule, a
 * default seed, and the tick at which a {@link ScenarioRunner} publishes values in real time. Load one with
 * {@link Scenarios#load(String)} or build one in code.
 */
public final class Scenario {
  private final String name;
  private final String description;
  private final long seed;
  private final Duration tick;
  private final List<ScenarioDevice> devices;
  private final List<ScenarioEvent> events;

  private Scenario(Builder b) {
    this.name = b.name;
    this.description = b.description;
    this.seed = b.seed;
    this.tick = b.tick;
    this.devices = List.copyOf(b.devices);
    this.events = List.copyOf(b.events);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  public String name() {
    return name;
  }

  public String description() {
    return description;
  }

  /** Returns the seed a run uses unless it is given another. */
  public long seed() {
    return seed;
  }

  /** Returns how often a runner in real time publishes new values. */
  public Duration tick() {
    return tick;
  }

  public List<ScenarioDevice> devices() {
    return devices;
  }

  public Optional<ScenarioDevice> device(String deviceName) {
    return devices.stream().filter(d -> d.name().equals(deviceName)).findFirst();
  }

  /** Returns the labelled events of the timeline (e.g. when a fault develops), in file order. */
  public List<ScenarioEvent> events() {
    return events;
  }

  /**
   * Returns the event with this name.
   *
   * @throws IllegalArgumentException naming the event and the known ones
   */
  public ScenarioEvent event(String eventName) {
    for (ScenarioEvent e : events) {
      if (e.name().equals(eventName)) return e;
    }
    List<String> names = new ArrayList<>();
    for (ScenarioEvent e : events) names.add(e.name());
    throw new IllegalArgumentException("scenario '" + name + "' has no event '" + eventName + "' (events: "
        + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
  }

  /** Returns the names of the events under way {@code elapsed} after the start: labels for that moment. */
  public List<String> activeEvents(Duration elapsed) {
    List<String> active = new ArrayList<>();
    for (ScenarioEvent e : events) {
      if (e.isActiveAt(elapsed)) active.add(e.name());
    }
    return active;
  }

  @Override
  public String toString() {
    return "Scenario{" + name + ", seed " + seed + ", " + devices.size() + " devices}";
  }

  /** Builds a {@link Scenario}; the name is required and device names must be unique. */
  public static final class Builder {
    private String name;
    private String description = "";
    private long seed = 1;
    private Duration tick = Duration.ofMillis(100);
    private final List<ScenarioDevice> devices = new ArrayList<>();
    private final List<ScenarioEvent> events = new ArrayList<>();

    private Builder() {}

    private Builder(Scenario s) {
      name = s.name;
      description = s.description;
      seed = s.seed;
      tick = s.tick;
      devices.addAll(s.devices);
      events.addAll(s.events);
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder tick(Duration tick) {
      Objects.requireNonNull(tick, "tick");
      if (tick.isNegative() || tick.isZero()) throw new IllegalArgumentException("tick <= 0: " + tick);
      this.tick = tick;
      return this;
    }

    /** Replaces the devices, e.g. to change their options in a copy made by {@link Scenario#toBuilder()}. */
    public Builder devices(List<ScenarioDevice> devices) {
      this.devices.clear();
      for (ScenarioDevice d : devices) addDevice(d);
      return this;
    }

    public Builder addDevice(ScenarioDevice device) {
      devices.add(Objects.requireNonNull(device, "device"));
      return this;
    }

    public Builder addEvent(ScenarioEvent event) {
      events.add(Objects.requireNonNull(event, "event"));
      return this;
    }

    /** @throws IllegalArgumentException if the name is missing or two devices (or two events) share a name */
    public Scenario build() {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("scenario name is empty");
      Set<String> seen = new HashSet<>();
      for (ScenarioDevice d : devices) {
        if (!seen.add(d.name())) throw new IllegalArgumentException("scenario '" + name + "': duplicate device name '" + d.name() + "'");
      }
      Set<String> eventNames = new HashSet<>();
      for (ScenarioEvent e : events) {
        if (!eventNames.add(e.name())) throw new IllegalArgumentException("scenario '" + name + "': duplicate event name '" + e.name() + "'");
      }
      return new Scenario(this);
    }
  }
}
