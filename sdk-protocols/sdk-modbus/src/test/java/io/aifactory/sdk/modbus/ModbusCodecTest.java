package io.aifactory.sdk.modbus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import org.junit.jupiter.api.Test;

/**
 * Register bytes written by hand for every type and word order, so that a bug shared by the driver and the
 * simulator (which use this codec on both ends) cannot hide.
 */
class ModbusCodecTest {
  @Test
  void shouldLayOutFloat32InEveryWordOrder() {
    float pi = Float.intBitsToFloat(0x40490FDB);
    check("holding:0:float32:abcd", DataType.FLOAT32, (double) pi, 0x40, 0x49, 0x0F, 0xDB);
    check("holding:0:float32:cdab", DataType.FLOAT32, (double) pi, 0x0F, 0xDB, 0x40, 0x49);
    check("holding:0:float32:badc", DataType.FLOAT32, (double) pi, 0x49, 0x40, 0xDB, 0x0F);
    check("holding:0:float32:dcba", DataType.FLOAT32, (double) pi, 0xDB, 0x0F, 0x49, 0x40);
  }

  @Test
  void shouldLayOutInt32AndUint32InEveryWordOrder() {
    check("input:0:int32:abcd", DataType.INT32, 0x12345678L, 0x12, 0x34, 0x56, 0x78);
    check("input:0:int32:cdab", DataType.INT32, 0x12345678L, 0x56, 0x78, 0x12, 0x34);
    check("input:0:int32:badc", DataType.INT32, 0x12345678L, 0x34, 0x12, 0x78, 0x56);
    check("input:0:int32:dcba", DataType.INT32, 0x12345678L, 0x78, 0x56, 0x34, 0x12);
    check("input:0:int32", DataType.INT32, -2L, 0xFF, 0xFF, 0xFF, 0xFE);
    check("holding:0:uint32:abcd", DataType.UINT32, 0xF2345678L, 0xF2, 0x34, 0x56, 0x78);
    check("holding:0:uint32:cdab", DataType.UINT32, 0xF2345678L, 0x56, 0x78, 0xF2, 0x34);
    check("holding:0:uint32:badc", DataType.UINT32, 0xF2345678L, 0x34, 0xF2, 0x78, 0x56);
    check("holding:0:uint32:dcba", DataType.UINT32, 0xF2345678L, 0x78, 0x56, 0x34, 0xF2);
  }

  @Test
  void shouldLayOut64BitValuesInEveryWordOrder() {
    long v = 0x0102030405060708L;
    check("holding:0:int64:abcd", DataType.INT64, v, 1, 2, 3, 4, 5, 6, 7, 8);
    check("holding:0:int64:cdab", DataType.INT64, v, 7, 8, 5, 6, 3, 4, 1, 2);
    check("holding:0:int64:badc", DataType.INT64, v, 2, 1, 4, 3, 6, 5, 8, 7);
    check("holding:0:int64:dcba", DataType.INT64, v, 8, 7, 6, 5, 4, 3, 2, 1);
    check("holding:0:int64", DataType.INT64, Long.MIN_VALUE + 1, 0x80, 0, 0, 0, 0, 0, 0, 1);
    check("holding:0:float64:abcd", DataType.FLOAT64, 1.0, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0);
    check("holding:0:float64:cdab", DataType.FLOAT64, 1.0, 0, 0, 0, 0, 0, 0, 0x3F, 0xF0);
    check("holding:0:float64:badc", DataType.FLOAT64, 1.0, 0xF0, 0x3F, 0, 0, 0, 0, 0, 0);
    check("holding:0:float64:dcba", DataType.FLOAT64, 1.0, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F);
  }

  @Test
  void shouldLayOut16BitValues() {
    check("holding:0:int16", DataType.INT16, -2L, 0xFF, 0xFE);
    check("holding:0:int16:badc", DataType.INT16, -2L, 0xFE, 0xFF);
    check("holding:0:uint16", DataType.UINT16, 65534L, 0xFF, 0xFE);
    check("holding:0:uint16:dcba", DataType.UINT16, 0x1234L, 0x34, 0x12);
    check("holding:0:bool", DataType.BOOL, true, 0x00, 0x01);
  }

  @Test
  void shouldLayOutStringsHighByteFirstPaddedWithNul() {
    check("holding:0:string[5]", DataType.STRING, "AB C", 0x41, 0x42, 0x20, 0x43, 0x00, 0x00);
    check("holding:0:string[4]:badc", DataType.STRING, "ABCD", 0x42, 0x41, 0x44, 0x43);
    Tag t = Tag.of("s", "holding:0:string[2]", DataType.STRING);
    assertThrows(IllegalArgumentException.class,
        () -> ModbusCodec.encodeRegisters(ModbusAddress.of(t), WordOrder.ABCD, t, "too long", new byte[2], 0));
    assertThrows(IllegalArgumentException.class,
        () -> ModbusCodec.encodeRegisters(ModbusAddress.of(t), WordOrder.ABCD, t, "\u2013", new byte[2], 0));
    check("holding:0:string[2]", DataType.STRING, "\u00fc", 0xFC, 0x00);
  }

  @Test
  void shouldLayOutArraysElementByElement() {
    Tag t = Tag.of("a", "holding:0:float32[2]:cdab", DataType.arrayOf(DataType.Kind.FLOAT32, 2));
    ModbusAddress a = ModbusAddress.of(t);
    byte[] raw = bytes(0x00, 0x00, 0x3F, 0x80, 0x00, 0x00, 0xC0, 0x20);
    assertArrayEquals(new float[] {1.0f, -2.5f}, (float[]) ModbusCodec.decodeRegisterValue(a, a.wordOrder(WordOrder.ABCD), t, raw, 0));
    byte[] out = new byte[8];
    ModbusCodec.encodeRegisters(a, a.wordOrder(WordOrder.ABCD), t, new float[] {1.0f, -2.5f}, out, 0);
    assertArrayEquals(raw, out);
    Tag i16 = Tag.of("b", "input:0:int16[3]", DataType.arrayOf(DataType.Kind.INT16, 3));
    assertArrayEquals(new short[] {1, -1, 256},
        (short[]) ModbusCodec.decodeRegisterValue(ModbusAddress.of(i16), WordOrder.ABCD, i16, bytes(0, 1, 0xFF, 0xFF, 1, 0), 0));
  }

  @Test
  void shouldReadAndSetOneBitOfARegister() {
    Tag t = Tag.of("b", "holding:10.3", DataType.BOOL);
    ModbusAddress a = ModbusAddress.of(t);
    assertEquals(true, ModbusCodec.decodeRegisterValue(a, WordOrder.ABCD, t, bytes(0x00, 0x08), 0));
    assertEquals(false, ModbusCodec.decodeRegisterValue(a, WordOrder.ABCD, t, bytes(0xFF, 0xF7), 0));
    byte[] reg = bytes(0x80, 0x01);
    ModbusCodec.encodeRegisters(a, WordOrder.ABCD, t, true, reg, 0);
    assertArrayEquals(bytes(0x80, 0x09), reg);
    ModbusCodec.encodeRegisters(a, WordOrder.ABCD, t, false, reg, 0);
    assertArrayEquals(bytes(0x80, 0x01), reg);
  }

  @Test
  void shouldPackBitsLeastSignificantFirst() {
    Tag t = Tag.of("c", "coil:0:bool[10]", DataType.arrayOf(DataType.Kind.BOOL, 10));
    ModbusAddress a = ModbusAddress.of(t);
    boolean[] v = {true, false, true, true, false, false, false, false, false, true};
    byte[] packed = new byte[2];
    ModbusCodec.encodeBits(a, t, v, packed, 0);
    assertArrayEquals(bytes(0x0D, 0x02), packed);
    assertArrayEquals(v, (boolean[]) ModbusCodec.decodeBitValue(a, packed, 0));
  }

  @Test
  void shouldApplyScaleAndOffsetAfterDecodingAndReverseThemOnWrite() {
    Tag t = Tag.newBuilder().name("temp").address("holding:0:int16").dataType(DataType.INT16).scale(0.1).offset(-10).build();
    ModbusAddress a = ModbusAddress.of(t);
    byte[] raw = bytes(0x00, 0xFA); // 250 × 0.1 − 10 = 15.0
    assertEquals(15.0, (Double) ModbusCodec.decodeRegisterValue(a, WordOrder.ABCD, t, raw, 0), 1e-9);
    SampleBatch.Builder b = SampleBatch.newBuilder(1);
    ModbusCodec.decodeRegisters(a, WordOrder.ABCD, t, raw, 0, b, 1);
    assertEquals(15.0, b.build().doubleValue(0), 1e-9);
    byte[] out = new byte[2];
    ModbusCodec.encodeRegisters(a, WordOrder.ABCD, t, 15.0, out, 0);
    assertArrayEquals(raw, out);
  }

  @Test
  void shouldRefuseValuesThatDoNotFitTheRawType() {
    Tag t = Tag.of("u", "holding:0:uint16", DataType.UINT16);
    ModbusAddress a = ModbusAddress.of(t);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ModbusCodec.encodeRegisters(a, WordOrder.ABCD, t, 70000, new byte[2], 0));
    assertTrue(e.getMessage().contains("'u'") && e.getMessage().contains("uint16"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ModbusCodec.encodeRegisters(a, WordOrder.ABCD, t, -1, new byte[2], 0));
    assertThrows(IllegalArgumentException.class, () -> ModbusCodec.encodeRegisters(a, WordOrder.ABCD, t, "x", new byte[2], 0));
  }

  /** Decodes the hand-written bytes, expecting {@code value}, then encodes {@code value}, expecting the bytes. */
  private static void check(String address, DataType type, Object value, int... raw) {
    Tag tag = Tag.of("t", address, type);
    ModbusAddress a = ModbusAddress.of(tag);
    byte[] wire = bytes(raw);
    Object decoded = ModbusCodec.decodeRegisterValue(a, a.wordOrder(WordOrder.ABCD), tag, wire, 0);
    assertEquals(value, decoded, address);
    byte[] encoded = new byte[a.width() * 2];
    ModbusCodec.encodeRegisters(a, a.wordOrder(WordOrder.ABCD), tag, value, encoded, 0);
    assertArrayEquals(wire, encoded, address);
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < b.length; i++) b[i] = (byte) values[i];
    return b;
  }
}
