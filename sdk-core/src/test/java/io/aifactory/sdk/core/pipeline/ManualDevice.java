package io.aifactory.sdk.core.pipeline;

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
import java.util.concurrent.CompletableFuture;

/**
 * A device whose subscription the test drives by hand, one poll at a time, on the test's thread. Public so that
 * tests of other packages (e.g. the Micrometer binder's) drive pipelines the same way.
 */
public final class ManualDevice implements Device {
  private volatile SampleListener listener;
  private volatile List<Tag> tags;
  private long time = 1_000_000_000L;

  /** Delivers one poll: {@code values[i]} for tag i, NaN meaning a BAD (timed out) sample. */
  public void poll(double... values) {
    SampleBatch.Builder b = SampleBatch.newBuilder(tags.size());
    time += 100_000_000L;
    for (int i = 0; i < tags.size(); i++) {
      if (Double.isNaN(values[i])) {
        b.addBad(tags.get(i), Quality.bad(Quality.Reason.TIMEOUT, "no reply"), time);
      } else {
        b.add(tags.get(i), values[i], Quality.GOOD, time);
      }
    }
    listener.onSamples(b.receiveTimeNanos(time).build());
  }

  /** Delivers a batch with only tag {@code index}: a source reporting by exception, where the others did not change. */
  public void pollOnly(int index, double value) {
    time += 100_000_000L;
    listener.onSamples(SampleBatch.newBuilder(1).add(tags.get(index), value, Quality.GOOD, time).receiveTimeNanos(time)
        .build());
  }

  public List<Tag> subscribedTags() {
    return tags;
  }

  @Override
  public URI uri() {
    return URI.create("manual://test");
  }

  @Override
  public CompletableFuture<SampleBatch> read(List<Tag> tags) {
    throw new UnsupportedOperationException();
  }

  @Override
  public CompletableFuture<Void> write(Tag tag, Object value) {
    throw new UnsupportedOperationException();
  }

  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    this.tags = List.copyOf(tags);
    this.listener = listener;
    return new Subscription() {
      @Override
      public List<Tag> tags() {
        return tags;
      }

      @Override
      public SubscriptionOptions options() {
        return options;
      }

      @Override
      public long overruns() {
        return 0;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public ConnectionState state() {
    return ConnectionState.CONNECTED;
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void addStateListener(StateListener listener) {}

  @Override
  public void removeStateListener(StateListener listener) {}

  @Override
  public void close() {}
}
