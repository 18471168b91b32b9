package io.aifactory.sdk.it.contract;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/** The Device contract for {@code opc.tcp://}, against the testkit's OPC UA simulator. */
class OpcUaDeviceContractTest extends DeviceContractTest {
  private static final Tag INT32 = Tag.of("plant.int32", "ns=2;s=Plant.Int32", DataType.INT32);

  @Override
  protected Plant start(Path tmp) {
    // Security None only: these tests are about the device's life, not cryptography (and quicker on a shared machine).
    OpcUaSimulator server = OpcUaSimulator.newBuilder().tags(List.of(INT32)).pkiDir(tmp.resolve("server"))
        .securityPolicies(EnumSet.noneOf(SecurityPolicy.class)).build();
    server.start();
    DeviceOptions options = DeviceOptions.newBuilder()
        .connectTimeout(Duration.ofSeconds(3))
        .requestTimeout(Duration.ofSeconds(2))
        .reconnectPolicy(ReconnectPolicy.newBuilder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(500)).build())
        .property(OpcUaProperties.PKI_DIR, tmp.resolve("client").toString())
        .property(OpcUaProperties.ALLOW_SECURITY_NONE, "true")
        .build();
    return new Plant(server, options, INT32);
  }
}
