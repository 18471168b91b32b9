package io.aifactory.sdk.it.inference;

import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import java.util.Random;

/** Small helpers for filling and reading float tensors in these tests. */
final class Tensors {
  private Tensors() {}

  static TensorBuffer of(float[][] rows) {
    TensorBuffer t = TensorBuffer.allocate(ElementType.FLOAT32, rows.length, rows[0].length);
    for (int r = 0; r < rows.length; r++) {
      t.put(r * rows[0].length, rows[r]);
    }
    return t;
  }

  static float[] read(TensorBuffer t) {
    float[] values = new float[t.elementCount()];
    t.get(0, values, 0, values.length);
    return values;
  }

  static float[] row(TensorBuffer t, int row) {
    int columns = t.elementCount() / t.dim(0);
    float[] values = new float[columns];
    t.get(row * columns, values, 0, columns);
    return values;
  }

  static float[][] random(Random random, int rows, int columns) {
    float[][] m = new float[rows][columns];
    for (float[] row : m) {
      for (int c = 0; c < columns; c++) {
        row[c] = (float) random.nextGaussian();
      }
    }
    return m;
  }
}
