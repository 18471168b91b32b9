package io.aifactory.examples.spindle;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Tag;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards the writes of one spindle's feed override: every value the model proposes passes limits (min, max), a
 * maximum step, a minimum interval between writes, and a mode: SHADOW only logs what it would write, LIVE writes.
 * Every decision is logged (the audit trail).
 *
 * <p>Deliberately small and local to this example: the SDK's own {@code WriteGuard} (see DESIGN.md) does not exist
 * yet. When it does, replace this class with it; keep the limits.
 */
final class FeedOverrideGuard {
  private static final Logger LOG = LoggerFactory.getLogger(FeedOverrideGuard.class);

  enum Mode { SHADOW, LIVE }

  private final Device device;
  private final Tag tag;
  private final int min;
  private final int max;
  private final int maxStep;
  private final long minIntervalNanos;
  private final Mode mode;
  /** The value last written (or, in shadow mode, that would have been); -1 while unknown. */
  private int current;
  private long lastWriteNanos;
  private int writes;

  FeedOverrideGuard(Device device, Tag tag, int min, int max, int maxStep, Duration minInterval, Mode mode) {
    if (min < 0 || min > max) throw new IllegalArgumentException("not 0 <= min <= max: min " + min + ", max " + max);
    if (maxStep < 1) throw new IllegalArgumentException("maxStep < 1: " + maxStep);
    this.device = device;
    this.tag = tag;
    this.min = min;
    this.max = max;
    this.maxStep = maxStep;
    this.minIntervalNanos = minInterval.toNanos();
    this.mode = mode;
    this.current = -1;
  }

  /** Tells the guard what the machine holds now (read at start); until then it writes nothing. */
  synchronized void start(int valueOnMachine, long nowNanos) {
    current = valueOnMachine;
    lastWriteNanos = nowNanos - minIntervalNanos; // the first step may come at once
  }

  /** Moves the feed override towards {@code target}, within the limits; called on every inference. */
  synchronized void propose(int target, long nowNanos) {
    if (current < 0) return; // never write blind: the starting value could not be read
    int limited = Math.max(min, Math.min(max, target));
    if (limited == current) return;
    if (nowNanos - lastWriteNanos < minIntervalNanos) return; // too soon; the next hop asks again
    int next = current + Math.max(-maxStep, Math.min(maxStep, limited - current));
    lastWriteNanos = nowNanos;
    writes++;
    if (mode == Mode.SHADOW) {
      LOG.info("{}: shadow mode, would write {} % (was {} %, target {} %)", tag.name(), next, current, target);
      current = next;
      return;
    }
    LOG.info("{}: writing {} % (was {} %, target {} %)", tag.name(), next, current, target);
    int previous = current;
    current = next;
    // Not joined: this runs on the device's polling thread, which must not wait for its own reply.
    device.write(tag, next).whenComplete((ok, e) -> {
      if (e != null) {
        LOG.warn("{}: write of {} % failed, the machine keeps its value: {}", tag.name(), next, e.toString());
        synchronized (this) {
          if (current == next) current = previous;
        }
      }
    });
  }

  Tag tag() {
    return tag;
  }

  /** Returns the value last written (in shadow mode: that would have been), or -1 while unknown. */
  synchronized int current() {
    return current;
  }

  /** Returns how many writes were made (or, in shadow mode, would have been). */
  synchronized int writes() {
    return writes;
  }
}
