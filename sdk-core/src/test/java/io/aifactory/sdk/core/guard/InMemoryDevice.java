package io.aifactory.sdk.core.guard;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One register in memory, behind the {@link Device} seam: the unit tests' PLC. It stores what a register of the tag's
 * type can hold (FLOAT32 loses precision, integers are counts), records every write, and can refuse writes, ignore
 * them, read BAD, or hold reads until released.
 */
final class InMemoryDevice implements Device {
  private final Tag tag;
  private volatile double value;
  private volatile Quality quality = Quality.GOOD;
  private volatile String refuseWrites;
  private volatile boolean ignoreWrites;
  private volatile boolean holdReads;
  private final List<CompletableFuture<SampleBatch>> heldReads = new ArrayList<>();
  private volatile CountDownLatch readHeld = new CountDownLatch(1);
  private final List<Double> writes = new CopyOnWriteArrayList<>();
  private final AtomicInteger reads = new AtomicInteger();

  InMemoryDevice(Tag tag, double initial) {
    this.tag = tag;
    this.value = stored(initial);
  }

  /** Sets the value as an operator at the HMI would: not a write through the SDK. */
  void set(double v) {
    value = stored(v);
  }

  double value() {
    return value;
  }

  void quality(Quality q) {
    quality = q;
  }

  void refuseWrites(String why) {
    refuseWrites = why;
  }

  /** Acknowledges writes without changing the value, as a PLC whose logic overrides the register. */
  void ignoreWrites(boolean ignore) {
    ignoreWrites = ignore;
  }

  /** Makes reads wait until {@link #releaseReads()}; returns a latch counted down when the first one waits. */
  synchronized CountDownLatch holdReads() {
    readHeld = new CountDownLatch(1);
    holdReads = true;
    return readHeld;
  }

  synchronized void releaseReads() {
    holdReads = false;
    for (CompletableFuture<SampleBatch> f : heldReads) f.complete(batch());
    heldReads.clear();
  }

  List<Double> writes() {
    return List.copyOf(writes);
  }

  int reads() {
    return reads.get();
  }

  private double stored(double v) {
    DataType.Kind kind = tag.dataType().kind();
    if (kind == DataType.Kind.FLOAT32) return tag.toEngineering((float) tag.toRaw(v));
    if (kind.isInteger()) return tag.toEngineering(Math.round(tag.toRaw(v)));
    return v;
  }

  private SampleBatch batch() {
    SampleBatch.Builder b = SampleBatch.newBuilder(1);
    long now = System.currentTimeMillis() * 1_000_000L;
    Quality q = quality;
    if (q.isBad()) b.addBad(tag, q, now);
    else b.add(tag, value, q, now);
    return b.receiveTimeNanos(now).build();
  }

  @Override
  public URI uri() {
    return URI.create("memory://plc");
  }

  @Override
  public synchronized CompletableFuture<SampleBatch> read(List<Tag> tags) {
    if (!tags.equals(List.of(tag))) throw new IllegalArgumentException("unknown tags " + tags);
    reads.incrementAndGet();
    if (holdReads) {
      CompletableFuture<SampleBatch> f = new CompletableFuture<>();
      heldReads.add(f);
      readHeld.countDown();
      return f;
    }
    return CompletableFuture.completedFuture(batch());
  }

  @Override
  public CompletableFuture<Void> write(Tag t, Object v) {
    if (!t.equals(tag)) throw new IllegalArgumentException("unknown tag " + t);
    double d = ((Number) v).doubleValue();
    writes.add(d);
    String refused = refuseWrites;
    if (refused != null) return CompletableFuture.failedFuture(new DeviceException("tag '" + t.name() + "': " + refused));
    if (!ignoreWrites) value = stored(d);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ConnectionState state() {
    return ConnectionState.CONNECTED;
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void addStateListener(StateListener listener) {}

  @Override
  public void removeStateListener(StateListener listener) {}

  @Override
  public void close() {}
}
