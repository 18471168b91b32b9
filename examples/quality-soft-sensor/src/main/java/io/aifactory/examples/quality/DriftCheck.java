package io.aifactory.examples.quality;

import io.aifactory.examples.quality.RecipeRoutedModel.Variant;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import io.aifactory.sdk.core.record.Recorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Compares the soft sensor with the lab, per product: every prediction is kept for a while with its time; when a lab
 * result arrives (hours after its sample was taken) it is paired with the prediction of the same product nearest to
 * the sample's time, labelled into the recorder, and the product's mean absolute error over its last few paired lab
 * results feeds a {@code model-drift.<variant>} alarm with hysteresis.
 *
 * <p>Why per product: each product has its own model, and a drift shows in one of them (a product's raw material
 * changed) as often as in all (a sensor drifted). Why several lab results: one lab value can be a bad sample; a
 * model that is wrong stays wrong.
 *
 * <p>A prediction is not paired when its window held two products (a changeover: the sample is scrap or a mix) or
 * when there is none of the sample's product within {@code pairWithin} of its time; such lab results are still
 * labelled, with a note saying why they were not compared.
 *
 * <p>Threads: {@link #onResult} runs on the pipeline's thread, {@link #onLabResult} on whichever thread delivers lab
 * results; both lock this object briefly.
 */
final class DriftCheck {
  /** The label name of lab results in the recorder's files. */
  static final String LABEL = "lab_melt_flow_index";

  private final String pipeline;
  private final String machine;
  private final int labResults;
  private final long pairWithinNanos;
  private final long keepNanos;
  private final Recorder recorder;
  private final Map<Integer, VariantState> states = new LinkedHashMap<>();
  /** Predictions by the time of their window's newest row; guarded by this. */
  private final NavigableMap<Long, Prediction> predictions = new TreeMap<>();
  private long alarmSequence;

  /** A prediction: when, by which product's model, whether its window spanned a product change, the value. */
  record Prediction(long timeNanos, int modelRecipe, boolean changeover, double value) {}

  /** What became of a lab result. */
  record Pairing(LabResult lab, String variant, double predicted, double error, String note) {
    boolean paired() {
      return !Double.isNaN(error);
    }
  }

  /**
   * @param labResults how many recent paired lab results of a product are averaged before judging its model
   * @param pairWithin how far apart on the plant's clock a prediction and the sample it is compared with may be
   * @param keep how long predictions are kept for lab results to find them (longer than the lab takes)
   * @param recorder labels lab results and hears the drift alarms; may be null
   */
  DriftCheck(String pipeline, String machine, Map<Integer, Variant> variants, int labResults, Duration pairWithin,
      Duration keep, Recorder recorder, List<AlarmListener> listeners) {
    if (labResults < 1) throw new IllegalArgumentException("labResults < 1: " + labResults);
    this.pipeline = pipeline;
    this.machine = machine;
    this.labResults = labResults;
    this.pairWithinNanos = pairWithin.toNanos();
    this.keepNanos = keep.toNanos();
    this.recorder = recorder;
    for (Variant v : variants.values()) {
      // Cleared at half the bound: a model that hovers around its bound should not flap the alarm at every result.
      ThresholdAlarm.Builder alarm = ThresholdAlarm.newBuilder().name("model-drift." + v.name())
          .raiseAbove(v.driftBound()).clearBelow(v.driftBound() / 2);
      if (recorder != null) alarm.listener(recorder);
      listeners.forEach(alarm::listener);
      states.put(v.recipe(), new VariantState(v, alarm.build()));
    }
  }

  /** Keeps a prediction (a pipeline action). */
  void onResult(MachineResult r) {
    if (!r.hasValues() || !r.machine().equals(machine)) return;
    Prediction p = new Prediction(r.timeNanos(), (int) r.value(1), r.value(2) != r.value(3), r.value(0));
    synchronized (this) {
      predictions.put(p.timeNanos(), p);
      // Older than anything a lab result may still ask for: forget, so memory stays bounded for months.
      while (!predictions.isEmpty() && predictions.firstKey() < p.timeNanos() - keepNanos) predictions.pollFirstEntry();
    }
  }

  /** Pairs a lab result with its prediction, labels it, and updates the product's drift alarm. */
  synchronized Pairing onLabResult(LabResult lab) {
    VariantState s = states.get(lab.recipe());
    long t = lab.sampledAt().getEpochSecond() * 1_000_000_000L + lab.sampledAt().getNano();
    String variant = s == null ? "recipe " + lab.recipe() : s.variant.name();
    Pairing pairing;
    if (s == null) {
      pairing = new Pairing(lab, variant, Double.NaN, Double.NaN, "no model for recipe " + lab.recipe());
    } else {
      Prediction best = null;
      boolean changeover = false;
      for (Prediction p : predictions.subMap(t - pairWithinNanos, true, t + pairWithinNanos, true).values()) {
        if (p.modelRecipe() != lab.recipe()) continue;
        if (p.changeover()) {
          changeover = true;
          continue;
        }
        if (best == null || Math.abs(p.timeNanos() - t) < Math.abs(best.timeNanos() - t)) best = p;
      }
      if (best == null) {
        pairing = new Pairing(lab, variant, Double.NaN, Double.NaN, changeover
            ? "not compared: taken during a product change" : "not compared: no prediction of " + variant + " within "
            + Duration.ofNanos(pairWithinNanos) + " of the sample");
      } else {
        double error = best.value() - lab.meltFlowIndex();
        pairing = new Pairing(lab, variant, best.value(), error, String.format(Locale.ROOT,
            "%s, sample %s, predicted %.4f", variant, lab.sampleId(), best.value()));
      }
    }
    if (recorder != null) {
      recorder.label(machine, LABEL, lab.meltFlowIndex(), pairing.paired() ? pairing.note()
          : variant + ", sample " + lab.sampleId() + ", " + pairing.note(), lab.sampledAt());
    }
    if (s != null) s.add(pairing, Instant.now());
    return pairing;
  }

  /** Returns, per recipe, how the lab saw each product's model so far. */
  synchronized Map<Integer, LabStats> stats() {
    Map<Integer, LabStats> out = new LinkedHashMap<>();
    for (Map.Entry<Integer, VariantState> e : states.entrySet()) {
      VariantState s = e.getValue();
      out.put(e.getKey(), new LabStats(s.variant.name(), s.variant.driftBound(), s.paired, s.unpaired, s.recentMean(),
          s.paired == 0 ? Double.NaN : Math.sqrt(s.sumSquares / s.paired), s.maxAbs,
          s.alarm.isRaised(machine), List.copyOf(s.pairings)));
    }
    return out;
  }

  /** Whether the drift alarm of {@code recipe}'s model is raised now. */
  synchronized boolean inDrift(int recipe) {
    VariantState s = states.get(recipe);
    return s != null && s.alarm.isRaised(machine);
  }

  /** A product's comparison with the lab: counts, the recent mean |error| the alarm judges, RMSE and max overall. */
  record LabStats(String variant, double bound, long paired, long unpaired, double recentMeanAbsError, double rmse,
      double maxAbsError, boolean inDrift, List<Pairing> pairings) {}

  private final class VariantState {
    final Variant variant;
    final ThresholdAlarm alarm;
    final Deque<Double> recent = new ArrayDeque<>();
    final List<Pairing> pairings = new ArrayList<>();
    long paired;
    long unpaired;
    double sumSquares;
    double maxAbs;

    VariantState(Variant variant, ThresholdAlarm alarm) {
      this.variant = variant;
      this.alarm = alarm;
    }

    void add(Pairing p, Instant now) {
      if (pairings.size() < 10_000) pairings.add(p); // for the summary and tests; a plant reads the recorder's files
      if (!p.paired()) {
        unpaired++;
        return;
      }
      paired++;
      double abs = Math.abs(p.error());
      sumSquares += abs * abs;
      maxAbs = Math.max(maxAbs, abs);
      recent.addLast(abs);
      if (recent.size() > labResults) recent.removeFirst();
      if (recent.size() == labResults) {
        // The SDK's threshold alarm gives hysteresis and the listeners; it judges a result, so hand it one.
        long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        alarm.onResult(new MachineResult(pipeline, machine, ++alarmSequence, nanos, Quality.GOOD,
            List.of("labMeanAbsError"), new double[] {recentMean()}));
      }
    }

    double recentMean() {
      if (recent.isEmpty()) return Double.NaN;
      double sum = 0;
      for (double e : recent) sum += e;
      return sum / recent.size();
    }
  }
}
