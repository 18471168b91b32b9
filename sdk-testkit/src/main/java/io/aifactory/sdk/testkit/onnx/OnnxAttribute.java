package io.aifactory.sdk.testkit.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** A node attribute ({@code AttributeProto}): a named int, float, string, or list of ints or floats. */
public final class OnnxAttribute {
  // AttributeProto.AttributeType values.
  private static final int FLOAT = 1;
  private static final int INT = 2;
  private static final int STRING = 3;
  private static final int FLOATS = 6;
  private static final int INTS = 7;

  private final String name;
  private final int type;
  private final long intValue;
  private final float floatValue;
  private final String stringValue;
  private final long[] ints;
  private final float[] floats;

  private OnnxAttribute(
      String name, int type, long intValue, float floatValue, String stringValue, long[] ints, float[] floats) {
    this.name = Objects.requireNonNull(name, "name");
    this.type = type;
    this.intValue = intValue;
    this.floatValue = floatValue;
    this.stringValue = stringValue;
    this.ints = ints;
    this.floats = floats;
  }

  public static OnnxAttribute of(String name, long value) {
    return new OnnxAttribute(name, INT, value, 0, null, null, null);
  }

  public static OnnxAttribute of(String name, float value) {
    return new OnnxAttribute(name, FLOAT, 0, value, null, null, null);
  }

  public static OnnxAttribute of(String name, String value) {
    return new OnnxAttribute(name, STRING, 0, 0, Objects.requireNonNull(value, "value"), null, null);
  }

  public static OnnxAttribute ofInts(String name, long... values) {
    return new OnnxAttribute(name, INTS, 0, 0, null, values.clone(), null);
  }

  public static OnnxAttribute ofFloats(String name, float... values) {
    return new OnnxAttribute(name, FLOATS, 0, 0, null, null, values.clone());
  }

  public String name() {
    return name;
  }

  ProtoWriter encode() {
    ProtoWriter w = new ProtoWriter().string(1, name);
    switch (type) {
      case FLOAT:
        w.float32(2, floatValue);
        break;
      case INT:
        w.int64(3, intValue);
        break;
      case STRING:
        w.bytes(4, stringValue.getBytes(StandardCharsets.UTF_8));
        break;
      case FLOATS:
        w.packedFloats(7, floats);
        break;
      case INTS:
        w.packedVarints(8, ints);
        break;
      default:
        throw new IllegalStateException("attribute type " + type);
    }
    return w.int64(20, type);
  }
}
