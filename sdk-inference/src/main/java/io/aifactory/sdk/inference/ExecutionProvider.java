package io.aifactory.sdk.inference;

/**
 * The ONNX Runtime execution providers a session can ask for, in the order of the usual preference list.
 *
 * <p>Which ones actually work depends on the ONNX Runtime artifact on the class path ({@code onnxruntime} is
 * CPU only; {@code onnxruntime_gpu} adds CUDA and TensorRT) and on the drivers installed on the machine.
 */
public enum ExecutionProvider {
  CUDA(true),
  TENSORRT(true),
  OPENVINO(true),
  DIRECTML(true),
  COREML(true),
  ROCM(true),
  CPU(false);

  private final boolean accelerator;

  ExecutionProvider(boolean accelerator) {
    this.accelerator = accelerator;
  }

  /** Returns true for every provider but CPU. */
  public boolean isAccelerator() {
    return accelerator;
  }
}
