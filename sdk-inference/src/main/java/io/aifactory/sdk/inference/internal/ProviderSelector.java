package io.aifactory.sdk.inference.internal;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import ai.onnxruntime.providers.OrtTensorRTProviderOptions;
import io.aifactory.sdk.core.InferenceException;
import io.aifactory.sdk.inference.ExecutionProvider;
import io.aifactory.sdk.inference.InferenceOptions;
import io.aifactory.sdk.inference.NativeLogLevel;
import io.aifactory.sdk.inference.ProviderOptions;
import io.aifactory.sdk.inference.ProviderSelection;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a session on the first execution provider that actually initialises.
 *
 * <p>ONNX Runtime lists the providers compiled into its native library, not the ones that work on this
 * machine, so each is tried for real: added to fresh session options, then used to create the session. A
 * failure at either step skips the provider with ONNX Runtime's own message as the reason.
 */
final class ProviderSelector {
  private static final Logger LOG = LoggerFactory.getLogger(ProviderSelector.class);

  private ProviderSelector() {}

  static final class Opened {
    final OrtSession session;
    final ProviderSelection selection;

    Opened(OrtSession session, ProviderSelection selection) {
      this.session = session;
      this.selection = selection;
    }
  }

  /** Creates a session from the model's bytes or its file: ONNX Runtime has one method for each. */
  @FunctionalInterface
  interface Loader {
    OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
  }

  static Opened open(OrtEnvironment env, Loader model, String modelName, InferenceOptions options) {
    List<ProviderSelection.Skipped> skipped = new ArrayList<>();
    OrtException modelError = null;
    for (ProviderOptions provider : options.providers()) {
      if (options.requireAccelerator() && !provider.provider().isAccelerator()) {
        skipped.add(new ProviderSelection.Skipped(provider.provider(), "requireAccelerator is set"));
        continue;
      }
      List<AutoCloseable> providerResources = new ArrayList<>();
      try (OrtSession.SessionOptions sessionOptions = baseOptions(options)) {
        try {
          apply(provider, sessionOptions, providerResources);
        } catch (OrtException | RuntimeException | LinkageError e) {
          skip(skipped, provider, modelName, reason(e));
          continue;
        }
        try {
          OrtSession session = model.create(env, sessionOptions);
          ProviderSelection selection = new ProviderSelection(provider.provider(), skipped);
          LOG.info("model {}: running on {}{}", modelName, provider,
              skipped.isEmpty() ? "" : " (skipped " + skipped + ")");
          return new Opened(session, selection);
        } catch (OrtException e) {
          if (!provider.provider().isAccelerator()) {
            // CPU always initialises: a failure here is the model's fault.
            throw invalidModel(modelName, e);
          }
          modelError = e;
          skip(skipped, provider, modelName, reason(e));
        }
      } catch (OrtException e) {
        throw new InferenceException("model " + modelName + ": invalid session options " + options + ": "
            + reason(e), e);
      } finally {
        closeAll(providerResources);
      }
    }
    if (options.requireAccelerator()) {
      throw new InferenceException("model " + modelName + ": no accelerator initialised and requireAccelerator"
          + " is set; tried " + skipped);
    }
    throw new InferenceException("model " + modelName + ": no execution provider initialised; tried " + skipped,
        modelError);
  }

  private static void skip(List<ProviderSelection.Skipped> skipped, ProviderOptions provider, String modelName,
      String reason) {
    skipped.add(new ProviderSelection.Skipped(provider.provider(), reason));
    LOG.info("model {}: execution provider {} skipped: {}", modelName, provider.provider(), reason);
  }

  static InferenceException invalidModel(String modelName, OrtException e) {
    return new InferenceException("model " + modelName + ": not a valid ONNX model or not loadable by ONNX"
        + " Runtime: " + reason(e), e);
  }

  private static OrtSession.SessionOptions baseOptions(InferenceOptions options) throws OrtException {
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    try {
      if (options.intraOpThreads() > 0) {
        so.setIntraOpNumThreads(options.intraOpThreads());
      }
      if (options.interOpThreads() > 0) {
        so.setInterOpNumThreads(options.interOpThreads());
      }
      so.setOptimizationLevel(optLevel(options));
      for (java.util.Map.Entry<String, String> e : options.configEntries().entrySet()) {
        so.addConfigEntry(e.getKey(), e.getValue());
      }
      if (options.optimizedModelPath() != null) {
        so.setOptimizedModelFilePath(options.optimizedModelPath().toString());
      }
      if (options.nativeLogLevel() != null) {
        // The session's level also governs its runs: a run's own level is unset, so ONNX Runtime takes this one.
        so.setSessionLogLevel(logLevel(options.nativeLogLevel()));
      }
      return so;
    } catch (OrtException | RuntimeException e) {
      so.close();
      throw e;
    }
  }

  static OrtLoggingLevel logLevel(NativeLogLevel level) {
    switch (level) {
      case VERBOSE: return OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE;
      case INFO: return OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO;
      case WARNING: return OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING;
      case ERROR: return OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR;
      case FATAL: return OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
      default: throw new AssertionError(level);
    }
  }

  private static OrtSession.SessionOptions.OptLevel optLevel(InferenceOptions options) {
    switch (options.optimizationLevel()) {
      case NONE: return OrtSession.SessionOptions.OptLevel.NO_OPT;
      case BASIC: return OrtSession.SessionOptions.OptLevel.BASIC_OPT;
      case EXTENDED: return OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
      default: return OrtSession.SessionOptions.OptLevel.ALL_OPT;
    }
  }

  private static void apply(ProviderOptions p, OrtSession.SessionOptions so, List<AutoCloseable> resources)
      throws OrtException {
    switch (p.provider()) {
      case CUDA: {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(p.deviceId());
        resources.add(cuda);
        if (p.gpuMemoryLimitBytes() > 0) {
          cuda.add("gpu_mem_limit", Long.toString(p.gpuMemoryLimitBytes()));
        }
        so.addCUDA(cuda);
        break;
      }
      case TENSORRT: {
        OrtTensorRTProviderOptions trt = new OrtTensorRTProviderOptions(p.deviceId());
        resources.add(trt);
        if (p.gpuMemoryLimitBytes() > 0) {
          trt.add("trt_max_workspace_size", Long.toString(p.gpuMemoryLimitBytes()));
        }
        if (p.engineCacheDirectory() != null) {
          trt.add("trt_engine_cache_enable", "1");
          trt.add("trt_engine_cache_path", p.engineCacheDirectory().toString());
        }
        so.addTensorrt(trt);
        break;
      }
      case OPENVINO:
        so.addOpenVINO(p.openVinoDeviceType());
        break;
      case DIRECTML:
        so.addDirectML(p.deviceId());
        break;
      case COREML:
        so.addCoreML();
        break;
      case ROCM:
        so.addROCM(p.deviceId());
        break;
      case CPU:
        break;
      default:
        throw new AssertionError(p.provider());
    }
  }

  /** Returns ONNX Runtime's message without its "Error code - X - message:" preamble, keeping the code. */
  static String reason(Throwable e) {
    String message = String.valueOf(e.getMessage());
    if (e instanceof OrtException) {
      int at = message.indexOf("message: ");
      String text = at >= 0 ? message.substring(at + "message: ".length()) : message;
      return ((OrtException) e).getCode() + ": " + text.strip();
    }
    return e.getClass().getSimpleName() + ": " + message;
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception e) {
        LOG.debug("closing provider options failed", e);
      }
    }
  }
}
