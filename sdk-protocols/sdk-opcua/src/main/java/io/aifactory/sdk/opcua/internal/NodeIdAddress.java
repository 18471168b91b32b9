package io.aifactory.sdk.opcua.internal;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.Tag;
import org.eclipse.milo.opcua.stack.core.NamespaceTable;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/** Parses tag addresses written as standard NodeId strings: {@code ns=2;s=Line1.Temperature}, {@code nsu=urn:x;i=1001}. */
public final class NodeIdAddress {
  private NodeIdAddress() {}

  /**
   * Checks the syntax of a tag's address without a connection.
   *
   * @throws AddressException naming the tag, the address and the expected notation
   */
  public static ExpandedNodeId parse(Tag tag) {
    return parse(tag.name(), tag.address());
  }

  public static ExpandedNodeId parse(String tagName, String address) {
    String a = address.trim();
    boolean hasIdentifier = a.startsWith("i=") || a.startsWith("s=") || a.startsWith("g=") || a.startsWith("b=")
        || a.contains(";i=") || a.contains(";s=") || a.contains(";g=") || a.contains(";b=");
    if (!hasIdentifier) throw malformed(tagName, address, null);
    try {
      ExpandedNodeId id = ExpandedNodeId.parse(a);
      if (id == null || id.isNull()) throw malformed(tagName, address, null);
      return id;
    } catch (AddressException e) {
      throw e;
    } catch (RuntimeException e) {
      throw malformed(tagName, address, e);
    }
  }

  /**
   * Resolves an address against the server's namespace table (needed for {@code nsu=} addresses).
   *
   * @throws AddressException if the namespace URI is not on the server
   */
  public static NodeId resolve(String tagName, String address, NamespaceTable namespaces) {
    ExpandedNodeId id = parse(tagName, address);
    return id.toNodeId(namespaces).orElseThrow(() -> new AddressException("tag '" + tagName + "': namespace '"
        + id.getNamespaceUri() + "' of address '" + address + "' is not in the server's namespace table"));
  }

  /** Returns the same identifier in namespace {@code index}, e.g. for a server that puts its tags there. */
  public static NodeId inNamespace(ExpandedNodeId id, UShort index) {
    Object identifier = id.getIdentifier();
    if (identifier instanceof String) return new NodeId(index, (String) identifier);
    if (identifier instanceof org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger) {
      return new NodeId(index, (org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger) identifier);
    }
    if (identifier instanceof java.util.UUID) return new NodeId(index, (java.util.UUID) identifier);
    return new NodeId(index, (org.eclipse.milo.opcua.stack.core.types.builtin.ByteString) identifier);
  }

  private static AddressException malformed(String tagName, String address, Throwable cause) {
    String message = "tag '" + tagName + "': '" + address + "' is not an OPC UA NodeId (expected e.g. "
        + "ns=2;s=Line1.Temperature, ns=3;i=1001 or nsu=urn:example;s=Pump.Speed)";
    return cause == null ? new AddressException(message) : new AddressException(message, cause);
  }
}
