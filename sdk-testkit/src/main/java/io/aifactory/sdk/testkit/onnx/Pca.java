package io.aifactory.sdk.testkit.onnx;

/**
 * Principal component analysis fitted in plain Java on sample rows, for the anomaly model of
 * {@link OnnxModels#pcaReconstructionError}. Immutable.
 *
 * <p>Features are standardised (mean 0, standard deviation 1; a constant feature keeps std 1), the
 * correlation matrix is diagonalised with cyclic Jacobi rotations, and the {@code k} eigenvectors with the
 * largest eigenvalues become the components.
 */
public final class Pca {
  private static final int MAX_SWEEPS = 100;

  private final float[] mean;
  private final float[] std;
  private final float[][] components;

  private Pca(float[] mean, float[] std, float[][] components) {
    this.mean = mean;
    this.std = std;
    this.components = components;
  }

  /** Returns a PCA of {@code samples} ({@code [rows][features]}) keeping {@code k} components. */
  public static Pca fit(float[][] samples, int k) {
    int rows = samples.length;
    if (rows < 2) {
      throw new IllegalArgumentException("rows < 2: " + rows);
    }
    int n = samples[0].length;
    if (k < 1 || k > n) {
      throw new IllegalArgumentException("k not in [1, " + n + "]: " + k);
    }
    double[] mean = new double[n];
    for (float[] row : samples) {
      if (row.length != n) {
        throw new IllegalArgumentException("row has " + row.length + " features, expected " + n);
      }
      for (int f = 0; f < n; f++) {
        mean[f] += row[f];
      }
    }
    for (int f = 0; f < n; f++) {
      mean[f] /= rows;
    }
    double[] std = new double[n];
    for (float[] row : samples) {
      for (int f = 0; f < n; f++) {
        double d = row[f] - mean[f];
        std[f] += d * d;
      }
    }
    for (int f = 0; f < n; f++) {
      std[f] = Math.sqrt(std[f] / rows);
      if (std[f] < 1e-12) {
        std[f] = 1;
      }
    }
    double[][] cov = new double[n][n];
    double[] z = new double[n];
    for (float[] row : samples) {
      for (int f = 0; f < n; f++) {
        z[f] = (row[f] - mean[f]) / std[f];
      }
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          cov[i][j] += z[i] * z[j];
        }
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        cov[i][j] /= rows;
        cov[j][i] = cov[i][j];
      }
    }
    double[][] vectors = new double[n][n];
    double[] values = jacobi(cov, vectors);

    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
    float[][] components = new float[k][n];
    for (int c = 0; c < k; c++) {
      for (int f = 0; f < n; f++) {
        components[c][f] = (float) vectors[f][order[c]];
      }
    }
    return new Pca(toFloat(mean), toFloat(std), components);
  }

  /** Diagonalises symmetric {@code a} in place; returns eigenvalues, eigenvectors go into the columns of v. */
  private static double[] jacobi(double[][] a, double[][] v) {
    int n = a.length;
    for (int i = 0; i < n; i++) {
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off < 1e-22) {
        break;
      }
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          if (Math.abs(a[p][q]) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int r = 0; r < n; r++) {
            double arp = a[r][p];
            double arq = a[r][q];
            a[r][p] = c * arp - s * arq;
            a[r][q] = s * arp + c * arq;
          }
          for (int r = 0; r < n; r++) {
            double apr = a[p][r];
            double aqr = a[q][r];
            a[p][r] = c * apr - s * aqr;
            a[q][r] = s * apr + c * aqr;
          }
          for (int r = 0; r < n; r++) {
            double vrp = v[r][p];
            double vrq = v[r][q];
            v[r][p] = c * vrp - s * vrq;
            v[r][q] = s * vrp + c * vrq;
          }
        }
      }
    }
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = a[i][i];
    }
    return values;
  }

  private static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  public int features() {
    return mean.length;
  }

  public float[] mean() {
    return mean.clone();
  }

  public float[] std() {
    return std.clone();
  }

  /** Returns the components as orthonormal rows, {@code [k][features]}, largest variance first. */
  public float[][] components() {
    float[][] copy = new float[components.length][];
    for (int i = 0; i < components.length; i++) {
      copy[i] = components[i].clone();
    }
    return copy;
  }

  /** Returns the ONNX anomaly model: input {@code [batch, features]}, output {@code score [batch, 1]}. */
  public OnnxModel model() {
    return OnnxModels.pcaReconstructionError(mean, std, components);
  }

  /** Returns the anomaly score of one sample, computed in Java. */
  public float score(float[] sample) {
    return JavaReference.pcaReconstructionError(sample, mean, std, components);
  }
}
