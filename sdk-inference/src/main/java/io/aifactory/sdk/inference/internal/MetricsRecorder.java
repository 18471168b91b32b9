package io.aifactory.sdk.inference.internal;

import io.aifactory.sdk.core.internal.LatencyHistogram;
import io.aifactory.sdk.inference.ExecutionProvider;
import io.aifactory.sdk.inference.MetricsListener;
import io.aifactory.sdk.inference.SessionMetrics;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts runs of one session and tells its listeners; safe for concurrent use. Counting and telling are
 * separate calls, so that a session can count a run inside its lifecycle lock and tell listeners outside it.
 */
public final class MetricsRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsRecorder.class);

  private final String model;
  private final ExecutionProvider provider;
  private final LongAdder runs = new LongAdder();
  private final LongAdder failures = new LongAdder();
  private final LongAccumulator max = new LongAccumulator(Math::max, 0);
  private final LatencyHistogram latencies = new LatencyHistogram();
  private final ConcurrentHashMap<Integer, LongAdder> batchSizes = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<MetricsListener> listeners = new CopyOnWriteArrayList<>();

  public MetricsRecorder(String model, ExecutionProvider provider) {
    this.model = model;
    this.provider = provider;
  }

  public void addListener(MetricsListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(MetricsListener listener) {
    listeners.remove(listener);
  }

  public void success(int batchSize, long nanos) {
    runs.increment();
    latencies.record(nanos);
    max.accumulate(nanos);
    batchSizes.computeIfAbsent(batchSize, k -> new LongAdder()).increment();
  }

  /** Tells the listeners of a run counted by {@link #success}. */
  public void notifySuccess(int batchSize, long nanos) {
    for (MetricsListener listener : listeners) {
      try {
        listener.onRun(model, provider, batchSize, nanos);
      } catch (RuntimeException e) {
        LOG.warn("metrics listener {} failed for model {}", listener, model, e);
      }
    }
  }

  public void failure(RuntimeException error) {
    failures.increment();
  }

  /** Tells the listeners of a failure counted by {@link #failure}. */
  public void notifyFailure(RuntimeException error) {
    for (MetricsListener listener : listeners) {
      try {
        listener.onFailure(model, provider, error);
      } catch (RuntimeException e) {
        LOG.warn("metrics listener {} failed for model {}", listener, model, e);
      }
    }
  }

  public SessionMetrics snapshot() {
    Map<Integer, Long> sizes = new HashMap<>();
    batchSizes.forEach((size, count) -> sizes.put(size, count.sum()));
    return new SessionMetrics(model, provider, runs.sum(), failures.sum(), latencies.percentile(0.50),
        latencies.percentile(0.99), max.get(), sizes);
  }
}
