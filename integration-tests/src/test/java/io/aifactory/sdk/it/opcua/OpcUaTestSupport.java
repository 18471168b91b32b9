package io.aifactory.sdk.it.opcua;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Tags and options shared by the OPC UA integration tests: short timeouts, fast backoff, one PKI per client. */
final class OpcUaTestSupport {
  static final Tag BOOL = Tag.of("plant.bool", "ns=2;s=Plant.Bool", DataType.BOOL);
  static final Tag INT16 = Tag.of("plant.int16", "ns=2;s=Plant.Int16", DataType.INT16);
  static final Tag UINT16 = Tag.of("plant.uint16", "ns=2;s=Plant.UInt16", DataType.UINT16);
  static final Tag INT32 = Tag.of("plant.int32", "ns=2;s=Plant.Int32", DataType.INT32);
  static final Tag UINT32 = Tag.of("plant.uint32", "ns=2;s=Plant.UInt32", DataType.UINT32);
  static final Tag INT64 = Tag.of("plant.int64", "ns=2;s=Plant.Int64", DataType.INT64);
  static final Tag FLOAT32 = Tag.of("plant.float32", "ns=2;s=Plant.Float32", DataType.FLOAT32);
  static final Tag FLOAT64 = Tag.of("plant.float64", "ns=2;s=Plant.Float64", DataType.FLOAT64);
  static final Tag STRING = Tag.of("plant.string", "ns=2;s=Plant.String", DataType.STRING);
  static final Tag VIBRATION = Tag.of("line1.vibration", "ns=2;s=Line1.Vibration",
      DataType.arrayOf(DataType.Kind.FLOAT32, 256));
  static final Tag SCALED = Tag.newBuilder().name("line1.temperature").address("nsu=urn:aifactory:testkit:opcua-simulator;s=Line1.Temperature")
      .dataType(DataType.INT16).scale(0.1).offset(-20).unit("°C").build();
  static final Tag SETPOINT = Tag.of("line1.setpoint", "ns=2;s=Line1.Setpoint", DataType.FLOAT64);

  static final List<Tag> SCALARS = List.of(BOOL, INT16, UINT16, INT32, UINT32, INT64, FLOAT32, FLOAT64, STRING);
  static final List<Tag> ALL = List.of(BOOL, INT16, UINT16, INT32, UINT32, INT64, FLOAT32, FLOAT64, STRING, VIBRATION,
      SCALED, SETPOINT);

  private OpcUaTestSupport() {}

  /** Options for a test client: its own PKI folder, fast timeouts and backoff. */
  static DeviceOptions.Builder options(Path pkiDir) {
    return DeviceOptions.newBuilder()
        .connectTimeout(Duration.ofSeconds(3))
        .requestTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(100))
            .maxDelay(Duration.ofMillis(500)).jitter(0).build())
        .property(OpcUaProperties.PKI_DIR, pkiDir.toString());
  }

  static float[] waveform(float phase) {
    float[] w = new float[256];
    for (int i = 0; i < w.length; i++) w[i] = (float) Math.sin(i * 2 * Math.PI / 64 + phase);
    return w;
  }

  /** Polls until the condition holds or the timeout passes; returns whether it held. */
  static boolean await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) return true;
      Thread.sleep(20);
    }
    return condition.getAsBoolean();
  }
}
