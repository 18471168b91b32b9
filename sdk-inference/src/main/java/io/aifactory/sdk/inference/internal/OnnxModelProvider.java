package io.aifactory.sdk.inference.internal;

import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.Model;
import io.aifactory.sdk.core.pipeline.ModelProvider;
import io.aifactory.sdk.inference.ExecutionProvider;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.ModelSource;
import io.aifactory.sdk.inference.OnnxRuntimeModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Opens models of type {@code onnx} from a JSON app's config as {@link OnnxRuntimeModel}s that own their session:
 *
 * <pre>{@code
 * { "name": "spindle", "type": "onnx", "path": "models/spindle.onnx",
 *   "sha256": "9f86d0…", "version": "3", "providers": ["CUDA", "CPU"], "intraOpThreads": 1 }
 * }</pre>
 *
 * <p>{@code path} is relative to the config's folder; {@code resource} instead names a model on the class path
 * (packaged in the application's jar). {@code sha256} pins the file: a file with other bytes is
 * refused before ONNX Runtime sees it. {@code version} is reported unless the file's {@code metadata_props} name one
 * (see {@link OnnxRuntimeModel#info()}).
 * {@code providers} lists {@link ExecutionProvider} names, most preferred first (default: CPU).
 */
public final class OnnxModelProvider implements ModelProvider {
  @Override
  public String type() {
    return "onnx";
  }

  @Override
  public Model open(ConfigNode node, Path baseDirectory) {
    Objects.requireNonNull(baseDirectory, "baseDirectory");
    node.checkFields("name", "type", "path", "resource", "sha256", "version", "providers", "intraOpThreads");
    String name = node.text("name");
    if (node.has("path") == node.has("resource")) {
      throw node.error("", "expected exactly one of path (a file) or resource (on the class path)");
    }
    if (node.has("resource")) {
      // A model packaged in the application's jar, e.g. an example's: loaded through the class loader.
      String resource = node.text("resource");
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      if ((loader != null ? loader : OnnxModelProvider.class.getClassLoader()).getResource(resource) == null) {
        throw node.error("resource", "no model resource '" + resource + "' on the class path");
      }
      ModelSource source = ModelSource.ofResource(loader != null ? loader : OnnxModelProvider.class.getClassLoader(),
          resource);
      if (node.has("sha256")) {
        source = node.convert("sha256", source::pinnedTo);
      }
      return OnnxRuntimeModel.open(name, node.text("version", ""), source, options(node));
    }
    Path file = node.convert("path", text -> {
      try {
        return baseDirectory.resolve(text).normalize();
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("not a file path: \"" + text + "\" (" + e.getReason() + ")", e);
      }
    });
    if (!Files.isRegularFile(file)) {
      throw node.error("path", "model file not found: " + file.toAbsolutePath());
    }
    ModelSource source = ModelSource.ofPath(file);
    if (node.has("sha256")) {
      source = node.convert("sha256", source::pinnedTo);
      // Hash here too, although loading checks the pin again, so that the mistake is reported at its place in
      // the config; the second check still catches a file replaced in between.
      String actual = sha256(node, file);
      if (!actual.equals(source.sha256())) {
        throw node.error("sha256", "model file " + file + " has SHA-256 " + actual + ", but the config pins "
            + source.sha256());
      }
    }
    return OnnxRuntimeModel.open(name, node.text("version", ""), source, options(node));
  }

  private static InferenceOptions options(ConfigNode node) {
    InferenceOptions.Builder options = InferenceOptions.newBuilder();
    if (node.has("providers")) {
      List<ConfigNode> items = node.array("providers");
      if (items.isEmpty()) {
        throw node.error("providers", "expected at least one execution provider, e.g. [\"CPU\"]");
      }
      List<ExecutionProvider> providers = new ArrayList<>();
      for (ConfigNode item : items) {
        String text = item.asText();
        try {
          providers.add(ExecutionProvider.valueOf(text.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw item.error("", "unknown execution provider \"" + text + "\" (expected one of "
              + Arrays.toString(ExecutionProvider.values()) + ")");
        }
      }
      try {
        options.providers(providers.toArray(new ExecutionProvider[0]));
      } catch (IllegalArgumentException e) {
        throw node.error("providers", e.getMessage(), e);
      }
    }
    long threads = node.integer("intraOpThreads", 0);
    if (threads < 0 || threads > Short.MAX_VALUE) {
      throw node.error("intraOpThreads", "expected 0 (ONNX Runtime's default) or a positive thread count, found "
          + threads);
    }
    return options.intraOpThreads((int) threads).build();
  }

  private static String sha256(ConfigNode node, Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] chunk = new byte[64 * 1024];
      for (int n; (n = in.read(chunk)) > 0; ) {
        digest.update(chunk, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw node.error("path", "cannot read model file " + file + ": " + e, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
