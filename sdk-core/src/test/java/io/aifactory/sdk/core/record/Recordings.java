package io.aifactory.sdk.core.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Reads recordings back the way a data scientist would: gunzip, one JSON object per line. */
final class Recordings {
  static final ObjectMapper JSON = new ObjectMapper();

  private Recordings() {}

  /** Returns every line of a .jsonl.gz file as JSON, the schema header first. */
  static List<JsonNode> lines(Path file) {
    List<JsonNode> lines = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) lines.add(JSON.readTree(line));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return lines;
  }

  /** Returns the records of a file without its header, after checking the header is there. */
  static List<JsonNode> records(Path file) {
    List<JsonNode> lines = lines(file);
    JsonNode header = lines.get(0);
    assertEquals("schema", header.path("type").asText(), "first line of " + file + ": " + header);
    assertEquals("aifactory-recording", header.path("schema").asText());
    assertEquals(1, header.path("version").asInt());
    return lines.subList(1, lines.size());
  }

  /** Returns the records of every file the manifest lists, oldest file first. */
  static List<JsonNode> allRecords(Path dir) {
    List<JsonNode> all = new ArrayList<>();
    for (Path file : manifestFiles(dir)) all.addAll(records(file));
    return all;
  }

  static JsonNode manifest(Path dir) {
    try {
      return JSON.readTree(dir.resolve("manifest.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns the files the manifest lists, oldest first. */
  static List<Path> manifestFiles(Path dir) {
    List<Path> files = new ArrayList<>();
    for (JsonNode f : manifest(dir).path("files")) files.add(dir.resolve(f.path("file").asText()));
    return files;
  }

  /** Returns the names of the files in {@code dir} ending with {@code suffix}, sorted. */
  static List<String> filesEndingWith(Path dir, String suffix) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits, parking, until {@code condition} holds; fails after a deadline generous enough for a loaded machine. */
  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) fail("timed out waiting until " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }
}
