package io.aifactory.sdk.sparkplug;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A device whose connection state the test sets, and whose values a write guard can read and write. */
final class FakeDevice implements Device {
  private final List<StateListener> listeners = new CopyOnWriteArrayList<>();
  final Map<String, Double> values = new ConcurrentHashMap<>();
  final List<String> writes = new CopyOnWriteArrayList<>();
  private volatile ConnectionState state = ConnectionState.CONNECTED;

  void state(ConnectionState s) {
    state = s;
    for (StateListener l : listeners) {
      l.onStateChanged(this, s, null);
    }
  }

  @Override
  public URI uri() {
    return URI.create("fake://plc");
  }

  @Override
  public CompletableFuture<SampleBatch> read(List<Tag> tags) {
    SampleBatch.Builder b = SampleBatch.newBuilder(tags.size());
    long now = System.currentTimeMillis() * 1_000_000;
    for (Tag t : tags) {
      Double v = values.get(t.name());
      if (v == null) {
        b.addBad(t, Quality.bad(Quality.Reason.DEVICE_ERROR, "no value"), now);
      } else {
        b.add(t, v, Quality.GOOD, now);
      }
    }
    return CompletableFuture.completedFuture(b.receiveTimeNanos(now).build());
  }

  @Override
  public CompletableFuture<Void> write(Tag tag, Object value) {
    // Recorded before the value shows, so a test that waits for the value also sees the write.
    writes.add(tag.name() + "=" + value);
    values.put(tag.name(), ((Number) value).doubleValue());
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    throw new UnsupportedOperationException("the tests feed the node directly");
  }

  @Override
  public ConnectionState state() {
    return state;
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void addStateListener(StateListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeStateListener(StateListener listener) {
    listeners.remove(listener);
  }

  @Override
  public void close() {}
}
