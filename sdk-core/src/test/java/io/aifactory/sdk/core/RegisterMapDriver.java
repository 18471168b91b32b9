package io.aifactory.sdk.core;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A driver defined only in the tests and registered in {@code META-INF/services}, to prove that {@link Devices}
 * finds drivers through ServiceLoader. Its addresses are {@code reg:N}.
 */
public final class RegisterMapDriver implements DeviceDriver {
  @Override
  public Set<String> schemes() {
    return Set.of("regmap");
  }

  @Override
  public Device open(URI uri, DeviceOptions options) {
    return new Opened(uri);
  }

  @Override
  public void checkAddress(Tag tag) {
    String a = tag.address();
    if (!a.startsWith("reg:")) {
      throw new AddressException("tag '" + tag.name() + "': unknown address '" + a + "' (expected reg:N)");
    }
  }

  static final class Opened implements Device {
    private final URI uri;

    Opened(URI uri) {
      this.uri = uri;
    }

    @Override
    public URI uri() {
      return uri;
    }

    @Override
    public CompletableFuture<SampleBatch> read(List<Tag> tags) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public CompletableFuture<Void> write(Tag tag, Object value) {
      return CompletableFuture.failedFuture(new UnsupportedOperationException());
    }

    @Override
    public Subscription subscribe(List<Tag> tags, SubscriptionOptions options, SampleListener listener) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ConnectionState state() {
      return ConnectionState.CONNECTING;
    }

    @Override
    public CompletableFuture<Void> whenConnected() {
      return new CompletableFuture<>();
    }

    @Override
    public void addStateListener(StateListener listener) {}

    @Override
    public void removeStateListener(StateListener listener) {}

    @Override
    public void close() {}
  }
}
