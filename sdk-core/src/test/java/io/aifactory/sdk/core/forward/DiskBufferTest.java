package io.aifactory.sdk.core.forward;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBufferTest {
  private static final long T0 = Instant.parse("2024-05-01T12:00:00Z").getEpochSecond() * 1_000_000_000L;
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T12:10:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  private DiskBuffer.Builder builder() {
    return DiskBuffer.newBuilder().directory(dir).name("test").clock(CLOCK);
  }

  private DiskBuffer open(DiskBuffer.Builder b) {
    DiskBuffer buffer = b.build();
    buffer.open();
    return buffer;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private static List<String> texts(List<BufferedRecord> records) {
    return records.stream().map(r -> new String(r.payload(), UTF_8)).collect(Collectors.toList());
  }

  private List<Path> segmentFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void shouldReturnRecordsOldestFirstUntilAcknowledged() {
    try (DiskBuffer buffer = open(builder())) {
      for (int i = 0; i < 5; i++) assertTrue(buffer.append(bytes("r" + i), T0 + i));
      List<BufferedRecord> first = buffer.peek(3);
      assertEquals(List.of("r0", "r1", "r2"), texts(first));
      assertEquals(T0 + 1, first.get(1).timeNanos());
      assertEquals(first.get(0).sequence() + 1, first.get(1).sequence());
      // peek does not consume
      assertEquals(List.of("r0", "r1", "r2"), texts(buffer.peek(3)));
      buffer.acknowledge(first.get(1).sequence());
      assertEquals(3, buffer.pending());
      assertEquals(List.of("r2", "r3", "r4"), texts(buffer.peek(10)));
      buffer.acknowledge(first.get(0).sequence()); // already acknowledged: nothing happens
      assertEquals(3, buffer.pending());
      buffer.acknowledge(Long.MAX_VALUE);
      assertEquals(0, buffer.pending());
      assertTrue(buffer.peek(10).isEmpty());
      BufferMetrics m = buffer.metrics();
      assertEquals(5, m.appended());
      assertEquals(5, m.delivered());
      assertEquals(0, m.droppedBySize() + m.droppedByAge() + m.corruptSkipped());
    }
  }

  @Test
  void shouldKeepRecordsAndAcknowledgedPositionAcrossRestart() {
    long lastSequence;
    try (DiskBuffer buffer = open(builder())) {
      for (int i = 0; i < 10; i++) buffer.append(bytes("r" + i), T0 + i);
      List<BufferedRecord> batch = buffer.peek(4);
      buffer.acknowledge(batch.get(3).sequence());
      lastSequence = buffer.peek(100).get(5).sequence();
    }
    try (DiskBuffer buffer = open(builder())) {
      assertEquals(6, buffer.pending());
      assertEquals(6, buffer.metrics().recovered());
      List<BufferedRecord> rest = buffer.peek(100);
      assertEquals(List.of("r4", "r5", "r6", "r7", "r8", "r9"), texts(rest));
      assertEquals(T0 + 4, rest.get(0).timeNanos());
      buffer.append(bytes("r10"), T0 + 10);
      BufferedRecord appended = buffer.peek(100).get(6);
      assertEquals(lastSequence + 1, appended.sequence());
      buffer.acknowledge(appended.sequence());
    }
    // Everything acknowledged and every old segment gone: sequences still never repeat.
    try (DiskBuffer buffer = open(builder())) {
      assertEquals(0, buffer.pending());
      buffer.append(bytes("r11"), T0 + 11);
      assertEquals(lastSequence + 2, buffer.peek(1).get(0).sequence());
    }
  }

  @Test
  void shouldSpanManySegmentsAndDeleteThemOnceAcknowledged() throws IOException {
    int n = 2000;
    try (DiskBuffer buffer = open(builder().segmentBytes(512).maxBytes(1 << 20))) {
      for (int i = 0; i < n; i++) buffer.append(bytes("record-" + i), T0 + i);
      assertTrue(buffer.metrics().segments() > 50, buffer.metrics().toString());
      List<String> seen = new ArrayList<>();
      while (buffer.pending() > 0) {
        List<BufferedRecord> batch = buffer.peek(37);
        seen.addAll(texts(batch));
        buffer.acknowledge(batch.get(batch.size() - 1).sequence());
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) expected.add("record-" + i);
      assertEquals(expected, seen);
      assertEquals(1, buffer.metrics().segments());
    }
    assertEquals(1, segmentFiles().size());
  }

  @Test
  void shouldDropOldestSegmentsBeyondMaxBytesAndCountThem() {
    try (DiskBuffer buffer = open(builder().segmentBytes(1024).maxBytes(4096))) {
      int n = 1000;
      for (int i = 0; i < n; i++) assertTrue(buffer.append(bytes(String.format("r%04d", i)), T0 + i));
      BufferMetrics m = buffer.metrics();
      assertTrue(m.bytesOnDisk() <= 4096, m.toString());
      assertTrue(m.droppedBySize() > 0, m.toString());
      assertEquals(n, m.droppedBySize() + m.pending(), m.toString());
      List<BufferedRecord> rest = buffer.peek(n);
      assertEquals(m.pending(), rest.size());
      // the newest survive, in order, without holes
      assertEquals(String.format("r%04d", n - 1), new String(rest.get(rest.size() - 1).payload(), UTF_8));
      for (int i = 1; i < rest.size(); i++) assertEquals(rest.get(i - 1).sequence() + 1, rest.get(i).sequence());
    }
  }

  @Test
  void shouldDropRecordsOlderThanMaxAgeAndCountThem() {
    try (DiskBuffer buffer = open(builder().maxAge(Duration.ofMinutes(5)))) {
      long now = T0 + Duration.ofMinutes(10).toNanos();
      buffer.append(bytes("old1"), T0);
      buffer.append(bytes("old2"), T0 + Duration.ofMinutes(4).toNanos());
      buffer.append(bytes("fresh"), now - Duration.ofMinutes(1).toNanos());
      assertEquals(List.of("fresh"), texts(buffer.peek(10)));
      BufferMetrics m = buffer.metrics();
      assertEquals(2, m.droppedByAge());
      assertEquals(1, m.pending());
      assertEquals(0, m.delivered());
    }
  }

  @Test
  void shouldDropWholeOldSegmentsByAge() {
    try (DiskBuffer buffer = open(builder().maxAge(Duration.ofMinutes(5)).segmentBytes(256).maxBytes(1 << 20))) {
      for (int i = 0; i < 100; i++) buffer.append(bytes(String.format("old%03d", i)), T0 + i);
      long fresh = T0 + Duration.ofMinutes(9).toNanos();
      for (int i = 0; i < 10; i++) buffer.append(bytes(String.format("new%03d", i)), fresh + i);
      List<BufferedRecord> out = buffer.peek(1000);
      assertEquals(10, out.size());
      assertEquals("new000", new String(out.get(0).payload(), UTF_8));
      BufferMetrics m = buffer.metrics();
      assertEquals(100, m.droppedByAge());
      assertTrue(m.segments() <= 2, m.toString());
    }
  }

  @Test
  void shouldSkipTornTailAfterTruncatedLastRecord() throws IOException {
    try (DiskBuffer buffer = open(builder())) {
      for (int i = 0; i < 5; i++) buffer.append(bytes("record-" + i), T0 + i);
    }
    Path last = segmentFiles().get(segmentFiles().size() - 1);
    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
      f.setLength(f.length() - 3); // a crash in the middle of the last write
    }
    try (DiskBuffer buffer = open(builder())) {
      BufferMetrics m = buffer.metrics();
      assertEquals(1, m.corruptSkipped());
      assertEquals(4, m.recovered());
      buffer.append(bytes("after"), T0 + 10);
      assertEquals(List.of("record-0", "record-1", "record-2", "record-3", "after"), texts(buffer.peek(10)));
    }
    // the cut is permanent: a second restart finds nothing damaged
    try (DiskBuffer buffer = open(builder())) {
      assertEquals(0, buffer.metrics().corruptSkipped());
      assertEquals(5, buffer.pending());
    }
  }

  @Test
  void shouldSkipGarbledLastRecord() throws IOException {
    try (DiskBuffer buffer = open(builder())) {
      for (int i = 0; i < 5; i++) buffer.append(bytes("record-" + i), T0 + i);
    }
    Path last = segmentFiles().get(0);
    try (RandomAccessFile f = new RandomAccessFile(last.toFile(), "rw")) {
      f.seek(f.length() - 2);
      int b = f.read();
      f.seek(f.length() - 2);
      f.write(b ^ 0x5a); // a torn sector: right length, wrong bytes
    }
    try (DiskBuffer buffer = open(builder())) {
      assertEquals(1, buffer.metrics().corruptSkipped());
      assertEquals(List.of("record-0", "record-1", "record-2", "record-3"), texts(buffer.peek(10)));
    }
  }

  @Test
  void shouldIgnoreAnEmptySegmentLeftByACrashRightAfterCreatingIt() throws IOException {
    try (DiskBuffer buffer = open(builder())) {
      buffer.append(bytes("kept"), T0);
    }
    Files.createFile(dir.resolve(String.format("test-%020d.seg", 99)));
    try (DiskBuffer buffer = open(builder())) {
      assertEquals(0, buffer.metrics().corruptSkipped());
      assertEquals(List.of("kept"), texts(buffer.peek(10)));
      buffer.append(bytes("next"), T0 + 1);
      assertTrue(buffer.peek(10).get(1).sequence() >= 99, "sequences never go back");
    }
  }

  @Test
  void shouldRefuseAppendsAfterCloseAndASecondBufferOnTheSameFolder() {
    DiskBuffer buffer = open(builder());
    assertThrows(IllegalStateException.class, () -> open(builder()));
    buffer.close();
    assertFalse(buffer.append(bytes("late"), T0));
    assertTrue(buffer.peek(1).isEmpty());
    try (DiskBuffer again = open(builder())) {
      assertEquals(0, again.pending());
    }
  }

  @Test
  void shouldRejectMisuse() {
    assertThrows(IllegalStateException.class, () -> DiskBuffer.newBuilder().build());
    assertThrows(IllegalStateException.class,
        () -> DiskBuffer.newBuilder().directory(dir).segmentBytes(1024).maxBytes(1500).build());
    assertThrows(IllegalArgumentException.class, () -> DiskBuffer.newBuilder().name("a/b"));
    try (DiskBuffer buffer = open(builder().segmentBytes(64).maxBytes(128))) {
      assertThrows(IllegalArgumentException.class, () -> buffer.append(new byte[40], T0));
      assertTrue(buffer.append(new byte[32], T0));
      assertThrows(IllegalArgumentException.class, () -> buffer.peek(0));
    }
    DiskBuffer unopened = builder().build();
    assertThrows(IllegalStateException.class, () -> unopened.append(new byte[1], T0));
  }
}
