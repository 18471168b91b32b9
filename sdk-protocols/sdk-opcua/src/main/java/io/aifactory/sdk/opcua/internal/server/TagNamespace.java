package io.aifactory.sdk.opcua.internal.server;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.opcua.internal.NodeIdAddress;
import io.aifactory.sdk.opcua.internal.Values;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.milo.opcua.sdk.core.AccessLevel;
import org.eclipse.milo.opcua.sdk.core.Reference;
import org.eclipse.milo.opcua.sdk.core.ValueRanks;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.items.DataItem;
import org.eclipse.milo.opcua.sdk.server.items.MonitoredItem;
import org.eclipse.milo.opcua.sdk.server.model.variables.AnalogItemType;
import org.eclipse.milo.opcua.sdk.server.nodes.UaFolderNode;
import org.eclipse.milo.opcua.sdk.server.nodes.UaVariableNode;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilter;
import org.eclipse.milo.opcua.sdk.server.nodes.filters.AttributeFilterContext;
import org.eclipse.milo.opcua.sdk.server.util.SubscriptionModel;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.QualifiedName;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.structured.Range;

/**
 * A namespace whose variables are {@link ServerVariable}s, placed in folders under the Objects folder (a dotted tag
 * name {@code Line1.Temperature} becomes folder {@code Line1} holding variable {@code Temperature}). Reads and
 * sampling take the variable's current value; writes are checked for type and range, then applied.
 */
public final class TagNamespace extends ManagedNamespaceWithLifecycle {
  private final List<ServerVariable> variables;
  private final SubscriptionModel subscriptionModel;

  public TagNamespace(OpcUaServer server, String namespaceUri, List<ServerVariable> variables) {
    super(server, namespaceUri);
    this.variables = List.copyOf(variables);
    this.subscriptionModel = new SubscriptionModel(server, this);
    getLifecycleManager().addLifecycle(subscriptionModel);
    getLifecycleManager().addStartupTask(this::createNodes);
  }

  private void createNodes() {
    Map<String, UaFolderNode> folders = new HashMap<>();
    for (ServerVariable v : variables) {
      UaFolderNode parent = null;
      StringBuilder folderPath = new StringBuilder();
      for (int i = 0; i < v.path().size() - 1; i++) {
        String segment = v.path().get(i);
        folderPath.append(folderPath.length() == 0 ? "" : ".").append(segment);
        UaFolderNode existing = folders.get(folderPath.toString());
        if (existing == null) {
          NodeId id = newNodeId("folder:" + folderPath);
          existing = new UaFolderNode(getNodeContext(), id, newQualifiedName(segment), LocalizedText.english(segment));
          getNodeManager().addNode(existing);
          if (parent == null) {
            existing.addReference(new Reference(id, NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
          } else {
            parent.addOrganizes(existing);
          }
          folders.put(folderPath.toString(), existing);
        }
        parent = existing;
      }
      UaVariableNode node = variableNode(v);
      getNodeManager().addNode(node);
      if (parent == null) {
        node.addReference(new Reference(node.getNodeId(), NodeIds.Organizes, NodeIds.ObjectsFolder.expanded(), false));
      } else {
        parent.addOrganizes(node);
      }
    }
  }

  private UaVariableNode variableNode(ServerVariable v) {
    DataType type = v.tag().dataType();
    String name = v.path().get(v.path().size() - 1);
    var access = v.writable() ? AccessLevel.READ_WRITE : AccessLevel.READ_ONLY;
    UaVariableNode.UaVariableNodeBuilder builder = new UaVariableNode.UaVariableNodeBuilder(getNodeContext())
        .setNodeId(NodeIdAddress.inNamespace(v.nodeId(), getNamespaceIndex()))
        .setBrowseName(newQualifiedName(name))
        .setDisplayName(LocalizedText.english(name))
        .setDataType(Values.opcUaDataType(type))
        .setValueRank(type.isArray() ? ValueRanks.OneDimension : ValueRanks.Scalar)
        .setAccessLevel(access)
        .setUserAccessLevel(access)
        .setMinimumSamplingInterval(0.0)
        .setTypeDefinition(v.hasRange() ? NodeIds.AnalogItemType : NodeIds.BaseDataVariableType);
    if (type.isArray()) builder.setArrayDimensions(new UInteger[] {UInteger.valueOf(type.length())});
    if (!v.tag().unit().isEmpty()) builder.setDescription(LocalizedText.english(v.tag().unit()));
    UaVariableNode node = builder.build();
    node.getFilterChain().addLast(new ValueFilter(v));
    if (v.hasRange()) {
      // Percent deadbands need the range as the EURange property of an AnalogItemType variable.
      node.setProperty(AnalogItemType.EU_RANGE, new Range(v.tag().toEngineering(v.min()), v.tag().toEngineering(v.max())));
    }
    return node;
  }

  /** Serves the variable's own value and checks writes before applying them. */
  private static final class ValueFilter implements AttributeFilter {
    private final ServerVariable variable;

    ValueFilter(ServerVariable variable) {
      this.variable = variable;
    }

    @Override
    public Object getAttribute(AttributeFilterContext ctx, AttributeId attributeId) {
      return attributeId == AttributeId.Value ? variable.value() : ctx.getAttribute(attributeId);
    }

    @Override
    public void writeAttribute(AttributeFilterContext ctx, AttributeId attributeId, Object value) throws UaException {
      if (attributeId != AttributeId.Value) {
        ctx.writeAttribute(attributeId, value);
        return;
      }
      if (!variable.writable()) throw new UaException(StatusCodes.Bad_NotWritable);
      Object raw = value instanceof DataValue ? ((DataValue) value).getValue().getValue() : value;
      if (!Values.isRawOf(variable.tag().dataType(), raw)) throw new UaException(StatusCodes.Bad_TypeMismatch);
      if (variable.hasRange() && raw instanceof Number) {
        double d = ((Number) raw).doubleValue();
        if (d < variable.min() || d > variable.max()) throw new UaException(StatusCodes.Bad_OutOfRange);
      }
      variable.write(raw);
    }
  }

  @Override
  public void onDataItemsCreated(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsCreated(dataItems);
  }

  @Override
  public void onDataItemsModified(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsModified(dataItems);
  }

  @Override
  public void onDataItemsDeleted(List<DataItem> dataItems) {
    subscriptionModel.onDataItemsDeleted(dataItems);
  }

  @Override
  public void onMonitoringModeChanged(List<MonitoredItem> monitoredItems) {
    subscriptionModel.onMonitoringModeChanged(monitoredItems);
  }

}
