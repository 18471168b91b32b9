package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TagTest {
  @Test
  void shouldConvertBetweenRawAndEngineeringUnits() {
    Tag t = Tag.newBuilder().name("temp").address("holding:1").dataType(DataType.INT16).scale(0.1).offset(-40).unit("°C").build();
    assertEquals(-15.0, t.toEngineering(250), 1e-12);
    assertEquals(250.0, t.toRaw(-15.0), 1e-9);
  }

  @Test
  void shouldCopyWithToBuilder() {
    Tag t = Tag.of("speed", "holding:10:float32", DataType.FLOAT32);
    Tag u = t.toBuilder().deadband(0.5).build();
    assertEquals(t.name(), u.name());
    assertEquals(0.5, u.deadband());
    assertNotEquals(t, u);
    assertEquals(t, Tag.of("speed", "holding:10:float32", DataType.FLOAT32));
  }

  @Test
  void shouldRefuseEmptyName() {
    assertEquals("tag name is empty",
        assertThrows(IllegalArgumentException.class, () -> Tag.of(" ", "coil:1", DataType.BOOL)).getMessage());
  }

  @Test
  void shouldRefuseNaNAndZeroScale() {
    assertEquals("scale is not a finite non-zero number: NaN",
        assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().scale(Double.NaN)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().scale(0));
    assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().offset(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().deadband(-1));
    assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().deadband(Double.NaN));
  }

  @Test
  void shouldRefuseMissingAddressOrType() {
    assertEquals("tag 'x': address is empty",
        assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().name("x").address("").dataType(DataType.BOOL).build()).getMessage());
    assertEquals("tag 'x': data type is missing",
        assertThrows(IllegalArgumentException.class, () -> Tag.newBuilder().name("x").address("coil:1").build()).getMessage());
  }

  @Test
  void shouldRefuseScalingOnTypesItCannotApplyTo() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Tag.newBuilder().name("wave").address("ns=2;s=W").dataType(DataType.parse("float32[256]")).scale(2).build());
    assertEquals("tag 'wave': scale, offset and deadband apply to scalar numbers only, not float32[256]", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Tag.newBuilder().name("run").address("coil:1").dataType(DataType.BOOL).deadband(1).build());
  }
}
