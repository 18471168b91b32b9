package io.aifactory.sdk.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Tag;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UInteger;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;
import org.junit.jupiter.api.Test;

class ValuesTest {
  static final Tag UINT16 = Tag.of("u16", "ns=2;s=U16", DataType.UINT16);
  static final Tag WAVE = Tag.of("wave", "ns=2;s=W", DataType.arrayOf(DataType.Kind.FLOAT32, 4));
  static final Tag SCALED = Tag.newBuilder().name("t").address("ns=2;s=T").dataType(DataType.INT16).scale(0.1).offset(-20).build();

  @Test
  void shouldSendTheBuiltInTypeOfTheTag() {
    assertEquals(UShort.valueOf(65000), Values.toVariant(UINT16, 65000).getValue());
    assertEquals(UInteger.valueOf(4_000_000_000L),
        Values.toVariant(Tag.of("u32", "ns=2;s=U32", DataType.UINT32), 4_000_000_000L).getValue());
    assertEquals((short) 500, Values.toVariant(SCALED, 30.0).getValue());
    assertEquals(1.5f, Values.toVariant(Tag.of("f", "ns=2;s=F", DataType.FLOAT32), 1.5).getValue());
    assertArrayEquals(new Float[] {1f, 2f, 3f, 4f}, (Float[]) Values.toVariant(WAVE, new float[] {1, 2, 3, 4}).getValue());
  }

  @Test
  void shouldRefuseValuesThatDoNotFitNamingTheTag() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Values.toVariant(UINT16, 70000));
    assertTrue(e.getMessage().contains("u16") && e.getMessage().contains("65535"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Values.toVariant(WAVE, new float[3]));
    assertTrue(e.getMessage().contains("float32[4]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Values.toVariant(UINT16, "12"));
  }

  @Test
  void shouldDeliverArraysAsPrimitiveArraysAndScaleNumbers() {
    SampleBatch.Builder rows = SampleBatch.newBuilder(3);
    Values.addRow(rows, WAVE, new Float[] {1f, 2f, 3f, 4f}, Quality.GOOD, 1);
    Values.addRow(rows, SCALED, (short) 500, Quality.GOOD, 1);
    Values.addRow(rows, UINT16, UShort.valueOf(65000), Quality.GOOD, 1);
    SampleBatch batch = rows.build();
    assertArrayEquals(new float[] {1, 2, 3, 4}, assertInstanceOf(float[].class, batch.value(0)));
    assertEquals(30.0, batch.doubleValue(1), 1e-9);
    assertEquals(65000L, batch.longValue(2));
  }

  @Test
  void shouldMarkAValueOfTheWrongTypeAsAConfigError() {
    SampleBatch.Builder rows = SampleBatch.newBuilder(2);
    Values.addRow(rows, WAVE, new Float[] {1f, 2f}, Quality.GOOD, 1);
    Values.addRow(rows, UINT16, "text", Quality.GOOD, 1);
    SampleBatch batch = rows.build();
    assertEquals(Quality.Reason.CONFIG_ERROR, batch.quality(0).reason());
    assertTrue(batch.quality(0).detail().contains("Float[2]"), batch.quality(0).detail());
    assertEquals(Quality.Reason.CONFIG_ERROR, batch.quality(1).reason());
  }
}
