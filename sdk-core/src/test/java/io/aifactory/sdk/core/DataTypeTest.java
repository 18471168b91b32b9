package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DataTypeTest {
  @ParameterizedTest
  @ValueSource(strings = {"bool", "int16", "uint16", "int32", "uint32", "int64", "float32", "float64", "string",
      "float32[256]", "int16[4]", "bool[8]"})
  void shouldParseWhatItPrints(String text) {
    assertEquals(text, DataType.parse(text).toString());
  }

  @Test
  void shouldReturnSharedScalarConstants() {
    assertSame(DataType.FLOAT32, DataType.parse("FLOAT32"));
    assertSame(DataType.UINT16, DataType.of(DataType.Kind.UINT16));
  }

  @Test
  void shouldDescribeArrays() {
    DataType waveform = DataType.parse("float32[256]");
    assertTrue(waveform.isArray());
    assertEquals(256, waveform.length());
    assertEquals(DataType.Kind.FLOAT32, waveform.kind());
    assertFalse(waveform.isScalarNumeric());
    assertEquals(DataType.arrayOf(DataType.Kind.FLOAT32, 256), waveform);
    assertEquals(1, DataType.INT32.length());
  }

  @Test
  void shouldNameTheAcceptedKindsForAnUnknownType() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DataType.parse("float"));
    assertTrue(e.getMessage().startsWith("unknown data type 'float' (expected one of bool, int16"), e.getMessage());
  }

  @Test
  void shouldRefuseBadArrayLengths() {
    assertEquals("array length < 1: -1", assertThrows(IllegalArgumentException.class, () -> DataType.parse("int16[-1]")).getMessage());
    assertEquals("array length < 1: 0", assertThrows(IllegalArgumentException.class, () -> DataType.parse("int16[0]")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> DataType.parse("int16[x]"));
    assertThrows(IllegalArgumentException.class, () -> DataType.parse("int16[4"));
    assertThrows(IllegalArgumentException.class, () -> DataType.parse("string[4]"));
  }
}
