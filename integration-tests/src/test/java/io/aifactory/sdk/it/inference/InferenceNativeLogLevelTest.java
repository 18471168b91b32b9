package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.NativeLogLevel;
import io.aifactory.sdk.testkit.onnx.Dim;
import io.aifactory.sdk.testkit.onnx.OnnxDataType;
import io.aifactory.sdk.testkit.onnx.OnnxModel;
import io.aifactory.sdk.testkit.onnx.OnnxModelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * ONNX Runtime writes its own log to the process's stderr from native code, where no Java test can capture it, so
 * each case runs in a child JVM: one failing run, then its stderr is read.
 */
class InferenceNativeLogLevelTest {

  @Test
  void shouldPrintTheNativeErrorOfAFailingRunByDefault() throws Exception {
    String stderr = runChild("DEFAULT");
    assertTrue(stderr.contains("CHILD: run failed"), stderr);
    assertTrue(stderr.contains("[E:onnxruntime"), "ONNX Runtime logs errors by default:\n" + stderr);
  }

  @Test
  void shouldKeepTheNativeErrorOffStderrWhenTheLogLevelIsFatal() throws Exception {
    String stderr = runChild("FATAL");
    assertTrue(stderr.contains("CHILD: run failed"), stderr);
    assertFalse(stderr.contains("[E:onnxruntime"), "the session's log level reached ONNX Runtime:\n" + stderr);
  }

  private static String runChild(String level) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child = new ProcessBuilder(List.of(java.toString(), "-cp", childClassPath(), Child.class.getName(), level))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child JVM did not exit");
      assertEquals(0, child.exitValue(), stderr);
      return stderr;
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * Only what the child needs, not this module's whole test class path: with the in-process Kafka broker's test
   * libraries (Scala, the broker, log4j) on it too, the child JVM crashed with SIGSEGV before printing anything. The
   * SDK's own artifacts, Kafka's client libraries and ONNX Runtime run together fine; the crash needs the broker's
   * test-only set, so it is kept away from this test rather than explained.
   */
  private static String childClassPath() throws Exception {
    List<String> entries = new java.util.ArrayList<>();
    for (Class<?> c : List.of(Child.class, InferenceSession.class, InferenceException.class, OnnxModelBuilder.class,
        ai.onnxruntime.OrtEnvironment.class, org.slf4j.LoggerFactory.class)) {
      String entry = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
      if (!entries.contains(entry)) {
        entries.add(entry);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }

  /** Opens a model whose Reshape fails inside ONNX Runtime for an odd count, and runs it once on 3 values. */
  public static final class Child {
    public static void main(String[] args) {
      OnnxModelBuilder b = OnnxModelBuilder.create();
      String x = b.input("x", OnnxDataType.FLOAT, Dim.param("time"));
      OnnxModel pairs = b.output("pairs", b.reshape(x, -1, 2), OnnxDataType.FLOAT, Dim.param("n"), Dim.of(2)).build();
      InferenceOptions.Builder options = InferenceOptions.newBuilder();
      if (!args[0].equals("DEFAULT")) {
        options.nativeLogLevel(NativeLogLevel.valueOf(args[0]));
      }
      try (InferenceSession session = InferenceSession.open(ModelSource.ofBytes("pairs.onnx", pairs.bytes()),
              options.build());
          TensorBuffer odd = TensorBuffer.allocate(ElementType.FLOAT32, 3);
          TensorBuffer out = TensorBuffer.allocate(ElementType.FLOAT32, 1, 2)) {
        session.run(Map.of("x", odd), Map.of("pairs", out));
        System.err.println("CHILD: run succeeded");
      } catch (InferenceException e) {
        System.err.println("CHILD: run failed");
      }
    }
  }
}
