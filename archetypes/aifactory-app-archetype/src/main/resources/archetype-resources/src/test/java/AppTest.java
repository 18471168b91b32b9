package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineMetrics;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.testkit.junit.SimulatedPlant;
import io.aifactory.sdk.testkit.scenario.ScenarioRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the app against the SDK's simulated plant, {@code spindle-line}: three CNC spindles on a Modbus PLC, whose
 * spindle 2 develops a bearing fault 120 s into the scenario. The simulator listens on a free port; the test points
 * the app's device at it and runs the plant 20 times faster than real time.
 */
@SimulatedPlant("spindle-line")
class AppTest {
  private static final double SPEED = 20;

  @Test
  void shouldAlarmOnSpindle2AfterItsBearingFaultAndNeverOnSpindle1(ScenarioRunner plant, @TempDir Path data)
      throws Exception {
    Duration faultAt = plant.scenario().event("spindle2.bearingFault").at();
    List<AlarmEvent> raised = new CopyOnWriteArrayList<>();
    Map<AlarmEvent, Duration> raisedAt = new ConcurrentHashMap<>();
    try (AifactoryApp app = App.start(App.bundledConfig(), data, plant.uri("line-plc"), event -> {
      if (event.kind() == AlarmEvent.Kind.RAISED) {
        raisedAt.put(event, plant.elapsed());
        raised.add(event);
      }
    })) {
      plant.runInRealTime(SPEED);
      // The fault shows a few tens of simulated seconds after it starts; wait for the alarm, not for a fixed time.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (raised.stream().noneMatch(e -> e.machine().equals("spindle2")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Pipeline pipeline = app.pipeline("line").orElseThrow();
      System.out.println(pipeline.metrics());

      AlarmEvent first = raised.stream().filter(e -> e.machine().equals("spindle2")).findFirst()
          .orElseThrow(() -> new AssertionError("spindle 2 never alarmed: " + pipeline.metrics()));
      assertTrue(raisedAt.get(first).compareTo(faultAt) >= 0,
          "spindle 2 alarmed at " + raisedAt.get(first) + ", before its fault at " + faultAt);
      assertTrue(raised.stream().noneMatch(e -> e.machine().equals("spindle1")), "healthy spindle 1 alarmed: " + raised);
      for (MachineMetrics m : pipeline.metrics().machines()) {
        assertTrue(m.inferences() > 10, m.name() + " was hardly scored: " + m);
        assertEquals(0, m.modelErrors(), m.name() + ": model errors");
      }
    }
  }
}
