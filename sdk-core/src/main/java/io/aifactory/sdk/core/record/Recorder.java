package io.aifactory.sdk.core.record;

import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardListener;
import io.aifactory.sdk.core.guard.OperatorAction;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.core.record.RecordFormat.Label;
import io.aifactory.sdk.core.record.RecordFormat.SampleRow;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records what a plant's data scientists need to train the next model: tag samples, pipeline results, write-guard
 * decisions, alarms, operator actions and labels, as gzip-compressed JSON Lines that load in one line:
 *
 * <pre>{@code
 * try (Recorder recorder = Recorder.newBuilder()
 *     .name("line1")
 *     .directory(Path.of("/var/lib/mes/recordings"))
 *     .rotateEvery(Duration.ofHours(1))
 *     .retainBytes(20L << 30)
 *     .build()) {
 *   recorder.start();
 *   device.subscribe(tags, options, batch -> recorder.recordSamples("press-1", batch));
 *   // a Recorder is a PipelineAction, a GuardListener and an AlarmListener: hand it to each
 *   recorder.label("press-1", "lab_viscosity", 412.0, "sample taken at 10:05");
 * }
 * // python: pandas.read_json("line1-20240501T120000Z-000001.jsonl.gz", lines=True)
 * }</pre>
 *
 * <p><b>Threads.</b> Every recording method returns at once: it puts the record in a bounded queue (see {@link
 * Builder#queueCapacity}) and one writer thread, {@code recorder-<name>}, started by {@link #start()}, writes it.
 * When the queue is full the record is refused: the method returns false (or, for the listener methods, which
 * return nothing, the refusal is only counted) and {@link RecorderMetrics#refused()} grows. Nothing is dropped
 * without being counted, and nothing is ever thrown at a caller because of the disk.
 *
 * <p><b>Files.</b> In {@link Builder#directory}: {@code <name>-<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl.gz}, written as
 * {@code <file>.part} and renamed when complete (after an fsync), so a reader never sees half a file. A file is
 * completed when its compressed size reaches {@link Builder#rotateAtBytes}, when it is {@link Builder#rotateEvery}
 * old, and at {@link #close()}. The first line of every file is a schema header, {@code
 * {"type":"schema","schema":"aifactory-recording","version":1,"fields":{...}}}, describing each record type's
 * fields. {@code manifest.json}, replaced atomically at each rotation, lists the completed files oldest first with
 * their record counts per type, bytes, and earliest and latest record time. Retention ({@link Builder#retainFiles},
 * {@link Builder#retainBytes}) deletes the oldest completed files, never the newest. One recorder per folder.
 *
 * <p><b>Records.</b> One JSON object per line, with {@code "type"}: {@code sample}, {@code result}, {@code decision},
 * {@code alarm}, {@code operator} or {@code label}, and {@code time} (ISO-8601 UTC with nine fraction digits) plus
 * {@code time_ns} (nanoseconds since the epoch). A sample's {@code value} is null when its status is BAD, never a
 * made-up number; NaN and infinities, which JSON cannot hold, are written as null too, and the {@code detail} says
 * so. The fields of each type are listed in {@code sdk-core/RECORDING.md} and in every file's header.
 *
 * <p><b>Faults.</b> A full disk, a missing permission or a folder that cannot be created is logged once (WARN) per
 * outage, counted in {@link RecorderMetrics#writeErrors()}, and retried with a short backoff; accepted records wait
 * in memory meanwhile and are written, in order, when the disk comes back. {@link #close()} writes everything
 * accepted, completes the file and the manifest; if the disk still fails after {@link Builder#closeTimeout}, what
 * could not be written is logged and counted in {@link RecorderMetrics#lost()}.
 *
 * <p><b>Closing.</b> A pipeline closes its actions when it closes. To keep one recorder for a pipeline <em>and</em>
 * a guard or an alarm, give the pipeline {@code recorder::onResult} (a method reference closes nothing) and close
 * the recorder yourself.
 */
public final class Recorder implements PipelineAction, GuardListener, AlarmListener {
  private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final String name;
  private final Path directory;
  private final Set<String> tags;
  private final Duration closeTimeout;
  private final int queueCapacity;
  private final RecordQueue queue;
  private final Counters counters = new Counters();
  private final RecordingWriter writer;
  private final AtomicLong nextRefusalLogNanos = new AtomicLong(System.nanoTime());
  private final Object lifecycle = new Object();
  private Thread thread;
  private boolean closed;

  private Recorder(Builder b) {
    this.name = b.name;
    this.directory = b.directory;
    this.tags = b.tags;
    this.closeTimeout = b.closeTimeout;
    this.queueCapacity = b.queueCapacity;
    this.queue = new RecordQueue(b.queueCapacity);
    this.writer = new RecordingWriter(b.name, b.directory, b.rotateAtBytes, saturatedNanos(b.rotateEvery),
        b.retainFiles, b.retainBytes, queue, b.queueCapacity, counters);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the recorder's name: the prefix of its files and the suffix of its thread's name. */
  public String name() {
    return name;
  }

  public Path directory() {
    return directory;
  }

  /**
   * Starts the writer thread. Records offered before are kept in the queue and written first.
   *
   * @throws IllegalStateException if already started or closed
   */
  public void start() {
    synchronized (lifecycle) {
      if (closed) throw new IllegalStateException("recorder '" + name + "' is closed");
      if (thread != null) throw new IllegalStateException("recorder '" + name + "' already started");
      thread = new Thread(writer, "recorder-" + name);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /**
   * Records every row of {@code batch} (only the chosen {@link Builder#tags}, if any) as one {@code sample} line
   * each. Returns false if the queue could not take every row; the rows that did not fit are counted as refused.
   */
  public boolean recordSamples(String device, SampleBatch batch) {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(batch, "batch");
    List<SampleRow> rows = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      if (tags.isEmpty() || tags.contains(batch.tag(i).name())) rows.add(new SampleRow(device, batch, i));
    }
    if (rows.isEmpty()) return true;
    int accepted = queue.offerAll(rows);
    counters.accepted.addAndGet(accepted);
    if (accepted == rows.size()) return true;
    refused(rows.size() - accepted);
    return false;
  }

  /** Records a pipeline's result; a refusal (queue full) is counted. */
  @Override
  public void onResult(MachineResult result) {
    offer(Objects.requireNonNull(result, "result"));
  }

  /** Records a write guard's decision; a refusal (queue full) is counted. */
  @Override
  public void onDecision(GuardDecision decision) {
    offer(Objects.requireNonNull(decision, "decision"));
  }

  /** Records a change the SDK did not make (an operator's); a refusal (queue full) is counted. */
  @Override
  public void onOperatorAction(OperatorAction action) {
    offer(Objects.requireNonNull(action, "action"));
  }

  /** Records an alarm raised or cleared; a refusal (queue full) is counted. */
  @Override
  public void onAlarm(AlarmEvent event) {
    offer(Objects.requireNonNull(event, "event"));
  }

  /** Records a label about {@code machine} now; see {@link #label(String, String, Object, String, Instant)}. */
  public boolean label(String machine, String name, Object value, String note) {
    return label(machine, name, value, note, Instant.now());
  }

  /**
   * Records a label: something known about {@code machine} at {@code time} that no tag says, such as a lab result
   * for the batch produced then, or an operator's judgement. Returns false if the queue was full (counted).
   *
   * @param value a number, boolean or string, or null for a note alone
   * @param note free text, or null
   * @throws IllegalArgumentException if {@code value} is of another type
   */
  public boolean label(String machine, String name, Object value, String note, Instant time) {
    Objects.requireNonNull(machine, "machine");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(time, "time");
    if (value != null && !(value instanceof Number || value instanceof Boolean || value instanceof String)) {
      throw new IllegalArgumentException("label value is not a number, boolean or string: " + value.getClass());
    }
    long nanos = Math.addExact(Math.multiplyExact(time.getEpochSecond(), 1_000_000_000L), time.getNano());
    return offer(new Label(machine, name, value, note, nanos));
  }

  /** Returns a snapshot of the counters. */
  public RecorderMetrics metrics() {
    return counters.snapshot(name);
  }

  /**
   * Stops taking records, writes every accepted one, completes the current file (fsync, rename) and writes the
   * manifest. Waits at most about {@link Builder#closeTimeout} while the disk fails; what could not be written is
   * logged and counted as {@link RecorderMetrics#lost()}. Never throws; calling it again does nothing.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (lifecycle) {
      if (closed) return;
      closed = true;
      t = thread;
    }
    queue.close();
    writer.requestClose(System.nanoTime() + closeTimeout.toNanos());
    if (t == null) {
      writer.run(); // never started: drain on this thread, so what was accepted is still written
      return;
    }
    LockSupport.unpark(t); // cut a backoff short
    try {
      t.join(closeTimeout.toMillis() + 1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (t.isAlive()) {
      LOG.warn("recorder '{}': writer still busy {} after close(); it finishes in the background", name, closeTimeout);
    }
  }

  @Override
  public String toString() {
    return "Recorder{" + name + " -> " + directory + "}";
  }

  private boolean offer(Object entry) {
    if (queue.offer(entry)) {
      counters.accepted.incrementAndGet();
      return true;
    }
    refused(1);
    return false;
  }

  private void refused(long n) {
    long total = counters.refused.addAndGet(n);
    long now = System.nanoTime();
    long at = nextRefusalLogNanos.get();
    // At most one line a minute: a full queue refuses thousands of records a second.
    if (now - at >= 0 && nextRefusalLogNanos.compareAndSet(at, now + REFUSAL_LOG_INTERVAL_NANOS)) {
      LOG.warn("recorder '{}' refused records ({} so far): {}", name, total,
          queue.isClosed() ? "it is closed" : "its queue of " + queueCapacity + " records is full");
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Options for a {@link Recorder}; only {@link #directory} is required. */
  public static final class Builder {
    private String name = "recording";
    private Path directory;
    private Set<String> tags = Set.of();
    private int queueCapacity = 65_536;
    private long rotateAtBytes = 64L << 20;
    private Duration rotateEvery = Duration.ofHours(1);
    private int retainFiles = Integer.MAX_VALUE;
    private long retainBytes = Long.MAX_VALUE;
    private Duration closeTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** The prefix of every file and the suffix of the thread's name: letters, digits, '.', '_', '-'. */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) throw new IllegalArgumentException("name not [A-Za-z0-9._-]+: " + name);
      this.name = name;
      return this;
    }

    /** The folder the files go to; created if missing. Required. */
    public Builder directory(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** Records only samples of tags with these names; empty (the default) records every tag. */
    public Builder tags(Collection<String> names) {
      this.tags = Set.copyOf(names);
      return this;
    }

    /** How many records may wait for the writer; beyond it records are refused and counted. Default 65536. */
    public Builder queueCapacity(int queueCapacity) {
      if (queueCapacity <= 0) throw new IllegalArgumentException("queueCapacity <= 0: " + queueCapacity);
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Completes a file once its compressed size reaches this many bytes (it may exceed it by one compressed chunk
     * of at most 1 MiB of lines). Default 64 MiB.
     */
    public Builder rotateAtBytes(long rotateAtBytes) {
      if (rotateAtBytes <= 0) throw new IllegalArgumentException("rotateAtBytes <= 0: " + rotateAtBytes);
      this.rotateAtBytes = rotateAtBytes;
      return this;
    }

    /** Completes a file this long after it was opened, so recent data becomes readable. Default one hour. */
    public Builder rotateEvery(Duration rotateEvery) {
      Objects.requireNonNull(rotateEvery, "rotateEvery");
      if (rotateEvery.isNegative() || rotateEvery.isZero()) {
        throw new IllegalArgumentException("rotateEvery <= 0: " + rotateEvery);
      }
      this.rotateEvery = rotateEvery;
      return this;
    }

    /** Keeps at most this many completed files, deleting the oldest. Default: no limit. */
    public Builder retainFiles(int retainFiles) {
      if (retainFiles <= 0) throw new IllegalArgumentException("retainFiles <= 0: " + retainFiles);
      this.retainFiles = retainFiles;
      return this;
    }

    /** Keeps completed files up to this many bytes in all, deleting the oldest (never the newest). Default: no limit. */
    public Builder retainBytes(long retainBytes) {
      if (retainBytes <= 0) throw new IllegalArgumentException("retainBytes <= 0: " + retainBytes);
      this.retainBytes = retainBytes;
      return this;
    }

    /** How long {@link Recorder#close()} keeps retrying a failing disk before it gives up. Default 10 seconds. */
    public Builder closeTimeout(Duration closeTimeout) {
      Objects.requireNonNull(closeTimeout, "closeTimeout");
      if (closeTimeout.isNegative()) throw new IllegalArgumentException("closeTimeout < 0: " + closeTimeout);
      this.closeTimeout = closeTimeout;
      return this;
    }

    /** @throws IllegalStateException if no directory was set */
    public Recorder build() {
      if (directory == null) throw new IllegalStateException("directory == null");
      return new Recorder(this);
    }
  }
}
