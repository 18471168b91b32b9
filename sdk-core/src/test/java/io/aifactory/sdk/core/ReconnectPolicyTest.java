package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReconnectPolicyTest {
  private final ReconnectPolicy policy = ReconnectPolicy.newBuilder()
      .initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofSeconds(1)).multiplier(2).jitter(0.5).build();

  @Test
  void shouldGrowExponentiallyUpToTheCap() {
    double middle = 0.5; // no jitter
    assertEquals(Duration.ofMillis(100), policy.delay(1, middle));
    assertEquals(Duration.ofMillis(200), policy.delay(2, middle));
    assertEquals(Duration.ofMillis(800), policy.delay(4, middle));
    assertEquals(Duration.ofSeconds(1), policy.delay(5, middle));
    assertEquals(Duration.ofSeconds(1), policy.delay(60, middle));
  }

  @Test
  void shouldSpreadDelaysByTheJitterButNeverPastTheCap() {
    assertEquals(Duration.ofMillis(100), policy.delay(2, 0.0), "200 ms - 50 %");
    assertEquals(Duration.ofMillis(300), policy.delay(2, 1.0), "200 ms + 50 %");
    assertEquals(Duration.ofSeconds(1), policy.delay(10, 1.0));
    assertEquals(Duration.ofMillis(500), policy.delay(10, 0.0));
  }

  @Test
  void shouldRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> policy.delay(0, 0.5));
    assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.newBuilder().jitter(1.5));
    assertThrows(IllegalArgumentException.class, () -> ReconnectPolicy.newBuilder().multiplier(0.5));
    assertEquals("maxDelay < initialDelay: PT1S < PT2S", assertThrows(IllegalArgumentException.class,
        () -> ReconnectPolicy.newBuilder().initialDelay(Duration.ofSeconds(2)).maxDelay(Duration.ofSeconds(1)).build()).getMessage());
  }
}
