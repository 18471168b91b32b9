package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.inference.ExecutionProvider;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.ProviderOptions;
import io.aifactory.sdk.inference.ProviderSelection;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** These run on the CPU-only {@code onnxruntime} artifact, where every accelerator must be skipped. */
class ExecutionProviderTest {
  private static final ModelSource MODEL = ModelSource.ofBytes("offset.onnx", TestModels.addOffset(1f).bytes());

  @Test
  void shouldFallBackFromCudaToCpuAndReportWhy() {
    InferenceOptions options = InferenceOptions.newBuilder()
        .providerOptions(List.of(
            ProviderOptions.newBuilder(ExecutionProvider.CUDA).deviceId(0).gpuMemoryLimitBytes(1L << 30).build(),
            ProviderOptions.newBuilder(ExecutionProvider.TENSORRT).engineCacheDirectory(Path.of("trt-cache")).build(),
            ProviderOptions.of(ExecutionProvider.CPU)))
        .build();
    try (InferenceSession session = InferenceSession.open(MODEL, options)) {
      ProviderSelection selection = session.providers();
      assertEquals(ExecutionProvider.CPU, selection.active());
      assertEquals(ExecutionProvider.CPU, session.activeProvider());
      assertEquals(ExecutionProvider.CPU, session.metrics().activeProvider());
      assertEquals(2, selection.skipped().size());
      ProviderSelection.Skipped cuda = selection.skipped().get(0);
      assertEquals(ExecutionProvider.CUDA, cuda.provider());
      assertEquals("ORT_EP_FAIL: Failed to find CUDA shared provider", cuda.reason());
      assertEquals(ExecutionProvider.TENSORRT, selection.skipped().get(1).provider());
      assertTrue(selection.skipped().get(1).reason().contains("TensorRT"), selection.toString());
    }
  }

  @Test
  void shouldTryEveryAcceleratorInOrderBeforeCpu() {
    InferenceOptions options = InferenceOptions.newBuilder()
        .providers(ExecutionProvider.values())
        .build();
    try (InferenceSession session = InferenceSession.open(MODEL, options)) {
      List<ProviderSelection.Skipped> skipped = session.providers().skipped();
      assertEquals(List.of(ExecutionProvider.CUDA, ExecutionProvider.TENSORRT, ExecutionProvider.OPENVINO,
          ExecutionProvider.DIRECTML, ExecutionProvider.COREML, ExecutionProvider.ROCM),
          skipped.stream().map(ProviderSelection.Skipped::provider).toList());
      assertTrue(skipped.get(3).reason().contains("DirectML"), skipped.get(3).reason());
    }
  }

  @Test
  void shouldFailWhenAnAcceleratorIsRequiredAndNoneInitialises() {
    InferenceOptions options = InferenceOptions.newBuilder()
        .providers(ExecutionProvider.CUDA, ExecutionProvider.CPU)
        .requireAccelerator(true)
        .build();
    InferenceException e = assertThrows(InferenceException.class, () -> InferenceSession.open(MODEL, options));
    assertEquals("model offset.onnx: no accelerator initialised and requireAccelerator is set; tried "
        + "[CUDA: ORT_EP_FAIL: Failed to find CUDA shared provider, CPU: requireAccelerator is set]", e.getMessage());
  }

  @Test
  void shouldFailWhenNoListedProviderInitialises() {
    InferenceOptions options = InferenceOptions.newBuilder().providers(ExecutionProvider.ROCM).build();
    InferenceException e = assertThrows(InferenceException.class, () -> InferenceSession.open(MODEL, options));
    assertEquals("model offset.onnx: no execution provider initialised; tried "
        + "[ROCM: ORT_EP_FAIL: Failed to find ROCM shared provider]", e.getMessage());
  }

  @Test
  void shouldRejectAProviderListedTwice() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InferenceOptions.newBuilder().providers(ExecutionProvider.CPU, ExecutionProvider.CPU));
    assertTrue(e.getMessage().startsWith("provider listed twice: CPU"), e.getMessage());
  }
}
