package io.aifactory.sdk.testkit.scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A simulated device of a scenario: its name, the kind of simulator that serves it ({@code modbus},
 * {@code opcua}), simulator options (e.g. {@code unitId}), its tags with their signals, and scheduled faults.
 */
public final class ScenarioDevice {
  private final String name;
  private final String kind;
  private final Map<String, String> options;
  private final List<ScenarioTag> tags;
  private final List<Fault> faults;

  private ScenarioDevice(Builder b) {
    this.name = b.name;
    this.kind = b.kind;
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(b.options));
    this.tags = List.copyOf(b.tags);
    this.faults = List.copyOf(b.faults);
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

  /** Returns the simulator kind, as registered in {@link SimulatorFactories}: {@code modbus}, {@code opcua}. */
  public String kind() {
    return kind;
  }

  /** Returns options for the simulator, whose meaning its kind defines (e.g. {@code unitId} for Modbus). */
  public Map<String, String> options() {
    return options;
  }

  public List<ScenarioTag> tags() {
    return tags;
  }

  public Optional<ScenarioTag> tag(String tagName) {
    return tags.stream().filter(t -> t.tag().name().equals(tagName)).findFirst();
  }

  public List<Fault> faults() {
    return faults;
  }

  @Override
  public String toString() {
    return "ScenarioDevice{" + name + " (" + kind + "), " + tags.size() + " tags, " + faults.size() + " faults}";
  }

  /** Builds a {@link ScenarioDevice}; name and kind are required and tag names must be unique. */
  public static final class Builder {
    private String name;
    private String kind;
    private final Map<String, String> options = new LinkedHashMap<>();
    private final List<ScenarioTag> tags = new ArrayList<>();
    private final List<Fault> faults = new ArrayList<>();

    private Builder() {}

    private Builder(ScenarioDevice d) {
      name = d.name;
      kind = d.kind;
      options.putAll(d.options);
      tags.addAll(d.tags);
      faults.addAll(d.faults);
    }

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    public Builder kind(String kind) {
      this.kind = Objects.requireNonNull(kind, "kind");
      return this;
    }

    public Builder option(String key, String value) {
      options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Builder addTag(ScenarioTag tag) {
      tags.add(Objects.requireNonNull(tag, "tag"));
      return this;
    }

    public Builder addFault(Fault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /**
     * @throws IllegalArgumentException if name or kind is missing, two tags share a name, or a response reads a tag
     *     that is not a setpoint of this device
     */
    public ScenarioDevice build() {
      if (name == null || name.isBlank()) throw new IllegalArgumentException("device name is empty");
      if (kind == null || kind.isBlank()) throw new IllegalArgumentException("device '" + name + "': kind is empty");
      Set<String> seen = new HashSet<>();
      for (ScenarioTag t : tags) {
        if (!seen.add(t.tag().name())) throw new IllegalArgumentException("device '" + name + "': duplicate tag name '" + t.tag().name() + "'");
      }
      for (ScenarioTag t : tags) {
        if (t.response().isEmpty()) continue;
        for (String input : t.response().get().setpointTags()) {
          boolean setpoint = tags.stream().anyMatch(x -> x.tag().name().equals(input) && x.isSetpoint());
          if (!setpoint) {
            throw new IllegalArgumentException("device '" + name + "': tag '" + t.tag().name() + "' responds to '" + input
                + "', which is not a setpoint of the device (a tag without signal or response)");
          }
        }
      }
      return new ScenarioDevice(this);
    }
  }
}
