/**
 * Deterministic signals for simulated plants: pure functions of simulation time (and a seed, for the random
 * ones), composable by sum, product and scale, with anomalies injected on a schedule and a clock that tests
 * advance by hand.
 *
 * <p>A {@link io.aifactory.sdk.testkit.signal.Signal} is evaluated at nanoseconds since the scenario started, so
 * the same seed and the same times give the same values on every run and every machine, whatever the tick rate.
 * A {@link io.aifactory.sdk.testkit.signal.Waveform} samples a signal over a frame for array-valued tags such as
 * a vibration waveform.
 */
package io.aifactory.sdk.testkit.signal;
