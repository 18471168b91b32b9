package io.aifactory.examples.quality;

import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import io.aifactory.sdk.testkit.signal.Signal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's quality lab: takes a sample from the simulated line every {@code every} of plant time, measures its melt
 * flow index (the scenario's true value plus the lab's own repeatability error, from a seeded generator) and reports
 * it {@code delay} of plant time later, as a real lab does hours after the sample left the line.
 *
 * <p>It reads the truth from the scenario's signals directly, never over the network: the app under test cannot see
 * it. The sample's time is the wall clock when the simulated plant reached it, which is the clock the pipeline's
 * results and the recorder use, so the app pairs them as it would at a plant. One owned thread, stopped by close().
 */
final class SimulatedLab implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedLab.class);

  private final ScenarioRunner plant;
  private final Signal truth;
  private final Signal recipe;
  private final long everyNanos;
  private final long delayNanos;
  private final double repeatability;
  private final Random random;
  private final Deque<Sample> pending = new ArrayDeque<>();
  private final List<Sample> samples = new ArrayList<>();
  private long nextSampleNanos;
  private Thread thread;
  private volatile boolean closed;

  /** A sample: its id, plant time and wall time of sampling, the recipe, the true and the measured value. */
  record Sample(String id, Duration plantTime, Instant sampledAt, int recipe, double truth, double measured) {
    LabResult result() {
      return new LabResult(id, recipe, sampledAt, measured);
    }
  }

  SimulatedLab(ScenarioRunner plant, Duration every, Duration delay, double repeatability, long seed) {
    this.plant = plant;
    this.truth = plant.signal(SoftSensorTrainer.DEVICE, SoftSensorTrainer.TRUTH);
    this.recipe = plant.signal(SoftSensorTrainer.DEVICE, SoftSensorTrainer.RECIPE);
    this.everyNanos = every.toNanos();
    this.delayNanos = delay.toNanos();
    this.repeatability = repeatability;
    this.random = new Random(seed);
    this.nextSampleNanos = everyNanos;
  }

  synchronized void start(Consumer<LabResult> lims) {
    if (thread != null) throw new IllegalStateException("lab already started");
    thread = new Thread(() -> loop(lims), "simulated-lab");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Consumer<LabResult> lims) {
    while (!closed) {
      long now = plant.clock().elapsedNanos();
      List<Sample> due = new ArrayList<>();
      synchronized (this) {
        while (nextSampleNanos <= now) {
          int n = samples.size() + 1;
          double t = truth.valueAt(nextSampleNanos);
          Sample s = new Sample(String.format("S-%03d", n), Duration.ofNanos(nextSampleNanos), Instant.now(),
              (int) Math.round(recipe.valueAt(nextSampleNanos)), t, t + repeatability * random.nextGaussian());
          samples.add(s);
          pending.addLast(s);
          nextSampleNanos += everyNanos;
        }
        while (!pending.isEmpty() && pending.peekFirst().plantTime().toNanos() + delayNanos <= now) {
          due.add(pending.pollFirst());
        }
      }
      for (Sample s : due) {
        try {
          lims.accept(s.result());
        } catch (RuntimeException e) {
          LOG.warn("lab result {} refused: {}", s.id(), e.toString());
        }
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Returns every sample taken so far, reported or not. */
  synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }

  @Override
  public void close() {
    closed = true;
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t != null) {
      t.interrupt();
      try {
        t.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
