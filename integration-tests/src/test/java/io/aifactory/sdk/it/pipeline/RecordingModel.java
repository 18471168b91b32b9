package io.aifactory.sdk.it.pipeline;

import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelInfo;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Passes runs to a real model, remembering each call's batch size and whether its input held a NaN. */
final class RecordingModel implements Model {
  final Model delegate;
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  final AtomicInteger inputsWithNaN = new AtomicInteger();

  RecordingModel(Model delegate) {
    this.delegate = delegate;
  }

  @Override
  public ModelInfo info() {
    return delegate.info();
  }

  @Override
  public void check(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    delegate.check(inputs, outputs);
  }

  @Override
  public void run(Map<String, TensorBuffer> inputs, Map<String, TensorBuffer> outputs) {
    TensorBuffer x = inputs.values().iterator().next();
    batchSizes.add(x.dim(0));
    for (int i = 0; i < x.elementCount(); i++) {
      if (Float.isNaN(x.getFloat(i))) {
        inputsWithNaN.incrementAndGet();
        break;
      }
    }
    delegate.run(inputs, outputs);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
