package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import java.net.URI;

/** Creates and starts {@link ModbusDevice}s for the public driver. */
public final class ModbusDevices {
  private ModbusDevices() {}

  public static Device open(URI uri, DeviceOptions options) {
    ModbusDevice device = new ModbusDevice(ModbusSettings.of(uri, options), options);
    device.start();
    return device;
  }
}
