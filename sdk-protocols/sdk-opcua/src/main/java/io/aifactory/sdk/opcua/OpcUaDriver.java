package io.aifactory.sdk.opcua;

import io.aifactory.sdk.core.DeviceDriver;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.internal.NodeIdAddress;
import io.aifactory.sdk.opcua.internal.client.MiloDrivers;
import java.net.URI;
import java.util.Set;

/** The {@link DeviceDriver} for {@code opc.tcp://} URIs; found by {@link java.util.ServiceLoader}. */
public final class OpcUaDriver implements DeviceDriver {
  @Override
  public Set<String> schemes() {
    return Set.of("opc.tcp");
  }

  /** Returns an {@link OpcUaDevice} that connects in the background. */
  @Override
  public OpcUaDevice open(URI uri, DeviceOptions options) {
    return MiloDrivers.open(uri, options);
  }

  @Override
  public void checkAddress(Tag tag) {
    NodeIdAddress.parse(tag);
  }

  /** Opens an {@link OpcUaDevice} without a cast. */
  public static OpcUaDevice openDevice(String uri, DeviceOptions options) {
    return new OpcUaDriver().open(URI.create(uri), options);
  }

}
