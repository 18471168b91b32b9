package io.aifactory.sdk.it.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusDeviceException;
import io.aifactory.sdk.modbus.ModbusExceptionCode;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.modbus.WordOrder;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Modbus driver against the simulated PLC: every type, word order, table and address form, reads and writes. */
class ModbusDriverReadWriteTest {
  private ModbusSimulator plc;
  private Device device;

  @AfterEach
  void tearDown() {
    if (device != null) device.close();
    if (plc != null) plc.close();
  }

  /** Every kind in every word order, plus the forms that are not plain registers. */
  static List<Tag> plant() {
    List<Tag> tags = new ArrayList<>();
    int at = 0;
    for (String kind : List.of("int16", "uint16", "int32", "uint32", "int64", "float32", "float64")) {
      for (WordOrder order : WordOrder.values()) {
        tags.add(Tag.of(kind + "_" + order.notation(), "holding:" + at + ":" + kind + ":" + order.notation(), DataType.parse(kind)));
        at += 4;
      }
      tags.add(Tag.of("input_" + kind, "input:" + at + ":" + kind, DataType.parse(kind)));
      at += 4;
    }
    tags.add(Tag.of("coil", "coil:7", DataType.BOOL));
    tags.add(Tag.of("coils", "coil:20:bool[10]", DataType.arrayOf(DataType.Kind.BOOL, 10)));
    tags.add(Tag.of("discrete", "discrete:3", DataType.BOOL));
    tags.add(Tag.of("bit", "holding:500.3", DataType.BOOL));
    tags.add(Tag.of("bit_neighbour", "holding:500.4", DataType.BOOL));
    tags.add(Tag.of("text", "holding:510:string[20]", DataType.STRING));
    tags.add(Tag.of("wave", "holding:600:float32[64]", DataType.arrayOf(DataType.Kind.FLOAT32, 64)));
    tags.add(Tag.of("counts", "input:800:uint16[5]", DataType.arrayOf(DataType.Kind.UINT16, 5)));
    tags.add(Tag.of("modicon", "40901:int16", DataType.INT16));
    tags.add(Tag.of("modicon_input", "30902", DataType.UINT16));
    tags.add(Tag.newBuilder().name("scaled").address("holding:950:int16").dataType(DataType.INT16).scale(0.1).offset(-40).build());
    return tags;
  }

  static Object valueFor(Tag t) {
    DataType type = t.dataType();
    if (t.name().equals("scaled")) return 21.5;
    if (type.isArray()) {
      switch (type.kind()) {
        case BOOL: return new boolean[] {true, false, true, true, false, false, false, false, false, true};
        case FLOAT32: {
          float[] v = new float[64];
          for (int i = 0; i < v.length; i++) v[i] = (float) Math.sin(i / 10.0);
          return v;
        }
        default: return new int[] {1, 2, 65535, 0, 42};
      }
    }
    switch (type.kind()) {
      case BOOL: return true;
      case STRING: return "Line 1: Übersicht";
      case INT16: return -12345L;
      case UINT16: return 54321L;
      case INT32: return -123456789L;
      case UINT32: return 3_000_000_000L;
      case INT64: return -1_234_567_890_123_456_789L;
      case FLOAT32: return (double) 3.25f;
      default: return Math.PI;
    }
  }

  private void open(boolean rtuOverTcp, List<Tag> tags, String query) {
    plc = ModbusSimulator.newBuilder().unit(1, tags).rtuOverTcp(rtuOverTcp).build();
    plc.start();
    device = Devices.open(plc.uri() + query, DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(5)).build());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldReadEveryTypeWordOrderTableAndAddressFormTheSimulatorHolds(boolean rtuOverTcp) {
    List<Tag> tags = plant();
    open(rtuOverTcp, tags, "");
    for (Tag t : tags) {
      if (!t.name().equals("bit_neighbour")) plc.set(t.name(), valueFor(t));
    }
    SampleBatch batch = device.read(tags).join();
    assertEquals(tags.size(), batch.size());
    for (int i = 0; i < tags.size(); i++) {
      Tag t = tags.get(i);
      assertTrue(batch.isGood(i), t + ": " + batch.quality(i));
      Object expected = t.name().equals("bit_neighbour") ? false : valueFor(t);
      assertValue(t, expected, batch.value(i));
    }
  }

  @ParameterizedTest(name = "rtuOverTcp={0}")
  @ValueSource(booleans = {false, true})
  void shouldWriteEveryTypeSoTheSimulatorReadsItBack(boolean rtuOverTcp) {
    List<Tag> tags = plant();
    open(rtuOverTcp, tags, "");
    plc.set("bit_neighbour", true);
    for (Tag t : tags) {
      if (t.address().startsWith("input") || t.address().startsWith("discrete") || t.address().startsWith("30")
          || t.name().equals("bit_neighbour")) {
        continue;
      }
      device.write(t, valueFor(t)).join();
      assertValue(t, valueFor(t), plc.get(t.name()));
    }
    assertEquals(true, plc.get("bit_neighbour"), "writing one bit leaves its neighbours alone");
    RecordedWrite scaled = plc.writes().stream().filter(w -> w.tagName().equals("scaled")).findFirst().orElseThrow();
    assertEquals(21.5, (Double) scaled.value(), 1e-9);
  }

  @Test
  void shouldUseTheFunctionCodesOfTheModbusSpecificationForWrites() {
    List<Tag> tags = plant();
    open(false, tags, "");
    Tag coil = find(tags, "coil");
    Tag coils = find(tags, "coils");
    Tag int16 = find(tags, "int16_abcd");
    Tag float32 = find(tags, "float32_cdab");
    Tag bit = find(tags, "bit");
    device.write(coil, true).join();
    assertEquals(1, plc.requestCount(5));
    device.write(coils, valueFor(coils)).join();
    assertEquals(1, plc.requestCount(15));
    device.write(int16, -2).join();
    assertEquals(1, plc.requestCount(6));
    device.write(float32, 1.5).join();
    assertEquals(1, plc.requestCount(16), "a multi-register value goes out in one FC16");
    device.write(bit, true).join();
    assertEquals(1, plc.requestCount(22), "one bit of a register is changed with a mask write");
  }

  @Test
  void shouldDecodeRegistersWrittenByHandNotByTheSharedCodec() {
    List<Tag> tags = List.of(
        Tag.of("f_cdab", "holding:0:float32:cdab", DataType.FLOAT32),
        Tag.of("f_abcd", "holding:2:float32", DataType.FLOAT32),
        Tag.of("i_badc", "input:0:int32:badc", DataType.INT32),
        Tag.of("u_dcba", "holding:4:uint32:dcba", DataType.UINT32),
        Tag.of("l_cdab", "holding:6:int64:cdab", DataType.INT64),
        Tag.of("d_abcd", "holding:10:float64", DataType.FLOAT64),
        Tag.of("s", "holding:20:string[3]", DataType.STRING),
        Tag.of("b", "40031.15", DataType.BOOL));
    open(false, tags, "");
    int[][] holding = {{0, 0x0000}, {1, 0x41AC}, {2, 0x41AC}, {3, 0x0000}, {4, 0x7856}, {5, 0x34F2},
        {6, 0x0708}, {7, 0x0506}, {8, 0x0304}, {9, 0x0102}, {10, 0x4009}, {11, 0x21FB}, {12, 0x5444}, {13, 0x2D18},
        {20, 0x4F4B}, {21, 0x2100}, {30, 0x8000}};
    for (int[] r : holding) plc.setRegister(1, ModbusTable.HOLDING_REGISTER, r[0], r[1]);
    plc.setRegister(1, ModbusTable.INPUT_REGISTER, 0, 0x3412);
    plc.setRegister(1, ModbusTable.INPUT_REGISTER, 1, 0x7856);
    SampleBatch b = device.read(tags).join();
    assertEquals(21.5, b.doubleValue(0));
    assertEquals(21.5, b.doubleValue(1));
    assertEquals(0x12345678L, b.longValue(2));
    assertEquals(0xF2345678L, b.longValue(3));
    assertEquals(0x0102030405060708L, b.longValue(4));
    assertEquals(Math.PI, b.doubleValue(5));
    assertEquals("OK!", b.value(6));
    assertEquals(true, b.value(7));
    device.write(tags.get(0), -2.5).join();
    assertEquals(0x0000, plc.register(1, ModbusTable.HOLDING_REGISTER, 0));
    assertEquals(0xC020, plc.register(1, ModbusTable.HOLDING_REGISTER, 1));
  }

  @Test
  void shouldCoalesce1000ScatteredTagsInto32RequestsAndReuseThePlan() {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 1000; i++) tags.add(Tag.of("r" + i, "holding:" + (i * 4), DataType.UINT16));
    open(false, tags, "");
    for (int i = 0; i < 1000; i += 97) plc.set("r" + i, i);
    long before = plc.requestCount();
    SampleBatch batch = device.read(tags).join();
    assertEquals(32, plc.requestCount() - before);
    assertTrue(batch.allGood());
    assertEquals(97L, batch.value(97));
    device.read(tags).join();
    assertEquals(64, plc.requestCount() - before);
  }

  @Test
  void shouldPipelineACyclesRequestsWhenAllowedAndReadTheSameValues() {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 1000; i++) tags.add(Tag.of("r" + i, "holding:" + (i * 4), DataType.UINT16));
    tags.add(Tag.of("wave", "holding:5000:float32[64]", DataType.arrayOf(DataType.Kind.FLOAT32, 64)));
    open(false, tags, "&pipeline=8");
    for (int i = 0; i < 1000; i++) plc.set("r" + i, i);
    plc.set("wave", new float[64]);
    plc.exception("r500", ModbusExceptionCode.ILLEGAL_DATA_ADDRESS);
    SampleBatch batch = device.read(tags).join();
    for (int i = 0; i < 1000; i++) {
      if (i == 500) {
        assertEquals(2, batch.quality(i).rawStatus());
      } else {
        assertEquals((long) i, batch.value(i), "r" + i);
      }
    }
    assertTrue(batch.isGood(1000));
    long before = plc.requestCount();
    device.read(tags).join();
    // The 32 spans re-flow around the hole at holding:2000 into 32, plus two for the array; the hole alone is not
    // asked again until its retry is due (ModbusHoleBackoffTest).
    assertEquals(32 + 2, plc.requestCount() - before, "planned around the hole");
  }

  @Test
  void shouldLearnASmallerRequestSizeFromIllegalDataValueReplies() {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 200; i++) tags.add(Tag.of("r" + i, "holding:" + i, DataType.UINT16));
    plc = ModbusSimulator.newBuilder().unit(1, tags).maxRegistersPerRequest(40).build();
    plc.start();
    for (int i = 0; i < 200; i++) plc.set("r" + i, i);
    device = Devices.open(plc.uri().toString(), DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(5)).build());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    for (int cycle = 0; cycle < 4; cycle++) {
      SampleBatch batch = device.read(tags).join();
      assertTrue(batch.allGood(), "cycle " + cycle + ": every value is read even while the limit is being learnt");
      assertEquals(199L, batch.value(199));
    }
    long before = plc.requestCount();
    device.read(tags).join();
    // Both spans of the first plan are refused: 125 halves the limit to 62, the other span of 75 to 37, which the
    // device takes: 200 registers in ceil(200 / 37) = 6 requests.
    assertEquals(6, plc.requestCount() - before);
  }

  @Test
  void shouldNoticeACallerChangingTheListItReadsAgain() {
    Tag a = Tag.of("a", "holding:0", DataType.UINT16);
    Tag b = Tag.of("b", "holding:1", DataType.UINT16);
    open(false, List.of(a, b), "");
    plc.set("a", 1);
    plc.set("b", 2);
    List<Tag> reused = new ArrayList<>(List.of(a));
    assertEquals(1L, device.read(reused).join().value(0));
    reused.set(0, b);
    assertEquals(2L, device.read(reused).join().value(0));
    reused.add(a);
    SampleBatch both = device.read(reused).join();
    assertEquals(2, both.size());
    assertEquals(1L, both.value(1));
  }

  @Test
  void shouldHonourLowerLimitsPerRequestFromTheUri() {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 100; i++) tags.add(Tag.of("r" + i, "holding:" + i, DataType.UINT16));
    for (int i = 0; i < 100; i++) tags.add(Tag.of("c" + i, "coil:" + (i * 3), DataType.BOOL));
    open(false, tags, "&maxRegisters=20&maxBits=100&maxGap=0");
    long before = plc.requestCount();
    assertTrue(device.read(tags).join().allGood());
    assertEquals(5 + 100, plc.requestCount() - before, "maxGap=0 bridges no bit gap either");
  }

  @Test
  void shouldSplitARefusedBlockAndMarkOnlyTheTagAtTheBadAddressBad() {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < 10; i++) tags.add(Tag.of("r" + i, "holding:" + (100 + i), DataType.UINT16));
    open(false, tags, "");
    for (int i = 0; i < 10; i++) plc.set("r" + i, i + 1);
    plc.exception("r4", ModbusExceptionCode.ILLEGAL_DATA_ADDRESS);

    long before = plc.requestCount();
    SampleBatch first = device.read(tags).join();
    assertEquals(1 + 10, plc.requestCount() - before, "the merged request, then each tag alone");
    for (int i = 0; i < 10; i++) {
      if (i == 4) {
        assertEquals(Quality.Reason.DEVICE_ERROR, first.quality(i).reason());
        assertEquals(2, first.quality(i).rawStatus());
      } else {
        assertTrue(first.isGood(i), "r" + i);
        assertEquals(i + 1L, first.value(i));
      }
    }
    before = plc.requestCount();
    SampleBatch second = device.read(tags).join();
    assertEquals(2, plc.requestCount() - before, "the next cycle plans around the hole: before, after (the hole backs off)");
    assertTrue(second.quality(4).isBad());
    assertEquals(9, java.util.stream.IntStream.range(0, 10).filter(second::isGood).count());
  }

  @Test
  void shouldStopBridgingAGapTheDeviceRefuses() {
    List<Tag> tags = List.of(Tag.of("a", "holding:0", DataType.UINT16), Tag.of("b", "holding:10", DataType.UINT16));
    open(false, tags, "");
    plc.exception(1, ModbusTable.HOLDING_REGISTER, 5, 1, ModbusExceptionCode.ILLEGAL_DATA_ADDRESS);
    long before = plc.requestCount();
    assertTrue(device.read(tags).join().allGood());
    assertEquals(3, plc.requestCount() - before);
    before = plc.requestCount();
    assertTrue(device.read(tags).join().allGood());
    assertEquals(2, plc.requestCount() - before);
  }

  @Test
  void shouldFailAWriteWithTheExceptionCodeAndItsName() {
    List<Tag> tags = plant();
    open(false, tags, "");
    plc.exception("int16_abcd", ModbusExceptionCode.SERVER_DEVICE_BUSY);
    CompletionException e = assertThrows(CompletionException.class, () -> device.write(find(tags, "int16_abcd"), 1).join());
    ModbusDeviceException cause = assertInstanceOf(ModbusDeviceException.class, e.getCause());
    assertEquals(6, cause.code());
    assertEquals(ModbusExceptionCode.SERVER_DEVICE_BUSY, cause.exceptionCode());
    // The same code on the core type, so code that knows no Modbus can still act on it.
    assertEquals(6, ((io.aifactory.sdk.core.DeviceException) cause).rawStatus());
    assertTrue(cause.getMessage().contains("int16_abcd") && cause.getMessage().contains("SERVER_DEVICE_BUSY"), cause.getMessage());
  }

  @Test
  void shouldRefuseWritesToReadOnlyTablesAndValuesThatDoNotFit() {
    List<Tag> tags = plant();
    open(false, tags, "");
    assertThrows(CompletionException.class, () -> device.write(find(tags, "input_int16"), 1).join());
    assertThrows(CompletionException.class, () -> device.write(find(tags, "uint16_abcd"), 70000).join());
    assertThrows(CompletionException.class, () -> device.write(find(tags, "coil"), "yes").join());
    assertEquals(0, plc.writes().size());
  }

  @Test
  void shouldReadBackWritesWhenVerificationIsOn() {
    List<Tag> tags = plant();
    open(false, tags, "&verifyWrites=true");
    device.write(find(tags, "float32_abcd"), 2.5).join();
    assertEquals(1, plc.requestCount(16));
    assertEquals(1, plc.requestCount(3), "the value was read back");
  }

  @Test
  void shouldAnswerForTheUnitIdInTheUri() {
    Tag t = Tag.of("sp", "holding:0", DataType.UINT16);
    plc = ModbusSimulator.newBuilder().unit(1, List.of(t)).unit(7, List.of(Tag.of("sp7", "holding:0", DataType.UINT16))).build();
    plc.start();
    plc.set("sp", 1);
    plc.set("sp7", 7);
    String uri = "modbus+tcp://127.0.0.1:" + plc.port() + "?unit=7";
    device = Devices.open(uri, DeviceOptions.newBuilder().requestTimeout(Duration.ofSeconds(5)).build());
    device.whenConnected().orTimeout(10, TimeUnit.SECONDS).join();
    assertEquals(7L, device.read(List.of(t)).join().value(0));
    device.write(t, 70).join();
    assertEquals(70L, plc.get("sp7"));
    assertEquals(1L, plc.get("sp"));
  }

  private static Tag find(List<Tag> tags, String name) {
    return tags.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
  }

  private static void assertValue(Tag t, Object expected, Object actual) {
    String what = t.toString();
    if (expected instanceof float[]) {
      assertArrayEquals((float[]) expected, (float[]) actual, what);
    } else if (expected instanceof boolean[]) {
      assertArrayEquals((boolean[]) expected, (boolean[]) actual, what);
    } else if (expected instanceof int[]) {
      assertArrayEquals((int[]) expected, (int[]) actual, what);
    } else if (expected instanceof Double) {
      assertEquals((Double) expected, ((Number) actual).doubleValue(), 1e-9, what);
    } else {
      assertTrue(Objects.equals(expected, actual), what + ": expected " + expected + " but was " + actual);
    }
  }
}
