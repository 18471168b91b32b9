package io.aifactory.sdk.opcua.internal.client;

import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.opcua.OpcUaDevice;
import java.net.URI;

/** Opens {@link MiloDevice}s for the public driver. */
public final class MiloDrivers {
  private MiloDrivers() {}

  /** Returns a device that is already connecting in the background. */
  public static OpcUaDevice open(URI uri, DeviceOptions options) {
    MiloDevice device = new MiloDevice(ClientSettings.of(uri, options), options);
    device.start();
    return device;
  }
}
