package io.aifactory.sdk.testkit.onnx;

/** Element types of ONNX tensors, with their {@code TensorProto.DataType} codes and sizes in bytes. */
public enum OnnxDataType {
  FLOAT(1, 4),
  UINT8(2, 1),
  INT8(3, 1),
  UINT16(4, 2),
  INT16(5, 2),
  INT32(6, 4),
  INT64(7, 8),
  BOOL(9, 1),
  FLOAT16(10, 2),
  DOUBLE(11, 8),
  UINT32(12, 4),
  UINT64(13, 8),
  BFLOAT16(16, 2);

  private final int code;
  private final int byteSize;

  OnnxDataType(int code, int byteSize) {
    this.code = code;
    this.byteSize = byteSize;
  }

  /** Returns the {@code TensorProto.DataType} value written into the model. */
  public int code() {
    return code;
  }

  public int byteSize() {
    return byteSize;
  }
}
