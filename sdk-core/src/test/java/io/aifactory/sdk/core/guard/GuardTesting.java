package io.aifactory.sdk.core.guard;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Shared fixtures of the write-guard tests. */
final class GuardTesting {
  static final Tag SETPOINT = Tag.of("feed", "reg:1", DataType.FLOAT32);
  static final Tag COUNTS = Tag.of("speed", "reg:2", DataType.INT16);

  private GuardTesting() {}

  /** A LIVE guard on {@code device}'s FLOAT32 setpoint with range [0, 100] and nothing else limited. */
  static WriteGuard.Builder live(InMemoryDevice device) {
    return WriteGuard.newBuilder().name("test").device(device).tag(SETPOINT).range(0, 100).mode(GuardMode.LIVE);
  }

  static GuardDecision await(CompletableFuture<GuardDecision> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS);
  }
}
