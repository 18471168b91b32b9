package io.aifactory.sdk.sparkplug;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.WriteGuard;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Sparkplug device of an edge node and the metrics it publishes: tags (named as the tags are), pipeline results
 * ({@code <machine>/<output>}, {@code <machine>/alarm}) and writable setpoints, each behind a {@link WriteGuard}.
 * Immutable.
 *
 * <pre>{@code
 * SparkplugDevice press = SparkplugDevice.newBuilder("press3")
 *     .connection(plc)                      // DBIRTH / DDEATH follow the PLC's connection
 *     .tags(List.of(temperature, pressure)) // metrics "line1.temperature", "line1.pressure"
 *     .machine("press3", List.of("score"))  // metrics "press3/score" and "press3/alarm"
 *     .writable(feedGuard)                  // DCMD to the guard's tag goes through the guard
 *     .build();
 * }</pre>
 */
public final class SparkplugDevice {
  private final String name;
  private final Device connection;
  private final List<Tag> tags;
  private final Map<String, List<String>> machines;
  private final List<WriteGuard> writable;

  private SparkplugDevice(Builder b) {
    this.name = b.name;
    this.connection = b.connection;
    this.tags = List.copyOf(b.tags);
    Map<String, List<String>> m = new LinkedHashMap<>();
    b.machines.forEach((k, v) -> m.put(k, List.copyOf(v)));
    this.machines = Collections.unmodifiableMap(m);
    this.writable = List.copyOf(b.writable);
  }

  /**
   * Returns a builder for the device {@code name}, its Sparkplug device id.
   *
   * @throws IllegalArgumentException if the name is empty or holds a character MQTT topics reserve ({@code / + #})
   */
  public static Builder newBuilder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** Returns the device whose connection state this Sparkplug device follows, or null if it is always online. */
  public Device connection() {
    return connection;
  }

  public List<Tag> tags() {
    return tags;
  }

  /** Returns the machines whose results this device publishes, with the result outputs published for each. */
  public Map<String, List<String>> machines() {
    return machines;
  }

  /** Returns the guards through which commands may write, one per writable metric (the guard's tag). */
  public List<WriteGuard> writable() {
    return writable;
  }

  @Override
  public String toString() {
    return "SparkplugDevice{" + name + ", " + tags.size() + " tags, machines " + machines.keySet() + ", "
        + writable.size() + " writable}";
  }

  /** Builds a {@link SparkplugDevice}. */
  public static final class Builder {
    private final String name;
    private Device connection;
    private final List<Tag> tags = new ArrayList<>();
    private final Map<String, List<String>> machines = new LinkedHashMap<>();
    private final List<WriteGuard> writable = new ArrayList<>();

    private Builder(String name) {
      this.name = SparkplugIds.check("device name", name);
    }

    /**
     * The device whose connection this Sparkplug device follows: DBIRTH when it is CONNECTED, DDEATH when it is
     * not. Without one, the device is online whenever the edge node is.
     */
    public Builder connection(Device connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
      return this;
    }

    /** Adds tags to publish, from {@link SparkplugEdgeNode#onSamples}; each becomes a metric of the tag's name. */
    public Builder tags(List<Tag> tags) {
      for (Tag t : tags) {
        tag(t);
      }
      return this;
    }

    /**
     * Adds one tag to publish.
     *
     * @throws IllegalArgumentException for an array tag (not published yet)
     */
    public Builder tag(Tag tag) {
      Objects.requireNonNull(tag, "tag");
      if (tag.dataType().isArray()) {
        throw new IllegalArgumentException("device '" + name + "': tag '" + tag.name() + "' is an array ("
            + tag.dataType() + "); only scalar tags are published");
      }
      tags.add(tag);
      return this;
    }

    /**
     * Publishes the results of pipeline machine {@code machine}: metric {@code <machine>/<output>} (Double) for each
     * output named, and {@code <machine>/alarm} (Boolean), true while an alarm heard by the node is raised for it.
     */
    public Builder machine(String machine, List<String> outputs) {
      Objects.requireNonNull(machine, "machine");
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException("device '" + name + "': machine '" + machine + "' has no outputs");
      }
      machines.put(machine, List.copyOf(outputs));
      return this;
    }

    /**
     * Lets commands (DCMD) write the guard's tag, and only through the guard: a value in a DCMD for the metric of
     * the guard's tag name is proposed to it. The metric is published like the device's other tags (it is added
     * if not among them). Metrics not made writable refuse every command.
     */
    public Builder writable(WriteGuard guard) {
      Objects.requireNonNull(guard, "guard");
      if (guard.tag().dataType().isArray()) {
        throw new IllegalArgumentException("device '" + name + "': guard '" + guard.name() + "' writes an array");
      }
      writable.add(guard);
      return this;
    }

    /**
     * @throws IllegalArgumentException if two metrics of the device would share a name, or it publishes nothing
     */
    public SparkplugDevice build() {
      List<String> names = new ArrayList<>();
      for (Tag t : tags) {
        names.add(t.name());
      }
      for (WriteGuard g : writable) {
        if (tags.stream().noneMatch(t -> t.name().equals(g.tag().name()))) {
          names.add(g.tag().name());
        } else if (tags.stream().noneMatch(t -> t.equals(g.tag()))) {
          throw new IllegalArgumentException("device '" + name + "': guard '" + g.name() + "' writes tag "
              + g.tag() + ", not the tag of that name published here");
        }
      }
      machines.forEach((machine, outputs) -> {
        outputs.forEach(o -> names.add(machine + "/" + o));
        names.add(machine + "/alarm");
      });
      if (names.isEmpty()) {
        throw new IllegalArgumentException("device '" + name + "' publishes no metric");
      }
      List<String> seen = new ArrayList<>();
      for (String n : names) {
        if (n.isEmpty()) {
          throw new IllegalArgumentException("device '" + name + "': empty metric name");
        }
        if (seen.contains(n)) {
          throw new IllegalArgumentException("device '" + name + "': metric '" + n + "' defined twice");
        }
        seen.add(n);
      }
      // Writable guards' tags are published as tags; add the ones missing so that they have a birth value.
      for (WriteGuard g : writable) {
        if (tags.stream().noneMatch(t -> t.name().equals(g.tag().name()))) {
          tags.add(g.tag());
        }
      }
      return new SparkplugDevice(this);
    }
  }
}
