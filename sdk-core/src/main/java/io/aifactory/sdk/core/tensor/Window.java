package io.aifactory.sdk.core.tensor;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A sliding window of the most recent samples, shape {@code [time, features]}, whose latest rows are always
 * one contiguous {@link TensorBuffer} view: the model input is handed to an inference runtime without a copy.
 *
 * <p>Layout: a ring of {@code capacity} rows stored twice ("mirrored"). Row {@code r} is written at slot
 * {@code r % capacity} and again at {@code r % capacity + capacity}, so the latest {@code n <= capacity} rows
 * always sit side by side, in order, starting at slot {@code (end - n) % capacity}. Writing each row twice
 * costs a second copy of a few bytes per feature at append time, and saves copying the whole window at every
 * inference. The mask and the row timestamps are mirrored the same way and are views too. Views are for
 * reading: a write through one reaches only one of the two copies of a row.
 *
 * <pre>{@code
 * try (Window window = Window.newBuilder()
 *     .capacity(512).length(256).hop(8)
 *     .columns("line1.temperature", "line1.pressure")
 *     .normalisation(new double[] {80, 2.5}, new double[] {12, 0.4})
 *     .missingData(MissingDataPolicy.HOLD_LAST)
 *     .onReady((w, sequence) -> run(w.latestBatch(256)))  // [1, 256, 2], no copy
 *     .build()) {
 *   device.subscribe(tags, options, window::append);    // the device's thread is the one writer
 *   ...
 * }
 * }</pre>
 *
 * <p>Each appended row is normalised on the way in ({@code (value - mean) / std} per column) so views need no
 * further arithmetic. Missing samples (BAD, absent from the batch, or NaN) are handled by the
 * {@link MissingDataPolicy}: never written as 0, always marked 0 in the mask.
 *
 * <h2>Threads</h2>
 * One thread appends (the writer); {@code append} is not synchronised. Any threads may read concurrently.
 * {@link #sequence()} counts the rows published so far; the rows {@code [end - n, end)} of a window are
 * identified by its end sequence. A view is not a snapshot: the writer keeps writing into the ring, and the
 * rows of a view are overwritten once {@code capacity - n + 1} more rows are appended. A reader on another
 * thread therefore works like a seqlock reader:
 *
 * <pre>{@code
 * long end = window.sequence();
 * TensorBuffer input = window.values(end, n);
 * ... read input ...
 * if (!window.isIntact(end, n)) { ... discard what was read, retry ... }
 * }</pre>
 *
 * <p>{@link #isIntact(long, int)} is false as soon as the writer has <em>started</em> to overwrite any of the
 * rows, so a true answer after reading means everything read was the rows as published. Readers that need a
 * stable copy use {@link #copyLatestInto(TensorBuffer)}, which retries until it has a consistent copy. Make
 * {@code capacity} comfortably larger than the {@code n} readers use (for example twice) so that readers are
 * rarely overtaken.
 */
public final class Window implements AutoCloseable {
  private static final VarHandle SEQUENCE;
  private static final VarHandle CLAIMED;
  private static final int MAX_COPY_ATTEMPTS = 1_000;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SEQUENCE = lookup.findVarHandle(Window.class, "sequence", long.class);
      CLAIMED = lookup.findVarHandle(Window.class, "claimed", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  private final int features;
  private final int length;
  private final int hop;
  private final ElementType type;
  private final boolean doubles;
  private final List<String> columns;
  private final Map<String, Integer> columnIndex;
  private final double[] mean;
  private final double[] inverseStd;
  private final MissingDataPolicy policy;
  private final int maxHoldRows;
  private final boolean acceptUncertain;
  private final ReadyListener listener;

  private final TensorBuffer values;
  private final TensorBuffer mask;
  private final TensorBuffer times;
  private final ByteBuffer valueMemory;
  /** Typed views of the whole of {@link #values} for bulk writes; used by the writer only. */
  private final FloatBuffer valueFloats;
  private final DoubleBuffer valueDoubles;
  private final ByteBuffer maskMemory;
  private final ByteBuffer timeMemory;
  private final int rowBytes;
  /** For the row in each slot: the last row at or before it that was invalid, or -1. */
  private final long[] lastInvalidAsOf;

  /** Rows fully written and published; written by the writer with release semantics. */
  @SuppressWarnings("unused")
  private volatile long sequence;
  /** Rows the writer has started to write; always {@code sequence} or {@code sequence + 1}. */
  @SuppressWarnings("unused")
  private volatile long claimed;

  // Reused so that appending allocates nothing: shapes handed to views are replaced, never mutated.
  // Values and mask views have the same shape [n, features], so they share one array.
  private volatile long[] rowsShape;
  private volatile long[] batchShape;
  private volatile long[] timesShape;

  // Writer state.
  // The next row, already normalised, in the window's element type (one of the two arrays is used).
  private final double[] stage;
  private final float[] stageFloats;
  private final float[] meanFloats;
  private final float[] inverseStdFloats;
  private final byte[] stageMask;
  /** Row of each column's last good value, where later than {@link #lastCompleteRow}. */
  private final long[] lastGoodRow;
  /** Last row in which every column was good: saves updating every column on the common path. */
  private long lastCompleteRow = -1;
  private long lastInvalid = -1;
  /** Writer's copies of the next row number and its slot, to avoid a volatile read and a division per row. */
  private long nextRow;
  private int nextSlot;
  private int rowsSinceReady;
  private Tag[] layoutTags = new Tag[0];
  private int[] layoutColumns = new int[0];
  private boolean closed;

  private Window(Builder b) {
    this.capacity = b.capacity;
    this.features = b.columns != null ? b.columns.size() : b.features;
    this.length = b.length == 0 ? capacity : b.length;
    this.hop = b.hop;
    this.type = b.elementType;
    this.doubles = type == ElementType.FLOAT64;
    this.policy = b.policy;
    this.maxHoldRows = b.maxHoldRows;
    this.acceptUncertain = b.acceptUncertain;
    this.listener = b.listener;
    if (b.columns != null) {
      this.columns = Collections.unmodifiableList(new ArrayList<>(b.columns));
      this.columnIndex = new HashMap<>();
      for (int i = 0; i < features; i++) {
        if (columnIndex.put(columns.get(i), i) != null) {
          throw new IllegalArgumentException("duplicate column: " + columns.get(i));
        }
      }
    } else {
      this.columns = Collections.emptyList();
      this.columnIndex = Collections.emptyMap();
    }
    this.mean = new double[features];
    this.inverseStd = new double[features];
    Arrays.fill(inverseStd, 1.0);
    if (b.mean != null) {
      if (b.mean.length != features || b.std.length != features) {
        throw new IllegalArgumentException("normalisation for " + b.mean.length + " columns, window has "
            + features);
      }
      for (int c = 0; c < features; c++) {
        if (!(b.std[c] > 0) || Double.isInfinite(b.std[c]) || !Double.isFinite(b.mean[c])) {
          throw new IllegalArgumentException("column " + c + ": mean=" + b.mean[c] + " std=" + b.std[c]);
        }
        mean[c] = b.mean[c];
        inverseStd[c] = 1.0 / b.std[c];
      }
    }
    this.values = TensorBuffer.allocate(type, 2L * capacity, features);
    this.mask = TensorBuffer.allocate(ElementType.UINT8, 2L * capacity, features);
    this.times = TensorBuffer.allocate(ElementType.INT64, 2L * capacity);
    this.valueMemory = values.memory();
    this.valueFloats = doubles ? null : valueMemory.duplicate().order(valueMemory.order()).asFloatBuffer();
    this.valueDoubles = doubles ? valueMemory.duplicate().order(valueMemory.order()).asDoubleBuffer() : null;
    this.maskMemory = mask.memory();
    this.timeMemory = times.memory();
    this.rowBytes = features * type.byteSize();
    this.lastInvalidAsOf = new long[capacity];
    this.rowsShape = new long[] {length, features};
    this.batchShape = new long[] {1, length, features};
    this.timesShape = new long[] {length};
    this.stage = new double[features];
    this.stageFloats = new float[features];
    this.meanFloats = new float[features];
    this.inverseStdFloats = new float[features];
    for (int c = 0; c < features; c++) {
      meanFloats[c] = (float) mean[c];
      inverseStdFloats[c] = (float) inverseStd[c];
    }
    this.stageMask = new byte[features];
    this.lastGoodRow = new long[features];
    Arrays.fill(lastGoodRow, -1);
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the number of rows the window keeps. */
  public int capacity() {
    return capacity;
  }

  /** Returns the number of columns of each row. */
  public int features() {
    return features;
  }

  /** Returns the number of rows a model reads, which decides when the window is ready. */
  public int length() {
    return length;
  }

  /** Returns FLOAT32 or FLOAT64. */
  public ElementType elementType() {
    return type;
  }

  /** Returns the tag name of each column, or an empty list for a window fed with arrays only. */
  public List<String> columns() {
    return columns;
  }

  /** Returns the number of rows appended and published so far. */
  public long sequence() {
    return (long) SEQUENCE.getAcquire(this);
  }

  /** Returns how many rows are held: the sequence, up to the capacity. */
  public int size() {
    return (int) Math.min(sequence(), capacity);
  }

  // --------------------------------------------------------------------------------------- writer

  /** Appends a row in which every value is present. */
  public void append(long timeNanos, float[] row) {
    append(timeNanos, row, null);
  }

  /**
   * Appends a row; {@code present[c] == false} (or a NaN value) marks column {@code c} missing.
   *
   * @param present which columns hold a value; null means all
   * @throws TensorException if the row or mask length is not {@link #features()}
   */
  public void append(long timeNanos, float[] row, boolean[] present) {
    checkRow(row.length, present);
    // Simple loops over arrays, so that the JIT can vectorise them.
    if (doubles) {
      for (int c = 0; c < features; c++) {
        stage[c] = (row[c] - mean[c]) * inverseStd[c];
      }
    } else {
      for (int c = 0; c < features; c++) {
        stageFloats[c] = (row[c] - meanFloats[c]) * inverseStdFloats[c];
      }
    }
    stagePresence(present);
    writeRow(timeNanos);
  }

  /** Appends a row given in doubles; see {@link #append(long, float[], boolean[])}. */
  public void append(long timeNanos, double[] row, boolean[] present) {
    checkRow(row.length, present);
    if (doubles) {
      for (int c = 0; c < features; c++) {
        stage[c] = (row[c] - mean[c]) * inverseStd[c];
      }
    } else {
      for (int c = 0; c < features; c++) {
        stageFloats[c] = (float) ((row[c] - mean[c]) * inverseStd[c]);
      }
    }
    stagePresence(present);
    writeRow(timeNanos);
  }

  private void stagePresence(boolean[] present) {
    if (present == null) {
      Arrays.fill(stageMask, (byte) 1);
    } else {
      for (int c = 0; c < features; c++) {
        stageMask[c] = present[c] ? (byte) 1 : (byte) 0;
      }
    }
  }

  /**
   * Appends one row from a batch: each sample goes to the column named like its tag; samples of other tags
   * are ignored. Columns with no sample in the batch, a BAD sample (or UNCERTAIN, unless accepted), or a
   * NaN value are missing. The row's time is the latest source time of the samples mapped to columns, or the batch's
   * receive time if they carry none.
   *
   * <p>Tag-to-column lookups are cached per position in the batch, so batches of the same layout (the same
   * {@link Tag} objects in the same order, as a subscription delivers them) cost no lookups and no allocation.
   *
   * @throws TensorException if the window was built without column names
   */
  public void append(SampleBatch batch) {
    if (columnIndex.isEmpty()) {
      throw new TensorException("window has no column names: build it with columns(...) to append batches");
    }
    int n = batch.size();
    if (layoutTags.length < n) {
      layoutTags = Arrays.copyOf(layoutTags, n);
      layoutColumns = Arrays.copyOf(layoutColumns, n);
    }
    Arrays.fill(stageMask, (byte) 0);
    long time = Long.MIN_VALUE;
    for (int i = 0; i < n; i++) {
      int c = column(batch, i);
      if (c < 0) {
        continue;
      }
      Quality quality = batch.quality(i);
      double v = batch.doubleValue(i);
      boolean good = quality.isGood() || acceptUncertain && !quality.isBad();
      if (doubles) {
        stage[c] = (v - mean[c]) * inverseStd[c];
      } else {
        stageFloats[c] = (float) ((v - mean[c]) * inverseStd[c]);
      }
      stageMask[c] = good ? (byte) 1 : (byte) 0;
      time = Math.max(time, batch.sourceTimeNanos(i));
    }
    writeRow(time > 0 ? time : batch.receiveTimeNanos());
  }

  private int column(SampleBatch batch, int i) {
    Tag tag = batch.tag(i);
    if (layoutTags[i] != tag) {
      Integer c = columnIndex.get(tag.name());
      layoutTags[i] = tag;
      layoutColumns[i] = c == null ? -1 : c;
    }
    return layoutColumns[i];
  }

  private void checkRow(int rowLength, boolean[] present) {
    if (rowLength != features || present != null && present.length != features) {
      throw new TensorException("window row: expected " + features + " values, found " + rowLength
          + (present == null ? "" : " values and " + present.length + " presence flags"));
    }
  }

  /** Applies the missing-data policy to the staged row and publishes it. */
  private void writeRow(long timeNanos) {
    if (closed) {
      throw new TensorException("window is closed");
    }
    long r = nextRow;
    int slot = nextSlot;
    boolean invalid = false;
    if (isComplete()) {
      lastCompleteRow = r;
    } else {
      invalid = fillMissing(r);
    }

    // Announce the overwrite before touching the slot, so readers of the old row can tell.
    CLAIMED.setOpaque(this, r + 1);
    VarHandle.storeStoreFence();
    // Bulk puts into native-order typed views are plain memory copies; per-element puts cost several times more.
    if (doubles) {
      valueDoubles.put(slot * features, stage, 0, features);
      valueDoubles.put((slot + capacity) * features, stage, 0, features);
    } else {
      valueFloats.put(slot * features, stageFloats, 0, features);
      valueFloats.put((slot + capacity) * features, stageFloats, 0, features);
    }
    maskMemory.put(slot * features, stageMask, 0, features);
    maskMemory.put((slot + capacity) * features, stageMask, 0, features);
    timeMemory.putLong(slot * Long.BYTES, timeNanos);
    timeMemory.putLong((slot + capacity) * Long.BYTES, timeNanos);
    if (invalid) {
      lastInvalid = r;
    }
    lastInvalidAsOf[slot] = lastInvalid;
    SEQUENCE.setRelease(this, r + 1);
    nextRow = r + 1;
    nextSlot = slot + 1 == capacity ? 0 : slot + 1;

    if (listener != null && ++rowsSinceReady >= hop && isValid(r + 1, length)) {
      rowsSinceReady = 0;
      listener.onReady(this, r + 1);
    }
  }

  /** Returns true if every staged column is present and a number. */
  private boolean isComplete() {
    boolean complete = true;
    if (doubles) {
      for (int c = 0; c < features; c++) {
        complete &= stageMask[c] != 0 & stage[c] == stage[c];
      }
    } else {
      for (int c = 0; c < features; c++) {
        complete &= stageMask[c] != 0 & stageFloats[c] == stageFloats[c];
      }
    }
    return complete;
  }

  /**
   * Applies the missing-data policy column by column to row {@code r}; returns true if the row is invalid.
   * A held value is read back from the previous row, which holds the column's last good value or a held copy
   * of it (or NaN when it could not be held, which then stays NaN).
   */
  private boolean fillMissing(long r) {
    boolean invalid = false;
    int previous = (nextSlot == 0 ? capacity - 1 : nextSlot - 1) * features;
    for (int c = 0; c < features; c++) {
      boolean present = stageMask[c] != 0 && (doubles ? !Double.isNaN(stage[c]) : !Float.isNaN(stageFloats[c]));
      if (present) {
        lastGoodRow[c] = r;
        continue;
      }
      stageMask[c] = 0;
      long heldFor = r - Math.max(lastGoodRow[c], lastCompleteRow);
      boolean hold = policy == MissingDataPolicy.HOLD_LAST && r > 0 && heldFor <= maxHoldRows;
      double held = hold ? (doubles ? valueDoubles.get(previous + c) : valueFloats.get(previous + c)) : Double.NaN;
      invalid |= Double.isNaN(held);
      if (doubles) {
        stage[c] = held;
      } else {
        stageFloats[c] = (float) held;
      }
    }
    return invalid;
  }

  // --------------------------------------------------------------------------------------- readers

  /** Returns a view of the latest {@code n} rows, shape {@code [n, features]}; see {@link #values(long, int)}. */
  public TensorBuffer latest(int n) {
    return values(sequence(), n);
  }

  /** Returns a view of the latest {@code n} rows as a batch of one, shape {@code [1, n, features]}. */
  public TensorBuffer latestBatch(int n) {
    long end = sequence();
    int slot = startSlot(end, n);
    long[] shape = batchShape;
    if (shape[1] != n) {
      shape = new long[] {1, n, features};
      batchShape = shape;
    }
    return values.view(slot * rowBytes, shape, n * features);
  }

  /** Returns the mask of the latest {@code n} rows; see {@link #mask(long, int)}. */
  public TensorBuffer latestMask(int n) {
    return mask(sequence(), n);
  }

  /** Returns the timestamps of the latest {@code n} rows; see {@link #times(long, int)}. */
  public TensorBuffer latestTimes(int n) {
    return times(sequence(), n);
  }

  /**
   * Returns a view of rows {@code [end - n, end)}, shape {@code [n, features]}, oldest first, without copying.
   * Missing values that the policy could not fill are NaN.
   *
   * @throws TensorException if {@code n > capacity}, fewer than {@code n} rows were appended by {@code end},
   *     or {@code end} is beyond {@link #sequence()}
   */
  public TensorBuffer values(long end, int n) {
    int slot = startSlot(end, n);
    return values.view(slot * rowBytes, rowsShape(n), n * features);
  }

  /**
   * Returns the mask of rows {@code [end - n, end)}: UINT8, shape {@code [n, features]}, 1 where the row holds
   * the column's own good sample, 0 where the value was held or is NaN.
   */
  public TensorBuffer mask(long end, int n) {
    int slot = startSlot(end, n);
    return mask.view(slot * features, rowsShape(n), n * features);
  }

  /** Returns {@code [n, features]}, reusing the last such array so that a steady {@code n} allocates nothing. */
  private long[] rowsShape(int n) {
    long[] shape = rowsShape;
    if (shape[0] != n) {
      shape = new long[] {n, features};
      rowsShape = shape;
    }
    return shape;
  }

  /** Returns the time of each of rows {@code [end - n, end)}: INT64 nanoseconds since the epoch, shape {@code [n]}. */
  public TensorBuffer times(long end, int n) {
    int slot = startSlot(end, n);
    long[] shape = timesShape;
    if (shape[0] != n) {
      shape = new long[] {n};
      timesShape = shape;
    }
    return times.view(slot * Long.BYTES, shape, n);
  }

  /**
   * Returns true if none of rows {@code [end - n, end)} has been overwritten, even partly, by the writer.
   * Call it after reading a view: true means everything read was the rows as published.
   */
  public boolean isIntact(long end, int n) {
    // Order every read of the view before reading how far the writer has got.
    VarHandle.acquireFence();
    return (long) CLAIMED.getAcquire(this) <= end - n + capacity;
  }

  /** Returns true if the latest {@code n} rows are all held and valid; see {@link #isValid(long, int)}. */
  public boolean isValid(int n) {
    return isValid(sequence(), n);
  }

  /**
   * Returns true if rows {@code [end - n, end)} have all been appended, none of them had a value the missing-data
   * policy could not fill, and none has been overwritten since.
   */
  public boolean isValid(long end, int n) {
    if (n < 1 || n > capacity || end < n || end > sequence()) {
      return false;
    }
    boolean valid = lastInvalidAsOf[(int) ((end - 1) % capacity)] < end - n;
    return valid && isIntact(end, n);
  }

  /**
   * Copies the latest rows into {@code dst}, consistently even while the writer appends: as many rows as
   * {@code dst} holds ({@code [n, features]}, {@code [1, n, features]}, or any shape whose last dimension is
   * {@code features}). Allocates nothing.
   *
   * @return the end sequence of the rows copied, to pass to {@link #isValid(long, int)}
   * @throws TensorException if {@code dst} has the wrong element type or shape, fewer than {@code n} rows have
   *     been appended, or the writer overtook the copy 1000 times in a row
   */
  public long copyLatestInto(TensorBuffer dst) {
    dst.checkOpen();
    int rank = dst.rank();
    if (dst.elementType() != type || rank == 0 || dst.dim(rank - 1) != features
        || dst.elementCount() / features > capacity) {
      throw new TensorException("copyLatestInto: expected " + type + " [n, " + features + "] with n <= "
          + capacity + ", found " + dst);
    }
    int n = dst.elementCount() / features;
    for (int attempt = 0; attempt < MAX_COPY_ATTEMPTS; attempt++) {
      long end = sequence();
      int slot = startSlot(end, n);
      dst.memory().put(dst.offset(), valueMemory, slot * rowBytes, n * rowBytes);
      if (isIntact(end, n)) {
        return end;
      }
      Thread.onSpinWait();
    }
    throw new TensorException("copyLatestInto " + dst + ": writer overwrote the rows " + MAX_COPY_ATTEMPTS
        + " times; capacity " + capacity + " is too close to n " + n);
  }

  private int startSlot(long end, int n) {
    if (n < 0 || n > capacity || end < n || end > sequence()) {
      throw new TensorException("window rows [" + (end - n) + ", " + end + "): expected 0 <= n <= capacity "
          + capacity + " and n <= end <= sequence " + sequence());
    }
    return (int) ((end - n) % capacity);
  }

  /** Frees nothing immediately (direct memory is freed by the GC) but makes the window and its views unusable. */
  @Override
  public void close() {
    closed = true;
    values.close();
    mask.close();
    times.close();
  }

  @Override
  public String toString() {
    return "Window[" + type + " capacity=" + capacity + " features=" + features + " length=" + length
        + " sequence=" + sequence() + "]";
  }

  /** Options for a {@link Window}; {@code capacity} and either {@code features} or {@code columns} are required. */
  public static final class Builder {
    private int capacity;
    private int features;
    private List<String> columns;
    private int length;
    private int hop = 1;
    private ElementType elementType = ElementType.FLOAT32;
    private double[] mean;
    private double[] std;
    private MissingDataPolicy policy = MissingDataPolicy.HOLD_LAST;
    private int maxHoldRows = Integer.MAX_VALUE;
    private boolean acceptUncertain = true;
    private ReadyListener listener;

    private Builder() {
    }

    /** Number of rows kept; views can cover up to this many rows. */
    public Builder capacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity < 1: " + capacity);
      }
      this.capacity = capacity;
      return this;
    }

    /** Number of columns, for a window fed with arrays; {@link #columns} sets it from the names instead. */
    public Builder features(int features) {
      if (features < 1) {
        throw new IllegalArgumentException("features < 1: " + features);
      }
      this.features = features;
      return this;
    }

    /** Tag names, one per column in this order; samples are routed to columns by tag name. */
    public Builder columns(String... tagNames) {
      return columns(Arrays.asList(tagNames));
    }

    /** Tag names, one per column in this order; samples are routed to columns by tag name. */
    public Builder columns(List<String> tagNames) {
      if (tagNames.isEmpty()) {
        throw new IllegalArgumentException("columns is empty");
      }
      this.columns = new ArrayList<>(tagNames);
      return this;
    }

    /** Rows a model reads; the window is ready when this many valid rows are held. Defaults to capacity. */
    public Builder length(int length) {
      if (length < 1) {
        throw new IllegalArgumentException("length < 1: " + length);
      }
      this.length = length;
      return this;
    }

    /** Calls the ready listener at most every {@code hop} rows; 1 means after every row. */
    public Builder hop(int hop) {
      if (hop < 1) {
        throw new IllegalArgumentException("hop < 1: " + hop);
      }
      this.hop = hop;
      return this;
    }

    /** FLOAT32 (the default) or FLOAT64. */
    public Builder elementType(ElementType elementType) {
      if (elementType != ElementType.FLOAT32 && elementType != ElementType.FLOAT64) {
        throw new IllegalArgumentException("elementType not FLOAT32 or FLOAT64: " + elementType);
      }
      this.elementType = elementType;
      return this;
    }

    /** Per-column mean and standard deviation: each value is written as {@code (value - mean) / std}. */
    public Builder normalisation(double[] mean, double[] std) {
      if (mean.length != std.length) {
        throw new IllegalArgumentException("mean.length != std.length: " + mean.length + " != " + std.length);
      }
      this.mean = mean.clone();
      this.std = std.clone();
      return this;
    }

    /** What to write for a missing sample; defaults to {@link MissingDataPolicy#HOLD_LAST}. */
    public Builder missingData(MissingDataPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Most consecutive rows a value may be held by {@link MissingDataPolicy#HOLD_LAST}; unlimited by default. */
    public Builder maxHoldRows(int maxHoldRows) {
      if (maxHoldRows < 0) {
        throw new IllegalArgumentException("maxHoldRows < 0: " + maxHoldRows);
      }
      this.maxHoldRows = maxHoldRows;
      return this;
    }

    /** Whether UNCERTAIN samples count as present (the default) or as missing. */
    public Builder acceptUncertain(boolean acceptUncertain) {
      this.acceptUncertain = acceptUncertain;
      return this;
    }

    /** Called on the appending thread when a new valid window of {@code length} rows is ready; see {@link #hop}. */
    public Builder onReady(ReadyListener listener) {
      this.listener = listener;
      return this;
    }

    /**
     * Builds the window, allocating its off-heap memory.
     *
     * @throws IllegalArgumentException if required options are missing or inconsistent
     */
    public Window build() {
      if (capacity < 1) {
        throw new IllegalArgumentException("capacity not set");
      }
      if (features < 1 && columns == null) {
        throw new IllegalArgumentException("neither features nor columns set");
      }
      if (columns != null && features > 0 && features != columns.size()) {
        throw new IllegalArgumentException("features " + features + " != columns " + columns.size());
      }
      if (length > capacity) {
        throw new IllegalArgumentException("length > capacity: " + length + " > " + capacity);
      }
      return new Window(this);
    }
  }
}
