package io.aifactory.sdk.opcua;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import java.util.Objects;

/** A node found by {@link OpcUaDevice#browse}: an object (folder) to browse further, or a variable to read. */
public final class BrowsedNode {
  /** What a browsed node is. */
  public enum NodeClass { OBJECT, VARIABLE, OTHER }

  private final String nodeId;
  private final String browseName;
  private final String displayName;
  private final NodeClass nodeClass;
  private final DataType dataType;

  public BrowsedNode(String nodeId, String browseName, String displayName, NodeClass nodeClass, DataType dataType) {
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.browseName = Objects.requireNonNull(browseName, "browseName");
    this.displayName = Objects.requireNonNull(displayName, "displayName");
    this.nodeClass = Objects.requireNonNull(nodeClass, "nodeClass");
    this.dataType = dataType;
  }

  /** Returns the NodeId string, usable as a tag address, e.g. {@code ns=2;s=Line1.Temperature}. */
  public String nodeId() {
    return nodeId;
  }

  public String browseName() {
    return browseName;
  }

  public String displayName() {
    return displayName;
  }

  public NodeClass nodeClass() {
    return nodeClass;
  }

  public boolean isVariable() {
    return nodeClass == NodeClass.VARIABLE;
  }

  /** Returns the variable's type as a tag type, or null if it is not a variable or has no matching tag type. */
  public DataType dataType() {
    return dataType;
  }

  /**
   * Returns a tag for this variable.
   *
   * @throws IllegalStateException if it is not a variable with a tag type
   */
  public Tag toTag(String name) {
    if (dataType == null) throw new IllegalStateException(nodeId + " (" + nodeClass + ") has no tag data type");
    return Tag.of(name, nodeId, dataType);
  }

  @Override
  public String toString() {
    return nodeClass + " " + nodeId + " '" + displayName + "'" + (dataType != null ? " : " + dataType : "");
  }
}
