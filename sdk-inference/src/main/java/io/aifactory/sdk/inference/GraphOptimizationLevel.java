package io.aifactory.sdk.inference;

/** ONNX Runtime's graph optimisation levels: what the runtime may rewrite before the first run. */
public enum GraphOptimizationLevel {
  /** No rewriting: run the graph as written. */
  NONE,
  /** Semantics-preserving rewrites such as constant folding and redundant node removal. */
  BASIC,
  /** BASIC plus node fusions. */
  EXTENDED,
  /** Everything, including layout changes. ONNX Runtime's default. */
  ALL
}
