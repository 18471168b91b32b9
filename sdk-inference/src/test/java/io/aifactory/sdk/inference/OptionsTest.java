package io.aifactory.sdk.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {
  @Test
  void shouldDefaultToCpuWithOnnxRuntimeThreadsAndAllOptimisations() {
    InferenceOptions d = InferenceOptions.defaults();
    assertEquals(List.of(ExecutionProvider.CPU), d.providers().stream().map(ProviderOptions::provider).toList());
    assertFalse(d.requireAccelerator());
    assertEquals(0, d.intraOpThreads());
    assertEquals(GraphOptimizationLevel.ALL, d.optimizationLevel());
    assertEquals(0, d.warmUpRuns());
    assertEquals(null, d.nativeLogLevel(), "ONNX Runtime's own default");
  }

  @Test
  void shouldCopyThroughToBuilder() {
    InferenceOptions a = InferenceOptions.newBuilder().providers(ExecutionProvider.CUDA, ExecutionProvider.CPU)
        .intraOpThreads(2).warmUpRuns(3).optimizedModelPath(Path.of("x.onnx")).nativeLogLevel(NativeLogLevel.FATAL)
        .build();
    InferenceOptions b = a.toBuilder().warmUpRuns(0).build();
    assertEquals(a.providers(), b.providers());
    assertEquals(2, b.intraOpThreads());
    assertEquals(Path.of("x.onnx"), b.optimizedModelPath());
    assertEquals(3, a.warmUpRuns());
    assertEquals(0, b.warmUpRuns());
    assertEquals(NativeLogLevel.FATAL, b.nativeLogLevel());
    ProviderOptions trt = ProviderOptions.newBuilder(ExecutionProvider.TENSORRT).deviceId(1)
        .engineCacheDirectory(Path.of("cache")).build();
    assertEquals("TENSORRT{deviceId=1, engineCacheDirectory=cache}", trt.toString());
    assertEquals(trt.toString(), trt.toBuilder().build().toString());
  }

  @Test
  void shouldStateTheFailedPreconditionWithItsValue() {
    assertEquals("intraOpThreads < 0: -1", assertThrows(IllegalArgumentException.class,
        () -> InferenceOptions.newBuilder().intraOpThreads(-1)).getMessage());
    assertEquals("warmUpRuns < 0: -2", assertThrows(IllegalArgumentException.class,
        () -> InferenceOptions.newBuilder().warmUpRuns(-2)).getMessage());
    assertEquals("providers is empty", assertThrows(IllegalArgumentException.class,
        () -> InferenceOptions.newBuilder().providers()).getMessage());
    assertEquals("deviceId < 0: -1", assertThrows(IllegalArgumentException.class,
        () -> ProviderOptions.newBuilder(ExecutionProvider.CUDA).deviceId(-1)).getMessage());
    assertEquals("maxBatchSize < 1: 0", assertThrows(IllegalArgumentException.class,
        () -> BatchingOptions.newBuilder().maxBatchSize(0)).getMessage());
    assertEquals("maxQueueDelay < 0: PT-0.001S", assertThrows(IllegalArgumentException.class,
        () -> BatchingOptions.newBuilder().maxQueueDelay(Duration.ofMillis(-1))).getMessage());
    assertEquals("queueCapacity < 1: 0", assertThrows(IllegalArgumentException.class,
        () -> BatchingOptions.newBuilder().queueCapacity(0)).getMessage());
  }
}
