package io.aifactory.sdk.it.pipeline;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.onnx.Pca;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A line of identical machines on one simulated Modbus PLC, each with speed, motor current and temperature, where a
 * healthy machine's current and temperature follow its speed; and a PCA model fitted on healthy data.
 */
final class LinePlant implements AutoCloseable {
  static final String[] FEATURES = {"speed", "current", "temperature"};

  final int machines;
  final ModbusSimulator plc;
  final Device device;
  final Pca pca;

  LinePlant(int machines) {
    this.machines = machines;
    List<Tag> tags = new ArrayList<>();
    for (int m = 1; m <= machines; m++) {
      tags.addAll(tags(m));
      tags.add(Tag.of("m" + m + ".setpoint", "holding:" + (1000 + m) + ":uint16", DataType.UINT16));
    }
    plc = ModbusSimulator.newBuilder().unit(1, tags).build();
    plc.start();
    for (int m = 1; m <= machines; m++) {
      healthy(m);
      plc.set("m" + m + ".setpoint", 80);
    }
    DeviceOptions options = DeviceOptions.newBuilder()
        .requestTimeout(Duration.ofMillis(300))
        .connectTimeout(Duration.ofMillis(300))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(20)).maxDelay(Duration.ofMillis(100)).build())
        .build();
    device = Devices.open(plc.uri(), options);
    pca = Pca.fit(healthyTrainingData(), 1);
  }

  static List<Tag> tags(int m) {
    List<Tag> tags = new ArrayList<>();
    for (int f = 0; f < FEATURES.length; f++) {
      tags.add(Tag.of("m" + m + "." + FEATURES[f], "holding:" + (20 * m + 2 * f) + ":float32", DataType.FLOAT32));
    }
    return tags;
  }

  Tag tag(String name) {
    return plc.tags().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  static double speed(int m) {
    return 950 + 100 * m;
  }

  void healthy(int m) {
    double speed = speed(m);
    plc.set("m" + m + ".speed", speed);
    plc.set("m" + m + ".current", 0.01 * speed);
    plc.set("m" + m + ".temperature", 20 + 0.02 * speed);
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

  double[] mean() {
    return toDoubles(pca.mean());
  }

  double[] std() {
    return toDoubles(pca.std());
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  @Override
  public void close() {
    device.close();
    plc.close();
  }
}
