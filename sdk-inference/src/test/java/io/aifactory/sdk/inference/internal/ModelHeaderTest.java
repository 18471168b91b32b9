package io.aifactory.sdk.inference.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModelHeaderTest {
  @Test
  void shouldReadIrVersionProducerVersionAndDefaultOpsetFromRawBytes() {
    byte[] model = {
      0x08, 0x08, // ir_version = 8
      0x12, 0x01, 'p', // producer_name = "p" (skipped)
      0x1A, 0x03, '1', '.', '2', // producer_version = "1.2"
      0x3A, 0x00, // graph = {} (skipped)
      0x42, 0x07, 0x0A, 0x03, 'c', 'o', 'm', 0x10, 0x01, // opset_import {domain "com", version 1}
      0x42, 0x02, 0x10, 0x11, // opset_import {version 17}
    };
    ModelHeader header = ModelHeader.read(model);
    assertEquals(8, header.irVersion);
    assertEquals("1.2", header.producerVersion);
    assertEquals(17, header.opsetVersion);
    assertEquals(java.util.OptionalLong.empty(), header.modelVersion, "no model_version field");
    assertEquals(java.util.OptionalLong.of(0), ModelHeader.read(new byte[] {0x28, 0x00}).modelVersion, "present, 0");
  }

  @Test
  void shouldKeepWhatItReadWhenTheBytesAreTruncated() {
    ModelHeader header = ModelHeader.read(new byte[] {0x08, 0x09, 0x1A, 0x40, '1'});
    assertEquals(9, header.irVersion);
    assertEquals("", header.producerVersion);
  }
}
