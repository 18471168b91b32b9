package io.aifactory.sdk.inference.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import io.aifactory.sdk.core.tensor.ElementType;
import io.aifactory.sdk.core.tensor.TensorBuffer;
import io.aifactory.sdk.inference.TensorSpec;

/** Conversions between our tensor types and ONNX Runtime's, in one place. */
final class OrtTypes {
  private static final String PREFIX = "ONNX_TENSOR_ELEMENT_DATA_TYPE_";

  private OrtTypes() {}

  static OnnxJavaType javaType(ElementType type) {
    switch (type) {
      case FLOAT32: return OnnxJavaType.FLOAT;
      case FLOAT64: return OnnxJavaType.DOUBLE;
      case INT8: return OnnxJavaType.INT8;
      case UINT8: return OnnxJavaType.UINT8;
      case INT32: return OnnxJavaType.INT32;
      case INT64: return OnnxJavaType.INT64;
      case BOOL: return OnnxJavaType.BOOL;
      case FLOAT16: return OnnxJavaType.FLOAT16;
      default: throw new IllegalArgumentException("no ONNX Runtime type for " + type);
    }
  }

  /** Returns our element type for an ONNX tensor element type, or null if a TensorBuffer cannot hold it. */
  static ElementType elementType(TensorInfo.OnnxTensorType type) {
    switch (type) {
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return ElementType.FLOAT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return ElementType.FLOAT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return ElementType.INT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return ElementType.UINT8;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return ElementType.INT32;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return ElementType.INT64;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return ElementType.BOOL;
      case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return ElementType.FLOAT16;
      default: return null;
    }
  }

  static TensorSpec spec(NodeInfo node) {
    ValueInfo info = node.getInfo();
    if (info instanceof TensorInfo) {
      TensorInfo tensor = (TensorInfo) info;
      String[] names = tensor.getDimensionNames();
      long[] shape = tensor.getShape();
      String[] dimensionNames = new String[shape.length];
      for (int i = 0; i < shape.length; i++) {
        dimensionNames[i] = names != null && i < names.length && names[i] != null ? names[i] : "";
      }
      String onnxType = tensor.onnxType.name();
      if (onnxType.startsWith(PREFIX)) {
        onnxType = onnxType.substring(PREFIX.length());
      }
      return new TensorSpec(node.getName(), elementType(tensor.onnxType), onnxType, shape, dimensionNames);
    }
    // Sequences and maps: no element type or shape a TensorBuffer could match.
    String kind = info.getClass().getSimpleName().replace("Info", "").toUpperCase(java.util.Locale.ROOT);
    return new TensorSpec(node.getName(), null, kind, new long[0], new String[0]);
  }

  /** Wraps the tensor's native memory without copying: ONNX Runtime uses direct buffers in place. */
  static OnnxTensor wrap(OrtEnvironment env, TensorBuffer tensor) throws OrtException {
    return OnnxTensor.createTensor(env, tensor.asByteBuffer(), tensor.shape(), javaType(tensor.elementType()));
  }
}
