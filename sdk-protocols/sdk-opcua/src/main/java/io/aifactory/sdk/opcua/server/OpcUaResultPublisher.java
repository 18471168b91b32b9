package io.aifactory.sdk.opcua.server;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.StatusCodes;

/**
 * Publishes a pipeline's results on an {@link OpcUaResultServer}, one folder per machine, laid out by
 * {@link OpcUaResultServer.Builder#pipelineResults(String, List)}:
 *
 * <pre>
 * &lt;pipeline&gt;.&lt;machine&gt;.AnomalyScore     float64  the result's value (by default its first)
 * &lt;pipeline&gt;.&lt;machine&gt;.PredictedValue    float64  another result value, if one is named
 * &lt;pipeline&gt;.&lt;machine&gt;.AlarmState        bool     whether any alarm heard by this publisher is raised
 * &lt;pipeline&gt;.&lt;machine&gt;.ModelName         string   from {@link Builder#model}
 * &lt;pipeline&gt;.&lt;machine&gt;.ModelVersion      string
 * </pre>
 *
 * <p>A GOOD or UNCERTAIN result is published with its quality's StatusCode (Good, or an Uncertain code). A BAD
 * result publishes no number: the last value stays, with its source timestamp, under a Bad StatusCode that says why
 * (e.g. {@code Bad_NoCommunication} for stale inputs), so a SCADA never shows an old or invented score as current.
 * AlarmState reads false from the first result with values until an alarm is raised; pass the publisher to
 * {@link io.aifactory.sdk.core.pipeline.ThresholdAlarm.Builder#listener} so that it hears them. When the pipeline
 * closes, the scores and the alarm state turn {@code Bad_OutOfService}.
 *
 * <pre>{@code
 * List<String> machines = List.of("spindle1", "spindle2");
 * OpcUaResultServer results = OpcUaResultServer.newBuilder().pkiDir(pki)
 *     .pipelineResults("spindles", machines).build();
 * OpcUaResultPublisher publisher = OpcUaResultPublisher.newBuilder(results)
 *     .pipeline("spindles").machines(machines).model(model.info()).build();
 * Pipeline pipeline = Pipeline.newBuilder().name("spindles")...
 *     .action(publisher)
 *     .action(ThresholdAlarm.newBuilder().raiseAbove(10).clearBelow(5).listener(publisher).build())
 *     .build();
 * }</pre>
 *
 * <p>The publisher does not own the server: close the server after the pipeline.
 */
public final class OpcUaResultPublisher implements PipelineAction, AlarmListener {
  private final String pipeline;
  private final String scoreOutput;
  private final String predictedOutput;
  private final Map<String, Machine> machines;

  private OpcUaResultPublisher(Builder b) {
    this.pipeline = b.pipeline;
    this.scoreOutput = b.anomalyScore;
    this.predictedOutput = b.predictedValue;
    Map<String, Machine> map = new LinkedHashMap<>();
    // Every handle is looked up here, so that a machine missing from the server's layout fails at wiring time.
    for (String name : b.machines) {
      String prefix = pipeline + "." + name + ".";
      Machine m = new Machine(
          b.server.variable(prefix + OpcUaResultServer.ANOMALY_SCORE, Double.class),
          predictedOutput == null ? null : b.server.variable(prefix + OpcUaResultServer.PREDICTED_VALUE, Double.class),
          b.server.variable(prefix + OpcUaResultServer.ALARM_STATE, Boolean.class));
      if (b.model != null) {
        b.server.variable(prefix + OpcUaResultServer.MODEL_NAME, String.class).set(b.model.name());
        b.server.variable(prefix + OpcUaResultServer.MODEL_VERSION, String.class).set(b.model.version());
      }
      map.put(name, m);
    }
    this.machines = map;
  }

  /** Returns a builder publishing to {@code server}, whose variables must already be declared. */
  public static Builder newBuilder(OpcUaResultServer server) {
    return new Builder(server);
  }

  public String pipeline() {
    return pipeline;
  }

  /** Returns the machines published, in the order given. */
  public List<String> machines() {
    return List.copyOf(machines.keySet());
  }

  /**
   * Publishes one result.
   *
   * @throws IllegalArgumentException if the result is of another pipeline, of a machine not given to the builder,
   *     or has no output of the configured name (the pipeline counts and reports it)
   */
  @Override
  public void onResult(MachineResult result) {
    Machine m = machine(result.pipeline(), result.machine());
    if (!result.hasValues()) {
      m.score.setQuality(result.quality());
      if (m.predicted != null) {
        m.predicted.setQuality(result.quality());
      }
      return;
    }
    publish(m.score, scoreOutput == null ? result.value() : result.value(scoreOutput), result.quality());
    if (m.predicted != null) {
      publish(m.predicted, result.value(predictedOutput), result.quality());
    }
    synchronized (m) {
      if (!m.alarmPublished) {
        // No alarm has been raised for this machine yet: say so, rather than leave AlarmState waiting.
        m.alarm.set(false);
        m.alarmPublished = true;
      }
    }
  }

  private static void publish(ResultVariable<Double> variable, double value, Quality quality) {
    if (Double.isFinite(value)) {
      variable.set(value, quality);
    } else {
      // A result that claims a quality but holds NaN or infinity is still no number a client should see.
      variable.setQuality(Quality.bad(Quality.Reason.MODEL_ERROR, "result is " + value));
    }
  }

  /**
   * Publishes AlarmState for the event's machine: true while any alarm this publisher heard is raised for it.
   *
   * @throws IllegalArgumentException if the event is of another pipeline or of a machine not given to the builder
   */
  @Override
  public void onAlarm(AlarmEvent event) {
    Machine m = machine(event.pipeline(), event.machine());
    synchronized (m) {
      if (event.kind() == AlarmEvent.Kind.RAISED) {
        m.raised.add(event.alarm());
      } else {
        m.raised.remove(event.alarm());
      }
      m.alarm.set(!m.raised.isEmpty());
      m.alarmPublished = true;
    }
  }

  /** Marks every machine's scores and alarm state {@code Bad_OutOfService}: nothing updates them any more. */
  @Override
  public void close() {
    Quality closed = Quality.bad(Quality.Reason.STALE_INPUT, StatusCodes.Bad_OutOfService,
        "pipeline '" + pipeline + "' closed");
    for (Machine m : machines.values()) {
      m.score.setQuality(closed);
      if (m.predicted != null) {
        m.predicted.setQuality(closed);
      }
      synchronized (m) {
        m.alarm.setQuality(closed);
      }
    }
  }

  private Machine machine(String pipeline, String machine) {
    if (!this.pipeline.equals(pipeline)) {
      throw new IllegalArgumentException("publisher of pipeline '" + this.pipeline + "' got a result or alarm of"
          + " pipeline '" + pipeline + "'");
    }
    Machine m = machines.get(machine);
    if (m == null) {
      throw new IllegalArgumentException("pipeline '" + pipeline + "': machine '" + machine
          + "' is not published (known: " + machines.keySet() + ")");
    }
    return m;
  }

  @Override
  public String toString() {
    return "OpcUaResultPublisher[" + pipeline + " " + machines.keySet() + "]";
  }

  private static final class Machine {
    final ResultVariable<Double> score;
    final ResultVariable<Double> predicted;
    final ResultVariable<Boolean> alarm;
    /** Guarded by this. */
    final Set<String> raised = new HashSet<>();
    boolean alarmPublished;

    Machine(ResultVariable<Double> score, ResultVariable<Double> predicted, ResultVariable<Boolean> alarm) {
      this.score = score;
      this.predicted = predicted;
      this.alarm = alarm;
    }
  }

  /** Options of an {@link OpcUaResultPublisher}; the pipeline's name and its machines are required. */
  public static final class Builder {
    private final OpcUaResultServer server;
    private String pipeline;
    private final List<String> machines = new ArrayList<>();
    private String anomalyScore;
    private String predictedValue;
    private ModelInfo model;

    private Builder(OpcUaResultServer server) {
      this.server = Objects.requireNonNull(server, "server");
    }

    /** The pipeline's name: results and alarms of other pipelines are refused. */
    public Builder pipeline(String pipeline) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
      return this;
    }

    /** The machines to publish, as named in the pipeline. */
    public Builder machines(List<String> machines) {
      for (String m : machines) {
        if (this.machines.contains(Objects.requireNonNull(m, "machine"))) {
          throw new IllegalArgumentException("machine '" + m + "' added twice");
        }
        this.machines.add(m);
      }
      return this;
    }

    /** The result value published as AnomalyScore, by name (see {@link MachineResult#outputNames()}); the first by default. */
    public Builder anomalyScore(String output) {
      this.anomalyScore = Objects.requireNonNull(output, "output");
      return this;
    }

    /** A result value to publish as PredictedValue, by name; none by default (the variable stays waiting). */
    public Builder predictedValue(String output) {
      this.predictedValue = Objects.requireNonNull(output, "output");
      return this;
    }

    /** The model whose name and version are published (once, at build) for every machine; none by default. */
    public Builder model(ModelInfo model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /**
     * Looks up every variable the publisher writes.
     *
     * @throws IllegalArgumentException naming the variable if the server does not declare it (see
     *     {@link OpcUaResultServer.Builder#pipelineResults(String, List)}), or if the pipeline or machines are not set
     */
    public OpcUaResultPublisher build() {
      if (pipeline == null) {
        throw new IllegalArgumentException("pipeline not set");
      }
      if (machines.isEmpty()) {
        throw new IllegalArgumentException("pipeline '" + pipeline + "': no machine added");
      }
      return new OpcUaResultPublisher(this);
    }
  }
}
