package io.aifactory.sdk.it.inference;

import static io.aifactory.sdk.it.inference.TestModels.FEATURES;
import static io.aifactory.sdk.it.inference.TestModels.ROWS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.core.tensor.Window;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.internal.OrtInferenceSession;
import io.aifactory.sdk.testkit.onnx.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A fresh window view per run, as a pipeline makes it, against the session's wrapper cache and a real model. */
class WrapperCacheWindowViewTest {
  private static final Mlp MLP = TestModels.windowMlp();
  private static final int CAPACITY = 2 * ROWS;

  private final List<float[]> appended = new ArrayList<>();
  private final Random random = new Random(9);
  private OrtInferenceSession session;
  private Window window;
  private TensorBuffer score;

  @BeforeEach
  void open() {
    session = (OrtInferenceSession) InferenceSession.open(ModelSource.ofBytes("mlp.onnx", MLP.model().bytes()));
    window = Window.newBuilder().capacity(CAPACITY).features(FEATURES).build();
    score = TensorBuffer.allocate(ElementType.FLOAT32, 1, 3);
    append(ROWS);
  }

  @AfterEach
  void close() {
    session.close();
    window.close();
    score.close();
  }

  private void append(int rows) {
    for (int r = 0; r < rows; r++) {
      float[] row = new float[FEATURES];
      for (int f = 0; f < FEATURES; f++) {
        row[f] = (float) random.nextGaussian();
      }
      appended.add(row);
      window.append(appended.size(), row);
    }
  }

  /** Runs the model on a fresh view of the latest rows, as a pipeline tick does. */
  private float[] runOnFreshView() {
    session.run(Map.of("input", window.latestBatch(ROWS)), Map.of("output", score));
    return Tensors.read(score);
  }

  /** The Java reference on the latest rows as appended, not as read back from the window. */
  private float[] expected() {
    float[] sample = new float[ROWS * FEATURES];
    for (int r = 0; r < ROWS; r++) {
      System.arraycopy(appended.get(appended.size() - ROWS + r), 0, sample, r * FEATURES, FEATURES);
    }
    return MLP.predict(sample);
  }

  @Test
  void shouldCreateNoWrapperForFreshViewsOfTheSameRows() {
    assertArrayEquals(expected(), runOnFreshView(), 1e-4f);
    long created = session.wrappersCreated();
    assertEquals(2, created, "the view and the output");

    for (int call = 0; call < 50; call++) {
      assertArrayEquals(expected(), runOnFreshView(), 1e-4f, "call " + call);
    }
    assertEquals(created, session.wrappersCreated(), "50 new view objects, no new wrapper");
  }

  @Test
  void shouldNotReuseTheWrapperOfTheOldOffsetOnceTheWindowAdvances() {
    float[] before = runOnFreshView();
    long created = session.wrappersCreated();

    append(1);
    float[] after = runOnFreshView();

    assertEquals(created + 1, session.wrappersCreated(), "the rows start one row later: a new wrapper");
    assertArrayEquals(expected(), after, 1e-4f, "the model saw the new rows");
    assertEquals(false, java.util.Arrays.equals(before, after), "and they score differently");
  }

  @Test
  void shouldReuseAWrapperWhenTheRingComesBackToItsOffsetAndSeeTheNewRows() {
    // The wrapper is over memory, not over values: once the ring has gone round, the same offset holds newer
    // rows, and the old wrapper reads them.
    for (int step = 0; step < CAPACITY; step++) {
      append(1);
      assertArrayEquals(expected(), runOnFreshView(), 1e-4f, "first round, step " + step);
    }
    long created = session.wrappersCreated();
    assertEquals(CAPACITY + 1, created, "one per offset of the ring, and the output");
    for (int step = 0; step < CAPACITY; step++) {
      append(1);
      assertArrayEquals(expected(), runOnFreshView(), 1e-4f, "second round, step " + step);
    }
    assertEquals(created, session.wrappersCreated(), "every offset already had its wrapper");
  }
}
