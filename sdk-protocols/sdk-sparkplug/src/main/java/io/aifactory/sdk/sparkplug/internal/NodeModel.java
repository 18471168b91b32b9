package io.aifactory.sdk.sparkplug.internal;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.sparkplug.SparkplugDevice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.model.MetricDataTypeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge node's devices and metrics with their current values: turns samples, results and alarms into DATA
 * records by exception, and snapshots births. One lock (this object) covers values, report-by-exception state,
 * the devices' up flags and birth stamps, and the append to the outbox, so that records enter the outbox in the
 * order their values were taken.
 *
 * <p><b>Birth stamps.</b> Each birth of a device gets a fresh stamp, and each record carries its device's stamp at
 * the time it was made (0 while the node is offline). A record is sent as current data only if its device has not
 * been born again since: anything older than the device's latest birth is history, and is flagged so that a host
 * does not take it for the current value the birth already gave.
 */
public final class NodeModel {
  private static final Logger LOG = LoggerFactory.getLogger(NodeModel.class);

  private final List<DeviceModel> devices = new ArrayList<>();
  private final Map<String, DeviceModel> devicesByName = new HashMap<>();
  private final Map<String, List<MetricDef>> metricsByTag = new HashMap<>();
  private final Map<String, Machine> machines = new HashMap<>();
  private final MetricDataTypeMap nodeCommandTypes = new MetricDataTypeMap();
  private long nextStamp;
  private Outbox outbox;
  private long dropped;

  public NodeModel(List<SparkplugDevice> specs, long firstStamp) {
    this.nextStamp = firstStamp == 0 ? 1 : firstStamp;
    nodeCommandTypes.addMetricDataType(Payloads.REBIRTH, MetricDataType.Boolean);
    nodeCommandTypes.addMetricDataType(Payloads.REBIRTH_ALIAS, MetricDataType.Boolean);
    // Aliases are unique over the whole node, as the specification requires, and follow the configuration's order:
    // the same configuration gives the same aliases after a restart.
    long alias = Payloads.REBIRTH_ALIAS + 1;
    for (SparkplugDevice spec : specs) {
      if (devicesByName.containsKey(spec.name())) {
        throw new IllegalArgumentException("device '" + spec.name() + "' added twice");
      }
      DeviceModel d = new DeviceModel(devices.size(), spec.name(), spec.connection());
      for (Tag tag : spec.tags()) {
        WriteGuard guard = spec.writable().stream().filter(g -> g.tag().name().equals(tag.name())).findFirst()
            .orElse(null);
        MetricDef def = d.add(new MetricDef(d.index, tag.name(), alias++, MetricDef.typeOf(tag), tag.deadband(), guard));
        metricsByTag.computeIfAbsent(tag.name(), k -> new ArrayList<>()).add(def);
      }
      for (Map.Entry<String, List<String>> e : spec.machines().entrySet()) {
        if (machines.containsKey(e.getKey())) {
          throw new IllegalArgumentException("machine '" + e.getKey() + "' published by two devices");
        }
        Map<String, MetricDef> outputs = new LinkedHashMap<>();
        for (String output : e.getValue()) {
          outputs.put(output, d.add(new MetricDef(d.index, e.getKey() + "/" + output, alias++, MetricDataType.Double,
              0, null)));
        }
        MetricDef alarm = d.add(new MetricDef(d.index, e.getKey() + "/alarm", alias++, MetricDataType.Boolean, 0, null));
        machines.put(e.getKey(), new Machine(outputs, alarm));
      }
      devices.add(d);
      devicesByName.put(d.name, d);
    }
  }

  public List<DeviceModel> devices() {
    return devices;
  }

  /** Returns the device of this name, or null. */
  public DeviceModel device(String name) {
    return devicesByName.get(name);
  }

  /** Returns the types of the node's own command metrics, by name and alias, for decoding an NCMD. */
  public MetricDataTypeMap nodeCommandTypes() {
    return nodeCommandTypes;
  }

  /** Sets where records go from now on; null stops appending (values are still kept for births). */
  public synchronized void outbox(Outbox outbox) {
    this.outbox = outbox;
  }

  /** Returns the records refused by the outbox. */
  public synchronized long dropped() {
    return dropped;
  }

  /** Takes the tags of this node from a batch; returns whether a record was appended. */
  public synchronized boolean onSamples(SampleBatch batch) {
    Map<DeviceModel, List<DataRecord.Entry>> changes = null;
    for (int i = 0; i < batch.size(); i++) {
      List<MetricDef> defs = metricsByTag.get(batch.tag(i).name());
      if (defs == null) {
        continue;
      }
      int quality = Quality.code(batch.quality(i));
      long nanos = batch.sourceTimeNanos(i) != 0 ? batch.sourceTimeNanos(i) : batch.receiveTimeNanos();
      long millis = nanos / 1_000_000;
      for (MetricDef def : defs) {
        Object value = batch.quality(i).isBad() ? null : canonical(def, batch, i);
        changes = change(changes, def, value, quality, millis);
      }
    }
    return append(changes);
  }

  /**
   * Takes a pipeline result of a published machine; returns whether a record was appended.
   *
   * @throws IllegalArgumentException if the result lacks an output the device publishes
   */
  public synchronized boolean onResult(MachineResult result) {
    Machine m = machines.get(result.machine());
    if (m == null) {
      return false;
    }
    long millis = result.timeNanos() / 1_000_000;
    Map<DeviceModel, List<DataRecord.Entry>> changes = null;
    for (Map.Entry<String, MetricDef> e : m.outputs.entrySet()) {
      if (!result.outputNames().contains(e.getKey())) {
        throw new IllegalArgumentException("result of machine '" + result.machine() + "' has no output '"
            + e.getKey() + "' (outputs: " + result.outputNames() + ")");
      }
      double v = result.value(e.getKey());
      if (!result.hasValues()) {
        changes = change(changes, e.getValue(), null, Quality.code(result.quality()), millis);
      } else if (!Double.isFinite(v)) {
        // A result that claims a quality but holds NaN or infinity is still no number a host should show.
        changes = change(changes, e.getValue(), null, Quality.BAD, millis);
      } else {
        changes = change(changes, e.getValue(), v, Quality.code(result.quality()), millis);
      }
    }
    if (result.hasValues() && m.alarm.value == null) {
      // No alarm state yet (or since the pipeline closed): say what it is rather than leave it without a value.
      changes = change(changes, m.alarm, !m.raised.isEmpty(), Quality.GOOD, millis);
    }
    return append(changes);
  }

  /** Takes an alarm of a published machine: its alarm metric is true while any alarm is raised for it. */
  public synchronized boolean onAlarm(AlarmEvent event) {
    Machine m = machines.get(event.machine());
    if (m == null) {
      return false;
    }
    if (event.kind() == AlarmEvent.Kind.RAISED) {
      m.raised.add(event.alarm());
    } else {
      m.raised.remove(event.alarm());
    }
    return append(change(null, m.alarm, !m.raised.isEmpty(), Quality.GOOD, event.timeNanos() / 1_000_000));
  }

  /** Marks every result and alarm metric BAD with no value: nothing updates them any more (a pipeline closed). */
  public synchronized boolean resultsClosed() {
    long millis = System.currentTimeMillis();
    Map<DeviceModel, List<DataRecord.Entry>> changes = null;
    for (Machine m : machines.values()) {
      for (MetricDef def : m.outputs.values()) {
        changes = change(changes, def, null, Quality.BAD, millis);
      }
      changes = change(changes, m.alarm, null, Quality.BAD, millis);
    }
    return append(changes);
  }

  /** Sets whether a device's connection is up; returns whether that changed. */
  public synchronized boolean up(DeviceModel d, boolean up) {
    boolean changed = d.up != up;
    d.up = up;
    return changed;
  }

  public synchronized boolean isUp(DeviceModel d) {
    return d.up;
  }

  /** Returns the device's metrics for a DBIRTH, and gives it a new birth stamp: what was made before is history. */
  public synchronized List<Payloads.Value> birth(DeviceModel d) {
    d.stamp = nextStamp++;
    if (nextStamp == 0) {
      nextStamp = 1;
    }
    List<Payloads.Value> values = new ArrayList<>(d.metrics.size());
    for (MetricDef def : d.metrics) {
      values.add(new Payloads.Value(def, def.value, def.quality, def.timeMillis));
      def.markReported();
    }
    return values;
  }

  /** The device died (DDEATH) or the node went offline: records made from now on are not current data. */
  public synchronized void unborn(DeviceModel d) {
    d.stamp = 0;
  }

  /** A record resolved for sending: its device, values (metrics this configuration still has), and history flag. */
  public record Resolved(DeviceModel device, List<Payloads.Value> values, boolean historical) {}

  /**
   * Resolves a record read back from the outbox; returns null if its device is no longer configured. Metrics no
   * longer configured are left out (logged).
   */
  public synchronized Resolved resolve(DataRecord record) {
    DeviceModel d = devicesByName.get(record.device());
    if (d == null) {
      LOG.warn("buffered record of device '{}', which is no longer configured: skipped", record.device());
      return null;
    }
    List<Payloads.Value> values = new ArrayList<>(record.entries().size());
    for (DataRecord.Entry e : record.entries()) {
      MetricDef def = d.byName.get(e.metric());
      if (def == null) {
        LOG.warn("buffered value of metric '{}' of device '{}', which is no longer configured: skipped", e.metric(),
            d.name);
        continue;
      }
      values.add(new Payloads.Value(def, e.value(), e.quality(), e.timeMillis()));
    }
    boolean historical = record.epoch() == 0 || record.epoch() != d.stamp;
    return new Resolved(d, values, historical);
  }

  private Map<DeviceModel, List<DataRecord.Entry>> change(Map<DeviceModel, List<DataRecord.Entry>> changes,
      MetricDef def, Object value, int quality, long millis) {
    if (!def.update(value, quality, millis)) {
      return changes;
    }
    Map<DeviceModel, List<DataRecord.Entry>> c = changes != null ? changes : new LinkedHashMap<>();
    c.computeIfAbsent(devices.get(def.device()), k -> new ArrayList<>())
        .add(new DataRecord.Entry(def.name(), value, quality, millis));
    return c;
  }

  private boolean append(Map<DeviceModel, List<DataRecord.Entry>> changes) {
    if (changes == null || outbox == null) {
      return false;
    }
    boolean appended = false;
    for (Map.Entry<DeviceModel, List<DataRecord.Entry>> e : changes.entrySet()) {
      DeviceModel d = e.getKey();
      if (!d.up) {
        // Its DDEATH told the host that its metrics are stale; the next DBIRTH carries the values kept meanwhile.
        continue;
      }
      long first = e.getValue().get(0).timeMillis();
      byte[] record = new DataRecord(d.stamp, d.name, e.getValue()).encode();
      if (outbox.append(record, first * 1_000_000)) {
        appended = true;
      } else if (dropped++ % 100 == 0) {
        LOG.warn("store-and-forward buffer refused a record of device '{}' ({} refused so far)", d.name, dropped);
      }
    }
    return appended;
  }

  private static Object canonical(MetricDef def, SampleBatch batch, int i) {
    switch (def.kind()) {
      case BOOLEAN:
        return batch.doubleValue(i) != 0;
      case LONG:
        return batch.longValue(i);
      case DOUBLE:
        return batch.doubleValue(i);
      default:
        return String.valueOf(batch.value(i));
    }
  }

  /** A Sparkplug device: its metrics, and the state the node keeps for it. */
  public static final class DeviceModel {
    private final int index;
    private final String name;
    private final Device connection;
    private final List<MetricDef> metrics = new ArrayList<>();
    private final Map<String, MetricDef> byName = new HashMap<>();
    private final Map<Long, MetricDef> byAlias = new HashMap<>();
    private final MetricDataTypeMap commandTypes = new MetricDataTypeMap();
    // Guarded by the model's lock.
    private boolean up;
    private long stamp;
    /** Whether a DBIRTH was sent in the current session and no DDEATH since; the node's thread only. */
    public boolean born;

    DeviceModel(int index, String name, Device connection) {
      this.index = index;
      this.name = name;
      this.connection = connection;
      this.up = connection == null;
    }

    MetricDef add(MetricDef def) {
      metrics.add(def);
      byName.put(def.name(), def);
      byAlias.put(def.alias(), def);
      commandTypes.addMetricDataType(def.name(), def.type());
      commandTypes.addMetricDataType(def.alias(), def.type());
      return def;
    }

    public String name() {
      return name;
    }

    /** Returns the device whose connection this one follows, or null. */
    public Device connection() {
      return connection;
    }

    /** Returns the metric with this name or alias (the name wins when both are given), or null. */
    public MetricDef metric(String name, Long alias) {
      if (name != null) {
        return byName.get(name);
      }
      return alias == null ? null : byAlias.get(alias);
    }

    /** Returns the types of the metrics, by name and alias, for decoding a DCMD. */
    public MetricDataTypeMap commandTypes() {
      return commandTypes;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final class Machine {
    final Map<String, MetricDef> outputs;
    final MetricDef alarm;
    final Set<String> raised = new HashSet<>();

    Machine(Map<String, MetricDef> outputs, MetricDef alarm) {
      this.outputs = outputs;
      this.alarm = alarm;
    }
  }
}
