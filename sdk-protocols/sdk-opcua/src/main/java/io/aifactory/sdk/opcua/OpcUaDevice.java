package io.aifactory.sdk.opcua;

import io.aifactory.sdk.core.Device;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An OPC UA server as a {@link Device}, plus browsing so that integrators can discover its tags. Returned by
 * {@link io.aifactory.sdk.core.Devices#open} for {@code opc.tcp://} URIs.
 *
 * <pre>{@code
 * try (OpcUaDevice plc = (OpcUaDevice) Devices.open("opc.tcp://plc:4840", options)) {
 *   plc.whenConnected(Duration.ofSeconds(10)).join();
 *   for (BrowsedNode node : plc.browse("ns=2;s=folder:Line1").join()) System.out.println(node);
 * }
 * }</pre>
 */
public interface OpcUaDevice extends Device {
  /** The NodeId of the standard Objects folder, where browsing usually starts. */
  String OBJECTS_FOLDER = "i=85";

  /**
   * Lists the objects and variables organised under a node, with the variables' data types.
   *
   * @param nodeId a NodeId string, e.g. {@link #OBJECTS_FOLDER}
   * @return a future failing with a {@link io.aifactory.sdk.core.DeviceException} if not connected or the server
   *     refused, or an {@link io.aifactory.sdk.core.AddressException} for a malformed NodeId
   */
  CompletableFuture<List<BrowsedNode>> browse(String nodeId);

  /**
   * Returns the security of the current connection, e.g. {@code Aes256_Sha256_RsaPss/SignAndEncrypt}, or an empty
   * string while not connected.
   */
  String security();
}
