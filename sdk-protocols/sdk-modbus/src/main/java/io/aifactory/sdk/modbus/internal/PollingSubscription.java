package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls a tag set at a fixed rate without drift: tick {@code k} is due at {@code start + k × period}, whatever the
 * previous ticks cost. A tick that finds the previous poll still running is an overrun, counted and not sent, so
 * nothing queues up behind a slow device.
 *
 * <p>Every tick is delivered, in order, as a batch carrying its {@link SampleBatch#pollSequence()} and
 * {@link SampleBatch#dueTimeNanos()}: a poll's own answer (GOOD, or BAD(TIMEOUT) / BAD(DISCONNECTED) if the PLC did
 * not answer), BAD(DISCONNECTED) at once for a tick that finds the device disconnected, and BAD(TIMEOUT) for a tick
 * that could not run (an overrun, or a tick the scheduler ran too late; BAD(DISCONNECTED) if the poll it waited on
 * lost the connection). So a PLC that freezes with its socket open
 * shows as a BAD row per due tick, never as silence, and a consumer counts gaps from the sequence numbers alone. The
 * overruns during one poll are consecutive ticks, kept as a range and delivered right after that poll's own batch. A
 * poll counts as running until its listener returned, so a slow listener also shows as overruns.
 *
 * <p>Delivery: a tag without a deadband is reported every poll (so every change is seen). A tag with a deadband is
 * reported when it moved by more than the deadband since it was last reported, when its quality changed, when the
 * heartbeat is due, and always when BAD. A poll with nothing to report delivers nothing.
 */
final class PollingSubscription implements Subscription {
  private static final Logger log = LoggerFactory.getLogger(PollingSubscription.class);

  private final ModbusDevice device;
  private final SubscriptionOptions options;
  private final SampleListener listener;
  private final List<Tag> tags;
  private final long periodNanos;
  private final long heartbeatNanos;
  /** A poll (or a batch standing for one) is between its tick and its listener's return; guarded by this. */
  private boolean running;
  /** Ticks that could not run while the current poll ran: {@code [missedFrom, missedTo)}; guarded by this. */
  private long missedFrom;
  private long missedTo;
  private final AtomicLong overruns = new AtomicLong();
  /** Whether the last poll handed over found no connection; its missed ticks then say DISCONNECTED too. */
  private volatile boolean lastPollDisconnected;
  private volatile boolean closed;
  private volatile ReadPlan plan;
  private ScheduledThreadPoolExecutor scheduler;
  private volatile ScheduledFuture<?> next;
  private long startNanos;
  /** The device clock's time at {@link #startNanos}, from which due times are stated. */
  private long startEpochNanos;
  private long tick;
  // delivery state, touched only on the device's callback thread
  private final double[] lastValue;
  private final Quality[] lastQuality;
  private final long[] lastReported;
  private final boolean anyDeadband;

  PollingSubscription(ModbusDevice device, ReadPlan plan, SubscriptionOptions options, SampleListener listener) {
    this.device = device;
    this.plan = plan;
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.tags = plan.tagList;
    this.periodNanos = options.samplingInterval().toNanos();
    this.heartbeatNanos = options.heartbeat().toNanos();
    int n = tags.size();
    lastValue = new double[n];
    lastQuality = new Quality[n];
    lastReported = new long[n];
    boolean any = false;
    for (Tag t : tags) any |= t.deadband() > 0;
    anyDeadband = any;
  }

  void start(ScheduledThreadPoolExecutor scheduler) {
    this.scheduler = scheduler;
    startNanos = System.nanoTime();
    startEpochNanos = device.options().nowNanos();
    try {
      next = scheduler.schedule(this::tick, 0, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      closed = true;
    }
  }

  private void tick() {
    if (closed) return;
    long k = tick;
    boolean start;
    synchronized (this) {
      start = !running;
      if (start) {
        running = true;
      } else {
        overruns.incrementAndGet();
        if (missedFrom == missedTo) missedFrom = k;
        missedTo = k + 1;
      }
    }
    if (start) {
      if (!device.isConnected()) {
        handOver(device.badBatch(plan, device.disconnectedQuality()).withPoll(k, dueTime(k)));
      } else if (!device.submitPoll(() -> poll(k))) {
        finished();
      }
    }
    scheduleNext();
  }

  private long dueTime(long k) {
    return startEpochNanos + k * periodNanos;
  }

  private void poll(long k) {
    SampleBatch batch = null;
    try {
      if (!closed) {
        ReadPlan p = plan;
        if (p.holesVersion != device.holesVersion()) plan = p = device.newPlan(tags);
        batch = device.execute(p).withPoll(k, dueTime(k));
      }
    } catch (RuntimeException e) {
      log.warn("poll of {} on {} failed", tags.size() + " tags", device.uri(), e);
      batch = device.badBatch(plan, Quality.bad(Quality.Reason.DEVICE_ERROR, "poll failed: " + e)).withPoll(k, dueTime(k));
    }
    if (batch == null) {
      finished();
    } else {
      handOver(batch);
    }
  }

  /**
   * Delivers {@code batch} on the device's callback thread, never on the I/O or scheduler thread, so a listener that
   * reads or writes the device cannot block the requests it waits for. The poll counts as running until the listener
   * returned: a slow listener makes later ticks overruns instead of an ever-growing queue of batches. The ticks missed
   * meanwhile follow it, on the same thread, before any later poll's batch.
   */
  private void handOver(SampleBatch batch) {
    lastPollDisconnected = batch.size() > 0 && batch.quality(0).reason() == Quality.Reason.DISCONNECTED;
    boolean accepted = device.runCallback(() -> {
      try {
        deliver(batch);
      } finally {
        finished();
      }
    });
    if (!accepted) finished();
  }

  /** Ends the running poll and delivers BAD(TIMEOUT) for the ticks it made miss; on the callback thread if possible. */
  private void finished() {
    long from;
    long to;
    synchronized (this) {
      from = missedFrom;
      to = missedTo;
      missedFrom = missedTo = 0;
      running = false;
    }
    if (from < to && Thread.currentThread() != device.callbackThread()) {
      device.runCallback(() -> deliverMissed(from, to));
    } else {
      deliverMissed(from, to);
    }
  }

  private void deliverMissed(long from, long to) {
    // Missed ticks share the fate of the poll they waited on: DISCONNECTED if it lost the connection, else TIMEOUT.
    boolean connected = !lastPollDisconnected;
    for (long k = from; k < to && !closed; k++) {
      Quality q = connected
          ? Quality.bad(Quality.Reason.TIMEOUT, "poll " + k + " could not run: the previous poll of " + device.uri()
              + " was still waiting for the device")
          : Quality.bad(Quality.Reason.DISCONNECTED, "poll " + k + " could not run: " + device.uri()
              + " is disconnected");
      deliver(device.badBatch(plan, q).withPoll(k, dueTime(k)));
    }
  }

  private void scheduleNext() {
    if (closed) return;
    tick++;
    long now = System.nanoTime();
    long due = startNanos + tick * periodNanos;
    if (due <= now) {
      // The scheduler ran late (a loaded machine, a pause): the ticks it passed could not run either.
      long skipped = (now - due) / periodNanos + 1;
      overruns.addAndGet(skipped);
      long from = tick;
      long to = tick + skipped;
      boolean deliverNow;
      synchronized (this) {
        deliverNow = !running;
        if (!deliverNow) {
          if (missedFrom == missedTo) missedFrom = from;
          missedTo = to;
        }
      }
      if (deliverNow) device.runCallback(() -> deliverMissed(from, to));
      tick = to;
      due = startNanos + tick * periodNanos;
    }
    try {
      next = scheduler.schedule(this::tick, due - now, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      closed = true;
    }
  }

  private void deliver(SampleBatch batch) {
    if (closed) return;
    long now = System.nanoTime();
    SampleBatch out = batch;
    if (anyDeadband) {
      boolean[] report = new boolean[batch.size()];
      int count = 0;
      for (int i = 0; i < batch.size(); i++) {
        if (shouldReport(batch, i, now)) {
          report[i] = true;
          count++;
        }
      }
      if (count == 0) return;
      if (count < batch.size()) {
        SampleBatch.Builder b = SampleBatch.newBuilder(count).receiveTimeNanos(batch.receiveTimeNanos());
        for (int i = 0; i < batch.size(); i++) {
          if (!report[i]) continue;
          Quality q = batch.quality(i);
          Tag t = batch.tag(i);
          if (q.isBad()) {
            b.addBad(t, q, batch.sourceTimeNanos(i));
          } else if (batch.value(i) instanceof Long) {
            b.addLong(t, batch.longValue(i), q, batch.sourceTimeNanos(i));
          } else if (batch.value(i) instanceof Double || batch.value(i) instanceof Boolean) {
            b.add(t, batch.doubleValue(i), q, batch.sourceTimeNanos(i));
          } else {
            b.addObject(t, batch.value(i), q, batch.sourceTimeNanos(i));
          }
        }
        out = batch.pollSequence() < 0 ? b.build() : b.build().withPoll(batch.pollSequence(), batch.dueTimeNanos());
      }
    }
    try {
      listener.onSamples(out);
    } catch (RuntimeException e) {
      log.warn("sample listener of {} threw", device.uri(), e);
    }
  }

  private boolean shouldReport(SampleBatch batch, int i, long now) {
    Quality q = batch.quality(i);
    double deadband = tags.get(i).deadband();
    boolean report = deadband == 0 || q.isBad() || !q.equals(lastQuality[i])
        || Math.abs(batch.doubleValue(i) - lastValue[i]) > deadband
        || (heartbeatNanos > 0 && now - lastReported[i] >= heartbeatNanos);
    if (report) {
      lastQuality[i] = q;
      lastValue[i] = batch.doubleValue(i);
      lastReported[i] = now;
    }
    return report;
  }

  @Override
  public List<Tag> tags() {
    return tags;
  }

  @Override
  public SubscriptionOptions options() {
    return options;
  }

  @Override
  public long overruns() {
    return overruns.get();
  }

  @Override
  public void close() {
    if (closed) return;
    closed = true;
    ScheduledFuture<?> f = next;
    if (f != null) f.cancel(false);
    device.removeSubscription(this);
  }
}
