package io.aifactory.sdk.core.pipeline;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.internal.LatencyHistogram;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.MissingDataPolicy;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device → window → model → actions, for N identical machines scored by one model, unattended for months.
 *
 * <pre>{@code
 * try (Pipeline pipeline = Pipeline.newBuilder()
 *     .name("spindles")
 *     .machine("spindle1", plc, spindle1Tags)          // tags in the model's feature order
 *     .machine("spindle2", plc, spindle2Tags)
 *     .poll(SubscriptionOptions.every(Duration.ofMillis(100)))
 *     .windowRows(64).hop(8).normalisation(mean, std)
 *     .model(model, "input", "score", 1)                // [N, 64, features] in, [N, 1] out
 *     .action(ThresholdAlarm.newBuilder().raiseAbove(10).clearBelow(5).listener(alarms::onAlarm).build())
 *     .build()) {
 *   pipeline.start();
 *   ...
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * The devices' own threads only append rows to the machines' windows (no copy, no model). The pipeline owns one
 * thread: each time windows become ready it takes every machine with a ready window, copies those windows into one
 * pooled batch tensor {@code [k, rows, features]} (the one copy per tick), calls the model once for all of them, and
 * hands each machine's {@link MachineResult} to the actions in order. So a slow model or action never blocks device
 * I/O, there is no thread per machine, and N machines cost one model call per tick. Windows that become ready faster
 * than the model scores them are handled by the {@link BackPressure} policy and counted.
 *
 * <h2>Faults</h2>
 * A missed poll is a BAD row; the window's {@link MissingDataPolicy} holds a value for at most
 * {@link Builder#maxHoldRows} rows (results over held values are UNCERTAIN), after which the window is invalid: the
 * model is not called on it, the actions get one BAD result (reason of the missing samples), and scoring resumes by
 * itself when the window has refilled with fresh rows. A model that throws is counted, reported to the listeners,
 * and its machines get BAD results ({@link Quality.Reason#MODEL_ERROR}); an action that throws is counted and
 * reported. Neither stops the pipeline.
 *
 * <p>The pipeline does not own its devices or model: close them after the pipeline. It closes its actions.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  private final String name;
  private final List<MachineState> machines;
  private final Map<Device, List<MachineState>> machinesByDevice;
  private final SubscriptionOptions poll;
  private final Model model;
  private final String inputName;
  private final String outputName;
  private final int outputWidth;
  private final List<String> outputNames;
  private final List<PipelineAction> actions;
  private final List<PipelineListener> listeners = new CopyOnWriteArrayList<>();
  private final int rows;
  private final Duration metricsInterval;
  private final boolean acceptUncertain;

  // Tick state: pooled batch tensors, and the views and maps for each batch size (made once, so that the model's
  // runtime sees the same tensor objects every tick and can keep its wrappers).
  private final TensorBuffer input;
  private final TensorBuffer output;
  private final TensorBuffer[] inputRows;
  private final List<Map<String, TensorBuffer>> inputsBySize = new ArrayList<>();
  private final List<Map<String, TensorBuffer>> outputsBySize = new ArrayList<>();
  private final MachineState[] batch;
  private final Pending[] batchPending;
  private final Quality[] batchQuality;
  private final long[] batchTime;

  private final ReentrantLock intake = new ReentrantLock();
  private final Pending[] taken;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition workAvailable = lock.newCondition();
  private boolean signalled;
  private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong modelCalls = new AtomicLong();
  private final LatencyHistogram latency = new LatencyHistogram();
  private Thread thread;
  private volatile boolean started;
  private volatile boolean stopping;
  private volatile boolean closed;

  private Pipeline(Builder b) {
    this.name = b.name;
    this.poll = b.poll;
    this.model = b.model;
    this.inputName = b.inputName;
    this.outputName = b.outputName;
    this.outputWidth = b.outputWidth;
    this.rows = b.windowRows;
    this.metricsInterval = b.metricsInterval;
    this.acceptUncertain = b.acceptUncertain;
    this.listeners.addAll(b.listeners);
    this.actions = List.copyOf(b.actions);
    List<String> names = new ArrayList<>();
    for (int j = 0; j < outputWidth; j++) {
      names.add(outputWidth == 1 ? outputName : outputName + "[" + j + "]");
    }
    this.outputNames = List.copyOf(names);

    int features = b.machines.get(0).tags.size();
    int bound = b.backPressure.bound();
    // Room for the queued windows plus the window being copied, so that the writer rarely overtakes the reader.
    int capacity = 2 * rows + b.hop * (bound + 1);
    List<MachineState> states = new ArrayList<>();
    Map<Device, List<MachineState>> byDevice = new IdentityHashMap<>();
    List<AutoCloseable> built = new ArrayList<>();
    try {
      for (MachineSpec spec : b.machines) {
        double[] mean = spec.mean != null ? spec.mean : b.mean;
        double[] std = spec.std != null ? spec.std : b.std;
        MachineState m = new MachineState(spec.name, spec.device, spec.tags, bound);
        Window.Builder wb = Window.newBuilder()
            .columns(spec.tags.stream().map(Tag::name).toList())
            .capacity(capacity)
            .length(rows)
            .hop(b.hop)
            .elementType(ElementType.FLOAT32)
            .missingData(b.missingData)
            .maxHoldRows(b.maxHoldRows)
            .acceptUncertain(b.acceptUncertain)
            .onReady((window, sequence) -> onReady(m, sequence));
        if (mean != null) {
          wb.normalisation(mean, std);
        }
        m.window = wb.build();
        built.add(m.window);
        states.add(m);
        byDevice.computeIfAbsent(spec.device, d -> new ArrayList<>()).add(m);
      }
      int n = states.size();
      this.input = TensorBuffer.allocate(ElementType.FLOAT32, n, rows, features);
      built.add(input);
      this.output = TensorBuffer.allocate(ElementType.FLOAT32, n, outputWidth);
    } catch (RuntimeException e) {
      for (AutoCloseable c : built) {
        closeQuietly(c);
      }
      throw e;
    }
    this.machines = List.copyOf(states);
    this.machinesByDevice = byDevice;
    int n = machines.size();
    this.inputRows = new TensorBuffer[n];
    for (int i = 0; i < n; i++) {
      inputRows[i] = input.at(i);
    }
    for (int k = 0; k <= n; k++) {
      inputsBySize.add(k == 0 ? Map.of() : Map.of(inputName, input.slice(0, k)));
      outputsBySize.add(k == 0 ? Map.of() : Map.of(outputName, output.slice(0, k)));
    }
    this.batch = new MachineState[n];
    this.taken = new Pending[n];
    this.batchPending = new Pending[n];
    this.batchQuality = new Quality[n];
    this.batchTime = new long[n];
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public String name() {
    return name;
  }

  /** Returns the machines' names, in the order they were added (their order in the model's batch). */
  public List<String> machines() {
    return machines.stream().map(m -> m.name).toList();
  }

  /** Returns the names of each result's values: the output's name, or {@code name[i]} for a wider output. */
  public List<String> outputNames() {
    return outputNames;
  }

  /**
   * Checks the model against the batch this pipeline will feed it, starts the pipeline's thread, and subscribes
   * to the devices.
   *
   * @throws io.aifactory.sdk.core.InferenceException if the model does not accept {@code [N, rows, features]} or
   *     does not produce {@code [N, width]}; nothing is started then
   * @throws IllegalStateException if started twice or closed
   */
  public synchronized void start() {
    if (closed || started) {
      throw new IllegalStateException("pipeline '" + name + "' " + (closed ? "is closed" : "was already started"));
    }
    model.check(inputsBySize.get(machines.size()), outputsBySize.get(machines.size()));
    started = true;
    thread = new Thread(this::runLoop, "pipeline-" + name);
    thread.setDaemon(true);
    thread.start();
    try {
      for (Map.Entry<Device, List<MachineState>> e : machinesByDevice.entrySet()) {
        List<MachineState> ms = e.getValue();
        List<Tag> tags = new ArrayList<>();
        Set<Tag> seen = new HashSet<>();
        for (MachineState m : ms) {
          for (Tag t : m.tags) {
            if (seen.add(t)) {
              tags.add(t);
            }
          }
        }
        for (MachineState m : ms) {
          m.positions = new int[m.tags.size()];
          for (int c = 0; c < m.tags.size(); c++) {
            m.positions[c] = tags.indexOf(m.tags.get(c));
          }
        }
        subscriptions.add(e.getKey().subscribe(tags, poll, batch -> onSamples(ms, batch)));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    LOG.info("pipeline '{}' started: {} machines, {} rows x {} features, model {}, {} action(s)", name,
        machines.size(), rows, machines.get(0).tags.size(), model.info(), actions.size());
  }

  public void addListener(PipelineListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(PipelineListener listener) {
    listeners.remove(listener);
  }

  /** Returns a snapshot of the counters, per machine and in total. */
  public PipelineMetrics metrics() {
    List<MachineMetrics> list = new ArrayList<>();
    long[] sum = new long[8];
    for (MachineState m : machines) {
      long[] c = {m.rows.get(), m.windows.get(), m.inferences.get(), m.skipped.get(), m.staleResults.get(),
          m.modelErrors.get(), m.actions.get(), m.actionErrors.get()};
      for (int i = 0; i < c.length; i++) {
        sum[i] += c[i];
      }
      list.add(new MachineMetrics(m.name, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
          Math.min(m.latency.percentile(0.5), m.latency.max()), Math.min(m.latency.percentile(0.99), m.latency.max()),
          m.latency.max()));
    }
    MachineMetrics total = new MachineMetrics(name, sum[0], sum[1], sum[2], sum[3], sum[4], sum[5], sum[6], sum[7],
        Math.min(latency.percentile(0.5), latency.max()), Math.min(latency.percentile(0.99), latency.max()),
        latency.max());
    long overruns = 0;
    for (Subscription s : subscriptions) {
      overruns += s.overruns();
    }
    return new PipelineMetrics(name, ticks.get(), modelCalls.get(), overruns, total, list);
  }

  // ------------------------------------------------------------------------------------- device threads

  /** On a device's thread: append the poll to each machine's window; never runs a model. */
  private void onSamples(List<MachineState> ms, SampleBatch batch) {
    if (stopping) {
      return;
    }
    long received = System.nanoTime();
    // Under the intake lock, so that the pipeline's thread takes this poll's ready windows all together or not at
    // all: machines ready in the same poll share one model call. Appending a row costs microseconds.
    intake.lock();
    try {
      append(ms, batch, received);
    } finally {
      intake.unlock();
    }
    boolean offered = false;
    for (MachineState m : ms) {
      offered |= m.offered;
      m.offered = false;
    }
    if (offered) {
      signal();
    }
  }

  private void append(List<MachineState> ms, SampleBatch batch, long received) {
    for (MachineState m : ms) {
      if (!carriesAny(m, batch)) {
        // Not a poll of this machine: a source that delivers one machine at a time (kafka://, where a consumer
        // group gives each pipeline instance some machines) must not turn the others' batches into missing rows.
        continue;
      }
      m.receivedNanos = received;
      try {
        if (!appendRow(m, batch)) { // may call onReady on this thread
          continue;
        }
      } catch (RuntimeException e) {
        LOG.warn("pipeline '{}' machine '{}': could not append a row: {}", name, m.name, e.toString());
        continue;
      }
      m.rows.incrementAndGet();
      // Once the window could hold a full window (from the start: a PLC down at start-up is reported too).
      if (!m.stale && m.window.sequence() >= rows && !m.window.isValid(rows)) {
        // The missing-data policy gave up on this machine's inputs: no model call until the window has refilled.
        m.stale = true;
        offer(m, new Pending(m.window.sequence(), received, badQuality(m, batch), lastTime(batch)));
      }
    }
  }

  /** Returns whether {@code batch} has a row for at least one of the machine's tags (by name, as windows match). */
  private static boolean carriesAny(MachineState m, SampleBatch batch) {
    int[] positions = m.positions;
    if (positions.length > 0 && positions[0] < batch.size() && batch.tag(positions[0]).equals(m.tags.get(0))) {
      return true; // the usual case: the poll this pipeline subscribed, in its order
    }
    for (int i = 0; i < batch.size(); i++) {
      String name = batch.tag(i).name();
      for (Tag t : m.tags) {
        if (t.name().equals(name)) return true;
      }
    }
    return false;
  }

  /**
   * Appends the machine's samples of a poll as one row. A poll arrives in the order the pipeline subscribed, so each
   * machine picks its own samples by position instead of every window scanning the whole poll (N machines would
   * cost N * N lookups per poll); a batch of another layout goes through the window's lookup by tag name.
   */
  /** Returns false, appending nothing, until every column has had a first sample (GOOD or BAD) at start-up. */
  private boolean appendRow(MachineState m, SampleBatch batch) {
    int[] positions = m.positions;
    long time = Long.MIN_VALUE;
    boolean sameLayout = true;
    for (int c = 0; c < positions.length && sameLayout; c++) {
      int i = positions[c];
      sameLayout = i < batch.size() && batch.tag(i).equals(m.tags.get(c));
    }
    // Columns absent from the batch keep their last value: a source that reports by exception (OPC UA monitored
    // items, kafka:// records of one machine) leaves out what did not change, which is not a missed sample. A BAD
    // sample is delivered as a BAD row, so a failure is never mistaken for "unchanged".
    for (int c = 0; c < positions.length; c++) {
      int i = sameLayout ? positions[c] : indexOf(batch, m.tags.get(c));
      if (i < 0) {
        continue;
      }
      Quality q = batch.quality(i);
      m.present[c] = q.isGood() || acceptUncertain && !q.isBad();
      if (!m.present[c]) {
        m.lastMissing = q;
      }
      m.row[c] = batch.doubleValue(i);
      time = Math.max(time, batch.sourceTimeNanos(i));
      if (!m.seen[c]) {
        m.seen[c] = true;
        m.unseen--;
      }
    }
    if (m.unseen > 0) {
      // A subscription's first values may come in several notifications (OPC UA): a row before every column has
      // been heard of would be a missing value that never went missing. A device that is down from the start still
      // delivers BAD rows, so it is reported, not waited for.
      return false;
    }
    m.window.append(time > 0 ? time : batch.receiveTimeNanos(), m.row, m.present);
    return true;
  }

  private static int indexOf(SampleBatch batch, Tag tag) {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.tag(i).name().equals(tag.name())) {
        return i;
      }
    }
    return -1;
  }

  /** On a device's thread, inside {@code append}: a new valid window of the machine is ready to score. */
  private void onReady(MachineState m, long sequence) {
    m.windows.incrementAndGet();
    m.stale = false;
    offer(m, new Pending(sequence, m.receivedNanos, null, 0));
  }

  /** Called under the intake lock. */
  private void offer(MachineState m, Pending p) {
    {
      if (p.staleQuality == null) {
        // Only ready windows count against the bound; a stale marker always goes in, after them.
        int ready = 0;
        for (Pending q : m.pending) {
          ready += q.staleQuality == null ? 1 : 0;
        }
        if (ready >= m.bound) {
          for (Iterator<Pending> it = m.pending.iterator(); it.hasNext(); ) {
            if (it.next().staleQuality == null) {
              it.remove(); // the oldest ready window gives way to the newest
              m.skipped.incrementAndGet();
              break;
            }
          }
        }
      }
      m.pending.addLast(p);
    }
    m.offered = true;
  }

  private static Quality badQuality(MachineState m, SampleBatch batch) {
    for (int i = 0; i < batch.size(); i++) {
      if (batch.quality(i).isBad() && m.tags.contains(batch.tag(i))) {
        return missing(batch.quality(i), "input " + batch.tag(i).name());
      }
    }
    // The poll that completed the window is fine, but an earlier one in it was not (a single BAD row, such as the
    // gap marker of a kafka:// partition that moved, invalidates the window only once it fills): say which.
    if (m.lastMissing != null) {
      return missing(m.lastMissing, "an input");
    }
    return Quality.bad(Quality.Reason.STALE_INPUT, "inputs missing beyond the window's policy");
  }

  private static Quality missing(Quality q, String what) {
    return Quality.bad(q.reason(), q.rawStatus(), what + " missing beyond the window's policy: " + q.detail());
  }

  private static long lastTime(SampleBatch batch) {
    long t = 0;
    for (int i = 0; i < batch.size(); i++) {
      t = Math.max(t, batch.sourceTimeNanos(i));
    }
    return t > 0 ? t : batch.receiveTimeNanos();
  }

  private void signal() {
    lock.lock();
    try {
      signalled = true;
      workAvailable.signal();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------- pipeline thread

  private void runLoop() {
    long nextMetrics = System.nanoTime() + metricsInterval.toNanos();
    try {
      while (true) {
        boolean work;
        lock.lock();
        try {
          if (!signalled && !stopping) {
            long wait = nextMetrics - System.nanoTime();
            if (wait > 0) {
              workAvailable.awaitNanos(wait);
            }
          }
          work = signalled;
          signalled = false;
        } finally {
          lock.unlock();
        }
        if (work) {
          while (tick()) {
            // Machines with more than one pending window (queue back-pressure, stale markers) go round again.
          }
        }
        if (System.nanoTime() - nextMetrics >= 0) {
          nextMetrics = System.nanoTime() + metricsInterval.toNanos();
          PipelineMetrics snapshot = metrics();
          for (PipelineListener l : listeners) {
            try {
              l.onMetrics(snapshot);
            } catch (RuntimeException e) {
              LOG.warn("pipeline '{}': metrics listener failed", name, e);
            }
          }
        }
        if (stopping && !hasPending()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.error("pipeline '{}': its thread failed and stops; this is a bug", name, e);
    }
  }

  private boolean hasPending() {
    intake.lock();
    try {
      for (MachineState m : machines) {
        if (!m.pending.isEmpty()) {
          return true;
        }
      }
      return false;
    } finally {
      intake.unlock();
    }
  }

  /** Scores every machine's oldest pending window in one model call; returns true if more is pending. */
  private boolean tick() {
    ticks.incrementAndGet();
    int k = 0;
    boolean more = false;
    List<Pending> staleNow = null;
    List<MachineState> staleMachines = null;
    Pending[] taken = takePending();
    for (int i = 0; i < taken.length; i++) {
      MachineState m = machines.get(i);
      Pending p = taken[i];
      if (p == null) {
        continue;
      }
      more |= p.more;
      if (p.staleQuality != null) {
        if (staleNow == null) {
          staleNow = new ArrayList<>();
          staleMachines = new ArrayList<>();
        }
        staleNow.add(p);
        staleMachines.add(m);
        continue;
      }
      if (copyWindow(m, p, k)) {
        batch[k] = m;
        batchPending[k] = p;
        k++;
      }
    }
    if (k > 0) {
      score(k);
    }
    if (staleNow != null) {
      for (int i = 0; i < staleNow.size(); i++) {
        MachineState m = staleMachines.get(i);
        Pending p = staleNow.get(i);
        m.staleResults.incrementAndGet();
        dispatch(m, MachineResult.bad(name, m.name, p.sequence, p.timeNanos, p.staleQuality, outputNames), p);
      }
    }
    Arrays.fill(batch, 0, k, null);
    Arrays.fill(batchPending, 0, k, null);
    return more;
  }

  /** Takes each machine's oldest pending window, all under the intake lock. */
  private Pending[] takePending() {
    intake.lock();
    try {
      for (int i = 0; i < machines.size(); i++) {
        MachineState m = machines.get(i);
        Pending p = m.pending.pollFirst();
        if (p != null) {
          p.more = !m.pending.isEmpty();
        }
        taken[i] = p;
      }
      return taken;
    } finally {
      intake.unlock();
    }
  }

  /** Copies the machine's window into batch row {@code k}; false (and counted) if the writer overtook it. */
  private boolean copyWindow(MachineState m, Pending p, int k) {
    Window w = m.window;
    long end = p.sequence;
    try {
      w.values(end, rows).copyTo(inputRows[k]);
      TensorBuffer mask = w.mask(end, rows);
      boolean held = false;
      for (int i = 0, n = mask.elementCount(); i < n && !held; i++) {
        held = mask.getByte(i) == 0;
      }
      batchTime[k] = w.times(end, rows).getLong(rows - 1);
      // Read everything before asking whether the rows were still the published ones.
      if (!w.isValid(end, rows)) {
        m.skipped.incrementAndGet();
        return false;
      }
      batchQuality[k] = held
          ? Quality.uncertain(Quality.Reason.STALE_INPUT, 0, "window holds values over missed samples")
          : Quality.GOOD;
      return true;
    } catch (RuntimeException e) {
      // The ring moved on past these rows (they are no longer addressable): the window is skipped, not scored.
      m.skipped.incrementAndGet();
      return false;
    }
  }

  private void score(int k) {
    RuntimeException failure = null;
    try {
      modelCalls.incrementAndGet();
      model.run(inputsBySize.get(k), outputsBySize.get(k));
    } catch (RuntimeException e) {
      failure = e;
    }
    if (failure != null) {
      List<String> failed = new ArrayList<>();
      for (int i = 0; i < k; i++) {
        failed.add(batch[i].name);
        batch[i].modelErrors.incrementAndGet();
      }
      LOG.warn("pipeline '{}': model {} failed on {}: {}", name, model.info(), failed, failure.toString());
      for (PipelineListener l : listeners) {
        try {
          l.onModelError(this, failed, failure);
        } catch (RuntimeException e) {
          LOG.warn("pipeline '{}': listener failed", name, e);
        }
      }
      Quality bad = Quality.bad(Quality.Reason.MODEL_ERROR, "model " + model.info().name() + ": " + failure);
      for (int i = 0; i < k; i++) {
        MachineState m = batch[i];
        dispatch(m, MachineResult.bad(name, m.name, batchPending[i].sequence, batchTime[i], bad, outputNames),
            batchPending[i]);
      }
      return;
    }
    for (int i = 0; i < k; i++) {
      MachineState m = batch[i];
      m.inferences.incrementAndGet();
      // The result's own array, filled straight from the output tensor: the one allocation per machine and tick.
      double[] values = new double[outputWidth];
      boolean finite = true;
      for (int j = 0; j < outputWidth; j++) {
        float v = output.getFloat(i * outputWidth + j);
        values[j] = v;
        finite &= Float.isFinite(v);
      }
      Quality q = finite ? batchQuality[i]
          : Quality.bad(Quality.Reason.MODEL_ERROR, "model " + model.info().name() + " returned " + Arrays.toString(values));
      MachineResult result = finite
          ? MachineResult.owning(name, m.name, batchPending[i].sequence, batchTime[i], q, outputNames, values)
          : MachineResult.bad(name, m.name, batchPending[i].sequence, batchTime[i], q, outputNames);
      dispatch(m, result, batchPending[i]);
    }
  }

  private void dispatch(MachineState m, MachineResult result, Pending p) {
    for (PipelineAction action : actions) {
      try {
        action.onResult(result);
        m.actions.incrementAndGet();
      } catch (RuntimeException e) {
        m.actionErrors.incrementAndGet();
        LOG.warn("pipeline '{}': action {} failed on {}", name, action, result, e);
        for (PipelineListener l : listeners) {
          try {
            l.onActionError(this, result, e);
          } catch (RuntimeException le) {
            LOG.warn("pipeline '{}': listener failed", name, le);
          }
        }
      }
    }
    long nanos = System.nanoTime() - p.receivedNanos;
    m.latency.record(nanos);
    latency.record(nanos);
  }

  /**
   * Stops the devices' subscriptions, lets the pipeline's thread score what was already pending, then closes the
   * actions (in order) and frees the windows and batch tensors. Idempotent; the devices and the model stay open.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    for (Subscription s : subscriptions) {
      closeQuietly(s);
    }
    stopping = true;
    signal();
    Thread t = thread;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        LOG.warn("pipeline '{}': its thread did not finish within 30 s (a model or action is stuck)", name);
      }
    }
    for (PipelineAction a : actions) {
      closeQuietly(a);
    }
    if (t == null || !t.isAlive()) {
      for (MachineState m : machines) {
        m.window.close();
      }
      input.close();
      output.close();
    }
    LOG.info("pipeline '{}' closed: {}", name, metrics());
  }

  private void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("pipeline '{}': closing {} failed", name, c, e);
    }
  }

  @Override
  public String toString() {
    return "Pipeline[" + name + ", " + machines.size() + " machines]";
  }

  /** A window end (or a stale marker, with the quality to report) waiting for the pipeline's thread. */
  private static final class Pending {
    final long sequence;
    final long receivedNanos;
    final Quality staleQuality;
    final long timeNanos;
    boolean more;

    Pending(long sequence, long receivedNanos, Quality staleQuality, long timeNanos) {
      this.sequence = sequence;
      this.receivedNanos = receivedNanos;
      this.staleQuality = staleQuality;
      this.timeNanos = timeNanos;
    }
  }

  private static final class MachineState {
    final String name;
    final Device device;
    final List<Tag> tags;
    final int bound;
    /** Guarded by the pipeline's intake lock. */
    final ArrayDeque<Pending> pending = new ArrayDeque<>();
    Window window;
    /** Where each of the machine's tags sits in its device's polls; set before subscribing. */
    int[] positions;
    final double[] row;
    final boolean[] present;
    /** Which columns have had a first sample, and how many have not; until then no row is appended. */
    final boolean[] seen;
    int unseen;
    // Written by the device's thread only.
    long receivedNanos;
    boolean offered;
    /** The quality of the machine's last input the window could not take, for the reason of a BAD result. */
    Quality lastMissing;
    volatile boolean stale;

    final AtomicLong rows = new AtomicLong();
    final AtomicLong windows = new AtomicLong();
    final AtomicLong inferences = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong staleResults = new AtomicLong();
    final AtomicLong modelErrors = new AtomicLong();
    final AtomicLong actions = new AtomicLong();
    final AtomicLong actionErrors = new AtomicLong();
    final LatencyHistogram latency = new LatencyHistogram();

    MachineState(String name, Device device, List<Tag> tags, int bound) {
      this.name = name;
      this.device = device;
      this.tags = tags;
      this.bound = bound;
      this.row = new double[tags.size()];
      this.present = new boolean[tags.size()];
      this.seen = new boolean[tags.size()];
      this.unseen = tags.size();
    }

  }

  private static final class MachineSpec {
    final String name;
    final Device device;
    final List<Tag> tags;
    final double[] mean;
    final double[] std;

    MachineSpec(String name, Device device, List<Tag> tags, double[] mean, double[] std) {
      this.name = name;
      this.device = device;
      this.tags = tags;
      this.mean = mean;
      this.std = std;
    }
  }

  /** Options of a {@link Pipeline}; name, at least one machine, the poll rate and the model are required. */
  public static final class Builder {
    private String name;
    private final List<MachineSpec> machines = new ArrayList<>();
    private SubscriptionOptions poll;
    private int windowRows;
    private int hop = 1;
    private double[] mean;
    private double[] std;
    private MissingDataPolicy missingData = MissingDataPolicy.HOLD_LAST;
    private int maxHoldRows = 2;
    private boolean acceptUncertain = true;
    private Model model;
    private String inputName = "input";
    private String outputName = "score";
    private int outputWidth = 1;
    private final List<PipelineAction> actions = new ArrayList<>();
    private final List<PipelineListener> listeners = new ArrayList<>();
    private BackPressure backPressure = BackPressure.skipStale();
    private Duration metricsInterval = Duration.ofSeconds(10);

    private Builder() {}

    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Adds a machine: its tags on {@code device}, one per model feature, in the model's feature order. Every machine
     * of a pipeline has the same number of features (they share one model).
     */
    public Builder machine(String name, Device device, List<Tag> tags) {
      return machine(name, device, tags, null, null);
    }

    /** Adds a machine with its own normalisation, {@code (value - mean) / std} per feature. */
    public Builder machine(String name, Device device, List<Tag> tags, double[] mean, double[] std) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(device, "device");
      if (tags.isEmpty()) {
        throw new IllegalArgumentException("machine '" + name + "': tags is empty");
      }
      if (machines.stream().anyMatch(m -> m.name.equals(name))) {
        throw new IllegalArgumentException("machine '" + name + "' added twice");
      }
      if ((mean == null) != (std == null) || mean != null && (mean.length != tags.size() || std.length != tags.size())) {
        throw new IllegalArgumentException("machine '" + name + "': expected mean and std of " + tags.size()
            + " values, found " + (mean == null ? "null" : mean.length) + " and " + (std == null ? "null" : std.length));
      }
      machines.add(new MachineSpec(name, device, List.copyOf(tags), mean == null ? null : mean.clone(),
          std == null ? null : std.clone()));
      return this;
    }

    /** How the devices are polled (Modbus) or subscribed (OPC UA); one row per delivery. */
    public Builder poll(SubscriptionOptions poll) {
      this.poll = Objects.requireNonNull(poll, "poll");
      return this;
    }

    /** Rows in the window the model reads: {@code [N, rows, features]}. */
    public Builder windowRows(int windowRows) {
      if (windowRows < 1) {
        throw new IllegalArgumentException("windowRows < 1: " + windowRows);
      }
      this.windowRows = windowRows;
      return this;
    }

    /** Scores a machine every {@code hop} rows; 1 (the default) scores after every row. */
    public Builder hop(int hop) {
      if (hop < 1) {
        throw new IllegalArgumentException("hop < 1: " + hop);
      }
      this.hop = hop;
      return this;
    }

    /** Normalisation for machines added without their own: {@code (value - mean) / std} per feature. */
    public Builder normalisation(double[] mean, double[] std) {
      if (mean.length != std.length) {
        throw new IllegalArgumentException("mean.length != std.length: " + mean.length + " != " + std.length);
      }
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /** What to do with a missed sample; {@link MissingDataPolicy#HOLD_LAST} (the default) or INVALIDATE. */
    public Builder missingData(MissingDataPolicy missingData) {
      this.missingData = Objects.requireNonNull(missingData, "missingData");
      return this;
    }

    /**
     * Most consecutive rows a missed value is held (results are then UNCERTAIN); beyond that the machine's data is
     * stale and it is not scored. Defaults to 2: a pipeline never scores data older than two polls as current.
     */
    public Builder maxHoldRows(int maxHoldRows) {
      if (maxHoldRows < 0) {
        throw new IllegalArgumentException("maxHoldRows < 0: " + maxHoldRows);
      }
      this.maxHoldRows = maxHoldRows;
      return this;
    }

    /** Whether UNCERTAIN samples count as present (the default) or as missed. */
    public Builder acceptUncertain(boolean acceptUncertain) {
      this.acceptUncertain = acceptUncertain;
      return this;
    }

    /**
     * The model, with the name of its input ({@code [N, rows, features]}, FLOAT32) and of the output the pipeline
     * reads ({@code [N, width]}, FLOAT32).
     */
    public Builder model(Model model, String inputName, String outputName, int outputWidth) {
      this.model = Objects.requireNonNull(model, "model");
      this.inputName = Objects.requireNonNull(inputName, "inputName");
      this.outputName = Objects.requireNonNull(outputName, "outputName");
      if (outputWidth < 1) {
        throw new IllegalArgumentException("outputWidth < 1: " + outputWidth);
      }
      this.outputWidth = outputWidth;
      return this;
    }

    /** Adds an action; actions get each result in the order they were added. */
    public Builder action(PipelineAction action) {
      actions.add(Objects.requireNonNull(action, "action"));
      return this;
    }

    public Builder listener(PipelineListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** What to do when windows become ready faster than they are scored; {@link BackPressure#skipStale()} by default. */
    public Builder backPressure(BackPressure backPressure) {
      this.backPressure = Objects.requireNonNull(backPressure, "backPressure");
      return this;
    }

    /** How often {@link PipelineListener#onMetrics} is called; 10 s by default. */
    public Builder metricsInterval(Duration metricsInterval) {
      if (metricsInterval.isNegative() || metricsInterval.isZero()) {
        throw new IllegalArgumentException("metricsInterval <= 0: " + metricsInterval);
      }
      this.metricsInterval = metricsInterval;
      return this;
    }

    /**
     * Builds the pipeline, allocating its windows and batch tensors; nothing runs until {@link Pipeline#start()}.
     *
     * @throws IllegalArgumentException naming the missing or inconsistent option
     */
    public Pipeline build() {
      if (name == null) {
        throw new IllegalArgumentException("name not set");
      }
      if (machines.isEmpty()) {
        throw new IllegalArgumentException("pipeline '" + name + "': no machine added");
      }
      if (poll == null) {
        throw new IllegalArgumentException("pipeline '" + name + "': poll not set");
      }
      if (windowRows < 1) {
        throw new IllegalArgumentException("pipeline '" + name + "': windowRows not set");
      }
      if (model == null) {
        throw new IllegalArgumentException("pipeline '" + name + "': model not set");
      }
      int features = machines.get(0).tags.size();
      for (MachineSpec m : machines) {
        if (m.tags.size() != features) {
          throw new IllegalArgumentException("pipeline '" + name + "': machine '" + m.name + "' has " + m.tags.size()
              + " tags, expected " + features + " like machine '" + machines.get(0).name + "' (one model, one shape)");
        }
      }
      if (mean != null && mean.length != features) {
        throw new IllegalArgumentException("pipeline '" + name + "': normalisation has " + mean.length
            + " values, expected " + features);
      }
      return new Pipeline(this);
    }
  }

}
