package io.aifactory.sdk.benchmarks;

import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.Device;
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
 * A device with no I/O: the benchmark delivers each poll itself, on its own thread, to the one subscriber. So a
 * pipeline benchmark measures the pipeline and the model, not a protocol stack or a poll timer.
 */
final class PushDevice implements Device {
  private volatile SampleListener listener;

  /** Delivers {@code batch} to the subscriber, on the caller's thread, as a driver's callback thread would. */
  void push(SampleBatch batch) {
    SampleListener l = listener;
    if (l == null) {
      throw new IllegalStateException("nobody subscribed to " + uri());
    }
    l.onSamples(batch);
  }

  @Override
  public URI uri() {
    return URI.create("push://benchmark");
  }

  @Override
  public CompletableFuture<SampleBatch> read(List<Tag> tags) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("push device: no reads"));
  }

  @Override
  public CompletableFuture<Void> write(Tag tag, Object value) {
    return CompletableFuture.failedFuture(new UnsupportedOperationException("push device: no writes"));
  }

  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
    if (this.listener != null) {
      throw new IllegalStateException(uri() + " takes one subscription");
    }
    this.listener = listener;
    List<Tag> subscribed = List.copyOf(tags);
    return new Subscription() {
      @Override
      public List<Tag> tags() {
        return subscribed;
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
      public void close() {
        PushDevice.this.listener = null;
      }
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
