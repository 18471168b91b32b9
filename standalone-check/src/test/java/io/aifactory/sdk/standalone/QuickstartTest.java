package io.aifactory.sdk.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * The README's Quickstart is a project of two files, shown as text: this test takes them from the README as a reader
 * would copy them, checks what makes them build, and writes them to {@code target/quickstart/first-read}, which
 * invoker then builds with Maven on its own (no parent, only the BOM), so the first thing a vendor tries cannot rot.
 */
class QuickstartTest {
  private static final Pattern BLOCK = Pattern.compile("```(xml|java)\n(.*?)```", Pattern.DOTALL);

  @Test
  void shouldBeACompleteProjectThatTheBuildThenCompiles() throws IOException {
    String readme = Files.readString(Path.of(System.getProperty("examples.dir"), "..", "README.md"),
        StandardCharsets.UTF_8);
    int start = readme.indexOf("## Quickstart\n");
    int end = readme.indexOf("\n## ", start + 1);
    assertTrue(start >= 0 && end > start, "README.md has no Quickstart section");
    List<String> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(readme.substring(start, end));
    while (m.find()) blocks.add(m.group(1) + ":" + m.group(2));
    assertEquals(2, blocks.size(), "the Quickstart shows a pom.xml and one class: " + blocks.size() + " code blocks");
    assertTrue(blocks.get(0).startsWith("xml:") && blocks.get(1).startsWith("java:"), "a pom.xml, then the class");

    Path project = Path.of(System.getProperty("quickstart.dir"), "first-read");
    Path pomFile = project.resolve("pom.xml");
    Files.createDirectories(project);
    Files.writeString(pomFile, blocks.get(0).substring(4), StandardCharsets.UTF_8);
    Element pom = Poms.read(pomFile);
    assertEquals("17", Poms.text(pom, "properties", "maven.compiler.release"), "Quickstart pom: Java release");
    String surefire = null;
    for (Element p : Poms.children(Poms.child(pom, "build", "pluginManagement", "plugins"), "plugin")) {
      if ("maven-surefire-plugin".equals(Poms.text(p, "artifactId"))) surefire = Poms.text(p, "version");
    }
    assertEquals("3.5.4", surefire, "Quickstart pom: surefire pinned (Maven 3.8's own runs no JUnit 5 test)");
    assertEquals(System.getProperty("sdk.version"), Poms.text(Poms.child(pom, "dependencyManagement", "dependencies",
        "dependency"), "version"), "Quickstart pom: the BOM of this version");

    String java = blocks.get(1).substring(5);
    Matcher pkg = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE).matcher(java);
    Matcher cls = Pattern.compile("^public class (\\w+)", Pattern.MULTILINE).matcher(java);
    assertTrue(pkg.find() && cls.find(), "the Quickstart's class has its package and imports: a whole file");
    Path source = project.resolve("src/main/java/" + pkg.group(1).replace('.', '/') + "/" + cls.group(1) + ".java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, java, StandardCharsets.UTF_8);
  }
}
