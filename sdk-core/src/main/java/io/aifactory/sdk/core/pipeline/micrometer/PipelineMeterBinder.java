package io.aifactory.sdk.core.pipeline.micrometer;

import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.PipelineMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds a {@link Pipeline}'s counters to a Micrometer {@link MeterRegistry}, read from {@link Pipeline#metrics()}
 * at each scrape (nothing is added to the pipeline's hot path).
 *
 * <p>Per machine, tagged {@code pipeline} and {@code machine}: the function counters
 * {@code aifactory.pipeline.rows}, {@code .windows}, {@code .inferences}, {@code .skipped.windows},
 * {@code .stale.results}, {@code .model.errors}, {@code .actions}, {@code .action.errors}, and the gauges
 * {@code aifactory.pipeline.latency.percentile} (tag {@code phi} 0.5 and 0.99) and {@code aifactory.pipeline.latency.max},
 * in seconds (from receiving a window's last samples to the end of the last action on its result). Per pipeline,
 * tagged {@code pipeline}: the function counters {@code aifactory.pipeline.model.calls} and
 * {@code aifactory.pipeline.poll.overruns}. Pipeline totals are the sum
 * over the {@code machine} tag.
 *
 * <pre>{@code
 * new PipelineMeterBinder(pipeline).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>One scrape reads a dozen meters per machine; they share one snapshot of the pipeline's metrics, taken at most
 * once per {@code snapshotMaxAge} (one second by default), so a scrape costs one snapshot, not one per meter.
 */
public final class PipelineMeterBinder implements MeterBinder {
  private static final String PREFIX = "aifactory.pipeline.";

  private final Pipeline pipeline;
  private final Iterable<Tag> tags;
  private final long maxAgeNanos;
  private volatile Snapshot snapshot;

  /** Binds {@code pipeline}'s meters with no extra tags. */
  public PipelineMeterBinder(Pipeline pipeline) {
    this(pipeline, Tags.empty(), Duration.ofSeconds(1));
  }

  /**
   * Binds {@code pipeline}'s meters.
   *
   * @param tags extra tags on every meter, e.g. {@code site}
   * @param snapshotMaxAge how long one snapshot of the pipeline's metrics serves the meters; zero for a new one at
   *     every read
   */
  public PipelineMeterBinder(Pipeline pipeline, Iterable<Tag> tags, Duration snapshotMaxAge) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    if (snapshotMaxAge.isNegative()) {
      throw new IllegalArgumentException("snapshotMaxAge < 0: " + snapshotMaxAge);
    }
    this.maxAgeNanos = snapshotMaxAge.toNanos();
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    Tags pipelineTags = Tags.of(tags).and("pipeline", pipeline.name());
    FunctionCounter.builder(PREFIX + "model.calls", pipeline, p -> metrics().modelCalls())
        .tags(pipelineTags)
        .description("Model calls; each scores the ready windows of several machines as one batch")
        .register(registry);
    FunctionCounter.builder(PREFIX + "poll.overruns", pipeline, p -> metrics().pollOverruns())
        .tags(pipelineTags)
        .description("Polls the devices skipped because the previous poll was still running")
        .register(registry);

    List<String> machines = pipeline.machines();
    for (int i = 0; i < machines.size(); i++) {
      int index = i; // machines keep their order in every snapshot
      Tags t = pipelineTags.and("machine", machines.get(i));
      counter(registry, "rows", t, index, MachineMetrics::rows,
          "Rows appended to the machine's window, one per poll, BAD ones included");
      counter(registry, "windows", t, index, MachineMetrics::windows, "Windows that became ready to score");
      counter(registry, "inferences", t, index, MachineMetrics::inferences, "Windows the model scored");
      counter(registry, "skipped.windows", t, index, MachineMetrics::skippedWindows,
          "Ready windows not scored: back-pressure, or overwritten before the model got to them");
      counter(registry, "stale.results", t, index, MachineMetrics::staleResults,
          "BAD results sent because the machine's inputs went missing beyond the window's policy");
      counter(registry, "model.errors", t, index, MachineMetrics::modelErrors, "Windows whose model call threw");
      counter(registry, "actions", t, index, MachineMetrics::actions, "Results handed to actions");
      counter(registry, "action.errors", t, index, MachineMetrics::actionErrors, "Actions that threw on a result");
      gauge(registry, "latency.percentile", t.and("phi", "0.5"), index, m -> seconds(m.latencyP50()));
      gauge(registry, "latency.percentile", t.and("phi", "0.99"), index, m -> seconds(m.latencyP99()));
      gauge(registry, "latency.max", t, index, m -> seconds(m.latencyMax()));
    }
  }

  private void counter(MeterRegistry registry, String name, Tags tags, int machine, ToLongFunction<MachineMetrics> f,
      String description) {
    // The pipeline is held weakly by the meter, and strongly by this binder, which the function captures.
    FunctionCounter.builder(PREFIX + name, pipeline, p -> f.applyAsLong(metrics().machines().get(machine)))
        .tags(tags)
        .description(description)
        .register(registry);
  }

  private void gauge(MeterRegistry registry, String name, Tags tags, int machine, ToDoubleFunction<MachineMetrics> f) {
    Gauge.builder(PREFIX + name, pipeline, p -> f.applyAsDouble(metrics().machines().get(machine)))
        .tags(tags)
        .baseUnit("seconds")
        .description("Time from receiving the samples that completed a window to the end of the last action on its"
            + " result")
        .register(registry);
  }

  private static double seconds(Duration d) {
    return d.toNanos() / 1e9;
  }

  /** Returns the cached snapshot, or a new one if it is older than the maximum age. */
  private PipelineMetrics metrics() {
    long now = System.nanoTime();
    Snapshot s = snapshot;
    if (s == null || now - s.takenNanos > maxAgeNanos || maxAgeNanos == 0) {
      // Two scrapes racing here may both take a snapshot; that is cheaper than a lock on every read.
      s = new Snapshot(pipeline.metrics(), now);
      snapshot = s;
    }
    return s.metrics;
  }

  @Override
  public String toString() {
    return "PipelineMeterBinder[" + pipeline.name() + "]";
  }

  private static final class Snapshot {
    final PipelineMetrics metrics;
    final long takenNanos;

    Snapshot(PipelineMetrics metrics, long takenNanos) {
      this.metrics = metrics;
      this.takenNanos = takenNanos;
    }
  }
}
