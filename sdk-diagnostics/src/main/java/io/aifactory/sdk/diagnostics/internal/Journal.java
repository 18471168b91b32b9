package io.aifactory.sdk.diagnostics.internal;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.GuardMetrics;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the page shows, kept in bounded rings. The hooks ({@link #onResult}, {@link #onAlarm}, the guard and state
 * listeners) run on pipeline, guard and device threads and only add to a ring or set a field; everything else (polling
 * metrics, building JSON) runs on the diagnostics thread through {@link #collect} and {@link #snapshot}.
 */
public final class Journal {
  private final int history;
  private final Map<String, PipelineView> pipelines = new ConcurrentHashMap<>();
  private final List<PipelineView> pipelineOrder = new CopyOnWriteArrayList<>();
  private final Ring<AlarmEvent> alarms = new Ring<>(200);
  /** Raised state per "pipeline/machine/alarm", from the events; watched alarms are asked directly. */
  private final Map<String, Boolean> alarmStates = new ConcurrentHashMap<>();
  private final Ring<GuardDecision> decisions;
  private final List<GuardView> guards = new CopyOnWriteArrayList<>();
  private final List<DeviceView> devices = new CopyOnWriteArrayList<>();
  private final List<ModelInfo> models = new CopyOnWriteArrayList<>();
  /** Grows whenever something is added that the page lays out (a pipeline, machine, device...): time for a snapshot. */
  private final AtomicLong layout = new AtomicLong();
  private volatile boolean closed;

  public Journal(int history, int decisionHistory) {
    this.history = history;
    this.decisions = new Ring<>(decisionHistory);
  }

  public long layout() {
    return layout.get();
  }

  /** Stops recording: hooks left registered somewhere (an app has no way to remove an alarm listener) do nothing. */
  public void close() {
    closed = true;
    for (GuardView g : guards) {
      g.guard.removeListener(g);
    }
    for (DeviceView d : devices) {
      d.device.removeStateListener(d);
    }
  }

  // ------------------------------------------------------------------------------- registration

  public void watch(Pipeline pipeline, List<ThresholdAlarm> thresholds) {
    PipelineView view = pipeline(pipeline.name());
    view.pipeline = pipeline;
    view.outputs = pipeline.outputNames();
    view.thresholds.addAll(thresholds);
    for (String m : pipeline.machines()) {
      view.series(m);
    }
    layout.incrementAndGet();
  }

  public void watch(WriteGuard guard) {
    GuardView view = new GuardView(guard);
    guards.add(view);
    guard.addListener(view);
    layout.incrementAndGet();
  }

  public void watch(String name, Device device) {
    DeviceView view = new DeviceView(name, device);
    view.history.add(new StateChange(device.state(), System.currentTimeMillis(), null));
    devices.add(view);
    device.addStateListener(view);
    layout.incrementAndGet();
  }

  public void watch(ModelInfo model) {
    models.add(model);
    layout.incrementAndGet();
  }

  private PipelineView pipeline(String name) {
    PipelineView view = pipelines.get(name);
    if (view != null) return view;
    synchronized (pipelines) {
      view = pipelines.computeIfAbsent(name, PipelineView::new);
      if (!pipelineOrder.contains(view)) {
        pipelineOrder.add(view);
        layout.incrementAndGet();
      }
      return view;
    }
  }

  // ------------------------------------------------------------------------------- hooks (callers' threads)

  /** On a pipeline's thread: one store into the machine's ring (the first result of an unknown machine adds it). */
  public void onResult(MachineResult result) {
    if (closed) return;
    PipelineView p = pipeline(result.pipeline());
    if (p.outputs == null) p.outputs = result.outputNames();
    p.series(result.machine()).add(result);
  }

  public void onAlarm(AlarmEvent event) {
    if (closed) return;
    alarms.add(event);
    alarmStates.put(event.pipeline() + "/" + event.machine() + "/" + event.alarm(), event.kind() == AlarmEvent.Kind.RAISED);
  }

  // ------------------------------------------------------------------------------- messages (diagnostics thread)

  /** Where a reader has got to in each ring; owned by the diagnostics thread. */
  public static final class Cursors {
    private final Map<Ring<?>, Long> read = new IdentityHashMap<>();
    private final Map<Ring<?>, Long> end = new IdentityHashMap<>();

    /** Returns the items since the last call for this ring, and remembers where this batch ends. */
    <T> List<T> next(Ring<T> ring) {
      long from = read.getOrDefault(ring, 0L);
      long to = ring.total();
      read.put(ring, to);
      end.put(ring, to);
      return ring.between(from, to);
    }

    /** Returns every item held up to where the last {@link #next} ended: a snapshot that the next delta continues. */
    <T> List<T> upToLast(Ring<T> ring) {
      return ring.between(0, end.getOrDefault(ring, 0L));
    }
  }

  /** Returns what is new since the last call (results, alarms, decisions, state changes) and the current status. */
  public Map<String, Object> collect(Cursors cursors) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "update");
    m.put("now", System.currentTimeMillis());
    List<Object> results = new ArrayList<>();
    for (PipelineView p : pipelineOrder) {
      for (String machine : p.machines) {
        for (MachineResult r : cursors.next(p.series.get(machine))) {
          results.add(result(r));
        }
      }
    }
    m.put("results", results);
    m.put("alarms", cursors.next(alarms).stream().map(Journal::alarm).toList());
    m.put("decisions", cursors.next(decisions).stream().map(Journal::decision).toList());
    List<Object> changes = new ArrayList<>();
    for (DeviceView d : devices) {
      for (StateChange c : cursors.next(d.history)) {
        changes.add(stateChange(d.name, c));
      }
    }
    m.put("deviceEvents", changes);
    m.put("status", status());
    return m;
  }

  /** Returns everything held up to the last {@link #collect}, with the layout: what a page that just opened needs. */
  public Map<String, Object> snapshot(Cursors cursors) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "snapshot");
    m.put("now", System.currentTimeMillis());
    m.put("history", history);
    List<Object> layoutPipelines = new ArrayList<>();
    List<Object> results = new ArrayList<>();
    for (PipelineView p : pipelineOrder) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("name", p.name);
      pm.put("machines", List.copyOf(p.machines));
      pm.put("outputs", p.outputs == null ? List.of() : p.outputs);
      List<Object> thresholds = new ArrayList<>();
      for (ThresholdAlarm a : p.thresholds) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("alarm", a.name());
        t.put("output", a.output());
        t.put("raiseAbove", num(a.raiseAbove()));
        t.put("clearBelow", num(a.clearBelow()));
        t.put("minDurationMs", a.minDuration().toMillis());
        thresholds.add(t);
      }
      pm.put("thresholds", thresholds);
      layoutPipelines.add(pm);
      for (String machine : p.machines) {
        for (MachineResult r : cursors.upToLast(p.series.get(machine))) {
          results.add(result(r));
        }
      }
    }
    m.put("pipelines", layoutPipelines);
    m.put("models", models.stream().map(Journal::model).toList());
    List<Object> deviceList = new ArrayList<>();
    List<Object> changes = new ArrayList<>();
    for (DeviceView d : devices) {
      deviceList.add(Map.of("name", d.name, "uri", String.valueOf(d.device.uri())));
      for (StateChange c : cursors.upToLast(d.history)) {
        changes.add(stateChange(d.name, c));
      }
    }
    m.put("devices", deviceList);
    List<Object> guardList = new ArrayList<>();
    for (GuardView g : guards) {
      guardList.add(Map.of("name", g.guard.name(), "tag", g.guard.tag().name(), "device",
          String.valueOf(g.guard.device().uri())));
    }
    m.put("guards", guardList);
    m.put("results", results);
    m.put("alarms", cursors.upToLast(alarms).stream().map(Journal::alarm).toList());
    m.put("decisions", cursors.upToLast(decisions).stream().map(Journal::decision).toList());
    m.put("deviceEvents", changes);
    m.put("status", status());
    return m;
  }

  /** Polled on the diagnostics thread, never pushed by a pipeline: metrics, modes, states, alarm states. */
  private Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Object> ps = new ArrayList<>();
    List<Object> alarmList = new ArrayList<>();
    for (PipelineView p : pipelineOrder) {
      Map<String, Object> pm = new LinkedHashMap<>();
      pm.put("name", p.name);
      Pipeline pipeline = p.pipeline;
      if (pipeline != null) {
        PipelineMetrics metrics = pipeline.metrics();
        pm.put("ticks", metrics.ticks());
        pm.put("modelCalls", metrics.modelCalls());
        pm.put("total", machineMetrics(metrics.total()));
        pm.put("machines", metrics.machines().stream().map(Journal::machineMetrics).toList());
      }
      ps.add(pm);
      for (ThresholdAlarm a : p.thresholds) {
        for (String machine : p.machines) {
          alarmStates.put(p.name + "/" + machine + "/" + a.name(), a.isRaised(machine));
        }
      }
    }
    for (Map.Entry<String, Boolean> e : alarmStates.entrySet()) {
      String[] key = e.getKey().split("/", 3);
      alarmList.add(Map.of("pipeline", key[0], "machine", key[1], "alarm", key[2], "raised", e.getValue()));
    }
    m.put("pipelines", ps);
    m.put("alarmStates", alarmList);
    List<Object> ds = new ArrayList<>();
    for (DeviceView d : devices) {
      Map<String, Object> dm = new LinkedHashMap<>();
      dm.put("name", d.name);
      dm.put("state", d.device.state().name());
      dm.put("lastError", d.lastError);
      dm.put("lastErrorAt", d.lastErrorAt == 0 ? null : d.lastErrorAt);
      dm.put("counters", d.counters());
      ds.add(dm);
    }
    m.put("devices", ds);
    List<Object> gs = new ArrayList<>();
    for (GuardView g : guards) {
      GuardMetrics gm = g.guard.metrics();
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("name", g.guard.name());
      x.put("mode", g.guard.mode().name());
      x.put("accepted", gm.accepted());
      x.put("clamped", gm.clamped());
      x.put("blocked", gm.blocked());
      x.put("fallbacks", gm.fallbacks());
      x.put("backoffs", gm.backoffs());
      x.put("failed", gm.failed());
      gs.add(x);
    }
    m.put("guards", gs);
    return m;
  }

  // ------------------------------------------------------------------------------- JSON shapes

  private static Map<String, Object> result(MachineResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("p", r.pipeline());
    m.put("m", r.machine());
    m.put("t", r.timeNanos() / 1_000_000);
    m.put("q", r.quality().status().name());
    List<Object> values = new ArrayList<>();
    for (double v : r.values()) {
      values.add(num(v)); // BAD results carry NaN: sent as null, which uPlot draws as a gap
    }
    m.put("v", values);
    if (!r.isGood()) m.put("why", r.quality().toString());
    return m;
  }

  private static Map<String, Object> alarm(AlarmEvent e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alarm", e.alarm());
    m.put("pipeline", e.pipeline());
    m.put("machine", e.machine());
    m.put("kind", e.kind().name());
    m.put("value", num(e.value()));
    m.put("threshold", num(e.threshold()));
    m.put("t", e.timeNanos() / 1_000_000);
    return m;
  }

  private static Map<String, Object> decision(GuardDecision d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("guard", d.guard());
    m.put("tag", d.tag());
    m.put("outcome", d.outcome().name());
    m.put("mode", d.mode().name());
    m.put("proposed", num(d.proposed()));
    m.put("decided", num(d.decided()));
    m.put("written", num(d.written()));
    m.put("before", num(d.before()));
    m.put("after", num(d.after()));
    m.put("reason", d.reason());
    m.put("t", d.timeNanos() / 1_000_000);
    return m;
  }

  private static Map<String, Object> stateChange(String device, StateChange c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("device", device);
    m.put("state", c.state.name());
    m.put("t", c.timeMillis);
    m.put("error", c.error);
    return m;
  }

  private static Map<String, Object> model(ModelInfo info) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", info.name());
    m.put("version", info.version());
    m.put("sha256", info.sha256());
    m.put("runtime", info.runtime());
    return m;
  }

  private static Map<String, Object> machineMetrics(MachineMetrics mm) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", mm.name());
    m.put("rows", mm.rows());
    m.put("windows", mm.windows());
    m.put("inferences", mm.inferences());
    m.put("skippedWindows", mm.skippedWindows());
    m.put("staleResults", mm.staleResults());
    m.put("modelErrors", mm.modelErrors());
    m.put("actionErrors", mm.actionErrors());
    m.put("latencyP50Ms", millis(mm.latencyP50()));
    m.put("latencyP99Ms", millis(mm.latencyP99()));
    m.put("latencyMaxMs", millis(mm.latencyMax()));
    return m;
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }

  /** JSON has no NaN or infinity: a number that is not one is sent as null, and shown as "–" or a gap. */
  private static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  // ------------------------------------------------------------------------------- views

  private final class PipelineView {
    final String name;
    volatile Pipeline pipeline;
    volatile List<String> outputs;
    final List<ThresholdAlarm> thresholds = new CopyOnWriteArrayList<>();
    final Map<String, Ring<MachineResult>> series = new ConcurrentHashMap<>();
    final List<String> machines = new CopyOnWriteArrayList<>();

    PipelineView(String name) {
      this.name = name;
    }

    Ring<MachineResult> series(String machine) {
      Ring<MachineResult> ring = series.get(machine);
      if (ring != null) return ring;
      synchronized (this) {
        ring = series.computeIfAbsent(machine, m -> new Ring<>(history));
        if (!machines.contains(machine)) {
          machines.add(machine);
          layout.incrementAndGet();
        }
        return ring;
      }
    }
  }

  private final class GuardView implements GuardListener {
    final WriteGuard guard;

    GuardView(WriteGuard guard) {
      this.guard = guard;
    }

    /** On the guard's thread: one store into the decision ring. */
    @Override
    public void onDecision(GuardDecision decision) {
      if (!closed) decisions.add(decision);
    }
  }

  private record StateChange(ConnectionState state, long timeMillis, String error) {}

  private static final class DeviceView implements StateListener {
    final String name;
    final Device device;
    final Ring<StateChange> history = new Ring<>(100);
    final AtomicLong disconnects = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    volatile boolean everConnected;
    volatile String lastError;
    volatile long lastErrorAt;

    DeviceView(String name, Device device) {
      this.name = name;
      this.device = device;
      this.everConnected = device.state() == ConnectionState.CONNECTED;
    }

    /** On the device's thread. */
    @Override
    public void onStateChanged(Device d, ConnectionState state, Throwable cause) {
      long now = System.currentTimeMillis();
      String error = cause == null ? null : cause.toString();
      history.add(new StateChange(state, now, error));
      if (error != null) {
        lastError = error;
        lastErrorAt = now;
      }
      if (state == ConnectionState.DISCONNECTED) disconnects.incrementAndGet();
      if (state == ConnectionState.CONNECTED) {
        if (everConnected) reconnects.incrementAndGet();
        everConnected = true;
      }
    }

    /**
     * The device's own traffic counters ({@link Device#metrics()}), plus the disconnects and reconnects seen by the
     * state listener for drivers that report no counters of their own.
     */
    Map<String, Object> counters() {
      Map<String, Object> m = new LinkedHashMap<>();
      io.aifactory.sdk.core.DeviceMetrics dm = device.metrics();
      if (dm != io.aifactory.sdk.core.DeviceMetrics.NONE) {
        m.put("requests", dm.requests());
        m.put("timeouts", dm.timeouts());
        m.put("exceptionReplies", dm.exceptionReplies());
        m.put("missedPolls", dm.missedPolls());
      }
      m.put("disconnects", disconnects.get());
      m.put("reconnects", dm != io.aifactory.sdk.core.DeviceMetrics.NONE ? dm.reconnects() : reconnects.get());
      return m;
    }
  }
}
