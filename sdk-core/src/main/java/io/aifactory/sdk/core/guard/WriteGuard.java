package io.aifactory.sdk.core.guard;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.GuardDecision.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stands between a model and one setpoint: every value a model proposes is checked, audited and only then (in
 * LIVE mode) written to the device and read back.
 *
 * <p>A proposal passes, in order: the allowed range (rejected, or clamped with {@link Builder#clampToRange}); the
 * maximum step from the value read from the device at that moment; the minimum interval since the last write; the
 * maximum rate of change since the last write; and the {@link GuardMode}. A value that cannot be read is never
 * guessed: the proposal is BLOCKED. A write counts as done only when reading back shows it; otherwise it is FAILED.
 * For integer tags the decided value is rounded to one raw count, because that is all the register can hold.
 *
 * <p>The guard also acts on its own. <b>Dead-man:</b> when no proposal arrives within {@link Builder#deadman}, or
 * {@link #sourceBad} is called, it applies its {@link Fallback} once, until proposals resume. <b>Operator wins:</b> it
 * remembers the value it last wrote (or read at start); when the device shows another value — at a proposal, or at
 * the periodic check of {@link Builder#watchInterval} — someone else changed it, so the guard reports an {@link
 * OperatorAction}, stands back for {@link Builder#operatorBackoff}, and then adopts the device's value.
 *
 * <p>All of this runs on the guard's own daemon thread, {@code write-guard-<name>}, one decision at a time. Listeners
 * are called there, in order, except for a proposal superseded by a newer one, which is reported on the thread that
 * proposed the newer one; delivery is serialised, so a listener is never called concurrently. Device operations are
 * awaited on that thread and complete within the device's request timeout, so a dead-man fallback can be late by at
 * most one timeout while the device does not answer.
 *
 * <pre>{@code
 * try (WriteGuard guard = WriteGuard.newBuilder()
 *     .device(plc)
 *     .tag(feedRate)
 *     .range(0, 120)
 *     .maxStep(5)
 *     .minInterval(Duration.ofSeconds(2))
 *     .deadman(Duration.ofSeconds(10))
 *     .fallback(Fallback.hold())
 *     .mode(GuardMode.SHADOW)
 *     .build()) {
 *   guard.addListener(decision -> audit.append(decision));
 *   guard.start();
 *   guard.propose(model.feedRate());
 * }
 * }</pre>
 */
public final class WriteGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteGuard.class);
  /** Floats are compared with this relative tolerance: what a FLOAT32 register keeps, with room to spare. */
  private static final double FLOAT_TOLERANCE = 1e-6;

  private final String name;
  private final Device device;
  private final Tag tag;
  private final double min;
  private final double max;
  private final boolean clampToRange;
  private final double maxStep;
  private final long minIntervalNanos;
  private final double maxRate;
  private final long deadmanNanos;
  private final Fallback fallback;
  private final long watchNanos;
  private final Duration operatorBackoff;

  private volatile GuardMode mode;
  private volatile GuardDecision lastDecision;
  private final List<GuardListener> listeners = new CopyOnWriteArrayList<>();
  /** Serialises listener calls and log lines between the guard thread and a proposer reporting a superseded one. */
  private final Object auditLock = new Object();

  private final LongAdder accepted = new LongAdder();
  private final LongAdder clamped = new LongAdder();
  private final LongAdder blocked = new LongAdder();
  private final LongAdder fallbacks = new LongAdder();
  private final LongAdder backoffs = new LongAdder();
  private final LongAdder failed = new LongAdder();

  /** The one proposal waiting for the guard thread: the newest; older ones are superseded. */
  private final AtomicReference<Proposal> pending = new AtomicReference<>();
  private final AtomicBoolean sourceBadQueued = new AtomicBoolean();
  private volatile String sourceBadReason = "";
  private volatile long lastProposalNanos;
  private volatile boolean started;
  private volatile boolean closed;
  private final Object lifecycleLock = new Object();
  private ScheduledThreadPoolExecutor scheduler;
  private volatile Thread guardThread;

  // Confined to the guard thread.
  /** The value the device should show if nobody else touched it; NaN until first read. */
  private double baseline = Double.NaN;
  private long lastWriteNanos;
  private boolean hasWritten;
  private boolean fellBack;
  private ScheduledFuture<?> deadmanTimer;
  private long backoffUntilNanos;
  private boolean backingOff;
  private Instant operatorSeenAt;
  private Instant backoffUntil;

  private WriteGuard(Builder b) {
    this.device = b.device;
    this.tag = b.tag;
    this.name = b.name != null ? b.name : b.tag.name();
    this.min = b.min;
    this.max = b.max;
    this.clampToRange = b.clampToRange;
    this.maxStep = b.maxStep;
    this.minIntervalNanos = b.minInterval.toNanos();
    this.maxRate = b.maxRate;
    this.deadmanNanos = b.deadman == null ? 0 : b.deadman.toNanos();
    this.fallback = b.fallback;
    this.watchNanos = b.watchInterval == null ? 0 : b.watchInterval.toNanos();
    this.operatorBackoff = b.operatorBackoff;
    this.mode = b.mode;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Returns the guard's name: the builder's, or the tag's name. */
  public String name() {
    return name;
  }

  public Tag tag() {
    return tag;
  }

  public Device device() {
    return device;
  }

  public GuardMode mode() {
    return mode;
  }

  /** Switches between SHADOW and LIVE; the next decision uses the new mode. */
  public void mode(GuardMode mode) {
    GuardMode old = this.mode;
    this.mode = Objects.requireNonNull(mode, "mode");
    if (old != mode) log.info("write guard {} ({}): mode {} -> {}", name, tag.name(), old, mode);
  }

  /** Returns the last decision made, or null if none yet. */
  public GuardDecision lastDecision() {
    return lastDecision;
  }

  /** Returns the number of decisions of each outcome so far. */
  public GuardMetrics metrics() {
    return new GuardMetrics(accepted.sum(), clamped.sum(), blocked.sum(), fallbacks.sum(), backoffs.sum(), failed.sum());
  }

  public void addListener(GuardListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeListener(GuardListener listener) {
    listeners.remove(listener);
  }

  /**
   * Starts the guard's thread: it reads the current value as its baseline, arms the dead-man timer and the periodic
   * check. Does nothing if already started.
   *
   * @throws IllegalStateException if the guard is closed
   */
  public void start() {
    synchronized (lifecycleLock) {
      if (closed) throw new IllegalStateException("write guard " + name + " is closed");
      if (started) return;
      ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "write-guard-" + name);
        t.setDaemon(true);
        guardThread = t;
        return t;
      });
      // The dead-man timer is re-armed on every proposal; cancelled timers must not pile up in the queue.
      s.setRemoveOnCancelPolicy(true);
      s.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      scheduler = s;
      lastProposalNanos = System.nanoTime();
      started = true;
      s.execute(this::readBaseline);
      if (deadmanNanos > 0) s.execute(() -> armDeadman(deadmanNanos));
      if (watchNanos > 0) s.scheduleWithFixedDelay(this::watch, watchNanos, watchNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * Proposes a value; returns at once. The guard decides on its own thread, one proposal at a time. If a proposal is
   * still waiting when a newer one arrives, the older one completes as BLOCKED, "superseded by a newer proposal".
   *
   * <p>The future never fails: every outcome is a decision. Its dependents run on the guard's thread unless added
   * with an {@code *Async} method, so they must not block on the guard.
   *
   * @throws IllegalStateException if the guard was not started
   */
  public CompletableFuture<GuardDecision> propose(double value) {
    checkStarted();
    Proposal p = new Proposal(value, new CompletableFuture<>());
    if (closed) {
      finish(p, decision(Outcome.BLOCKED, value, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "guard closed"));
      return p.future;
    }
    lastProposalNanos = System.nanoTime();
    Proposal older = pending.getAndSet(p);
    if (older != null) {
      finish(older, decision(Outcome.BLOCKED, older.value, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          "superseded by a newer proposal"));
    } else {
      submit(this::drain);
    }
    if (closed) refuseAll();
    return p.future;
  }

  /**
   * Tells the guard that its source turned BAD (the pipeline has no conclusion): the fallback is applied, once, as
   * for a dead-man stall. Returns at once.
   *
   * @throws IllegalStateException if the guard was not started
   */
  public void sourceBad(String reason) {
    checkStarted();
    sourceBadReason = Objects.requireNonNull(reason, "reason");
    // One queued task is enough however often the source reports BAD: the latest reason is read when it runs.
    if (!closed && sourceBadQueued.compareAndSet(false, true)) submit(this::onSourceBad);
  }

  /**
   * Completes a waiting proposal as BLOCKED "guard closed", stops the timers and the guard's thread, and waits briefly
   * for a decision in flight. Does not close the device. Idempotent.
   */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor s;
    synchronized (lifecycleLock) {
      if (closed) return;
      closed = true;
      s = scheduler;
    }
    refuseAll();
    if (s == null) return;
    // Interrupts a wait on the device, so a stalled PLC cannot hold close() up; the decision in flight reports it.
    s.shutdownNow();
    Thread t = guardThread;
    if (t == null || Thread.currentThread() == t) return;
    try {
      // Joined, not only awaited: the executor counts as terminated a moment before its thread has ended.
      t.join(TimeUnit.SECONDS.toMillis(10));
      if (t.isAlive()) log.warn("write guard {}: thread still busy 10 s after close (a listener that does not return?)", name);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "WriteGuard{" + name + " " + tag.name() + " on " + device.uri() + ", " + mode + ", range [" + min + ", " + max
        + "], maxStep " + maxStep + "}";
  }

  // ---- on the guard thread ----

  private void drain() {
    Proposal p = pending.getAndSet(null);
    if (p == null) return;
    GuardDecision d;
    try {
      d = decide(p.value);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      d = decision(Outcome.BLOCKED, p.value, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "guard closed");
    } catch (RuntimeException e) {
      log.error("write guard {}: error deciding {}", name, p.value, e);
      d = decision(Outcome.BLOCKED, p.value, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "guard error: " + e);
    }
    finish(p, d);
  }

  private GuardDecision decide(double proposed) throws InterruptedException {
    fellBack = false;
    if (deadmanNanos > 0 && deadmanTimer == null) armDeadman(deadmanNanos);
    if (!Double.isFinite(proposed)) {
      return decision(Outcome.BLOCKED, proposed, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          "proposed value is not finite: " + proposed);
    }
    if (stillBackingOff()) return backedOff(proposed, Double.NaN, "");
    Reading now = read();
    if (!now.good) {
      return decision(Outcome.BLOCKED, proposed, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
          "current value unreadable: " + now.problem);
    }
    double before = now.value;
    GuardDecision operator = checkOperator(before, proposed);
    if (operator != null) return operator;

    // 1. range
    StringBuilder why = new StringBuilder();
    double v = proposed;
    if (v < min || v > max) {
      if (!clampToRange) {
        return decision(Outcome.BLOCKED, proposed, Double.NaN, Double.NaN, before, before,
            "proposed " + proposed + " outside range [" + min + ", " + max + "]");
      }
      v = Math.max(min, Math.min(max, v));
      note(why, "proposed " + proposed + " outside range [" + min + ", " + max + "], clamped to " + v);
    }
    // 2. step from the value on the device now
    double lo = Math.max(min, before - maxStep);
    double hi = Math.min(max, before + maxStep);
    if (Math.abs(v - before) > maxStep) {
      double step = Math.abs(v - before);
      v = v > before ? before + maxStep : before - maxStep;
      note(why, "step " + step + " from current " + before + " > maxStep " + maxStep + ", clamped to " + v);
    }
    // 3. minimum interval
    long t = System.nanoTime();
    if (hasWritten && t - lastWriteNanos < minIntervalNanos) {
      return decision(Outcome.BLOCKED, proposed, Double.NaN, Double.NaN, before, before,
          "too soon: " + millis(t - lastWriteNanos) + " ms since the last write < minInterval "
              + millis(minIntervalNanos) + " ms");
    }
    // 4. rate since the last write (the first write is bounded by the step alone)
    if (hasWritten && maxRate < Double.POSITIVE_INFINITY) {
      double seconds = (t - lastWriteNanos) / 1e9;
      double allowed = maxRate * seconds;
      lo = Math.max(lo, before - allowed);
      hi = Math.min(hi, before + allowed);
      if (Math.abs(v - before) > allowed) {
        double rate = Math.abs(v - before) / seconds;
        v = v > before ? before + allowed : before - allowed;
        note(why, "rate " + rate + "/s since the last write > maxRate " + maxRate + "/s, clamped to " + v);
      }
    }
    // Step and rate move towards the current value; if that lies outside the range, so may they.
    if (v < min || v > max) {
      return decision(Outcome.BLOCKED, proposed, Double.NaN, Double.NaN, before, before,
          "current " + before + " is outside range [" + min + ", " + max + "] and no value within maxStep/maxRate of it is inside");
    }
    double q = quantise(v, lo, hi);
    if (Double.isNaN(q)) {
      return decision(Outcome.BLOCKED, proposed, Double.NaN, Double.NaN, before, before,
          "no " + tag.dataType() + " value within [" + lo + ", " + hi + "]");
    }
    if (q != v) {
      v = q;
      note(why, "rounded to " + v + " for " + tag.dataType());
    }
    Outcome outcome = v == proposed ? Outcome.ACCEPTED : Outcome.CLAMPED;
    if (v == before) {
      // Nothing to change: writing the same value again would only load the PLC and the audit.
      note(why, "already " + v + ": nothing written");
      return decision(outcome, proposed, v, Double.NaN, before, before, why.toString());
    }
    // 5. mode
    if (mode == GuardMode.SHADOW) {
      // Shadow decisions count as writes for interval and rate, so the audit shows what LIVE would have done.
      hasWritten = true;
      lastWriteNanos = t;
      note(why, "shadow mode: not written");
      return decision(outcome, proposed, v, Double.NaN, before, before, why.toString());
    }
    return writeAndVerify(outcome, proposed, v, before, why);
  }

  private GuardDecision writeAndVerify(Outcome outcome, double proposed, double value, double before,
      StringBuilder why) throws InterruptedException {
    if (closed) throw new InterruptedException("closed");
    hasWritten = true;
    lastWriteNanos = System.nanoTime();
    try {
      device.write(tag, boxed(value)).get();
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      Reading after = readAfterFailure();
      note(why, "write of " + value + " failed: " + cause.getMessage());
      return decision(Outcome.FAILED, proposed, value, Double.NaN, before, after.value, why.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      note(why, "guard closed while writing " + value + "; outcome unknown");
      return decision(Outcome.FAILED, proposed, value, Double.NaN, before, Double.NaN, why.toString());
    }
    Reading back = read();
    if (!back.good) {
      baseline = Double.NaN;
      note(why, "wrote " + value + " but reading back failed: " + back.problem);
      return decision(Outcome.FAILED, proposed, value, Double.NaN, before, Double.NaN, why.toString());
    }
    baseline = back.value;
    if (!same(back.value, value)) {
      note(why, "wrote " + value + " but reading back shows " + back.value);
      return decision(Outcome.FAILED, proposed, value, Double.NaN, before, back.value, why.toString());
    }
    note(why, "written and read back");
    return decision(outcome, proposed, value, value, before, back.value, why.toString());
  }

  /** After a failed write, learns what the device holds now, so that the operator check starts from the truth. */
  private Reading readAfterFailure() throws InterruptedException {
    Reading r = read();
    baseline = r.good ? r.value : Double.NaN;
    return r;
  }

  /**
   * Returns a BACKED_OFF decision if the device no longer shows the baseline, adopting the value as the baseline if
   * none was known; null if the device shows what the guard expects.
   */
  private GuardDecision checkOperator(double current, double proposed) {
    if (Double.isNaN(baseline)) {
      baseline = current;
      return null;
    }
    if (same(current, baseline)) return null;
    double expected = baseline;
    Instant seen = Instant.now();
    operatorSeenAt = seen;
    backoffUntil = seen.plus(operatorBackoff);
    backoffUntilNanos = System.nanoTime() + operatorBackoff.toNanos();
    backingOff = true;
    baseline = current;
    OperatorAction action = new OperatorAction(device.uri().toString(), tag.name(), expected, current, epochNanos(seen));
    log.info("write guard {} ({}): {}", name, tag.name(), action);
    for (GuardListener l : listeners) {
      try {
        synchronized (auditLock) {
          l.onOperatorAction(action);
        }
      } catch (Throwable e) {
        rethrowFatal(e);
        log.warn("write guard {}: listener {} failed on {}", name, l, action, e);
      }
    }
    return backedOff(proposed, current, "operator changed the value from " + expected + " to " + current + " at "
        + seen + "; backing off until " + backoffUntil);
  }

  /**
   * Returns true while backing off. When the back-off ends, the device's value at the next read becomes the baseline,
   * whatever the operator did meanwhile.
   */
  private boolean stillBackingOff() {
    if (!backingOff) return false;
    if (System.nanoTime() - backoffUntilNanos < 0) return true;
    backingOff = false;
    baseline = Double.NaN;
    log.info("write guard {} ({}): back-off over; adopting the device's value as the baseline", name, tag.name());
    return false;
  }

  private GuardDecision backedOff(double proposed, double current, String reason) {
    String r = reason.isEmpty()
        ? "operator changed the value at " + operatorSeenAt + "; backing off until " + backoffUntil
        : reason;
    return decision(Outcome.BACKED_OFF, proposed, Double.NaN, Double.NaN, current, current, r);
  }

  private void armDeadman(long delayNanos) {
    if (closed) return;
    deadmanTimer = scheduler.schedule(this::deadmanCheck, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void deadmanCheck() {
    long idle = System.nanoTime() - lastProposalNanos;
    if (idle < deadmanNanos) {
      armDeadman(deadmanNanos - idle);
      return;
    }
    // Not re-armed: the next proposal re-arms it, so the fallback happens once per stall.
    deadmanTimer = null;
    fallBack("no proposal for " + millis(idle) + " ms (deadman " + millis(deadmanNanos) + " ms)");
  }

  private void onSourceBad() {
    sourceBadQueued.set(false);
    fallBack("source BAD: " + sourceBadReason);
  }

  private void fallBack(String why) {
    if (fellBack) {
      log.debug("write guard {}: already fell back; {}", name, why);
      return;
    }
    fellBack = true;
    GuardDecision d;
    try {
      d = applyFallback(why);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      log.error("write guard {}: error applying fallback", name, e);
      d = decision(Outcome.FAILED, Double.NaN, fallback.value(), Double.NaN, Double.NaN, Double.NaN,
          "fallback (" + why + ") failed: " + e);
    }
    audit(d);
  }

  private GuardDecision applyFallback(String why) throws InterruptedException {
    if (stillBackingOff()) {
      return backedOff(Double.NaN, Double.NaN, "fallback (" + why + ") not applied: operator changed the value at "
          + operatorSeenAt + "; backing off until " + backoffUntil);
    }
    Reading now = read();
    if (now.good) {
      GuardDecision operator = checkOperator(now.value, Double.NaN);
      if (operator != null) return operator;
    }
    if (fallback.isHold()) {
      String held = now.good ? String.valueOf(now.value) : "(current value unreadable: " + now.problem + ")";
      return decision(Outcome.FALLBACK, Double.NaN, Double.NaN, Double.NaN, now.value, now.value,
          "holding " + held + ": " + why);
    }
    double safe = quantise(fallback.value(), min, max);
    if (Double.isNaN(safe)) {
      return decision(Outcome.FAILED, Double.NaN, Double.NaN, Double.NaN, now.value, now.value,
          "safe value " + fallback.value() + " cannot be held by " + tag.dataType() + " within the range: " + why);
    }
    StringBuilder reason = new StringBuilder("safe value " + safe + ": " + why);
    if (mode == GuardMode.SHADOW) {
      note(reason, "shadow mode: not written");
      return decision(Outcome.FALLBACK, Double.NaN, safe, Double.NaN, now.value, now.value, reason.toString());
    }
    // The safe value is written even when the current value is unreadable: it does not depend on it.
    return writeAndVerify(Outcome.FALLBACK, Double.NaN, safe, now.value, reason);
  }

  private void readBaseline() {
    try {
      Reading r = read();
      if (r.good && Double.isNaN(baseline)) baseline = r.value;
      log.info("write guard {} ({}) started in {} mode; current value {}", name, tag.name(), mode,
          r.good ? r.value : "unreadable: " + r.problem);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void watch() {
    try {
      if (stillBackingOff()) return;
      Reading r = read();
      if (!r.good) return;
      GuardDecision d = checkOperator(r.value, Double.NaN);
      if (d != null) audit(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      // An exception would cancel the periodic task for good.
      log.error("write guard {}: error in periodic check", name, e);
    }
  }

  private Reading read() throws InterruptedException {
    try {
      SampleBatch batch = device.read(List.of(tag)).get();
      if (!batch.isGood(0)) return Reading.bad(batch.quality(0).toString());
      double v = batch.doubleValue(0);
      return Double.isNaN(v) ? Reading.bad("not a number") : Reading.good(v);
    } catch (ExecutionException e) {
      return Reading.bad(String.valueOf(e.getCause()));
    } catch (RuntimeException e) {
      return Reading.bad(e.toString());
    }
  }

  // ---- on any thread ----

  private void submit(Runnable task) {
    try {
      scheduler.execute(task);
    } catch (RejectedExecutionException e) {
      refuseAll(); // closed meanwhile
    }
  }

  private void refuseAll() {
    Proposal p = pending.getAndSet(null);
    if (p != null) {
      finish(p, decision(Outcome.BLOCKED, p.value, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "guard closed"));
    }
  }

  private void checkStarted() {
    if (!started && !closed) throw new IllegalStateException("write guard " + name + " is not started");
  }

  private void finish(Proposal p, GuardDecision d) {
    audit(d);
    p.future.complete(d);
  }

  private void audit(GuardDecision d) {
    switch (d.outcome()) {
      case ACCEPTED: accepted.increment(); break;
      case CLAMPED: clamped.increment(); break;
      case BLOCKED: blocked.increment(); break;
      case FALLBACK: fallbacks.increment(); break;
      case BACKED_OFF: backoffs.increment(); break;
      default: failed.increment(); break;
    }
    synchronized (auditLock) {
      lastDecision = d;
      switch (d.outcome()) {
        case BLOCKED: log.debug("write guard {}", d); break;
        case FAILED: log.warn("write guard {}", d); break;
        default:
          // A proposal that changes nothing (the value is already there) is routine: DEBUG, like a blocked one.
          if ((d.outcome() == Outcome.ACCEPTED || d.outcome() == Outcome.CLAMPED) && d.decided() == d.before()) {
            log.debug("write guard {}", d);
          } else {
            log.info("write guard {}", d);
          }
          break;
      }
      for (GuardListener l : listeners) {
        try {
          l.onDecision(d);
        } catch (Throwable e) {
          rethrowFatal(e);
          log.warn("write guard {}: listener {} failed on {}", name, l, d, e);
        }
      }
    }
  }

  private GuardDecision decision(Outcome outcome, double proposed, double decided, double written, double before,
      double after, String reason) {
    return new GuardDecision(name, tag.name(), outcome, mode, proposed, decided, written, before, after, reason,
        epochNanos(Instant.now()));
  }

  // ---- values ----

  /** Returns true if the device shows {@code b} where {@code a} was expected, at the resolution of the tag's type. */
  private boolean same(double a, double b) {
    if (a == b) return true;
    if (Double.isNaN(a) || Double.isNaN(b)) return false;
    if (tag.dataType().kind().isInteger()) return Math.round(tag.toRaw(a)) == Math.round(tag.toRaw(b));
    return Math.abs(a - b) <= FLOAT_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
  }

  /**
   * Returns {@code v} as an integer register will hold it (one raw count), moved one count inwards if rounding left
   * [lo, hi]; NaN if no count lies within. Floats are returned unchanged.
   */
  private double quantise(double v, double lo, double hi) {
    if (!tag.dataType().kind().isInteger()) return v;
    long raw = Math.round(tag.toRaw(v));
    double slack = Math.abs(tag.scale()) * 1e-9;
    long inwards = (long) Math.signum(tag.scale());
    double e = tag.toEngineering(raw);
    if (e > hi + slack) e = tag.toEngineering(raw -= inwards);
    else if (e < lo - slack) e = tag.toEngineering(raw += inwards);
    return e >= lo - slack && e <= hi + slack ? e : Double.NaN;
  }

  private Object boxed(double value) {
    // Unscaled integers are sent as a Long, so that the driver writes the count itself and not a rounded double.
    if (tag.dataType().kind().isInteger() && !tag.isScaled()) return Math.round(value);
    return value;
  }

  private static void note(StringBuilder why, String s) {
    if (why.length() > 0) why.append("; ");
    why.append(s);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static long epochNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static void rethrowFatal(Throwable e) {
    if (e instanceof VirtualMachineError) throw (VirtualMachineError) e;
  }

  private static final class Proposal {
    final double value;
    final CompletableFuture<GuardDecision> future;

    Proposal(double value, CompletableFuture<GuardDecision> future) {
      this.value = value;
      this.future = future;
    }
  }

  private static final class Reading {
    final boolean good;
    final double value;
    final String problem;

    private Reading(boolean good, double value, String problem) {
      this.good = good;
      this.value = value;
      this.problem = problem;
    }

    static Reading good(double value) {
      return new Reading(true, value, "");
    }

    static Reading bad(String problem) {
      return new Reading(false, Double.NaN, problem);
    }
  }

  /**
   * Builds a {@link WriteGuard}. Device, tag and range are required; everything else has a cautious default: SHADOW
   * mode, out-of-range proposals rejected, no step, interval or rate limit, no dead-man, {@link Fallback#hold()}, no
   * periodic check, and a one-minute back-off after an operator's change.
   */
  public static final class Builder {
    private Device device;
    private Tag tag;
    private String name;
    private double min = Double.NaN;
    private double max = Double.NaN;
    private boolean clampToRange;
    private double maxStep = Double.POSITIVE_INFINITY;
    private Duration minInterval = Duration.ZERO;
    private double maxRate = Double.POSITIVE_INFINITY;
    private GuardMode mode = GuardMode.SHADOW;
    private Duration deadman;
    private Fallback fallback = Fallback.hold();
    private Duration watchInterval;
    private Duration operatorBackoff = Duration.ofMinutes(1);

    private Builder() {}

    /** Sets the device to read and write; the guard does not close it. */
    public Builder device(Device device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    /** Sets the guarded tag, a scalar number (the setpoint). */
    public Builder tag(Tag tag) {
      this.tag = Objects.requireNonNull(tag, "tag");
      return this;
    }

    /** Sets the name used in decisions, logs and the thread's name; the tag's name by default. */
    public Builder name(String name) {
      if (name.isBlank()) throw new IllegalArgumentException("name is blank");
      this.name = name;
      return this;
    }

    /** Sets the allowed range [min, max] in engineering units; required. */
    public Builder range(double min, double max) {
      if (!Double.isFinite(min)) throw new IllegalArgumentException("min is not finite: " + min);
      if (!Double.isFinite(max)) throw new IllegalArgumentException("max is not finite: " + max);
      if (min > max) throw new IllegalArgumentException("min > max: " + min + " > " + max);
      this.min = min;
      this.max = max;
      return this;
    }

    /** Sets whether a proposal outside the range is clamped to it (CLAMPED) or refused (BLOCKED, the default). */
    public Builder clampToRange(boolean clampToRange) {
      this.clampToRange = clampToRange;
      return this;
    }

    /** Sets the largest change from the device's current value one write may make; unlimited by default. */
    public Builder maxStep(double maxStep) {
      if (!(maxStep >= 0)) throw new IllegalArgumentException("maxStep < 0: " + maxStep);
      this.maxStep = maxStep;
      return this;
    }

    /** Sets the shortest time between two writes; proposals sooner are BLOCKED. Zero by default. */
    public Builder minInterval(Duration minInterval) {
      if (minInterval.isNegative()) throw new IllegalArgumentException("minInterval < 0: " + minInterval);
      this.minInterval = minInterval;
      return this;
    }

    /**
     * Sets the largest rate of change, in engineering units per second since the last write; unlimited by default.
     * The first write is bounded by {@link #maxStep} alone.
     */
    public Builder maxRate(double unitsPerSecond) {
      if (!(unitsPerSecond >= 0)) throw new IllegalArgumentException("maxRate < 0: " + unitsPerSecond);
      this.maxRate = unitsPerSecond;
      return this;
    }

    /** Sets the starting mode; SHADOW by default, so that nothing is written until someone says LIVE. */
    public Builder mode(GuardMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Sets how long without a proposal means the source has stalled; off by default. */
    public Builder deadman(Duration deadman) {
      if (deadman.isNegative() || deadman.isZero()) throw new IllegalArgumentException("deadman <= 0: " + deadman);
      this.deadman = deadman;
      return this;
    }

    /** Sets what to do when the source stalls or turns BAD; {@link Fallback#hold()} by default. */
    public Builder fallback(Fallback fallback) {
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      return this;
    }

    /** Sets how often the guard reads the tag to notice an operator's change between proposals; off by default. */
    public Builder watchInterval(Duration watchInterval) {
      if (watchInterval.isNegative() || watchInterval.isZero()) {
        throw new IllegalArgumentException("watchInterval <= 0: " + watchInterval);
      }
      this.watchInterval = watchInterval;
      return this;
    }

    /** Sets how long the guard stands back after someone else changed the value; one minute by default. */
    public Builder operatorBackoff(Duration operatorBackoff) {
      if (operatorBackoff.isNegative() || operatorBackoff.isZero()) {
        throw new IllegalArgumentException("operatorBackoff <= 0: " + operatorBackoff);
      }
      this.operatorBackoff = operatorBackoff;
      return this;
    }

    /**
     * @throws IllegalStateException if device, tag or range is missing
     * @throws IllegalArgumentException if the tag is not a scalar number or the safe value lies outside the range
     */
    public WriteGuard build() {
      if (device == null) throw new IllegalStateException("device is not set");
      if (tag == null) throw new IllegalStateException("tag is not set");
      if (Double.isNaN(min)) throw new IllegalStateException("range is not set");
      DataType type = tag.dataType();
      if (!type.isScalarNumeric()) {
        throw new IllegalArgumentException("tag '" + tag.name() + "': a write guard needs a scalar number, not " + type);
      }
      if (!fallback.isHold() && (fallback.value() < min || fallback.value() > max)) {
        throw new IllegalArgumentException("safe value " + fallback.value() + " outside range [" + min + ", " + max + "]");
      }
      return new WriteGuard(this);
    }
  }
}
