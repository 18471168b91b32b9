package io.aifactory.sdk.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;

/**
 * What a template needs to build once copied out of the repository, read from each example's POM: the build of the
 * copies (invoker, later in this module) proves it works; these checks say why when it would not, and catch drift
 * from the SDK's own versions, which a copy cannot see.
 */
class ExamplePomsTest {
  private static final String SDK_VERSION = System.getProperty("sdk.version");

  @TestFactory
  Stream<DynamicTest> everyExampleStandsAlone() {
    return Poms.examples().stream().flatMap(dir -> Stream.of(
        DynamicTest.dynamicTest(dir.getFileName() + ": no parent, the BOM, Java 17", () -> bomAndJava(dir)),
        DynamicTest.dynamicTest(dir.getFileName() + ": every plugin pinned", () -> pluginsPinned(dir)),
        DynamicTest.dynamicTest(dir.getFileName() + ": the testkit only in tests", () -> testkitOnlyInTests(dir))));
  }

  private static void bomAndJava(Path dir) {
    Element pom = Poms.read(dir.resolve("pom.xml"));
    assertNull(Poms.child(pom, "parent"), dir + "/pom.xml has a parent: a copy of the folder would lose it");
    assertNotNull(Poms.text(pom, "groupId"), dir + "/pom.xml: groupId");
    assertNotNull(Poms.text(pom, "version"), dir + "/pom.xml: version");
    assertEquals("17", Poms.text(pom, "properties", "maven.compiler.release"), dir + "/pom.xml: maven.compiler.release");
    Element bom = null;
    for (Element d : Poms.children(Poms.child(pom, "dependencyManagement", "dependencies"), "dependency")) {
      if ("aifactory-sdk-bom".equals(Poms.text(d, "artifactId"))) bom = d;
    }
    assertNotNull(bom, dir + "/pom.xml does not import io.aifactory:aifactory-sdk-bom");
    assertEquals("import", Poms.text(bom, "scope"), dir + ": the BOM's scope");
    assertEquals("${aifactory.version}", Poms.text(bom, "version"), dir + ": the BOM's version, through a property");
    assertEquals(SDK_VERSION, Poms.text(pom, "properties", "aifactory.version"),
        dir + "/pom.xml: aifactory.version is not the version this reactor builds");
    // The versions the SDK is built with, where the example names them (they are not in the SDK's BOM).
    for (String property : List.of("junit.version", "slf4j.version")) {
      String own = Poms.text(pom, "properties", property);
      if (own != null) assertEquals(System.getProperty(property), own, dir + "/pom.xml: " + property);
    }
  }

  private static void pluginsPinned(Path dir) {
    Element pom = Poms.read(dir.resolve("pom.xml"));
    Map<String, String> managed = new HashMap<>();
    for (Element p : Poms.children(Poms.child(pom, "build", "pluginManagement", "plugins"), "plugin")) {
      managed.put(Poms.text(p, "artifactId"), Poms.text(p, "version"));
    }
    // Maven 3.8's defaults: a compiler for Java 5 and a surefire that runs no JUnit 5 test, reporting success.
    assertEquals("3.14.0", managed.get("maven-compiler-plugin"), dir + "/pom.xml: maven-compiler-plugin");
    assertEquals("3.5.4", managed.get("maven-surefire-plugin"), dir + "/pom.xml: maven-surefire-plugin");
    for (String lifecycle : List.of("maven-clean-plugin", "maven-resources-plugin", "maven-jar-plugin",
        "maven-install-plugin", "maven-deploy-plugin", "maven-site-plugin")) {
      assertNotNull(managed.get(lifecycle), dir + "/pom.xml does not pin " + lifecycle);
    }
    for (Element p : Poms.children(Poms.child(pom, "build", "plugins"), "plugin")) {
      String id = Poms.text(p, "artifactId");
      assertTrue(Poms.text(p, "version") != null || managed.get(id) != null, dir + "/pom.xml: " + id + " has no version");
    }
  }

  private static void testkitOnlyInTests(Path dir) throws IOException {
    Element pom = Poms.read(dir.resolve("pom.xml"));
    for (Element d : Poms.children(Poms.child(pom, "dependencies"), "dependency")) {
      if ("aifactory-sdk-testkit".equals(Poms.text(d, "artifactId"))) {
        assertEquals("test", Poms.text(d, "scope"), dir + ": the testkit (simulated plant, training) must stay out of "
            + "the artifact deployed at a plant");
      }
    }
    Path main = dir.resolve("src/main/java");
    if (!Files.isDirectory(main)) return;
    try (Stream<Path> files = Files.walk(main)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        if (Files.readString(f, StandardCharsets.UTF_8).contains("io.aifactory.sdk.testkit")) {
          fail(f + " uses the testkit: production code must build without it");
        }
      }
    }
  }
}
