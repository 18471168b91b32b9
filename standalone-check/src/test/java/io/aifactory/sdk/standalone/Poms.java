package io.aifactory.sdk.standalone;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** Reading the examples' POMs: just enough DOM to check what a copied-out template needs. */
final class Poms {
  private Poms() {}

  /** Returns every folder under {@code examples/} that has a pom.xml: the templates a vendor copies. */
  static List<Path> examples() {
    Path dir = Path.of(System.getProperty("examples.dir", "../examples")).toAbsolutePath().normalize();
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> found = s.filter(p -> Files.isRegularFile(p.resolve("pom.xml"))).sorted().toList();
      if (found.isEmpty()) throw new IllegalStateException("no example with a pom.xml under " + dir);
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Element read(Path pom) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setNamespaceAware(false);
      return f.newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + pom + ": " + e, e);
    }
  }

  /** Returns the direct child elements of {@code parent} named {@code name}. */
  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) return out;
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) out.add(e);
    }
    return out;
  }

  /** Returns the element at a path of direct children ({@code "build", "plugins"}), or null. */
  static Element child(Element parent, String... path) {
    Element e = parent;
    for (String name : path) {
      List<Element> c = children(e, name);
      if (c.isEmpty()) return null;
      e = c.get(0);
    }
    return e;
  }

  /** Returns the trimmed text of the element at the path, or null. */
  static String text(Element parent, String... path) {
    Element e = child(parent, path);
    return e == null ? null : e.getTextContent().trim();
  }
}
