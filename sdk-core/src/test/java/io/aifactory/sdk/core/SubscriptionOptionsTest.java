package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SubscriptionOptionsTest {
  @Test
  void shouldKeepADefaultedPublishingIntervalFollowingTheSamplingIntervalAfterToBuilder() {
    SubscriptionOptions changed = SubscriptionOptions.every(Duration.ofMillis(100)).toBuilder()
        .samplingInterval(Duration.ofSeconds(1)).build();
    assertEquals(Duration.ofSeconds(1), changed.publishingInterval());
  }

  @Test
  void shouldKeepAnExplicitPublishingIntervalAfterToBuilder() {
    SubscriptionOptions changed = SubscriptionOptions.newBuilder().samplingInterval(Duration.ofMillis(100))
        .publishingInterval(Duration.ofMillis(500)).build().toBuilder().samplingInterval(Duration.ofSeconds(1)).build();
    assertEquals(Duration.ofMillis(500), changed.publishingInterval());
    assertEquals(Duration.ofSeconds(1), changed.samplingInterval());
  }
}
