package io.aifactory.sdk.testkit.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a valid ONNX model from plain Java: graph inputs and outputs (with symbolic dims such as a dynamic
 * batch), initializers, nodes, opset, producer and custom metadata.
 *
 * <p>Op helpers return the name of the value they produce, so a graph reads like the formula it computes:
 *
 * <pre>{@code
 * OnnxModelBuilder b = OnnxModelBuilder.create();
 * String x = b.input("input", OnnxDataType.FLOAT, Dim.batch(), Dim.of(4));
 * String w = b.initializer("W", new float[] {...}, 4, 2);
 * String y = b.relu(b.matMul(x, w));
 * OnnxModel model = b.output("output", y, OnnxDataType.FLOAT, Dim.batch(), Dim.of(2)).build();
 * }</pre>
 *
 * <p>The default is IR version 8 with the default-domain opset 17, which ONNX Runtime 1.x runs with every op
 * offered here. The builder is not thread-safe; it checks that every node input is defined before it writes.
 */
public final class OnnxModelBuilder {
  private long irVersion = 8;
  private long opset = 17;
  private String producerName = "aifactory-testkit";
  private String producerVersion = "0.1";
  private String domain = "";
  /** Null writes no {@code model_version} field, as some exporters do. */
  private Long modelVersion = 1L;
  private String docString = "";
  private String graphName = "graph";
  private final Map<String, String> metadata = new LinkedHashMap<>();
  /** Where initializers are written instead of inside the model, or null to keep them inside. */
  private String externalDataLocation;

  private final List<ValueInfo> inputs = new ArrayList<>();
  private final List<ValueInfo> outputs = new ArrayList<>();
  private final List<Initializer> initializers = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Set<String> defined = new HashSet<>();
  private int nextId;

  private OnnxModelBuilder() {}

  public static OnnxModelBuilder create() {
    return new OnnxModelBuilder();
  }

  public OnnxModelBuilder irVersion(long irVersion) {
    if (irVersion < 3) {
      throw new IllegalArgumentException("irVersion < 3: " + irVersion);
    }
    this.irVersion = irVersion;
    return this;
  }

  /** Sets the default-domain opset; set it before adding Reduce nodes, whose encoding depends on it. */
  public OnnxModelBuilder opset(long opset) {
    if (opset < 13) {
      throw new IllegalArgumentException("opset < 13: " + opset);
    }
    if (!nodes.isEmpty()) {
      throw new IllegalStateException("opset must be set before nodes are added");
    }
    this.opset = opset;
    return this;
  }

  public long opset() {
    return opset;
  }

  public OnnxModelBuilder producer(String name, String version) {
    this.producerName = Objects.requireNonNull(name, "name");
    this.producerVersion = Objects.requireNonNull(version, "version");
    return this;
  }

  public OnnxModelBuilder domain(String domain) {
    this.domain = Objects.requireNonNull(domain, "domain");
    return this;
  }

  public OnnxModelBuilder modelVersion(long modelVersion) {
    this.modelVersion = modelVersion;
    return this;
  }

  /** Leaves the {@code model_version} field out of the model, as some exporters do. */
  public OnnxModelBuilder withoutModelVersion() {
    this.modelVersion = null;
    return this;
  }

  public OnnxModelBuilder docString(String docString) {
    this.docString = Objects.requireNonNull(docString, "docString");
    return this;
  }

  public OnnxModelBuilder graphName(String graphName) {
    this.graphName = Objects.requireNonNull(graphName, "graphName");
    return this;
  }

  /** Adds a custom metadata entry ({@code metadata_props}). */
  public OnnxModelBuilder metadata(String key, String value) {
    metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Writes every initializer's data to the file {@code location} beside the model instead of inside it, as
   * exporters do for large models (ONNX external data: {@code data_location = EXTERNAL} with {@code location},
   * {@code offset} and {@code length} entries). {@link OnnxModel#writeTo} writes both files; the model's bytes
   * alone are then incomplete.
   */
  public OnnxModelBuilder externalData(String location) {
    Objects.requireNonNull(location, "location");
    if (location.isEmpty() || location.contains("/") || location.contains("\\")) {
      throw new IllegalArgumentException("location must be a plain file name: " + location);
    }
    this.externalDataLocation = location;
    return this;
  }

  // ---------------------------------------------------------------- graph inputs, outputs, initializers

  /** Declares a graph input and returns its name. */
  public String input(String name, OnnxDataType type, Dim... dims) {
    define(name);
    inputs.add(new ValueInfo(name, type, dims));
    return name;
  }

  /**
   * Declares a graph output named {@code name} carrying the value {@code from}; when the names differ an
   * Identity node connects them.
   */
  public OnnxModelBuilder output(String name, String from, OnnxDataType type, Dim... dims) {
    Objects.requireNonNull(name, "name");
    if (!name.equals(from)) {
      node("Identity", List.of(from), List.of(name));
    } else if (!defined.contains(from)) {
      throw new IllegalArgumentException("output " + name + " is not produced by any node or input");
    }
    for (ValueInfo output : outputs) {
      if (output.name.equals(name)) {
        throw new IllegalArgumentException("duplicate output: " + name);
      }
    }
    outputs.add(new ValueInfo(name, type, dims));
    return this;
  }

  /** Adds a FLOAT initializer (written as packed {@code float_data}) and returns its name. */
  public String initializer(String name, float[] data, long... dims) {
    checkCount(name, data.length, dims);
    define(name);
    initializers.add(new Initializer(name, OnnxDataType.FLOAT, dims.clone(), data.clone(), null));
    return name;
  }

  /** Adds a FLOAT matrix initializer of shape {@code [rows, columns]} and returns its name. */
  public String initializer(String name, float[][] matrix) {
    int rows = matrix.length;
    int columns = rows == 0 ? 0 : matrix[0].length;
    float[] flat = new float[rows * columns];
    for (int r = 0; r < rows; r++) {
      if (matrix[r].length != columns) {
        throw new IllegalArgumentException(
            name + ": row " + r + " has " + matrix[r].length + " columns, expected " + columns);
      }
      System.arraycopy(matrix[r], 0, flat, r * columns, columns);
    }
    return initializer(name, flat, rows, columns);
  }

  /** Adds an INT64 initializer (written as little-endian {@code raw_data}) and returns its name. */
  public String initializerInt64(String name, long[] data, long... dims) {
    checkCount(name, data.length, dims);
    ByteBuffer raw = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : data) {
      raw.putLong(v);
    }
    return initializerRaw(name, OnnxDataType.INT64, raw.array(), dims);
  }

  /** Adds a FLOAT16 initializer from IEEE half-precision bit patterns and returns its name. */
  public String initializerFloat16(String name, short[] bits, long... dims) {
    checkCount(name, bits.length, dims);
    ByteBuffer raw = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : bits) {
      raw.putShort(v);
    }
    return initializerRaw(name, OnnxDataType.FLOAT16, raw.array(), dims);
  }

  /** Adds an initializer of any element type from its little-endian bytes ({@code raw_data}). */
  public String initializerRaw(String name, OnnxDataType type, byte[] littleEndian, long... dims) {
    long count = checkCount(name, -1, dims);
    if (littleEndian.length != count * type.byteSize()) {
      throw new IllegalArgumentException(name + ": raw bytes " + littleEndian.length + " != "
          + count + " elements * " + type.byteSize() + " bytes of " + type);
    }
    define(name);
    initializers.add(new Initializer(name, type, dims.clone(), null, littleEndian.clone()));
    return name;
  }

  /** Adds a FLOAT constant with a generated name and returns the name. */
  public String constant(float[] data, long... dims) {
    return initializer(freshName("const"), data, dims);
  }

  // ---------------------------------------------------------------- nodes

  /** Adds a node with explicit outputs. */
  public OnnxModelBuilder node(String opType, List<String> nodeInputs, List<String> nodeOutputs,
      OnnxAttribute... attributes) {
    Objects.requireNonNull(opType, "opType");
    for (String in : nodeInputs) {
      if (!in.isEmpty() && !defined.contains(in)) {
        throw new IllegalArgumentException(opType + ": input " + in + " is not defined");
      }
    }
    if (nodeOutputs.isEmpty()) {
      throw new IllegalArgumentException(opType + ": no outputs");
    }
    for (String out : nodeOutputs) {
      define(out);
    }
    nodes.add(new Node(opType, freshName(opType), List.copyOf(nodeInputs), List.copyOf(nodeOutputs),
        List.of(attributes)));
    return this;
  }

  /** Adds a single-output node and returns the generated name of its output. */
  public String node(String opType, List<String> nodeInputs, OnnxAttribute... attributes) {
    String out = freshName(opType.toLowerCase(java.util.Locale.ROOT));
    node(opType, nodeInputs, List.of(out), attributes);
    return out;
  }

  public String identity(String x) {
    return node("Identity", List.of(x));
  }

  public String add(String a, String b) {
    return node("Add", List.of(a, b));
  }

  public String sub(String a, String b) {
    return node("Sub", List.of(a, b));
  }

  public String mul(String a, String b) {
    return node("Mul", List.of(a, b));
  }

  public String div(String a, String b) {
    return node("Div", List.of(a, b));
  }

  public String matMul(String a, String b) {
    return node("MatMul", List.of(a, b));
  }

  /** Returns {@code alpha * A' * B' + beta * C}, where ' transposes when asked. */
  public String gemm(String a, String b, String c, float alpha, float beta, boolean transA, boolean transB) {
    return node("Gemm", List.of(a, b, c), OnnxAttribute.of("alpha", alpha), OnnxAttribute.of("beta", beta),
        OnnxAttribute.of("transA", transA ? 1L : 0L), OnnxAttribute.of("transB", transB ? 1L : 0L));
  }

  /** Returns {@code A * B + C}. */
  public String gemm(String a, String b, String c) {
    return gemm(a, b, c, 1f, 1f, false, false);
  }

  public String relu(String x) {
    return node("Relu", List.of(x));
  }

  public String sigmoid(String x) {
    return node("Sigmoid", List.of(x));
  }

  public String tanh(String x) {
    return node("Tanh", List.of(x));
  }

  /** Reshapes {@code x}; {@code 0} copies a dimension of the input and {@code -1} infers one. */
  public String reshape(String x, long... shape) {
    String target = initializerInt64(freshName("shape"), shape, shape.length);
    return node("Reshape", List.of(x, target));
  }

  /** Flattens {@code x} to 2-D: dimensions before {@code axis} form the rows, the rest the columns. */
  public String flatten(String x, long axis) {
    return node("Flatten", List.of(x), OnnxAttribute.of("axis", axis));
  }

  public String concat(long axis, String... values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("concat needs at least one input");
    }
    return node("Concat", List.of(values), OnnxAttribute.of("axis", axis));
  }

  /** ReduceMean over {@code axes}; written as an attribute before opset 18 and as an input from 18 on. */
  public String reduceMean(String x, boolean keepDims, long... axes) {
    return reduce("ReduceMean", 18, x, keepDims, axes);
  }

  /** ReduceSum over {@code axes}; written as an attribute before opset 13 and as an input from 13 on. */
  public String reduceSum(String x, boolean keepDims, long... axes) {
    return reduce("ReduceSum", 13, x, keepDims, axes);
  }

  private String reduce(String op, long axesAsInputSince, String x, boolean keepDims, long... axes) {
    OnnxAttribute keep = OnnxAttribute.of("keepdims", keepDims ? 1L : 0L);
    if (opset >= axesAsInputSince) {
      String axesName = initializerInt64(freshName("axes"), axes, axes.length);
      return node(op, List.of(x, axesName), keep);
    }
    return node(op, List.of(x), keep, OnnxAttribute.ofInts("axes", axes));
  }

  // ---------------------------------------------------------------- writing

  /** Returns the model; fails if it has no output. */
  public OnnxModel build() {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("the graph has no output");
    }
    ProtoWriter graph = new ProtoWriter();
    for (Node node : nodes) {
      graph.message(1, node.encode());
    }
    graph.string(2, graphName);
    java.io.ByteArrayOutputStream external = externalDataLocation == null ? null : new java.io.ByteArrayOutputStream();
    for (Initializer init : initializers) {
      graph.message(5, external == null ? init.encode() : init.encodeExternal(externalDataLocation, external));
    }
    if (!docString.isEmpty()) {
      graph.string(10, docString);
    }
    for (ValueInfo in : inputs) {
      graph.message(11, in.encode());
    }
    for (ValueInfo out : outputs) {
      graph.message(12, out.encode());
    }

    ProtoWriter model = new ProtoWriter()
        .int64(1, irVersion)
        .string(2, producerName)
        .string(3, producerVersion);
    if (!domain.isEmpty()) {
      model.string(4, domain);
    }
    if (modelVersion != null) {
      model.int64(5, modelVersion);
    }
    if (!docString.isEmpty()) {
      model.string(6, docString);
    }
    model.message(7, graph);
    model.message(8, new ProtoWriter().string(1, "").int64(2, opset));
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      model.message(14, new ProtoWriter().string(1, e.getKey()).string(2, e.getValue()));
    }
    return new OnnxModel(model.toByteArray(), names(inputs), names(outputs), externalDataLocation,
        external == null ? null : external.toByteArray());
  }

  private static List<String> names(List<ValueInfo> values) {
    List<String> names = new ArrayList<>();
    for (ValueInfo v : values) {
      names.add(v.name);
    }
    return names;
  }

  private void define(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name is empty");
    }
    if (!defined.add(name)) {
      throw new IllegalArgumentException("name already defined: " + name);
    }
  }

  private String freshName(String prefix) {
    String name;
    do {
      name = prefix + "_" + nextId++;
    } while (defined.contains(name));
    return name;
  }

  private static long checkCount(String name, int count, long... dims) {
    long expected = 1;
    for (long d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException(name + ": dim < 0: " + Arrays.toString(dims));
      }
      expected *= d;
    }
    if (count >= 0 && count != expected) {
      throw new IllegalArgumentException(
          name + ": " + count + " values for shape " + Arrays.toString(dims) + " (" + expected + " elements)");
    }
    return expected;
  }

  private static final class ValueInfo {
    final String name;
    final OnnxDataType type;
    final Dim[] dims;

    ValueInfo(String name, OnnxDataType type, Dim[] dims) {
      this.name = name;
      this.type = Objects.requireNonNull(type, "type");
      this.dims = dims.clone();
    }

    ProtoWriter encode() {
      ProtoWriter shape = new ProtoWriter();
      for (Dim dim : dims) {
        ProtoWriter d = new ProtoWriter();
        if (dim.isSymbolic()) {
          d.string(2, dim.param());
        } else {
          d.int64(1, dim.value());
        }
        shape.message(1, d);
      }
      ProtoWriter tensorType = new ProtoWriter().int64(1, type.code()).message(2, shape);
      ProtoWriter typeProto = new ProtoWriter().message(1, tensorType);
      return new ProtoWriter().string(1, name).message(2, typeProto);
    }
  }

  private static final class Initializer {
    final String name;
    final OnnxDataType type;
    final long[] dims;
    final float[] floats;
    final byte[] raw;

    Initializer(String name, OnnxDataType type, long[] dims, float[] floats, byte[] raw) {
      this.name = name;
      this.type = type;
      this.dims = dims;
      this.floats = floats;
      this.raw = raw;
    }

    ProtoWriter encode() {
      ProtoWriter w = new ProtoWriter();
      if (dims.length > 0) {
        w.packedVarints(1, dims);
      }
      w.int64(2, type.code());
      if (floats != null) {
        w.packedFloats(4, floats);
      }
      w.string(8, name);
      if (raw != null) {
        w.bytes(9, raw);
      }
      return w;
    }

    /** Appends the data, little-endian, to {@code file} and encodes a tensor that points to it there. */
    ProtoWriter encodeExternal(String location, java.io.ByteArrayOutputStream file) {
      byte[] data = raw;
      if (floats != null) {
        ByteBuffer b = ByteBuffer.allocate(4 * floats.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : floats) {
          b.putFloat(f);
        }
        data = b.array();
      }
      long offset = file.size();
      file.write(data, 0, data.length);
      ProtoWriter w = new ProtoWriter();
      if (dims.length > 0) {
        w.packedVarints(1, dims);
      }
      w.int64(2, type.code());
      w.string(8, name);
      w.message(13, new ProtoWriter().string(1, "location").string(2, location));
      w.message(13, new ProtoWriter().string(1, "offset").string(2, Long.toString(offset)));
      w.message(13, new ProtoWriter().string(1, "length").string(2, Long.toString(data.length)));
      w.int64(14, 1); // data_location = EXTERNAL
      return w;
    }
  }

  private static final class Node {
    final String opType;
    final String name;
    final List<String> inputs;
    final List<String> outputs;
    final List<OnnxAttribute> attributes;

    Node(String opType, String name, List<String> inputs, List<String> outputs, List<OnnxAttribute> attributes) {
      this.opType = opType;
      this.name = name;
      this.inputs = inputs;
      this.outputs = outputs;
      this.attributes = attributes;
    }

    ProtoWriter encode() {
      ProtoWriter w = new ProtoWriter();
      for (String in : inputs) {
        w.string(1, in);
      }
      for (String out : outputs) {
        w.string(2, out);
      }
      w.string(3, name).string(4, opType);
      for (OnnxAttribute attribute : attributes) {
        w.message(5, attribute.encode());
      }
      return w;
    }
  }
}
