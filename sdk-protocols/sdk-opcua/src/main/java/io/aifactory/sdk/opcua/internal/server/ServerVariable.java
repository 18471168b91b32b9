package io.aifactory.sdk.opcua.internal.server;

import io.aifactory.sdk.core.Tag;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;

/**
 * One variable a server publishes: its tag (type, scale), where it sits (NodeId identifier, folders), whether
 * clients may write it and in which range, and its current value. The value lives here, not in a Milo node, so it
 * survives a server restart.
 */
public final class ServerVariable {
  /** Hears clients' writes after they were applied; the value is raw (as sent). */
  @FunctionalInterface
  public interface WriteListener {
    void onWrite(ServerVariable variable, Object rawValue);
  }

  private final Tag tag;
  private final ExpandedNodeId nodeId;
  private final List<String> path;
  private final boolean writable;
  private final double min;
  private final double max;
  private final WriteListener writeListener;
  private final AtomicReference<DataValue> value;

  /**
   * @param nodeId the address; its identifier is used in the server's own namespace
   * @param path folders then the browse name, e.g. {@code [Line1, Temperature]}
   * @param min lower bound of writes in raw units, or NaN for none
   * @param max upper bound of writes in raw units, or NaN for none
   */
  public ServerVariable(Tag tag, ExpandedNodeId nodeId, List<String> path, boolean writable, double min, double max,
      Object initialRaw, WriteListener writeListener) {
    this.tag = Objects.requireNonNull(tag, "tag");
    this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    this.path = List.copyOf(path);
    if (this.path.isEmpty()) throw new IllegalArgumentException("path is empty for " + tag.name());
    this.writable = writable;
    this.min = min;
    this.max = max;
    this.writeListener = writeListener;
    this.value = new AtomicReference<>(new DataValue(new Variant(initialRaw), StatusCode.GOOD, DateTime.now()));
  }

  public Tag tag() {
    return tag;
  }

  public ExpandedNodeId nodeId() {
    return nodeId;
  }

  public List<String> path() {
    return path;
  }

  public boolean writable() {
    return writable;
  }

  public boolean hasRange() {
    return !Double.isNaN(min) && !Double.isNaN(max);
  }

  public double min() {
    return min;
  }

  public double max() {
    return max;
  }

  public DataValue value() {
    return value.get();
  }

  /** Sets the raw value with a fresh source timestamp and GOOD status. */
  public void set(Object raw) {
    DateTime now = DateTime.now();
    value.set(new DataValue(new Variant(raw), StatusCode.GOOD, now, now));
  }

  /** Sets the whole DataValue (e.g. a BAD status for a failing sensor). */
  public void set(DataValue dataValue) {
    value.set(Objects.requireNonNull(dataValue, "dataValue"));
  }

  /** Applies a client's write, after the namespace checked type and range. */
  void write(Object raw) throws UaException {
    set(raw);
    if (writeListener != null) writeListener.onWrite(this, raw);
  }
}
