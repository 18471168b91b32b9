package io.aifactory.examples.energy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.examples.energy.EnergySetpointApp.Summary;
import io.aifactory.sdk.core.guard.GuardDecision;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.scenario.LimitViolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example against its simulated compressed-air system, a closed loop over a real Modbus socket: the plant answers
 * every setpoint the guard writes. The assertions are about outcomes (what was written, what the plant recorded,
 * energy), never about timings; the guard's range is what makes "no violation" hold however the machine schedules the
 * threads (its floor, 6.9 bar, keeps the pressure above 6.0 bar at the largest demand spike of the scenario).
 */
class EnergySetpointAppTest {

  @Test
  void shouldSaveEnergyLiveWithoutALimitViolationAfterWritingNothingInShadow(@TempDir Path data) throws Exception {
    // 6 s of SHADOW at 8x (48 s of plant time), then LIVE through the three demand spikes (70 s, 120 s, 170 s).
    Settings settings = Settings.fromArgs("--duration", "26s", "--speed", "8", "--live-writes", "--status-every", "0",
        "--data", data.toString());
    settings.shadowFirst = Duration.ofSeconds(48);
    EnergySetpointDemo plant = new EnergySetpointDemo(settings);
    Summary summary;
    List<GuardDecision> decisions;
    List<RecordedWrite> writes;
    List<LimitViolation> violations;
    Duration plantTime;
    try (EnergySetpointApp example = EnergySetpointApp.start(settings, plant)) {
      example.app().awaitStop(settings.duration);
      // The app still runs: take the PLC's writes first, then wait until the guard has decided on each of them (a
      // decision is made after the write and its read-back), so that both lists tell about the same writes.
      writes = plant.runner().server("compressor-plc").writes();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (attempted(example.decisions()).size() < writes.size() && System.nanoTime() < deadline) Thread.sleep(20);
      summary = example.summary();
      decisions = example.decisions();
      violations = plant.runner().violations();
      plantTime = plant.elapsed();
      System.out.println(example.statusLine());
    }
    System.out.println(summary);

    // SHADOW: the audit shows what would have been written, and nothing was.
    List<GuardDecision> shadow = decisions.stream().filter(d -> d.mode() == GuardMode.SHADOW).toList();
    assertTrue(shadow.stream().anyMatch(d -> Double.isFinite(d.decided()) && d.decided() < d.before()),
        "SHADOW decisions show a lower setpoint that would have been written: " + shadow);
    assertTrue(shadow.stream().noneMatch(GuardDecision::wrote), "a SHADOW decision wrote");
    // Every write the PLC saw came from a LIVE decision, in the guard's order, and every decision read back as written
    // is among them. A decision whose write failed (a timeout on a loaded machine) may or may not have reached the PLC.
    List<GuardDecision> attempted = attempted(decisions);
    int matched = 0;
    for (GuardDecision d : attempted) {
      if (matched == writes.size()) break;
      if (Math.abs(d.decided() - ((Number) writes.get(matched).value()).doubleValue()) < 1e-5) { // float32 register
        assertEquals(GuardMode.LIVE, d.mode(), d.toString());
        matched++;
      } else {
        assertFalse(d.wrote(), "read back as written, but not the PLC's write " + matched + ": " + d + " " + writes);
      }
    }
    assertEquals(writes.size(), matched, "PLC writes without a LIVE decision: " + writes + " " + attempted);
    long liveWrites = decisions.stream().filter(d -> d.mode() == GuardMode.LIVE && d.wrote()).count();

    // LIVE: the setpoint came down within the guard's limits, and the plant stayed within its own.
    assertTrue(summary.liveSince() != null && liveWrites > 0, summary.toString());
    for (RecordedWrite w : writes) {
      double v = ((Number) w.value()).doubleValue();
      assertTrue(v >= 6.9 - 1e-6 && v <= 7.5 + 1e-6, "written outside the guard's range: " + w);
    }
    assertTrue(plantTime.compareTo(Duration.ofSeconds(130)) > 0, "the run covered a demand spike: " + plantTime);
    assertEquals(List.of(), violations, "the simulated plant's own record of limit violations");
    assertTrue(summary.savedKwh() > 0, summary.toString());
    assertTrue(summary.co2Kg() > 0 && summary.co2Kg() == summary.savedKwh() * 0.4, summary.toString());
    assertTrue(summary.inferences() > 0, summary.toString());

    // The recorder kept the guard's decisions, for the plant's audit.
    try (var files = Files.walk(data.resolve("energy-recordings"))) {
      assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".jsonl.gz")), "no recording");
    }
  }

  @Test
  void shouldWriteNothingInShadowMode(@TempDir Path data) throws Exception {
    Settings settings = Settings.fromArgs("--duration", "5s", "--speed", "8", "--status-every", "0", "--data", data.toString());
    EnergySetpointDemo plant = new EnergySetpointDemo(settings);
    try (EnergySetpointApp example = EnergySetpointApp.start(settings, plant)) {
      example.app().awaitStop(settings.duration);
      Summary summary = example.summary();
      assertEquals(List.of(), plant.runner().server("compressor-plc").writes());
      assertEquals(0, summary.liveWrites());
      assertTrue(summary.shadowWouldWrite() > 0, summary.toString());
      assertTrue(summary.liveSince() == null, summary.toString());
      assertTrue(example.statusLine().contains("writes 0 (SHADOW"), example.statusLine());
    }
  }

  /** The production app has no simulated plant: a config that asks for one fails at start and says what to do. */
  @Test
  void shouldRefuseTheSimulatorUriWithoutTheDemo(@TempDir Path data) {
    Settings settings = Settings.fromArgs("--data", data.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EnergySetpointApp.start(settings, null).close());
    assertTrue(e.getMessage().contains("device 'compressor-plc'") && e.getMessage().contains("energy-setpoint-demo.jar"),
        e.getMessage());
  }

  /** Returns the decisions that sent a write to the PLC: written and read back, or failed after the write went out. */
  private static List<GuardDecision> attempted(List<GuardDecision> decisions) {
    return decisions.stream().filter(d -> d.wrote()
        || d.outcome() == GuardDecision.Outcome.FAILED && Double.isFinite(d.decided())).toList();
  }
}
