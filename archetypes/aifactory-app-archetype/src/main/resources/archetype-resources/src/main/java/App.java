package ${package};

import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.app.AifactoryApp;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.AlarmListener;
import io.aifactory.sdk.core.pipeline.Pipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The application: what it reads, which model scores it and what happens to the results are all in
 * {@code app.json}; this class only starts it. It needs the SDK's core at compile time, and its Modbus driver and
 * ONNX Runtime model provider at run time (found through ServiceLoader from the device URI and the model type).
 *
 * <pre>
 * java -jar target/${artifactId}.jar --uri modbus+tcp://10.0.0.5:502?unit=1   # the PLC of app.json, elsewhere
 * java -jar target/${artifactId}.jar --config line1.json --duration 0         # your own config, until Ctrl-C
 * </pre>
 */
public final class App {
  /** The config packaged with the app (src/main/resources). */
  static final String BUNDLED_CONFIG = "app.json";
  /** The device of app.json whose URI {@code --uri} replaces. */
  static final String DEVICE = "plc";

  private App() {}

  public static void main(String[] args) throws InterruptedException {
    ConfigNode config = null;
    Path baseDir = Path.of(".");
    URI uri = null;
    Duration duration = Duration.ZERO;
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--config" -> {
            Path file = Path.of(value(args, ++i));
            config = ConfigNode.read(file);
            baseDir = file.toAbsolutePath().getParent();
          }
          case "--uri" -> uri = URI.create(value(args, ++i));
          case "--duration" -> duration = ConfigNode.parse("{\"d\": \"" + value(args, ++i) + "\"}", "--duration")
              .duration("d", Duration.ZERO);
          default -> throw new IllegalArgumentException("unknown option '" + args[i]
              + "' (options: --config FILE, --uri URI, --duration 30s)");
        }
      }
    } catch (IllegalArgumentException | AifactoryException e) {
      // A wrong option or config file is the user's to fix: say what, without a stack trace.
      System.err.println(e.getMessage());
      System.exit(2);
    }
    if (config == null) config = bundledConfig();
    AifactoryApp started;
    try {
      started = start(config, baseDir, uri, event -> System.out.println("ALARM " + event));
    } catch (AifactoryException e) {
      // A config mistake, a port in use, a model that does not match: say what, without a stack trace.
      System.err.println("cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (AifactoryApp app = started) {
      Runtime.getRuntime().addShutdownHook(new Thread(app::stop, "app-shutdown"));
      app.awaitStop(duration);
      for (Pipeline p : app.pipelines().values()) {
        System.out.println(p.metrics());
      }
    }
  }

  /**
   * Starts everything {@code config} describes. {@code plcUri}, if not null, replaces the URI of the device
   * {@code plc}: a test points it at a simulated PLC, a plant at its own.
   */
  public static AifactoryApp start(ConfigNode config, Path baseDir, URI plcUri, AlarmListener alarms) {
    AifactoryApp.Builder builder = AifactoryApp.newBuilder().config(config, baseDir).alarmListener(alarms);
    if (plcUri != null) {
      builder.deviceUri(DEVICE, plcUri);
    }
    return builder.start();
  }

  /** Returns the config packaged with the app. */
  public static ConfigNode bundledConfig() {
    try (InputStream in = App.class.getResourceAsStream("/" + BUNDLED_CONFIG)) {
      if (in == null) throw new IllegalStateException(BUNDLED_CONFIG + " missing from the class path");
      return ConfigNode.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED_CONFIG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) throw new IllegalArgumentException(args[i - 1] + " needs a value");
    return args[i];
  }
}
