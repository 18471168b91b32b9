package io.aifactory.sdk.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;

/**
 * Runs after invoker built the copies: each copy's surefire ran its tests (a copy whose surefire cannot see JUnit 5
 * tests "passes" with none) and none failed.
 */
class ExampleCopiesCheck {

  @TestFactory
  Stream<DynamicTest> everyCopyRanItsTests() {
    Path copies = Path.of(System.getProperty("examples.copies"));
    return Poms.examples().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
      Path reports = copies.resolve(dir.getFileName()).resolve("target/surefire-reports");
      assertTrue(Files.isDirectory(reports), "no surefire reports in " + reports + ": was the copy built?");
      int tests = 0;
      int failed = 0;
      for (Path report : reports(reports)) {
        Element suite = Poms.read(report);
        tests += Integer.parseInt(suite.getAttribute("tests"));
        failed += Integer.parseInt(suite.getAttribute("failures")) + Integer.parseInt(suite.getAttribute("errors"));
      }
      assertTrue(tests > 0, "the copy of " + dir.getFileName() + " ran no test");
      assertEquals(0, failed, "failed tests in the copy of " + dir.getFileName() + ", see " + reports);
      System.out.println("copy of " + dir.getFileName() + " built on its own and ran " + tests + " tests");
    }));
  }

  private static List<Path> reports(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).toList();
    }
  }
}
