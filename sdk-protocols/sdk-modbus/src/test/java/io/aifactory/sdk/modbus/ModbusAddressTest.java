package io.aifactory.sdk.modbus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import org.junit.jupiter.api.Test;

class ModbusAddressTest {
  @Test
  void shouldParseTableAddressesAsZeroBased() {
    ModbusAddress a = ModbusAddress.parse("holding:100:float32:cdab");
    assertEquals(ModbusTable.HOLDING_REGISTER, a.table());
    assertEquals(100, a.offset());
    assertEquals(DataType.FLOAT32, a.dataType());
    assertEquals(WordOrder.CDAB, a.wordOrder());
    assertEquals(2, a.width());
    assertEquals("holding:100:float32:cdab", a.toString());

    assertEquals(ModbusTable.COIL, ModbusAddress.parse("coil:7").table());
    assertEquals(ModbusTable.DISCRETE_INPUT, ModbusAddress.parse("discrete:0").table());
    ModbusAddress input = ModbusAddress.parse("input:7:int32:abcd");
    assertEquals(ModbusTable.INPUT_REGISTER, input.table());
    assertEquals(7, input.offset());
    assertEquals(WordOrder.ABCD, input.wordOrder());
    assertNull(ModbusAddress.parse("holding:12").wordOrder());
  }

  @Test
  void shouldParseModiconNumbersAsOneBased() {
    assertEquals("holding:0", ModbusAddress.parse("40001").toString());
    assertEquals("input:0", ModbusAddress.parse("30001").toString());
    assertEquals("discrete:0", ModbusAddress.parse("10001").toString());
    assertEquals("coil:0", ModbusAddress.parse("00001").toString());
    assertEquals("holding:65535", ModbusAddress.parse("465536").toString());
    assertEquals("holding:9:float32:dcba", ModbusAddress.parse("40010:float32:dcba").toString());
  }

  @Test
  void shouldRefuseNotationsThatMixZeroAndOneBasedNumbering() {
    AddressException mixed = assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:40001"));
    assertTrue(mixed.getMessage().contains("(= holding:0)") && mixed.getMessage().contains("440002"), mixed.getMessage());
    assertTrue(mixed.getMessage().contains("mixes notations"), mixed.getMessage());
    AddressException zero = assertThrows(AddressException.class, () -> ModbusAddress.parse("40000"));
    assertTrue(zero.getMessage().contains("1-based"), zero.getMessage());
    AddressException bare = assertThrows(AddressException.class, () -> ModbusAddress.parse("100"));
    assertTrue(bare.getMessage().contains("holding:100"), bare.getMessage());
  }

  @Test
  void shouldNameTheExpectedTablesForAnUnknownOne() {
    AddressException e = assertThrows(AddressException.class, () -> ModbusAddress.parse("holdin:3"));
    assertEquals("unknown table 'holdin' (expected coil, discrete, input, holding)", e.getMessage());
  }

  @Test
  void shouldParseBitsStringsAndArrays() {
    ModbusAddress bit = ModbusAddress.parse("holding:10.3");
    assertEquals(10, bit.offset());
    assertEquals(3, bit.bit());
    ModbusAddress s = ModbusAddress.parse("holding:200:string[16]");
    assertEquals(DataType.STRING, s.dataType());
    assertEquals(16, s.stringLength());
    assertEquals(8, s.width());
    ModbusAddress odd = ModbusAddress.parse("holding:200:string[5]");
    assertEquals(3, odd.width());
    ModbusAddress array = ModbusAddress.parse("holding:300:float32[64]");
    assertEquals(128, array.width());
    assertEquals(428, array.end());
    assertEquals(8, ModbusAddress.parse("coil:0:bool[8]").width());
    assertEquals(4, ModbusAddress.parse("input:0:int64").width());
  }

  @Test
  void shouldRefuseShapesThatCannotExist() {
    assertThrows(AddressException.class, () -> ModbusAddress.parse("coil:1.3"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:1.16"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("coil:1:float32"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:65535:float32"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:65536"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:1:string"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:1:float32:xyzw"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:"));
    assertThrows(AddressException.class, () -> ModbusAddress.parse("holding:1:float32:abcd:cdab"));
  }

  @Test
  void shouldTakeTheTypeFromTheTagAndRefuseADisagreement() {
    ModbusAddress a = ModbusAddress.of(Tag.of("t", "holding:5", DataType.UINT32));
    assertEquals(DataType.UINT32, a.dataType());
    assertEquals(2, a.width());
    AddressException e = assertThrows(AddressException.class,
        () -> ModbusAddress.of(Tag.of("t", "holding:5:float32", DataType.INT16)));
    assertTrue(e.getMessage().startsWith("tag 't': "), e.getMessage());
    assertTrue(e.getMessage().contains("float32") && e.getMessage().contains("int16"), e.getMessage());
    assertThrows(AddressException.class, () -> ModbusAddress.of(Tag.of("s", "holding:5", DataType.STRING)));
    assertThrows(AddressException.class, () -> ModbusAddress.of(Tag.of("c", "coil:5", DataType.INT16)));
  }

  @Test
  void shouldParseAUnitIdAfterTheAddressForSlavesOnOneBus() {
    ModbusAddress a = ModbusAddress.parse("holding:100:float32:cdab@3");
    assertEquals(3, a.unit());
    assertEquals(100, a.offset());
    assertEquals(WordOrder.CDAB, a.wordOrder());
    assertEquals("holding:100:float32:cdab@3", a.toString());
    assertEquals("holding:100@17", ModbusAddress.parse("40101@17").toString());
    assertEquals("holding:10.3@2", ModbusAddress.parse("holding:10.3@2").toString());
    assertEquals(-1, ModbusAddress.parse("holding:100").unit());
    assertEquals(1, ModbusAddress.parse("holding:100").unit(1));
    assertEquals(3, a.unit(1));
    assertTrue(!ModbusAddress.parse("holding:1@2").equals(ModbusAddress.parse("holding:1@3")), "the unit is part of the address");
    assertEquals(2, ModbusAddress.of(Tag.of("t", "coil:7@2", DataType.BOOL)).unit());
    for (String bad : new String[] {"holding:1@", "holding:1@256", "holding:1@x", "holding:1@-1"}) {
      AddressException e = assertThrows(AddressException.class, () -> ModbusAddress.parse(bad), bad);
      assertTrue(e.getMessage().contains("0..255"), e.getMessage());
    }
  }
}
