package io.aifactory.sdk.testkit.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs built models in ONNX Runtime over direct native-order buffers, for the tests of this package. */
final class Ort {
  static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private Ort() {}

  static OrtSession open(OnnxModel model) throws OrtException {
    return ENV.createSession(model.bytes(), new OrtSession.SessionOptions());
  }

  static FloatBuffer direct(float[] values) {
    FloatBuffer buffer = ByteBuffer.allocateDirect(4 * values.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
    buffer.put(values).flip();
    return buffer;
  }

  /** Runs a single-input, single-output float model. */
  static float[] run(OnnxModel model, float[] input, long... shape) throws OrtException {
    return run(model, Map.of(model.inputName(), new Input(input, shape)));
  }

  static float[] run(OnnxModel model, Map<String, Input> inputs) throws OrtException {
    try (OrtSession session = open(model)) {
      Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, Input> e : inputs.entrySet()) {
          tensors.put(e.getKey(), OnnxTensor.createTensor(ENV, direct(e.getValue().values), e.getValue().shape));
        }
        try (OrtSession.Result result = session.run(tensors)) {
          OnnxValue out = result.get(0);
          FloatBuffer buffer = ((OnnxTensor) out).getFloatBuffer();
          float[] values = new float[buffer.remaining()];
          buffer.get(values);
          return values;
        }
      } finally {
        tensors.values().forEach(OnnxTensor::close);
      }
    }
  }

  static final class Input {
    final float[] values;
    final long[] shape;

    Input(float[] values, long... shape) {
      this.values = values;
      this.shape = shape;
    }
  }
}
