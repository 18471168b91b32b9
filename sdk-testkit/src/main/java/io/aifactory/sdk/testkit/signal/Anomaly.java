package io.aifactory.sdk.testkit.signal;

import java.time.Duration;

/**
 * A departure from normal behaviour injected into a signal during a window of simulation time: a spike, a drift,
 * a stuck sensor, a burst of noise or a dropout. Built by {@link Anomalies}.
 */
public interface Anomaly {
  /** Returns when the anomaly starts, from the start of the scenario. */
  Duration start();

  /** Returns how long it lasts; {@code null} means until the end of the scenario. */
  Duration duration();

  /** Returns {@code signal} with this anomaly applied during its window and unchanged outside it. */
  Signal applyTo(Signal signal);

  /** Returns {@code signal} with every anomaly applied, in order. */
  static Signal applyAll(Signal signal, Iterable<Anomaly> anomalies) {
    Signal s = signal;
    for (Anomaly a : anomalies) s = a.applyTo(s);
    return s;
  }
}
