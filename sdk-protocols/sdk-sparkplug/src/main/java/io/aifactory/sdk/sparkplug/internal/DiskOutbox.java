package io.aifactory.sdk.sparkplug.internal;

import io.aifactory.sdk.core.forward.BufferMetrics;
import io.aifactory.sdk.core.forward.BufferedRecord;
import io.aifactory.sdk.core.forward.DiskBuffer;
import java.util.ArrayList;
import java.util.List;

/** An outbox on the SDK's {@link DiskBuffer}: what was accepted survives a restart, or a killed process. */
public final class DiskOutbox implements Outbox {
  private final DiskBuffer buffer;

  /** Wraps and opens {@code buffer}. */
  public DiskOutbox(DiskBuffer buffer) {
    this.buffer = buffer;
    buffer.open();
  }

  @Override
  public boolean append(byte[] payload, long timeNanos) {
    return buffer.append(payload, timeNanos);
  }

  @Override
  public List<Stored> peek(int max) {
    List<BufferedRecord> records = buffer.peek(max);
    List<Stored> out = new ArrayList<>(records.size());
    for (BufferedRecord r : records) {
      out.add(new Stored(r.sequence(), r.payload()));
    }
    return out;
  }

  @Override
  public void acknowledge(long sequence) {
    buffer.acknowledge(sequence);
  }

  @Override
  public long pending() {
    return buffer.pending();
  }

  @Override
  public long dropped() {
    BufferMetrics m = buffer.metrics();
    return m.droppedBySize() + m.droppedByAge();
  }

  @Override
  public void close() {
    buffer.close();
  }
}
