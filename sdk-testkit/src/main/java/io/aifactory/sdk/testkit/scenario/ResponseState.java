package io.aifactory.sdk.testkit.scenario;

import io.aifactory.sdk.testkit.signal.Signal;
import io.aifactory.sdk.testkit.signal.Signals;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The state of one responding tag during a run: its process value, the history of its setpoints (for the dead
 * time), and the limit violation under way. Confined to the thread that moves the simulation clock.
 *
 * <p>Integration is exact for inputs that are constant over a step (zero-order hold): {@code y ← u + (y − u) e^{−h/τ}}.
 * Steps end where a delayed setpoint changes, so a step of a setpoint gives exactly the first-order curve; signal
 * inputs are held at their value at the start of each step, which is why the runner steps at most one tick at a time.
 */
final class ResponseState {
  private final String device;
  private final ScenarioTag tag;
  private final Response response;
  private final Signal base; // the tag's own signal, or null
  private final Signal[] signals; // per input, or null
  private final int[] setpointIndex; // per input, into setpointTags, or -1
  private final List<String> setpointTags;
  private final Signal noise;
  private final long deadNanos;
  private final double tauNanos;
  /** Setpoint values in effect from a time on, oldest first; the first entry stands for all time before it. */
  private final ArrayDeque<Snapshot> history = new ArrayDeque<>();
  private final Consumer<LimitViolation> onViolation;

  private long now;
  private double y;
  private Violation open;

  /**
   * @param setpoints the setpoint values at time {@code start}, in {@link Response#setpointTags()} order
   * @param onViolation told when a violation starts and again when it ends
   */
  ResponseState(String device, ScenarioTag tag, long seed, long start, double[] setpoints, Consumer<LimitViolation> onViolation) {
    this.device = device;
    this.tag = tag;
    this.response = tag.response().orElseThrow();
    this.base = tag.isDriven() ? tag.signal(seed) : null;
    this.onViolation = onViolation;
    List<Response.Input> inputs = response.inputs();
    this.setpointTags = response.setpointTags();
    this.signals = new Signal[inputs.size()];
    this.setpointIndex = new int[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      Response.Input in = inputs.get(i);
      signals[i] = in.signal(seed);
      setpointIndex[i] = in.tag() == null ? -1 : setpointTags.indexOf(in.tag());
    }
    this.noise = response.noiseStdDev() > 0
        ? Signals.gaussianNoise(Signals.deriveSeed(seed, device + "/" + tag.tag().name() + "#response.noise"), response.noiseStdDev())
        : null;
    this.deadNanos = response.deadTime().toNanos();
    this.tauNanos = response.timeConstant().toNanos();
    this.now = start;
    history.add(new Snapshot(start, setpoints.clone()));
    this.y = response.initial().isPresent() ? response.initial().getAsDouble() : target(start);
    checkLimits();
  }

  ScenarioTag tag() {
    return tag;
  }

  String device() {
    return device;
  }

  List<String> setpointTags() {
    return setpointTags;
  }

  /** Returns the process value now: the state without measurement noise or the tag's own signal. */
  double processValue() {
    return y;
  }

  /** Returns what a client reads now: the tag's signal (if any) plus the process value plus noise. */
  double publishedValue() {
    double v = y;
    if (base != null) v += base.valueAt(now);
    if (noise != null) v += noise.valueAt(now);
    return v;
  }

  /** Takes the setpoint values in effect from now on (what clients wrote since the last move). */
  void setpoints(double[] values) {
    if (!Arrays.equals(history.peekLast().values, values)) history.add(new Snapshot(now, values.clone()));
  }

  /** Moves the process to {@code target} in steps of at most {@code maxStepNanos}, checking the limits after each. */
  void advanceTo(long target, long maxStepNanos) {
    while (now < target) {
      long end = Math.min(target, now + maxStepNanos);
      // End the step where a delayed setpoint change takes effect, so that a step input is integrated exactly.
      for (Snapshot s : history) {
        long effective = s.from + deadNanos;
        if (effective > now && effective < end && s != history.peekFirst()) {
          end = effective;
          break;
        }
      }
      step(end);
      checkLimits();
    }
    prune();
  }

  private void step(long end) {
    long h = end - now;
    if (tauNanos == 0) {
      y = target(end);
    } else {
      double u = target(now);
      y = u + (y - u) * Math.exp(-h / tauNanos);
    }
    now = end;
  }

  /** Returns u(t): the offset plus every input, each read a dead time earlier. */
  private double target(long t) {
    long delayed = t - deadNanos;
    double[] sp = setpointsAt(delayed);
    double u = response.offset();
    List<Response.Input> inputs = response.inputs();
    for (int i = 0; i < signals.length; i++) {
      double term = inputs.get(i).gain();
      if (signals[i] != null) term *= signals[i].valueAt(Math.max(0, delayed));
      if (setpointIndex[i] >= 0) term *= sp[setpointIndex[i]];
      u += term;
    }
    return u;
  }

  private double[] setpointsAt(long t) {
    double[] values = history.peekFirst().values;
    for (Snapshot s : history) {
      if (s.from <= t) values = s.values;
      else break;
    }
    return values;
  }

  /** Forgets setpoints that no longer matter: all but the last one in effect a dead time ago. */
  private void prune() {
    long horizon = now - deadNanos;
    while (history.size() > 1) {
      Iterator<Snapshot> it = history.iterator();
      it.next();
      if (it.next().from <= horizon) history.removeFirst();
      else break;
    }
  }

  private void checkLimits() {
    boolean below = y < response.min();
    boolean above = y > response.max();
    if (open != null) {
      boolean stillOutside = open.belowMin ? below : above;
      if (stillOutside) {
        open.extreme = open.belowMin ? Math.min(open.extreme, y) : Math.max(open.extreme, y);
        return;
      }
      onViolation.accept(open.toViolation(now));
      open = null;
    }
    if (below || above) {
      open = new Violation(below, below ? response.min() : response.max(), now, y);
      onViolation.accept(open.toViolation(-1));
    }
  }

  /** Returns the violation under way, if any, as it stands now. */
  LimitViolation openViolation() {
    return open == null ? null : open.toViolation(-1);
  }

  private final class Violation {
    final boolean belowMin;
    final double limit;
    final long start;
    double extreme;

    Violation(boolean belowMin, double limit, long start, double extreme) {
      this.belowMin = belowMin;
      this.limit = limit;
      this.start = start;
      this.extreme = extreme;
    }

    LimitViolation toViolation(long end) {
      return new LimitViolation(device, tag.tag().name(), limit, belowMin, Duration.ofNanos(start),
          end < 0 ? null : Duration.ofNanos(end), extreme);
    }
  }

  private static final class Snapshot {
    final long from;
    final double[] values;

    Snapshot(long from, double[] values) {
      this.from = from;
      this.values = values;
    }
  }
}
