package io.aifactory.sdk.diagnostics;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.guard.GuardMode;
import io.aifactory.sdk.core.guard.WriteGuard;
import io.aifactory.sdk.core.pipeline.GuardedWrite;
import io.aifactory.sdk.core.pipeline.Pipeline;
import io.aifactory.sdk.core.pipeline.ThresholdAlarm;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Three identical machines on one simulated Modbus PLC (speed, motor current, temperature; a healthy machine's current
 * and temperature follow its speed), a PCA model fitted on healthy data and run in ONNX Runtime, a pipeline scoring
 * them with an alarm, and a SHADOW write guard on machine 2's setpoint that proposes 60 while it is in alarm — all
 * wired to a {@link DiagnosticsServer}.
 */
final class SimulatedLine implements AutoCloseable {
  static final int MACHINES = 3;
  static final int ROWS = 5;
  static final String PIPELINE = "line";
  static final String GUARD = "m2.setpoint";

  final ModbusSimulator plc;
  final Device device;
  final OnnxRuntimeModel model;
  final ThresholdAlarm alarm;
  final WriteGuard guard;
  final Pipeline pipeline;

  SimulatedLine(DiagnosticsServer ui) {
    List<Tag> all = new ArrayList<>();
    for (int m = 1; m <= MACHINES; m++) {
      all.addAll(tags(m));
      all.add(Tag.of("m" + m + ".setpoint", "holding:" + (1000 + m) + ":uint16", DataType.UINT16));
    }
    plc = ModbusSimulator.newBuilder().unit(1, all).build();
    plc.start();
    for (int m = 1; m <= MACHINES; m++) {
      healthy(m);
      plc.set("m" + m + ".setpoint", 80);
    }
    device = Devices.open(plc.uri(), DeviceOptions.newBuilder()
        .requestTimeout(Duration.ofMillis(300))
        .connectTimeout(Duration.ofMillis(300))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(200)).build())
        .build());
    Pca pca = Pca.fit(healthyTrainingData(), 1);
    model = OnnxRuntimeModel.open("line-pca", "1",
        ModelSource.ofBytes("line-pca", OnnxModels.pcaWindowError(ROWS, pca.components()).bytes()),
        InferenceOptions.defaults());
    guard = WriteGuard.newBuilder().name(GUARD).device(device).tag(plc.tags().stream()
            .filter(t -> t.name().equals("m2.setpoint")).findFirst().orElseThrow())
        .range(50, 100).maxStep(5).mode(GuardMode.SHADOW).build();
    alarm = ThresholdAlarm.newBuilder().name("anomaly").raiseAbove(1.0).clearBelow(0.5)
        .listener(ui.alarmListener()).build();
    Pipeline.Builder b = Pipeline.newBuilder().name(PIPELINE)
        .poll(SubscriptionOptions.every(Duration.ofMillis(100)))
        .windowRows(ROWS).hop(1).normalisation(toDoubles(pca.mean()), toDoubles(pca.std()))
        .model(model, OnnxModels.INPUT, OnnxModels.SCORE, 1)
        .action(ui.resultAction())
        .action(alarm)
        .action(new GuardedWrite("m2", guard, r -> alarm.isRaised("m2") ? 60 : 80));
    for (int m = 1; m <= MACHINES; m++) {
      b.machine("m" + m, device, tags(m));
    }
    pipeline = b.build();
    ui.watch(pipeline, alarm).watch("line-plc", device).watch(guard).watch(model);
    guard.start();
    pipeline.start();
  }

  static List<Tag> tags(int m) {
    String[] features = {"speed", "current", "temperature"};
    List<Tag> tags = new ArrayList<>();
    for (int f = 0; f < features.length; f++) {
      tags.add(Tag.of("m" + m + "." + features[f], "holding:" + (20 * m + 2 * f) + ":float32", DataType.FLOAT32));
    }
    return tags;
  }

  private static double speed(int m) {
    return 950 + 100 * m;
  }

  void healthy(int m) {
    plc.set("m" + m + ".speed", speed(m));
    plc.set("m" + m + ".current", 0.01 * speed(m));
    plc.set("m" + m + ".temperature", 20 + 0.02 * speed(m));
  }

  /** A failing bearing: the motor draws twice the current its speed needs. */
  void fault(int m) {
    plc.set("m" + m + ".current", 0.02 * speed(m));
  }

  private static float[][] healthyTrainingData() {
    Random random = new Random(7);
    float[][] rows = new float[600][];
    for (int i = 0; i < rows.length; i++) {
      double speed = 900 + 500 * random.nextDouble();
      rows[i] = new float[] {(float) speed, (float) (0.01 * speed + 0.05 * random.nextGaussian()),
          (float) (20 + 0.02 * speed + 0.1 * random.nextGaussian())};
    }
    return rows;
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  /** Pipeline first (it stops proposing), then the guard, the model, the device and the PLC. */
  @Override
  public void close() {
    pipeline.close();
    guard.close();
    model.close();
    device.close();
    plc.close();
  }
}
