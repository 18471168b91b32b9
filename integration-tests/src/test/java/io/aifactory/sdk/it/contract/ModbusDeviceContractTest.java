package io.aifactory.sdk.it.contract;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The Device contract for {@code modbus+tcp://}, against the testkit's Modbus simulator. */
class ModbusDeviceContractTest extends DeviceContractTest {
  private static final Tag COUNT = Tag.of("count", "holding:20:uint16", DataType.UINT16);

  @Override
  protected Plant start(Path tmp) {
    ModbusSimulator plc = ModbusSimulator.newBuilder().unit(1, List.of(COUNT)).build();
    plc.start();
    DeviceOptions options = DeviceOptions.newBuilder()
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(500)).build())
        .build();
    return new Plant(plc, options, COUNT);
  }
}
