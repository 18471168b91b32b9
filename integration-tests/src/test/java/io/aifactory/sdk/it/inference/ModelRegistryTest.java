package io.aifactory.sdk.it.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelLease;
import io.aifactory.sdk.inference.ModelRegistry;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.InferenceSession;
import io.aifactory.sdk.testkit.onnx.OnnxModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {
  private ModelRegistry registry;

  @BeforeEach
  void create() {
    registry = ModelRegistry.create(InferenceOptions.newBuilder().warmUpRuns(1).build());
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /** Version {@code v} of model "spindle" adds {@code v} to its input. */
  private static ModelSource version(int v) {
    return ModelSource.ofBytes("spindle-v" + v + ".onnx", TestModels.addOffset(v).bytes());
  }

  /** Runs input {@code [0, 0, 0, 0]} and returns the first output: the offset of the version that ran. */
  private static float offsetOf(InferenceSession session) {
    try (TensorBuffer in = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4);
        TensorBuffer out = TensorBuffer.allocate(ElementType.FLOAT32, 1, 4)) {
      session.run(Map.of("input", in), Map.of("output", out));
      return out.getFloat(0);
    }
  }

  @Test
  void shouldSwapAtomicallyAndCloseTheOldVersionOnlyAfterItsLeasesDrain() {
    registry.deploy("spindle", "1", version(1));
    ModelLease old = registry.lease("spindle");
    InferenceSession oldSession = old.session();

    registry.deploy("spindle", "2", version(2));
    assertEquals("2", registry.activeVersion("spindle"));
    try (ModelLease fresh = registry.lease("spindle")) {
      assertEquals("2", fresh.version());
      assertEquals(2f, offsetOf(fresh.session()));
    }
    // The lease taken before the swap still runs on version 1...
    assertEquals("1", old.version());
    assertEquals(1f, offsetOf(old.session()));
    // ...until it is released, which closes version 1.
    old.close();
    InferenceException closed = assertThrows(InferenceException.class, () -> offsetOf(oldSession));
    assertEquals("model spindle-v1.onnx: session is closed", closed.getMessage());
    InferenceException leaseClosed = assertThrows(InferenceException.class, old::session);
    assertEquals("model spindle: lease on version 1 is closed", leaseClosed.getMessage());
  }

  @Test
  void shouldRollBackToThePreviousVersion() {
    registry.deploy("spindle", "1", version(1));
    registry.deploy("spindle", "2", version(2));
    registry.deploy("spindle", "3", version(3));
    assertEquals(List.of("2", "1"), registry.previousVersions("spindle"));
    registry.rollback("spindle");
    assertEquals("2", registry.activeVersion("spindle"));
    try (ModelLease lease = registry.lease("spindle")) {
      assertEquals(2f, offsetOf(lease.session()));
    }
    registry.rollback("spindle");
    assertEquals("1", registry.activeVersion("spindle"));
    InferenceException none = assertThrows(InferenceException.class, () -> registry.rollback("spindle"));
    assertEquals("model spindle: no previous version to roll back to (active 1)", none.getMessage());
  }

  @Test
  void shouldRefuseToRollBackToAFileOverwrittenSinceItsDeploy(@TempDir Path dir) throws Exception {
    Path model = dir.resolve("spindle.onnx");
    Files.write(model, TestModels.addOffset(3).bytes());
    String v3 = registry.deploy("spindle", "3", ModelSource.ofPath(model)).sha256();
    Files.write(model, TestModels.addOffset(4).bytes()); // the next deploy overwrites the same file
    registry.deploy("spindle", "4", ModelSource.ofPath(model));

    InferenceException e = assertThrows(InferenceException.class, () -> registry.rollback("spindle"));
    assertTrue(e.getMessage().startsWith("model spindle: cannot roll back to version 3 (active stays 4): model "
        + model + ": SHA-256 mismatch, expected " + v3 + " but the bytes hash to "), e.getMessage());
    assertEquals("4", registry.activeVersion("spindle"));
    assertEquals(List.of("3"), registry.previousVersions("spindle"));
    try (ModelLease lease = registry.lease("spindle")) {
      assertEquals(4f, offsetOf(lease.session()));
    }
  }

  @Test
  void shouldRefuseToCloseTheSessionALeaseSharesWithEveryOtherLease() {
    registry.deploy("spindle", "1", version(1));
    try (ModelLease lease = registry.lease("spindle")) {
      UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
          () -> lease.session().close());
      assertEquals("model spindle: the session of version 1 is shared by every lease and closed by the registry;"
          + " close the lease instead", e.getMessage());
    }
    try (ModelLease other = registry.lease("spindle")) {
      assertEquals(1f, offsetOf(other.session()));
    }
  }

  @Test
  void shouldTellRegistryListenersOfEveryVersionAcrossSwaps() {
    List<String> runs = new java.util.concurrent.CopyOnWriteArrayList<>();
    registry.addMetricsListener((model, provider, batchSize, latencyNanos) -> runs.add(model));
    registry.deploy("spindle", "1", version(1));
    try (ModelLease lease = registry.lease("spindle")) {
      offsetOf(lease.session());
    }
    registry.deploy("spindle", "2", version(2));
    try (ModelLease lease = registry.lease("spindle")) {
      offsetOf(lease.session());
    }
    assertEquals(List.of("spindle-v1.onnx", "spindle-v2.onnx"), runs); // warm-up runs are not counted
  }

  @Test
  void shouldKeepTheActiveVersionWhenANewOneFailsToLoad() {
    registry.deploy("spindle", "1", version(1));
    InferenceException e = assertThrows(InferenceException.class,
        () -> registry.deploy("spindle", "2", ModelSource.ofBytes("broken.onnx", OnnxModels.notOnnx())));
    assertTrue(e.getMessage().startsWith("model broken.onnx: not a valid ONNX model"), e.getMessage());
    assertEquals("1", registry.activeVersion("spindle"));
    try (ModelLease lease = registry.lease("spindle")) {
      assertEquals(1f, offsetOf(lease.session()));
    }
  }

  @Test
  void shouldSelectTheModelForTheRecipeNowRunning() {
    registry.deploy("model-a", "1", ModelSource.ofBytes("a.onnx", TestModels.addOffset(10).bytes()));
    registry.deploy("model-b", "1", ModelSource.ofBytes("b.onnx", TestModels.addOffset(20).bytes()));
    registry.route("recipe-A", "model-a");
    registry.route("recipe-B", "model-b");
    assertEquals(Set.of("model-a", "model-b"), registry.models());

    String runningRecipe = "recipe-A";
    try (ModelLease lease = registry.leaseFor(runningRecipe)) {
      assertEquals("model-a", lease.name());
      assertEquals(10f, offsetOf(lease.session()));
    }
    runningRecipe = "recipe-B"; // the line changes product: the next lease follows, no restart
    try (ModelLease lease = registry.leaseFor(runningRecipe)) {
      assertEquals(20f, offsetOf(lease.session()));
    }
    registry.route("recipe-B", "model-a");
    try (ModelLease lease = registry.leaseFor("recipe-B")) {
      assertEquals(10f, offsetOf(lease.session()));
    }
    InferenceException unknown = assertThrows(InferenceException.class, () -> registry.leaseFor("recipe-C"));
    assertEquals("no model routed for key \"recipe-C\"; routed keys are [recipe-A, recipe-B]", unknown.getMessage());
    InferenceException notDeployed = assertThrows(InferenceException.class, () -> registry.lease("model-z"));
    assertEquals("model model-z: not deployed; deployed models are [model-a, model-b]", notDeployed.getMessage());
  }

  @Test
  void shouldHotSwapUnderLoadWithoutAFailedRequest() throws Exception {
    registry.deploy("spindle", "1", version(1));
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong runs = new AtomicLong();
    CountDownLatch started = new CountDownLatch(threads);
    List<Future<Set<Float>>> workers = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          Set<Float> seen = new java.util.HashSet<>();
          started.countDown();
          while (!stop.get()) {
            try (ModelLease lease = registry.lease("spindle")) {
              float offset = offsetOf(lease.session());
              if (offset != Float.parseFloat(lease.version())) {
                throw new AssertionError("version " + lease.version() + " returned " + offset);
              }
              seen.add(offset);
            }
            runs.incrementAndGet();
          }
          return seen;
        }));
      }
      assertTrue(started.await(30, TimeUnit.SECONDS));
      awaitMoreRuns(runs, 0); // version 1 served before the first swap
      for (int v = 2; v <= 5; v++) {
        registry.deploy("spindle", Integer.toString(v), version(v));
        // Counted from the swap on: runs made while the new version loaded ran on the old one.
        awaitMoreRuns(runs, runs.get());
      }
      registry.rollback("spindle");
      awaitMoreRuns(runs, runs.get());
      assertEquals("4", registry.activeVersion("spindle"));
    } finally {
      stop.set(true);
      pool.shutdown();
    }
    Set<Float> seen = new java.util.HashSet<>();
    for (Future<Set<Float>> w : workers) {
      seen.addAll(w.get(30, TimeUnit.SECONDS)); // rethrows any failed request
    }
    assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    assertTrue(seen.contains(1f) && seen.contains(5f) && seen.contains(4f), seen.toString());
  }

  private static void awaitMoreRuns(AtomicLong runs, long before) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (runs.get() < before + 50 && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertTrue(runs.get() >= before + 50, "load kept running across the swap");
  }
}
